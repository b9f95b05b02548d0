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
// With history=resident, counts start at 1 and grow by one, so frames sit in frequency buckets
// (the O(1) LFU of Shah, Mitra and Matani, "An O(1) algorithm for implementing the LFU cache
// eviction scheme", 2010): a list of buckets in increasing count, each a FIFO of the frames that
// reached its count, in order. A hit moves the frame to the next bucket's tail, the victim is the
// first bucket's head: O(1) per hit and per fault, typed arrays, same victims as the heap.

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
import { frameEntry, type PolicyView, type PolicyViewEntry } from "./view.js";

export interface LfuParams {
  readonly history: "resident" | "keep";
}

const NIL = -1;

/** history=resident: frequency buckets, O(1) per event. */
class LfuBuckets implements ReplacementPolicy {
  readonly id = "lfu";
  /** Per frame: its bucket and its neighbours in the bucket's FIFO (NIL: none). */
  private readonly bucketOf: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  /** Per bucket (at most one per frame, ids from a free stack): count, FIFO ends, neighbours. */
  private readonly freq: Float64Array;
  private readonly first: Int32Array;
  private readonly last: Int32Array;
  private readonly lower: Int32Array;
  private readonly higher: Int32Array;
  private readonly free: Int32Array;
  private freeCount: number;
  /** The bucket of the smallest count, or NIL. */
  private low = NIL;

  constructor(private readonly bits: FrameBits) {
    // One bucket per frame, plus one: a hit makes the next bucket before its old one may empty.
    const c = bits.frameCount + 1;
    this.bucketOf = new Int32Array(c - 1).fill(NIL);
    this.prev = new Int32Array(c - 1).fill(NIL);
    this.next = new Int32Array(c - 1).fill(NIL);
    this.freq = new Float64Array(c);
    this.first = new Int32Array(c).fill(NIL);
    this.last = new Int32Array(c).fill(NIL);
    this.lower = new Int32Array(c).fill(NIL);
    this.higher = new Int32Array(c).fill(NIL);
    this.free = new Int32Array(c);
    for (let i = 0; i < c; i++) this.free[i] = c - 1 - i;
    this.freeCount = c;
  }

  admit(f: number): void {
    let b = this.low;
    if (b === NIL || this.freq[b] !== 1) b = this.newBucket(1, NIL, b);
    this.append(b, f);
  }

  touch(f: number): void {
    const b = this.bucketOf[f]!;
    if (b === NIL) return;
    const want = this.freq[b]! + 1;
    let up = this.higher[b]!;
    // Alone in its bucket with no bucket for the next count: the bucket itself moves up a count
    // (it stays between its neighbours), instead of a new bucket and the old one's removal.
    if (this.first[b] === f && this.last[b] === f && (up === NIL || this.freq[up]! !== want)) {
      this.freq[b] = want;
      return;
    }
    if (up === NIL || this.freq[up] !== want) up = this.newBucket(want, b, up);
    this.unlink(f);
    this.append(up, f);
  }

  forget(f: number): void {
    if (this.bucketOf[f] !== NIL) this.unlink(f);
  }

  selectVictim(): number {
    const low = this.low;
    if (low !== NIL) {
      const f = this.first[low]!;
      if (this.bits.isEvictable(f)) return f;
    }
    for (let b = low; b !== NIL; b = this.higher[b]!) {
      for (let f = this.first[b]!; f !== NIL; f = this.next[f]!) if (this.bits.isEvictable(f)) return f;
    }
    return NO_FRAME;
  }

  /** A bucket for count `n` between buckets `lo` and `hi` (either NIL). */
  private newBucket(n: number, lo: number, hi: number): number {
    const b = this.free[--this.freeCount]!;
    this.freq[b] = n;
    this.first[b] = NIL;
    this.last[b] = NIL;
    this.lower[b] = lo;
    this.higher[b] = hi;
    if (lo === NIL) this.low = b;
    else this.higher[lo] = b;
    if (hi !== NIL) this.lower[hi] = b;
    return b;
  }

  private append(b: number, f: number): void {
    const t = this.last[b]!;
    this.bucketOf[f] = b;
    this.prev[f] = t;
    this.next[f] = NIL;
    if (t === NIL) this.first[b] = f;
    else this.next[t] = f;
    this.last[b] = f;
  }

  /** Takes `f` out of its bucket, dropping the bucket when it empties. */
  private unlink(f: number): void {
    const b = this.bucketOf[f]!;
    const p = this.prev[f]!;
    const x = this.next[f]!;
    if (p === NIL) this.first[b] = x;
    else this.next[p] = x;
    if (x === NIL) this.last[b] = p;
    else this.prev[x] = p;
    this.bucketOf[f] = NIL;
    if (this.first[b] !== NIL) return;
    const lo = this.lower[b]!;
    const hi = this.higher[b]!;
    if (lo === NIL) this.low = hi;
    else this.higher[lo] = hi;
    if (hi !== NIL) this.lower[hi] = lo;
    this.free[this.freeCount++] = b;
  }

  /** Frames by count, lowest first (the next victim), ties oldest first. */
  describe(): PolicyView {
    const entries: PolicyViewEntry[] = [];
    for (let b = this.low; b !== NIL; b = this.higher[b]!) {
      for (let f = this.first[b]!; f !== NIL; f = this.next[f]!)
        entries.push(frameEntry(f, `f=${this.freq[b]}`));
    }
    return {
      lists: [{ name: "counts", order: "lowest first (the next victim), ties oldest first", entries }],
    };
  }
}

/** history=keep: counts start anywhere, so a heap keyed by (count, arrival at that count). */
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

  /** Frames by count, lowest first (the next victim), ties oldest first. */
  describe(): PolicyView {
    const { k1, k2 } = this.heap;
    const frames: number[] = [];
    for (let i = 0; i < this.heap.size; i++) frames.push(this.heap.at(i));
    frames.sort((a, b) => k1[a]! - k1[b]! || k2[a]! - k2[b]!);
    return {
      lists: [
        {
          name: "counts",
          order: "lowest first (the next victim), ties oldest first",
          entries: frames.map((f) => frameEntry(f, `f=${k1[f]}`)),
        },
      ],
    };
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
  create: (bits, params, ctx) =>
    params.history === "resident" ? new LfuBuckets(bits) : new Lfu(bits, params, ctx),
};
