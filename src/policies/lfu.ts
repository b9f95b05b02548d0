// LFU: evict the page with the fewest references while resident.
// Theory: every hit adds one to the page's count; a new page starts at 1; the victim is the page
// with the smallest count, ties to the one that reached its count first (FIFO within a count).
// Counts are forgotten on eviction. Frames sit in a heap keyed by (count, arrival at that count):
// O(log n) per hit. This is libCacheSim's LFU definition, and it matches its counts on the
// reference traces; as its README warns, new pages are the usual victims, so it thrashes there.
// It is one definition of LFU, not the (others age counts or keep them across evictions).
// Reads: every access (wantsHits).
// Parameters: none.

import { FrameHeap } from "./frame-heap.js";
import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";

class Lfu implements ReplacementPolicy {
  readonly id = "lfu";
  private readonly heap: FrameHeap;
  private seq = 0;

  constructor(private readonly bits: FrameBits) {
    this.heap = new FrameHeap(bits.frameCount);
  }

  admit(f: number): void {
    this.heap.insert(f, 1, this.seq++);
  }

  touch(f: number): void {
    if (this.heap.has(f)) this.heap.update(f, this.heap.k1[f]! + 1, this.seq++);
  }

  forget(f: number): void {
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

export const lfu: PolicyFactory<NoParams> = {
  id: "lfu",
  summary: "least frequently used while resident; new pages start at 1, ties FIFO",
  wantsHits: true,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("lfu"),
  create: (bits) => new Lfu(bits),
};
