// LFU: evict the page with the fewest references while resident.
// Theory: every hit adds one to the page's count; a new page starts at 1; the victim is the page
// with the smallest count, ties to the one that reached its count first (FIFO within a count).
// Counts are forgotten on eviction. Frames sit in a heap keyed by (count, arrival at that count):
// O(log n) per hit. This is libCacheSim's LFU definition, and it matches its counts on the
// reference traces; as its README warns, new pages are the usual victims, so it thrashes there.
// It is one definition of LFU, not the (others age counts or keep them across evictions).
// Reads: every access (wantsHits).
// Parameters: history ("resident", default: counts start at 1 on every load and die on eviction,
// libCacheSim's rule; "keep": a page's count survives eviction and each load adds one, the
// "perfect LFU" of Mattson et al., which is a stack algorithm; the per-residency rule is not,
// see test/golden/stack-property.test.ts for a string where it faults more with more frames).

import { FrameHeap } from "./frame-heap.js";
import { PageMap } from "./page-map.js";
import { checkKeys, choiceParam } from "./params.js";
import {
  type FrameBits,
  NO_FRAME,
  type PolicyContext,
  type PolicyFactory,
  type ReplacementPolicy,
} from "./policy.js";

export interface LfuParams {
  readonly history: "resident" | "keep";
}

class Lfu implements ReplacementPolicy {
  readonly id = "lfu";
  private readonly heap: FrameHeap;
  private seq = 0;
  /** Counts of evicted pages (history=keep only). */
  private readonly kept: PageMap | null;

  constructor(
    private readonly bits: FrameBits,
    params: LfuParams,
    ctx: PolicyContext,
  ) {
    this.heap = new FrameHeap(bits.frameCount);
    this.kept = params.history === "keep" ? new PageMap(ctx.pageSpace) : null;
  }

  admit(f: number, page: number): void {
    const before = this.kept === null ? 0 : Math.max(0, this.kept.get(page));
    this.heap.insert(f, before + 1, this.seq++);
  }

  touch(f: number): void {
    if (this.heap.has(f)) this.heap.update(f, this.heap.k1[f]! + 1, this.seq++);
  }

  forget(f: number, page: number): void {
    if (this.kept !== null && this.heap.has(f)) this.kept.set(page, this.heap.k1[f]!);
    this.heap.remove(f);
  }

  selectVictim(): number {
    const top = this.heap.top();
    if (top >= 0 && this.bits.isEvictable(top)) return top;
    let best = NO_FRAME;
    const { k1, k2 } = this.heap;
    for (let i = 0; i < this.heap.size; i++) {
      const f = this.heap.at(i);
      if (!this.bits.isEvictable(f)) continue;
      if (best < 0 || k1[f]! < k1[best]! || (k1[f] === k1[best] && k2[f]! < k2[best]!)) best = f;
    }
    return best;
  }
}

const PARAMS = {
  history: { default: "resident", doc: '"resident": counts die on eviction; "keep": counts survive it' },
};

export const lfu: PolicyFactory<LfuParams> = {
  id: "lfu",
  summary: "least frequently used while resident; new pages start at 1, ties FIFO",
  wantsHits: true,
  needsFuture: false,
  params: PARAMS,
  defaults: { history: "resident" },
  parseParams(raw) {
    checkKeys("lfu", raw, PARAMS);
    return { history: choiceParam("lfu", raw, "history", "resident", ["resident", "keep"]) };
  },
  create: (bits, params, ctx) => new Lfu(bits, params, ctx),
};
