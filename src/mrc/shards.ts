// SHARDS: approximate miss-ratio curves by spatial hash sampling (Waldspurger, Park, Garthwaite &
// Ahmad, "Efficient MRC Construction with SHARDS", FAST 2015). A page is sampled when
// hash(page) mod P < T, so every reference to a sampled page is kept and the others are skipped at
// the cost of one array read: the sample rate is R = T / P. Stack distances among sampled pages,
// scaled by 1/R, estimate the true distances; the histogram then estimates the LRU curve.
// - Scaling: the paper estimates a sampled distance d as d / R. Here the default is 1 + (d - 1) / R:
//   the page itself is counted exactly and only the other d - 1 sampled pages stand for 1/R pages
//   each (an unbiased estimate of the distinct pages in between). With d / R no reference can land
//   closer than 1/R, so every size below 1/R looks like nearly all misses; on py50k-50m at R = 0.05
//   the mean absolute error fell from 0.0076 to 0.0007 (BENCHMARKS.md). `scaling: "paper"` keeps d / R.
// - SHARDS_adj: the number of sampled references differs from its expectation N·R; the difference
//   is added to the first histogram bucket, which removes most of the bias at small sizes.
// - Fixed size (s_max): at most `maxPages` sampled pages are tracked; when one more arrives, the
//   pages with the largest hash are dropped, T falls to that hash and R with it, and the counts so
//   far are rescaled by R_new / R_old so they stay in the units of the current rate.
// - Repeats: a reference to the page referenced just before it has distance 1 exactly and leaves
//   the stack as it is; any other has distance 2 or more, so its estimate is at least 2. Repeats
//   are counted on every 7th reference of the whole stream (systematic sampling in time, not by
//   page: hot pages' repeats are what a page sample gets most wrong) and skipped by the page
//   sample; the SHARDS estimate covers the other references. On instruction traces a third of
//   references are repeats, and this keeps the curve right at 1 frame.
// - Exact at small sizes: a sample of R·pages holds only a few of the pages a small memory keeps, so
//   below about 1/R frames the estimate is coarse (on py50k-50m at R = 0.02 it was flat from 2 to
//   32 frames while the exact curve fell from 0.205 to 0.0063). The top `exactFrames` entries of
//   the LRU stack (default 2/R, 32 to 256) are therefore kept exactly for every reference, a
//   move-to-front array: misses at those sizes are exact, and the estimate takes over above them
//   (never above the exact count at the last exact size). A reference deeper than the array costs a
//   scan of it, which only misses at every exact size do.
// Hashes of dense page ids are computed once per id (when the id table grows), so a skipped
// reference costs a bounds check and one Int32Array read; nothing is allocated per reference.

import { ConfigError } from "../core/errors.js";
import type { MissCurve } from "./curve.js";
import { StackDistances } from "./stack-distance.js";

/** Modulus of the sampling hash: 2^24. */
const P = 1 << 24;

export interface ShardsOptions {
  /** Sampling rate R in (0, 1] (default 0.02); with maxPages, the starting rate. */
  readonly rate?: number;
  /** Fixed-size SHARDS: track at most this many sampled pages, lowering the rate as needed. */
  readonly maxPages?: number;
  /** Hash seed (default 0): another seed samples another set of pages. */
  readonly seed?: number;
  /**
   * How a sampled distance d is scaled: "plus-one" (default) counts repeats as distance 1 and
   * estimates max(2, 1 + (d - 1) / R) for the others; "paper" is the paper's d / R for every
   * reference (which can place no reference closer than 1/R).
   */
  readonly scaling?: "plus-one" | "paper";
  /**
   * Frame counts from 1 to this are counted exactly (an exact LRU stack of this depth over every
   * reference); 0 for none. Default: 2/R clamped to [32, 256] (rate 1 without maxPages: 0, all exact).
   */
  readonly exactFrames?: number;
}

/** The default exactFrames at a starting rate: 2/R clamped to [32, 256]. */
export function defaultExactFrames(rate: number): number {
  return Math.min(256, Math.max(32, Math.ceil(2 / rate)));
}

/**
 * The top `depth` entries of an exact LRU stack: hits at each distance up to `depth` (a
 * move-to-front array; the rest of the stack is not kept).
 */
