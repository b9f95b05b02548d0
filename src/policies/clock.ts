// Clock: a hand sweeps a circular list of frames.
// Theory: at a fault the hand examines the frame under it; a set accessed bit is cleared and the
// hand moves on; the first frame with a clear bit is the victim, and the new page takes its place
// just behind the hand, so it is examined last (Corbató 1968; Tanenbaum, Modern Operating
// Systems, 3.4.5).
// Reads: the accessed bit only.
// Parameters: none.
// How it differs from `second-chance`: the circle with a hand and the queue whose head moves to the
// tail visit frames in the same order, so the two differ only in the accessed bit of a page just
// loaded. Here it starts clear (admit clears it), as in libCacheSim's Clock, with which this
// policy matches exactly on every reference trace and size (test/golden); `second-chance` keeps
// the bit the restarted access set (see its header for the measured difference).

import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { Ring } from "./ring.js";
import { type PolicyView, ringEntries, rNote } from "./view.js";

class Clock implements ReplacementPolicy {
  readonly id = "clock";
  private readonly ring: Ring;
  private sweeps = 0;

  constructor(private readonly bits: FrameBits) {
    this.ring = new Ring(bits.frameCount);
  }

  admit(f: number): void {
    this.bits.clearReferenced(f);
    this.ring.insert(f);
  }

  forget(f: number): void {
    this.ring.remove(f);
  }

  selectVictim(): number {
    const ring = this.ring;
    const bits = this.bits;
    for (let seen = 0, limit = 2 * ring.size + 1; seen < limit && ring.hand >= 0; seen++) {
      const f = ring.hand;
      if (bits.isEvictable(f)) {
        if (!bits.referenced(f)) return f;
        bits.clearReferenced(f);
      }
      ring.advance();
      this.sweeps++;
    }
    return NO_FRAME;
  }

  counters(): Readonly<Record<string, number>> {
    return { handMoves: this.sweeps };
  }

  describe(): PolicyView {
    const entries = ringEntries(this.ring, rNote(this.bits));
    return {
      lists: [
        {
          name: "ring",
          order: "from the hand",
          entries,
          ...(entries.length > 0 ? { hands: { hand: 0 } } : {}),
        },
      ],
    };
  }
}

export const clock: PolicyFactory<NoParams> = {
  id: "clock",
  summary: "a hand over a circle of frames; new pages start with the accessed bit clear",
  wantsHits: false,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("clock"),
  create: (bits) => new Clock(bits),
};
