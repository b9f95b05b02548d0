// FIFO: evict the page that has been resident longest, whatever its use.
// Theory: a queue in load order; a fault evicts the head. Not a stack algorithm, so more frames
// can mean more faults (Belady, Nelson and Shedler, "An anomaly in space-time characteristics of
// certain programs running in a paging machine", CACM 1969).
// Reads: nothing but load order (no accessed bit, no hits).
// Parameters: none.
// Matches libCacheSim FIFO exactly on every reference trace and size (test/golden).

import { FrameList } from "./frame-list.js";
import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { listEntries, type PolicyView } from "./view.js";

class Fifo implements ReplacementPolicy {
  readonly id = "fifo";
  private readonly queue: FrameList;

  constructor(private readonly bits: FrameBits) {
    this.queue = new FrameList(bits.frameCount);
  }

  admit(f: number): void {
    this.queue.pushTail(f);
  }

  forget(f: number): void {
    this.queue.remove(f);
  }

  selectVictim(): number {
    const next = this.queue.next;
    for (let f = this.queue.head; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    return NO_FRAME;
  }

  describe(): PolicyView {
    return {
      lists: [{ name: "queue", order: "oldest first (the next victim)", entries: listEntries(this.queue) }],
    };
  }
}

export const fifo: PolicyFactory<NoParams> = {
  id: "fifo",
  summary: "first in, first out: evict the longest-resident page",
  wantsHits: false,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("fifo"),
  create: (bits) => new Fifo(bits),
};