class TopOfStack {
  private readonly stack: Int32Array;
  private used = 0;
  /** hits[d]: references at stack distance d (1-based), d ≤ depth. */
  readonly hits: Float64Array;

  constructor(readonly depth: number) {
    this.stack = new Int32Array(depth);
    this.hits = new Float64Array(depth + 1);
  }

  feed(ids: Int32Array | Uint32Array, count: number): void {
    const st = this.stack;
    const hits = this.hits;
    const depth = this.depth;
    let used = this.used;
    for (let i = 0; i < count; i++) {
      const p = ids[i]!;
      if (used > 0 && st[0] === p) {
        hits[1]!++;
        continue;
      }
      let carry = used > 0 ? st[0]! : -1;
      st[0] = p;
      let j = 1;
      for (; j < used; j++) {
        const here = st[j]!;
        st[j] = carry;
        if (here === p) break;
        carry = here;
      }
      if (j < used) hits[j + 1]!++;
      else if (used === 0) used = 1;
      else if (used < depth) st[used++] = carry;
    }
    this.used = used;
  }

  /** Pages in the array (all distinct pages so far when below depth). */
  get size(): number {
    return this.used;
  }
}

export const DEFAULT_SHARDS_RATE = 0.02;

/** One reference in STRIDE is checked for a repeat (7: prime, so loops of 2^k rarely alias). */
const STRIDE = 7;

