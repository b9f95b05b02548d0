// OPT (Belady's MIN): evict the page whose next use lies furthest in the future.
// Theory: optimal for a fixed number of frames (Belady, "A study of replacement algorithms for a
// virtual-storage computer", IBM Systems Journal 1966); unrealizable online, so the workload is
// annotated first (workloads/oracle.ts) and every admit and touch carries the index of the page's
// next reference. Frames sit in a heap keyed by next use.
// Hits are cheap: a touch only records the frame's new next use and marks the frame; the heap is
// brought up to date (one re-key per marked frame) when a victim is wanted. Between two faults a
// frame is usually hit many times (at 64 frames on py50k-50m, about 880 references between faults
// over at most 64 frames), so this replaces a sift per reference by one per frame touched between
// faults: O(1) per hit, O(k log n) per fault for k frames touched since the last one.
// Reads: the future only (needsFuture, wantsHits), never the hardware bits.
// Parameters: none. Pages never used again (NEVER) tie; any choice among them gives the same count.
// Matches libCacheSim Belady exactly on every reference trace and size (test/golden).

import { FrameHeap } from "./frame-heap.js";
import { type NoParams, noParams } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { frameEntry, type PolicyView } from "./view.js";

/**
 * What a replay writes on a hit instead of calling touch (sim/replay.ts, Replayer.useStampLru):
 * the reference's index in `last[f]`, and a frame not yet marked since the heap last saw it is
 * marked (`stale[f] = 1`, appended to `marked`, `count[0]` of them). The next uses are looked up
 * when the heap is brought up to date, one per marked frame, instead of one per hit.
 */
export interface OptMarks {
  readonly last: Float64Array;
  readonly stale: Uint8Array;
  readonly marked: Int32Array;
  readonly count: Int32Array;
}

class Opt implements ReplacementPolicy {
  readonly id = "opt";
  private readonly heap: FrameHeap;
  /** Each frame's next use as last told (the heap's key may be older for a marked frame). */
  private readonly next: Float64Array;
  /** 1 for a frame touched since the heap last saw its next use; `marked` lists them, count[0] of them. */
  private readonly stale: Uint8Array;
  private readonly marked: Int32Array;
  private readonly count = new Int32Array(1);
  /** With replayMarks: each frame's last reference index, and the next use of a reference index. */
  private last: Float64Array | null = null;
  private nextAt: (i: number) => number = () => Number.POSITIVE_INFINITY;

  constructor(private readonly bits: FrameBits) {
    this.heap = new FrameHeap(bits.frameCount);
    this.next = new Float64Array(bits.frameCount);
    this.stale = new Uint8Array(bits.frameCount);
    this.marked = new Int32Array(bits.frameCount);
  }

  /**
   * For a replay that knows every reference's next use (`nextAt`, by reference index): the arrays
   * it then writes on a hit instead of calling touch (OptMarks). The heap sees the same next uses
   * in the same order as through touch, so the victims are the same, ties included.
   */
  replayMarks(nextAt: (i: number) => number): OptMarks {
    this.last ??= new Float64Array(this.bits.frameCount);
    this.nextAt = nextAt;
    return { last: this.last, stale: this.stale, marked: this.marked, count: this.count };
  }

  /** A frame's next use, as sync would make it. */
  private nextOf(f: number): number {
    return this.last !== null && this.stale[f] === 1 ? this.nextAt(this.last[f]!) : this.next[f]!;
  }

  admit(f: number, _page: number, nextUse: number): void {
    if (this.stale[f] === 1) this.sync();
    this.next[f] = nextUse;
    this.heap.insert(f, -nextUse, 0);
  }

  // nextUse is missing only when nothing can be evicted (a frame for every page): no victim to rank.
  touch(f: number, nextUse = Number.POSITIVE_INFINITY): void {
    if (!this.heap.has(f)) return;
    this.next[f] = nextUse;
    if (this.stale[f] === 0) {
      this.stale[f] = 1;
      this.marked[this.count[0]!++] = f;
    }
  }

  forget(f: number): void {
    if (this.stale[f] === 1) this.sync();
    this.heap.remove(f);
  }

  /**
   * Re-keys every marked frame with its latest next use. A marked frame was used since the heap
   * saw it, so its next use lies later than its key says: its key only falls (FrameHeap.lower).
   */
  private sync(): void {
    const { heap, next, stale, marked, last } = this;
    for (let i = 0, n = this.count[0]!; i < n; i++) {
      const f = marked[i]!;
      if (last !== null) next[f] = this.nextAt(last[f]!);
      stale[f] = 0;
      heap.lower(f, -next[f]!, 0);
    }
    this.count[0] = 0;
  }

  selectVictim(): number {
    if (this.count[0]! > 0) this.sync();
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

  /** Frames by next use, furthest first (the next victim); the note is the next use's 1-based position. */
  describe(): PolicyView {
    const frames: number[] = [];
    for (let i = 0; i < this.heap.size; i++) frames.push(this.heap.at(i));
    frames.sort((a, b) => this.nextOf(b) - this.nextOf(a) || a - b);
    const note = (f: number) =>
      this.nextOf(f) === Number.POSITIVE_INFINITY ? "never" : `next=${this.nextOf(f) + 1}`;
    return {
      lists: [
        {
          name: "by next use",
          order: "furthest first (the next victim; ties either way)",
          entries: frames.map((f) => frameEntry(f, note(f))),
        },
      ],
    };
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
