// S3-FIFO: three static FIFO queues (Yang, Zhang, Qiu, Yue and Rashmi, "FIFO queues are all you
// need for cache eviction", SOSP 2023).
// Theory: a small queue S (10 % of the frames) filters one-hit wonders, a main queue M (the rest)
// is a FIFO with reinsertion (a 2-bit clock), and a ghost queue G (90 % of the frame count, pages
// only) remembers what S evicted. Each resident page counts its hits, up to 3. A missed page found
// in G goes to M, any other to S. To evict: when M holds more than its share, or S is empty, M's
// oldest page is reinserted with its count minus one if the count is non-zero, else evicted; else
// S's oldest page moves to M if it was hit at least `threshold` times, else it is evicted and its
// page enters G. This is the paper's version: libCacheSim's S3FIFO.c since Dec 2024 also sends new
// pages to M while S is full before the first eviction; the reference counts (aa0fc40) predate it.
// Reads: every access (wantsHits): it counts hits, which an accessed bit cannot.
// Parameters: small (fraction of frames for S, default 0.1), ghost (G's size as a fraction of the
// frames, default 0.9), threshold (hits in S to be promoted, default 2).
// Deliberate difference: libCacheSim refuses to cache anything when S would hold fewer than 2
// pages (under 20 frames at 10 %), so it reports every reference as a miss (its 1,000,000 at 8 and
// 16 frames on the reference traces). A pager cannot refuse to load a page, so this policy runs
// the same rules with S = floor(frames × small), even 0 or 1; at 8 / 16 frames it faults
// 30938/8240 times on sort3k-1m, 5412/2595 on gzip-1m and 39876/17239 on py-1m, between OPT and
// FIFO as test/golden checks. From 32 frames up it matches libCacheSim exactly.

import { GhostLists } from "./ghosts.js";
import { NodeLists } from "./node-lists.js";
import { checkKeys, numberParam } from "./params.js";
import {
  type FrameBits,
  NO_FRAME,
  type PolicyContext,
  type PolicyFactory,
  type ReplacementPolicy,
} from "./policy.js";
import { nodeEntries, type PolicyView } from "./view.js";

export interface S3FifoParams {
  readonly small: number;
  readonly ghost: number;
  readonly threshold: number;
}

const SMALL = 0;
const MAIN = 1;
const GHOST = 2;

class S3Fifo implements ReplacementPolicy {
  readonly id = "s3fifo";
  private readonly lists: NodeLists;
  private readonly ghosts: GhostLists;
  private readonly freq: Uint8Array;
  private readonly smallSize: number;
  private readonly mainSize: number;
  /** The incoming page whose ghost lookup is done, and whether it was a ghost hit. */
  private resolvedPage = Number.NaN;
  private ghostHit = false;
  private promotions = 0;

  constructor(
    private readonly bits: FrameBits,
    private readonly params: S3FifoParams,
    ctx: PolicyContext,
  ) {
    const c = bits.frameCount;
    this.smallSize = Math.floor(c * params.small);
    this.mainSize = c - this.smallSize;
    const ghostCap = Math.floor(c * params.ghost);
    this.lists = new NodeLists(c + ghostCap, 3);
    this.ghosts = new GhostLists(this.lists, c, ghostCap, ctx.pageSpace);
    this.freq = new Uint8Array(c);
  }

  admit(f: number, page: number): void {
    if (this.resolvedPage !== page) this.resolve(page);
    const toMain = this.ghostHit;
    this.lists.pushTail(toMain ? MAIN : SMALL, f);
    this.freq[f] = 0;
    this.resolvedPage = Number.NaN;
    this.ghostHit = false;
  }

  /** Returns true when `f`'s count is at its cap: touching it again right away changes nothing. */
  touch(f: number): boolean {
    const n = this.freq[f]!;
    if (n < 3) this.freq[f] = n + 1;
    return n >= 2;
  }

  forget(f: number, page: number, why: "evicted" | "freed" | "pinned"): void {
    const fromSmall = this.lists.listOf[f] === SMALL;
    this.lists.remove(f);
    if (why === "evicted" && fromSmall) this.remember(page);
  }

