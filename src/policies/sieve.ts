// SIEVE: a FIFO queue with a "visited" bit and a hand that sifts from old to new (Zhang, Yang,
// Yue, Vigfusson and Rashmi, "SIEVE is simpler than LRU", NSDI 2024).
// Theory: new pages enter at the new end with the bit clear; a hit sets the bit. To evict, the hand
// starts where it last stopped (first time: the oldest page) and moves toward newer pages,
// clearing set bits, until it finds a clear one: the victim. The hand then rests on the next newer
// page and wraps to the oldest after passing the newest. Unlike Clock, survivors are not moved, so
// the old end keeps the pages that have proved themselves.
// Reads: only the accessed bit, which a hit sets: exactly the hardware's R bit (admit clears it).
// Parameters: none.
// Matches libCacheSim's Sieve on every reference trace and size (test/golden).

import { FrameList } from "./frame-list.js";
import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { listEntries, type PolicyView, rNote } from "./view.js";

class Sieve implements ReplacementPolicy {
  readonly id = "sieve";
  private readonly queue: FrameList;
  /** The frame the hand rests on, or -1 (start at the oldest). */
  private hand = -1;

  constructor(private readonly bits: FrameBits) {
    this.queue = new FrameList(bits.frameCount);
  }

  admit(f: number): void {
    this.bits.clearReferenced(f);
    this.queue.pushTail(f);
  }

  forget(f: number): void {
    if (!this.queue.has(f)) return;
    if (this.hand === f) this.hand = this.queue.next[f]!;
    this.queue.remove(f);
  }

  selectVictim(): number {
    const q = this.queue;
    const bits = this.bits;
    let f = this.hand >= 0 ? this.hand : q.head;
    for (let seen = 0, limit = 2 * q.size + 1; seen < limit && f >= 0; seen++) {
      if (bits.isEvictable(f)) {
        if (!bits.referenced(f)) {
          this.hand = f;
          return f;
        }
        bits.clearReferenced(f);
      }
      f = q.next[f]! >= 0 ? q.next[f]! : q.head;
    }
    return NO_FRAME;
  }

  /** The queue oldest first, each frame's visited bit (R); the hand where the next scan starts. */
  describe(): PolicyView {
    const entries = listEntries(this.queue, rNote(this.bits));
    const at = this.hand >= 0 ? entries.findIndex((e) => e.frame === this.hand) : 0;
    return {
      lists: [
        {
          name: "queue",
          order: "oldest first",
          entries,
          ...(entries.length > 0 && at >= 0 ? { hands: { hand: at } } : {}),
        },
      ],
    };
  }
}

export const sieve: PolicyFactory<NoParams> = {
  id: "sieve",
  summary: "FIFO with a visited bit and a hand that sifts from old to new (NSDI 2024)",
  wantsHits: false,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("sieve"),
  create: (bits) => new Sieve(bits),
};
