// OPT (Belady's MIN): evict the page whose next use lies furthest in the future.
// Theory: optimal for a fixed number of frames (Belady, "A study of replacement algorithms for a
// virtual-storage computer", IBM Systems Journal 1966); unrealizable online, so the workload is
// annotated first (workloads/oracle.ts) and every admit and touch carries the index of the page's
// next reference. Frames sit in a heap keyed by next use: O(log n) per reference.
// Reads: the future only (needsFuture, wantsHits), never the hardware bits.
// Parameters: none. Pages never used again (NEVER) tie; any choice among them gives the same count.
// Matches libCacheSim Belady exactly on every reference trace and size (test/golden).

import { FrameHeap } from "./frame-heap.js";
import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";

class Opt implements ReplacementPolicy {
  readonly id = "opt";
  private readonly heap: FrameHeap;

  constructor(private readonly bits: FrameBits) {
    this.heap = new FrameHeap(bits.frameCount);
  }

  admit(f: number, _page: number, nextUse: number): void {
    this.heap.insert(f, -nextUse, 0);
  }

  touch(f: number, nextUse: number): void {
    if (this.heap.has(f)) this.heap.update(f, -nextUse, 0);
  }

  forget(f: number): void {
    this.heap.remove(f);
  }

  selectVictim(): number {
    const top = this.heap.top();
    if (top >= 0 && this.bits.isEvictable(top)) return top;
    return this.scan();
  }

  /** Slow path when the top frame may not be taken: the evictable frame used furthest ahead. */
  private scan(): number {
    let best = NO_FRAME;
    for (let i = 0; i < this.heap.size; i++) {
      const f = this.heap.at(i);
      if (this.bits.isEvictable(f) && (best < 0 || this.heap.k1[f]! < this.heap.k1[best]!)) best = f;
    }
    return best;
  }
}

export const opt: PolicyFactory<NoParams> = {
  id: "opt",
  summary: "Belady's MIN: evict the page used furthest in the future (needs next-use annotation)",
  wantsHits: true,
  needsFuture: true,
  params: {},
  defaults: {},
  parseParams: noParams("opt"),
  create: (bits) => new Opt(bits),
};
