// NFU (not frequently used): a software counter per page adds the accessed bit at every tick.
// Theory: counts the ticks in which the page was used; the smallest count is the victim, ties to
// the longest-resident page. A reference not yet counted (R still set) adds one. It never forgets,
// so pages heavily used long ago stay (Tanenbaum, Modern Operating Systems, 3.4.7; aging is the fix).
// Reads: the accessed bit, and simulated time through tick.
// Parameters: interval (ns of simulated time between counts, default 100 ms).
// Why 100 ms: simulated time is dominated by fault service (8 ms a page), so a 10 ms tick would
// clear the bits at nearly every fault. On py-1m at 64 frames NRU faults 8473 times with 10 ms,
// 2892 with 100 ms; Aging 2202 and 1719 (LRU: 1760).
// Finding the victim without a scan: a frame's key count + R never changes at a tick (R = 1 becomes
// count + 1 with R = 0) and between ticks only grows (R 0 → 1 on a use). So frames sit in a heap
// keyed by (key when last looked at, load order); the heap's keys are lower bounds, and
// selectVictim re-keys a stale top until the top's key is current: that top is the exact minimum,
// ties to the longest-resident frame, as a scan in load order finds. O(log n) per fault instead
// of O(frames); the scan remains for a top that may not be taken (pinned, in transit).
// Load order is the heap's second key (a sequence number given at admit), so no list is kept; the
// fallback scan goes over frames by index.
// The tick visits only the frames used since the previous tick, not every frame: NFU asks for hits
// (wantsHits) and a hit or an admit marks the frame, so only a marked frame can have its accessed
// bit set at a tick (the tick clears every bit it finds). Same counts as a scan of every frame.

import { FrameHeap } from "./frame-heap.js";
import { checkKeys, durationParam } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { frameEntry, type PolicyView } from "./view.js";

export interface NfuParams {
  readonly interval: number;
}

class Nfu implements ReplacementPolicy {
  readonly id = "nfu";
  /** tick works only at the times it returns; no time is needed at faults. */
  readonly tickOnlyWhenDue = true;
  /** 1 for a frame admitted and not forgotten. */
  private readonly member: Uint8Array;
  private readonly count: Float64Array;
  /** Frames by (count + R as last seen, load order). */
  private readonly heap: FrameHeap;
  private seq = 0;
  private nextTick: number;
  /**
   * A frame forgotten while at the heap's top, left there for the admit that usually reuses it
   * (the replay driver loads the new page into the victim's frame): admit then re-keys it in
   * place, one sift down instead of a removal's sift down and an insertion's sift up.
   */
  private vacant = NO_FRAME;
  /** Frames admitted or hit since the last tick: 1 in `marked`, listed in `used`. */
  private readonly marked: Uint8Array;
  private readonly used: Int32Array;
  private usedCount = 0;
  /** A hit on the frame hit just before is a no-op (it is marked already). */
  readonly repeatTouchIsNoop = true;

  constructor(
    private readonly bits: FrameBits,
    private readonly params: NfuParams,
  ) {
    this.member = new Uint8Array(bits.frameCount);
    this.count = new Float64Array(bits.frameCount);
    this.heap = new FrameHeap(bits.frameCount);
    this.marked = new Uint8Array(bits.frameCount);
    this.used = new Int32Array(bits.frameCount);
    this.nextTick = params.interval;
  }

  touch(f: number): void {
    if (this.marked[f] === 0) {
      this.marked[f] = 1;
      this.used[this.usedCount++] = f;
    }
  }

  admit(f: number): void {
    this.count[f] = 0;
    this.member[f] = 1;
    this.touch(f);
    const key = this.bits.referenced(f) ? 1 : 0;
    if (this.vacant === f) {
      this.vacant = NO_FRAME;
      this.heap.rekeyTop(key, this.seq++);
      return;
    }
    this.fillVacancy();
    this.heap.insert(f, key, this.seq++);
  }

  forget(f: number): void {
    this.member[f] = 0;
    this.fillVacancy();
    if (this.heap.top() === f) this.vacant = f;
    else this.heap.remove(f);
  }

  /** Drops the frame left at the top by forget when something other than its admit comes next. */
  private fillVacancy(): void {
    if (this.vacant === NO_FRAME) return;
    this.heap.remove(this.vacant);
    this.vacant = NO_FRAME;
  }

  tick(now: number): number {
    if (now < this.nextTick) return this.nextTick;
    // Each frame's update is independent of the others: any order counts the same.
    const { bits, count, member, marked, used } = this;
    for (let i = 0, n = this.usedCount; i < n; i++) {
      const f = used[i]!;
      marked[f] = 0;
      if (member[f] !== 1 || !bits.referenced(f)) continue;
      count[f]!++;
      bits.clearReferenced(f);
    }
    this.usedCount = 0;
    this.nextTick = now - (now % this.params.interval) + this.params.interval;
    return this.nextTick;
  }

  selectVictim(): number {
    this.fillVacancy();
    const { bits, count, heap } = this;
    for (;;) {
      const top = heap.top();
      if (top < 0) break;
      const key = count[top]! + (bits.referenced(top) ? 1 : 0);
      if (key === heap.k1[top]) {
        if (bits.isEvictable(top)) return top;
        break;
      }
      // Keys only grow, so the top only moves down.
      heap.rekeyTop(key, heap.k2[top]!);
    }
    // The smallest (key, load order) among evictable frames, as a scan in load order finds.
    const { member } = this;
    const order = heap.k2;
    let best = NO_FRAME;
    let bestKey = Number.POSITIVE_INFINITY;
    for (let f = 0, n = member.length; f < n; f++) {
      if (member[f] !== 1 || !bits.isEvictable(f)) continue;
      const key = count[f]! + (bits.referenced(f) ? 1 : 0);
      if (key < bestKey || (key === bestKey && order[f]! < order[best]!)) {
        best = f;
        bestKey = key;
      }
    }
    return best;
  }

  /** Frames by count, smallest first (the next victim; ties in load order); R=1 is yet to be counted. */
  describe(): PolicyView {
    const { bits, count, member } = this;
    const key = (f: number) => count[f]! + (bits.referenced(f) ? 1 : 0);
    const frames: number[] = [];
    for (let f = 0; f < member.length; f++) if (member[f] === 1) frames.push(f);
    frames.sort((a, b) => key(a) - key(b) || this.heap.k2[a]! - this.heap.k2[b]!);
    const note = (f: number) => `n=${count[f]}${bits.referenced(f) ? " R=1" : ""}`;
    return {
      lists: [
        {
          name: "counts",
          order: "smallest first (the next victim)",
          entries: frames.map((f) => frameEntry(f, note(f))),
        },
      ],
    };
  }
}

const PARAMS = {
  interval: { default: "100ms", doc: "simulated time between counts (10ms, 500us; a plain number is ns)" },
};

export const nfu: PolicyFactory<NfuParams> = {
  id: "nfu",
  summary: "not frequently used: count ticks with the accessed bit set; evict the smallest count",
  wantsHits: true,
  needsFuture: false,
  params: PARAMS,
  defaults: { interval: 100_000_000 },
  parseParams(raw) {
    checkKeys("nfu", raw, PARAMS);
    return { interval: durationParam("nfu", raw, "interval", 100_000_000, { min: 1, max: 1e15 }) };
  },
  create: (bits, params) => new Nfu(bits, params),
};
