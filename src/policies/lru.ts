// Exact LRU: evict the page whose last use is oldest.
// Theory: a list ordered by last use, the used page moved to the tail on every hit; the head is
// the victim. A stack algorithm (Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for
// storage hierarchies", IBM Systems Journal 1970): more frames never mean more faults.
// Reads: every access (wantsHits). A real MMU cannot report hits; kernels approximate LRU with the
// accessed bit (see second-chance, clock, lru-2list).
// Parameters: none.
// Matches libCacheSim LRU exactly on every reference trace and size (test/golden).

import { FrameList } from "./frame-list.js";
import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { listEntries, type PolicyView } from "./view.js";

class Lru implements ReplacementPolicy {
  readonly id = "lru";
  /** A touched frame is at its list's most recent end: touching it again changes nothing. */
  readonly repeatTouchIsNoop = true;
  /** A touch moves the frame to the list's most recent end, nothing else. */
  readonly touchMovesToMostRecent = true;
  private readonly order: FrameList;

  constructor(private readonly bits: FrameBits) {
    this.order = new FrameList(bits.frameCount);
  }

  admit(f: number): void {
    this.order.pushTail(f);
  }

  touch(f: number): void {
    if (this.order.has(f)) this.order.moveToTail(f);
  }

  forget(f: number): void {
    this.order.remove(f);
  }

  selectVictim(): number {
    const next = this.order.next;
    for (let f = this.order.head; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    return NO_FRAME;
  }

  describe(): PolicyView {
    return {
      lists: [
        { name: "stack", order: "least recent first (the next victim)", entries: listEntries(this.order) },
      ],
    };
  }
}

export const lru: PolicyFactory<NoParams> = {
  id: "lru",
  summary: "least recently used (exact, sees every access)",
  wantsHits: true,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("lru"),
  create: (bits) => new Lru(bits),
};