function hash24(p: number, seed: number): number {
  let h = Math.imul(p ^ seed, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 8;
}

export class ShardsMrc {
  private threshold: number;
  private readonly seed: number;
  private readonly maxPages: number;
  private hashes: Int32Array = new Int32Array(0);
  /** 1 where hashes[id] < threshold (fixed-size mode: was, when set; cleared when found stale). */
  private flags: Uint8Array = new Uint8Array(0);
  private readonly sd = new StackDistances();
  /** Counts in units of sampled references at the current rate. */
  private hist = new Float64Array(1024);
  private maxBucket = 0;
  private cold = 0;
  private sampled = 0;
  private refs = 0;
  /** The last page fed (a sampled reference to it next is a repeat). */
  private prev = -1;
  /** Repeats among every STRIDE-th reference: their share estimates all repeats. */
  private repeatsChecked = 0;
  private repeatsFound = 0;
  /** 1 (every reference: exact) when starting at rate 1, else STRIDE. */
  private readonly stride: number;
  private readonly buf = new Int32Array(4096);
  private readonly dist = new Int32Array(4096);
  /** Max-heap (by hash) of the tracked pages, fixed-size mode only. */
  private heap = new Int32Array(0);
  private heapSize = 0;
  private readonly paperScaling: boolean;
  private readonly top: TopOfStack | null;

  constructor(opts: ShardsOptions = {}) {
    const rate = opts.rate ?? DEFAULT_SHARDS_RATE;
    if (!(rate > 0 && rate <= 1)) throw new ConfigError("SHARDS sample rate", rate, "a number in (0, 1]");
    const max = opts.maxPages ?? 0;
    if (!Number.isInteger(max) || max < 0)
      throw new ConfigError("SHARDS maxPages", opts.maxPages, "a positive integer (pages tracked at most)");
    this.threshold = Math.max(1, Math.round(rate * P));
    this.seed = (opts.seed ?? 0) | 0;
    this.maxPages = max;
    const scaling = opts.scaling ?? "plus-one";
    if (scaling !== "plus-one" && scaling !== "paper")
      throw new ConfigError("SHARDS scaling", scaling, '"plus-one" or "paper"');
    this.paperScaling = scaling === "paper";
    this.stride = rate === 1 ? 1 : STRIDE;
    if (max > 0) this.heap = new Int32Array(max + 1);
    const exact = opts.exactFrames ?? (rate === 1 && max === 0 ? 0 : defaultExactFrames(rate));
    if (!Number.isInteger(exact) || exact < 0)
      throw new ConfigError("SHARDS exactFrames", opts.exactFrames, "a whole number of frames");
    this.top = exact > 0 ? new TopOfStack(exact) : null;
  }

  /** Frame counts counted exactly (1 to this). */
  get exactFrames(): number {
    return this.top?.depth ?? 0;
  }

  /** The sampling rate in force now. */
  get rate(): number {
    return this.threshold / P;
  }

  get references(): number {
    return this.refs;
  }

  /** Feeds `count` dense page ids (non-negative integers). */
  feed(ids: Int32Array | Uint32Array, count = ids.length): void {
    this.top?.feed(ids, count);
    this.feedSampled(ids, count);
    if (!this.paperScaling) this.countRepeats(ids, count);
    if (count > 0) this.prev = ids[count - 1]!;
    this.refs += count;
  }

  /**
   * Four references are tested at once against byte flags (one OR of four, about twice as fast as
   * one test each). At a fixed rate a flag never changes and sampled references are gathered and
   * fed to the stack a buffer at a time. In fixed-size mode the threshold only falls, so a flag of
   * 1 means "perhaps": it is checked against the hash and cleared when stale, and each sampled
   * reference goes in alone, as a new page may lower the rate.
   */
  private feedSampled(ids: Int32Array | Uint32Array, count: number): void {
    let flags = this.flags;
    const repeatsApart = !this.paperScaling;
    const fixedRate = this.maxPages === 0;
    const buf = this.buf;
    let n = 0;
    let i = 0;
    for (;;) {
      const quad = i + 4 <= count;
      if (quad) {
        const p0 = ids[i]!;
        const p1 = ids[i + 1]!;
        const p2 = ids[i + 2]!;
        const p3 = ids[i + 3]!;
        // Lengths are powers of two, so the OR is in range exactly when all four are.
        if ((p0 | p1 | p2 | p3) >>> 0 >= flags.length) {
          for (const p of [p0, p1, p2, p3]) if (p >>> 0 >= this.flags.length) this.growHashes(p);
          flags = this.flags;
        }
        if ((flags[p0]! | flags[p1]! | flags[p2]! | flags[p3]!) === 0) {
          i += 4;
          continue;
        }
      } else if (i >= count) break;
      const end = quad ? i + 4 : count;
      for (; i < end; i++) {
        const p = ids[i]!;
        if (p >>> 0 >= flags.length) {
          this.growHashes(p);
          flags = this.flags;
        }
        if (flags[p] === 0) continue;
        if (!fixedRate && this.hashes[p]! >= this.threshold) {
          flags[p] = 0;
          continue;
        }
        // A sampled repeat has distance 1 and leaves the stack as it is: the stride count has it.
        if (repeatsApart && (i > 0 ? ids[i - 1]! : this.prev) === p) continue;
        if (!fixedRate) {
          this.sample(p);
          continue;
        }
        buf[n++] = p;
        if (n === buf.length) {
          this.flush(n);
          n = 0;
        }
      }
    }
    if (n > 0) this.flush(n);
  }

  /** Checks every `stride`-th reference (by position in the whole stream) for a repeat. */
  private countRepeats(ids: Int32Array | Uint32Array, count: number): void {
    let found = 0;
    let checked = 0;
    const stride = this.stride;
    let i = (stride - (this.refs % stride)) % stride;
    if (i === 0 && count > 0) {
      checked++;
      if (ids[0] === this.prev) found++;
      i = stride;
    }
    for (; i < count; i += stride) {
      checked++;
      if (ids[i] === ids[i - 1]) found++;
    }
    this.repeatsChecked += checked;
    this.repeatsFound += found;
  }

  /** Stack distances of the `n` buffered sampled references, into the histogram. */
  private flush(n: number): void {
    const dist = this.dist;
    this.sd.feed(this.buf, n, dist);
    this.sampled += n;
    for (let k = 0; k < n; k++) this.record(dist[k]!);
  }

  private record(d: number): void {
    if (d === 0) {
      this.cold++;
      return;
    }
    const b = this.paperScaling
      ? Math.ceil((d * P) / this.threshold)
      : Math.max(2, 1 + Math.ceil(((d - 1) * P) / this.threshold));
    if (b >= this.hist.length) this.growHist(b);
    this.hist[b]!++;
    if (b > this.maxBucket) this.maxBucket = b;
  }

  private sample(p: number): void {
    const fresh = !this.sd.has(p);
    this.sampled++;
    this.record(this.sd.access(p));
    if (fresh && this.maxPages > 0) {
      this.heapPush(p);
      if (this.heapSize > this.maxPages) this.lowerRate();
    }
  }

  /** Drops the tracked pages with the largest hash and lowers the threshold to it. */
  private lowerRate(): void {
    const top = this.hashes[this.heap[0]!]!;
    while (this.heapSize > 0 && this.hashes[this.heap[0]!]! === top) this.sd.remove(this.heapPop());
    const scale = top / this.threshold;
    this.threshold = top;
    const h = this.hist;
    for (let i = 0; i <= this.maxBucket; i++) h[i]! *= scale;
    this.cold *= scale;
    this.sampled *= scale;
  }

  private growHashes(p: number): Int32Array {
    if (!Number.isInteger(p) || p < 0 || p > 0x7ffffffe)
      throw new ConfigError("page id", p, "an integer in [0, 2^31 - 2]: dense page ids");
    let n = Math.max(1024, this.hashes.length * 2);
    while (n <= p) n *= 2;
    const a = new Int32Array(n);
    a.set(this.hashes);
    for (let i = this.hashes.length; i < n; i++) a[i] = hash24(i, this.seed);
    const f = new Uint8Array(n);
    f.set(this.flags);
    for (let i = this.hashes.length; i < n; i++) f[i] = a[i]! < this.threshold ? 1 : 0;
    this.hashes = a;
    this.flags = f;
    return a;
  }

  private growHist(b: number): void {
    let n = this.hist.length * 2;
    while (n <= b) n *= 2;
    const h = new Float64Array(n);
    h.set(this.hist);
    this.hist = h;
  }

  private heapPush(p: number): void {
    const heap = this.heap;
    const hs = this.hashes;
    let i = this.heapSize++;
    const key = hs[p]!;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (hs[heap[up]!]! >= key) break;
      heap[i] = heap[up]!;
      i = up;
    }
    heap[i] = p;
  }

  private heapPop(): number {
    const heap = this.heap;
    const hs = this.hashes;
    const top = heap[0]!;
    const last = heap[--this.heapSize]!;
    const key = hs[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.heapSize) break;
      if (c + 1 < this.heapSize && hs[heap[c + 1]!]! > hs[heap[c]!]!) c++;
      if (hs[heap[c]!]! <= key) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
    return top;
  }

  /**
   * The estimated LRU curve so far, SHARDS_adj applied: misses[k] = (cold + sampled references at
   * scaled distance > k) / R, with the shortfall N·R - sampled added to the first bucket.
   */
  curve(): MissCurve {
    const rate = this.rate;
    // References that are not repeats (all of them with the paper's scaling), and their expected
    // number in the sample.
    const repeats = this.repeatsChecked > 0 ? (this.refs * this.repeatsFound) / this.repeatsChecked : 0;
    const others = this.refs - repeats;
    const expected = others * rate;
    const first = this.paperScaling ? 1 : 2;
    const top = Math.max(this.maxBucket, first);
    const misses = new Float64Array(top + 1);
    const scale = expected > 0 ? others / expected : 0;
    let acc = this.cold;
    for (let k = top; k >= 0; k--) {
      misses[k] = k === 0 ? this.refs : Math.max(0, Math.min(others, acc * scale));
      acc += this.hist[k] ?? 0;
      if (k === first) acc += expected - this.sampled;
    }
    return {
      method: "shards",
      references: this.refs,
      distinct: Math.round(this.cold / rate),
      coldMisses: this.cold / rate,
      misses: this.top === null ? misses : this.withExactTop(misses),
      exact: false,
      sampleRate: rate,
    };
  }

  /**
   * The estimate with its first sizes replaced by the exact counts of the top of the stack: misses
   * at k frames = references - hits at distances 1..k. When every page seen fits in the array, the
   * exact counts cover the whole curve; above the array the estimate stays at or below the exact
   * count at its last size (misses never rise with frames).
   */
  private withExactTop(est: Float64Array): Float64Array {
    const top = this.top!;
    const whole = top.size < top.depth;
    const k0 = whole ? top.size : top.depth;
    const out = new Float64Array(whole ? k0 + 1 : Math.max(est.length, k0 + 1));
    out[0] = this.refs;
    let m = this.refs;
    for (let k = 1; k <= k0; k++) {
      m -= top.hits[k]!;
      out[k] = m;
    }
    if (whole) return out;
    for (let k = k0 + 1; k < out.length; k++) out[k] = Math.min(m, est[Math.min(k, est.length - 1)]!);
    return out;
  }
}
