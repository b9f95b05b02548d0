// Second chance: FIFO that reads the hardware accessed bit.
// Theory: the oldest page is examined; if its accessed bit is set, the bit is cleared and the page
// goes to the back of the queue as if just loaded; the first page found with a clear bit is the
// victim. If every bit is set it degenerates to FIFO after one pass (Corbató, "A paging experiment
// with the Multics system", 1968; Tanenbaum, Modern Operating Systems, 3.4.4).
// Reads: the accessed bit only.
// Parameters: none.
// Differs from `clock` in one thing only: it models the hardware faithfully, so a page just loaded
// has its accessed bit set by the restarted access and survives its first examination. `clock`
// clears the bit at load, as libCacheSim's Clock does. Measured on test/fixtures/reference, misses
// at 8 / 32 / 128 frames, second-chance vs clock: sort3k-1m 30525/2551/360 vs 30677/2356/360,
// gzip-1m 5188/884/199 vs 4960/807/201, py-1m 39361/6358/680 vs 38473/6105/674: a new page always
// outlives one sweep, which helps a little at the smallest size and costs 4-14 % elsewhere.

import { FrameList } from "./frame-list.js";
import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { listEntries, type PolicyView, rNote } from "./view.js";

class SecondChance implements ReplacementPolicy {
  readonly id = "second-chance";
  private readonly queue: FrameList;
  private passes = 0;

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
    const q = this.queue;
    const bits = this.bits;
    for (let seen = 0, limit = 2 * q.size + 1; seen < limit && q.head >= 0; seen++) {
      const f = q.head;
      if (!bits.isEvictable(f)) {
        q.moveToTail(f);
      } else if (bits.referenced(f)) {
        bits.clearReferenced(f);
        q.moveToTail(f);
        this.passes++;
      } else {
        return f;
      }
    }
    return NO_FRAME;
  }

  counters(): Readonly<Record<string, number>> {
    return { secondChances: this.passes };
  }

  describe(): PolicyView {
    return {
      lists: [
        {
          name: "queue",
          order: "oldest first (examined first)",
          entries: listEntries(this.queue, rNote(this.bits)),
        },
      ],
    };
  }
}

export const secondChance: PolicyFactory<NoParams> = {
  id: "second-chance",
  summary: "FIFO that spares pages whose accessed bit is set (clearing it)",
  wantsHits: false,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("second-chance"),
  create: (bits) => new SecondChance(bits),
};
