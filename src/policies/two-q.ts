// 2Q (Johnson and Shasha, "2Q: a low overhead high performance buffer management replacement
// algorithm", VLDB 1994), the full version.
// Theory: a first reference puts a page in A1in, a FIFO of about Kin frames; pages evicted from
// A1in are remembered (page only) in A1out, a FIFO of Kout entries. A miss found in A1out goes to
// Am, an LRU of the rest, as does nothing else: a hit in A1in changes nothing (correlated
// references), a hit in Am moves the page to Am's MRU end. To evict: A1in's oldest page (into
// A1out) while A1in holds more than Kin, else Am's LRU page.
// Reads: every access (wantsHits) and the page being loaded (selectVictim's `incoming`: it leaves
// A1out before eviction may add to it, as in libCacheSim).
// Parameters: kin (fraction of frames for A1in, default 0.25), kout (A1out's size as a fraction
// of the frames, default 0.5): libCacheSim TwoQ's defaults.
// libCacheSim's TwoQ keeps Am as a cache of c − Kin pages inside the cache, which could evict a
// second page on its own when A1in held fewer than Kin; once A1in has filled it never does (A1in
// only shrinks by evictions taken while it holds more than Kin), so one victim per fault loses
// nothing: this policy matches its counts exactly (test/golden).

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

export interface TwoQParams {
  readonly kin: number;
  readonly kout: number;
}

const AIN = 0;
const AM = 1;
const AOUT = 2;

class TwoQ implements ReplacementPolicy {
  readonly id = "2q";
  /** A hit moves an Am page to Am's recent end and leaves an A1in page alone: a repeat changes nothing. */
  readonly repeatTouchIsNoop = true;
  private readonly lists: NodeLists;
  private readonly ghosts: GhostLists;
  private readonly kin: number;
  private resolvedPage = Number.NaN;
  private ghostHit = false;

  constructor(
    private readonly bits: FrameBits,
    params: TwoQParams,
    ctx: PolicyContext,
  ) {
    const c = bits.frameCount;
    this.kin = Math.floor(c * params.kin);
    const kout = Math.floor(c * params.kout);
    this.lists = new NodeLists(c + kout, 3);
    this.ghosts = new GhostLists(this.lists, c, kout, ctx.pageSpace);
  }

  admit(f: number, page: number): void {
    if (this.resolvedPage !== page) this.resolve(page);
    this.lists.pushTail(this.ghostHit ? AM : AIN, f);
    this.resolvedPage = Number.NaN;
    this.ghostHit = false;
  }

  touch(f: number): void {
    if (this.lists.listOf[f] === AM) this.lists.moveToTail(AM, f);
  }

  forget(f: number, page: number, why: "evicted" | "freed" | "pinned"): void {
    const fromIn = this.lists.listOf[f] === AIN;
    this.lists.remove(f);
    if (why === "evicted" && fromIn && this.ghosts.capacity > 0) this.ghosts.add(AOUT, page, AOUT);
  }

  selectVictim(incoming?: number): number {
    if (incoming !== undefined) this.resolve(incoming);
    const first = this.lists.size[AIN]! > this.kin || this.lists.size[AM] === 0 ? AIN : AM;
    return this.oldestEvictable(first, first === AIN ? AM : AIN);
  }

  private resolve(page: number): void {
    this.resolvedPage = page;
    this.ghostHit = this.ghosts.take(page) >= 0;
  }

  private oldestEvictable(first: number, second: number): number {
    const { head, next } = this.lists;
    for (let f = head[first]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    for (let f = head[second]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    return NO_FRAME;
  }

  describe(): PolicyView {
    const { lists } = this;
    const c = this.bits.frameCount;
    const page = (n: number) => this.ghosts.pageOf(n);
    return {
      lists: [
        { name: "A1in", order: "oldest first", entries: nodeEntries(lists, AIN, c, page) },
        { name: "Am", order: "least recent first", entries: nodeEntries(lists, AM, c, page) },
        { name: "A1out", order: "oldest first", entries: nodeEntries(lists, AOUT, c, page), ghost: true },
      ],
    };
  }
}

const PARAMS = {
  kin: { default: "0.25", doc: "fraction of the frames for the A1in FIFO" },
  kout: { default: "0.5", doc: "size of the A1out ghost FIFO as a fraction of the frame count" },
};

export const twoQ: PolicyFactory<TwoQParams> = {
  id: "2q",
  summary: "A1in FIFO, A1out ghost FIFO and Am LRU (VLDB 1994)",
  wantsHits: true,
  needsFuture: false,
  params: PARAMS,
  defaults: { kin: 0.25, kout: 0.5 },
  parseParams(raw) {
    checkKeys("2q", raw, PARAMS);
    return {
      kin: numberParam("2q", raw, "kin", 0.25, { min: 0, max: 1 }),
      kout: numberParam("2q", raw, "kout", 0.5, { min: 0, max: 16 }),
    };
  },
  create: (bits, params, ctx) => new TwoQ(bits, params, ctx),
};
