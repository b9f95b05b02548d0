// ARC: adaptive replacement cache (Megiddo and Modha, "ARC: a self-tuning, low overhead
// replacement cache", FAST 2003).
// Theory: T1 holds pages seen once recently, T2 pages seen at least twice (both LRU); ghost lists
// B1 and B2 remember the pages evicted from each (pages only, no frames), |T1|+|B1| ≤ c and the
// total ≤ 2c. A target p for |T1| adapts: a miss found in B1 says T1 was too small (p grows by
// max(|B2|/|B1|, 1)), one found in B2 says the opposite. REPLACE evicts T1's LRU page into B1 if
// |T1| > p (or = p on a B2 hit), else T2's LRU into B2. A hit in T1 or T2 moves the page to T2's
// MRU end; a ghost hit loads the page into T2.
// Reads: every access (wantsHits) and the page being loaded (selectVictim's `incoming`, to resolve
// a ghost hit before REPLACE as the paper does).
// Parameters: none (p starts at 0 and is a real number, as in libCacheSim since 2023).
// Follows libCacheSim's ARC.c, including its REPLACE taking T1 when T2 is empty and its case IV
// evicting T1's LRU without a ghost when B1 is empty; matches its counts (test/golden).

import { GhostLists } from "./ghosts.js";
import { NodeLists } from "./node-lists.js";
import { type NoParams, noParams } from "./params.js";
import {
  type FrameBits,
  NO_FRAME,
  type PolicyContext,
  type PolicyFactory,
  type ReplacementPolicy,
} from "./policy.js";
import { nodeEntries, type PolicyView } from "./view.js";

const T1 = 0;
const T2 = 1;
const B1 = 2;
const B2 = 3;

class Arc implements ReplacementPolicy {
  readonly id = "arc";
  /** A touched frame is at its list's most recent end: touching it again changes nothing. */
  readonly repeatTouchIsNoop = true;
  private readonly lists: NodeLists;
  private readonly ghosts: GhostLists;
  private readonly c: number;
  private readonly noGhost: Uint8Array;
  private p = 0;
  private resolvedPage = Number.NaN;
  /** 0: the incoming page was in no ghost list; 1: in B1; 2: in B2. */
  private ghostHit = 0;

  constructor(
    private readonly bits: FrameBits,
    ctx: PolicyContext,
  ) {
    this.c = bits.frameCount;
    this.lists = new NodeLists(3 * this.c, 4);
    this.ghosts = new GhostLists(this.lists, this.c, 2 * this.c, ctx.pageSpace);
    this.noGhost = new Uint8Array(this.c);
  }

  admit(f: number, page: number): void {
    if (this.resolvedPage !== page) this.resolve(page);
    this.lists.pushTail(this.ghostHit !== 0 ? T2 : T1, f);
    this.resolvedPage = Number.NaN;
    this.ghostHit = 0;
  }

  touch(f: number): void {
    const l = this.lists.listOf[f]!;
    if (l === T2) this.lists.moveWithin(T2, f);
    else if (l === T1) this.lists.moveToTail(T2, f);
  }

  forget(f: number, page: number, why: "evicted" | "freed" | "pinned"): void {
    const l = this.lists.listOf[f]!;
    this.lists.remove(f);
    const keep = why === "evicted" && this.noGhost[f] === 0 && (l === T1 || l === T2);
    this.noGhost[f] = 0;
    if (keep) this.addGhost(l === T1 ? B1 : B2, page);
  }

  selectVictim(incoming?: number): number {
    if (incoming !== undefined) this.resolve(incoming);
    if (this.ghostHit !== 0) return this.replace(this.ghostHit === 2);
    const s = this.lists.size;
    if (s[T1]! + s[B1]! + 1 > this.c) {
      if (s[B1]! > 0) {
        this.ghosts.dropOldest(B1);
        return this.replace(false);
      }
      const f = this.lruEvictable(T1, T2);
      if (f >= 0) this.noGhost[f] = 1;
      return f;
    }
    if (s[T1]! + s[B1]! + s[T2]! + s[B2]! >= 2 * this.c && s[B2]! > 0) this.ghosts.dropOldest(B2);
    return this.replace(false);
  }

  counters(): Readonly<Record<string, number>> {
    return { p: this.p, ghostsB1: this.lists.size[B1]!, ghostsB2: this.lists.size[B2]! };
  }

  /** A ghost hit on the incoming page adapts p and removes the ghost. */
  private resolve(page: number): void {
    this.resolvedPage = page;
    this.ghostHit = 0;
    const g = this.ghosts.find(page);
    if (g < 0) return;
    const s = this.lists.size;
    if (this.lists.listOf[g] === B1) {
      this.p = Math.min(this.p + Math.max(s[B2]! / s[B1]!, 1), this.c);
      this.ghostHit = 1;
    } else {
      this.p = Math.max(this.p - Math.max(s[B1]! / s[B2]!, 1), 0);
      this.ghostHit = 2;
    }
    this.ghosts.drop(g);
  }

  /** The paper's REPLACE: T1's LRU page if T1 is over target, else T2's. */
  private replace(inB2: boolean): number {
    const t1 = this.lists.size[T1]!;
    const takeT1 = (t1 > 0 && (t1 > this.p || (t1 === this.p && inB2))) || this.lists.size[T2] === 0;
    return takeT1 ? this.lruEvictable(T1, T2) : this.lruEvictable(T2, T1);
  }

  /** The least recently used evictable frame of `first`, else of `second`. */
  private lruEvictable(first: number, second: number): number {
    const { head, next } = this.lists;
    for (let f = head[first]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    for (let f = head[second]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    return NO_FRAME;
  }

  private addGhost(list: number, page: number): void {
    this.ghosts.add(list, page, this.lists.size[B1]! > 0 ? B1 : B2);
  }

  describe(): PolicyView {
    const { lists, c } = this;
    const page = (n: number) => this.ghosts.pageOf(n);
    return {
      lists: [
        { name: "T1", order: "least recent first", entries: nodeEntries(lists, T1, c, page) },
        { name: "T2", order: "least recent first", entries: nodeEntries(lists, T2, c, page) },
        { name: "B1", order: "least recent first", entries: nodeEntries(lists, B1, c, page), ghost: true },
        { name: "B2", order: "least recent first", entries: nodeEntries(lists, B2, c, page), ghost: true },
      ],
      values: { p: this.p },
    };
  }
}

export const arc: PolicyFactory<NoParams> = {
  id: "arc",
  summary: "adaptive replacement cache: recency and frequency lists with ghosts (FAST 2003)",
  wantsHits: true,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("arc"),
  create: (bits, _params, ctx) => new Arc(bits, ctx),
};