  selectVictim(incoming?: number): number {
    if (incoming !== undefined) this.resolve(incoming);
    const sizes = this.lists.size;
    const fromMain = sizes[MAIN]! > this.mainSize || sizes[SMALL] === 0;
    let f = fromMain ? this.evictMain() : this.evictSmall();
    if (f < 0) f = this.evictMain();
    if (f < 0) f = this.evictSmall();
    return f >= 0 ? f : this.anyEvictable();
  }

  /** Last resort when the queues only meet frames in transit: any evictable frame. */
  private anyEvictable(): number {
    const { head, next } = this.lists;
    for (const list of [SMALL, MAIN]) {
      for (let f = head[list]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    }
    return NO_FRAME;
  }

  counters(): Readonly<Record<string, number>> {
    return { promotions: this.promotions, ghosts: this.lists.size[GHOST]! };
  }

  /** The find step for the incoming page: a page in G leaves it and will go to M. */
  private resolve(page: number): void {
    this.resolvedPage = page;
    this.ghostHit = this.ghosts.take(page) >= 0;
  }

  private remember(page: number): void {
    if (this.ghosts.capacity === 0 || this.ghosts.find(page) >= 0) return;
    this.ghosts.add(GHOST, page, GHOST);
  }

  /** S's oldest pages move to M while hit often enough; returns the first that is not, or -1. */
  private evictSmall(): number {
    const l = this.lists;
    for (let n = l.size[SMALL]!; n > 0; n--) {
      const f = l.head[SMALL]!;
      if (this.freq[f]! >= this.params.threshold) {
        l.remove(f);
        l.pushTail(MAIN, f);
        this.freq[f] = 0;
        this.promotions++;
      } else if (!this.bits.isEvictable(f)) {
        l.moveToTail(SMALL, f);
      } else {
        return f;
      }
    }
    return NO_FRAME;
  }

  /** M as a clock: reinsert with the count less one until a page with count 0 comes up. */
  private evictMain(): number {
    const l = this.lists;
    for (let n = 4 * l.size[MAIN]! + 1; n > 0 && l.size[MAIN]! > 0; n--) {
      const f = l.head[MAIN]!;
      const c = this.freq[f]!;
      if (c === 0 && this.bits.isEvictable(f)) return f;
      l.moveToTail(MAIN, f);
      if (c > 0) this.freq[f] = Math.min(c, 3) - 1;
    }
    return NO_FRAME;
  }

  describe(): PolicyView {
    const { lists } = this;
    const c = this.bits.frameCount;
    const page = (n: number) => this.ghosts.pageOf(n);
    const freq = (f: number) => `f=${this.freq[f]}`;
    return {
      lists: [
        { name: "S", order: "oldest first", entries: nodeEntries(lists, SMALL, c, page, freq) },
        { name: "M", order: "oldest first", entries: nodeEntries(lists, MAIN, c, page, freq) },
        { name: "G", order: "oldest first", entries: nodeEntries(lists, GHOST, c, page), ghost: true },
      ],
    };
  }
}

const PARAMS = {
  small: { default: "0.1", doc: "fraction of the frames for the small queue S" },
  ghost: { default: "0.9", doc: "size of the ghost queue G as a fraction of the frame count" },
  threshold: { default: "2", doc: "hits while in S that promote a page to M" },
};

export const s3fifo: PolicyFactory<S3FifoParams> = {
  id: "s3fifo",
  summary: "small, main and ghost FIFO queues (SOSP 2023)",
  wantsHits: true,
  needsFuture: false,
  params: PARAMS,
  defaults: { small: 0.1, ghost: 0.9, threshold: 2 },
  parseParams(raw) {
    checkKeys("s3fifo", raw, PARAMS);
    return {
      small: numberParam("s3fifo", raw, "small", 0.1, { min: 0, max: 1 }),
      ghost: numberParam("s3fifo", raw, "ghost", 0.9, { min: 0, max: 16 }),
      threshold: numberParam("s3fifo", raw, "threshold", 2, { min: 1, max: 3, integer: true }),
    };
  },
  create: (bits, params, ctx) => new S3Fifo(bits, params, ctx),
};
