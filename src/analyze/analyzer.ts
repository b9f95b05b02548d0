// What a trace is made of, in one streamed pass: the read/write mix, LRU reuse (stack) distances,
// popularity (the top pages, a Zipf fit, one-hit wonders), the working-set size over time and each
// process's footprint. Fed batch by batch; memory grows with the distinct pages (a few typed-array
// entries each) and the processes, never with the references: the working-set series keeps at most
// 2 x maxPoints points, halving its resolution when it fills. Browser-safe.
//
// Definitions.
// - Reuse distance: the LRU stack distance (src/mrc/stack-distance.ts): distinct pages referenced
//   since the page's previous reference, itself included; a reference at distance d hits in any LRU
//   memory of d frames or more. Reported in power-of-two buckets [1], [2,3], [4,7]...; first
//   references ("cold") apart.
// - Popularity: references per page (a page is a (pid, page) pair). The Zipf exponent alpha is the
//   least-squares slope of ln(count) against ln(rank), over ranks sampled evenly on a log scale (at
//   most 64 per factor of 10) so each decade weighs the same; r2 says how straight the line is.
// - One-hit wonders: pages referenced exactly once.
// - Working set W(t, window) (Denning): distinct pages among the `window` references ending at t,
//   for consecutive, disjoint windows; a trace shorter than one window reports its one partial
//   window.
// - Reads are instruction fetches and loads; writes are stores and modifies (a modify also reads).

import { pageKeyVpn } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import { StackDistances } from "../mrc/stack-distance.js";
import { PageIds } from "../workloads/page-ids.js";
import type { RefBatch } from "../workloads/refs.js";

export interface AnalyzeOptions {
  /** References per working-set window (default 10000). */
  readonly window?: number;
  /** Working-set points kept at most (default 500; up to twice that before halving). */
  readonly maxPoints?: number;
  /** Most referenced pages listed (default 10). */
  readonly top?: number;
}

export interface ReuseBucket {
  /** Smallest and largest distance in the bucket. */
  readonly from: number;
  readonly to: number;
  readonly references: number;
}

export interface TopPage {
  readonly pid: number;
  readonly page: number;
  readonly references: number;
  /** Fraction of all references. */
  readonly share: number;
}

export interface ProcessFootprint {
  readonly pid: number;
  readonly references: number;
  readonly writes: number;
  /** Distinct pages of this process. */
  readonly pages: number;
}

export interface TraceAnalysis {
  readonly references: number;
  readonly distinctPages: number;
  readonly byKind: {
    readonly instructions: number;
    readonly loads: number;
    readonly stores: number;
    readonly modifies: number;
  };
  readonly reads: number;
  readonly writes: number;
  /** writes / references (0 for an empty trace). */
  readonly writeFraction: number;
  readonly reuse: {
    /** First references to a page. */
    readonly cold: number;
    readonly buckets: readonly ReuseBucket[];
    /** Median distance of the references that are not cold (0 if none). */
    readonly median: number;
  };
  readonly popularity: {
    readonly top: readonly TopPage[];
    /** The Zipf exponent and fit quality; null with fewer than 3 distinct counts to fit. */
    readonly zipf: { readonly alpha: number; readonly r2: number; readonly points: number } | null;
    readonly oneHitWonders: {
      readonly pages: number;
      /** Of the distinct pages. */
      readonly fraction: number;
    };
  };
  readonly workingSet: {
    /** References per window. */
    readonly window: number;
    /** Windows between kept points. */
    readonly stride: number;
    /** Each kept window: the reference that ends it and its distinct pages. */
    readonly points: readonly { readonly end: number; readonly pages: number }[];
    /** Largest and mean over the kept points. */
    readonly max: number;
    readonly mean: number;
  };
  readonly processes: readonly ProcessFootprint[];
}

interface PidStats {
  references: number;
  writes: number;
  pages: number;
}

/** Streams batches into the statistics of a trace; `result()` at any time gives them so far. */
export class TraceAnalyzer {
  private readonly window: number;
  private readonly maxPoints: number;
  private readonly topN: number;
  private readonly ids = new PageIds();
  private readonly sd = new StackDistances();
  private idBuf = new Int32Array(0);
  private writeBuf = new Uint8Array(0);
  /** References per dense id, and the pid of each id. */
  private counts = new Float64Array(1024);
  private pidOf = new Int32Array(1024);
  /** 1 + the last working-set window in which each id was counted. */
  private lastWindow = new Int32Array(1024);
  private readonly byKind = new Float64Array(4);
  private references = 0;
  private windowPages = 0;
  private points: { end: number; pages: number }[] = [];
  private stride = 1;
  private readonly pids = new Map<number, PidStats>();

  constructor(opts: AnalyzeOptions = {}) {
    this.window = positive(opts.window ?? 10_000, "window");
    this.maxPoints = positive(opts.maxPoints ?? 500, "maxPoints");
    this.topN = Math.max(0, Math.floor(opts.top ?? 10));
  }

  /** Adds the references [0, b.count) of a batch. */
  add(b: RefBatch): void {
    const n = b.count;
    if (n === 0) return;
    if (this.idBuf.length < n) {
      this.idBuf = new Int32Array(n);
      this.writeBuf = new Uint8Array(n);
    }
    const before = this.ids.size;
    this.ids.map(b.pages, b.kinds, b.pids, 0, n, this.idBuf, this.writeBuf);
    this.grow(this.ids.size);
    this.sd.feed(this.idBuf, n);
    const ids = this.idBuf;
    const writes = this.writeBuf;
    const counts = this.counts;
    const pidOf = this.pidOf;
    const lastWindow = this.lastWindow;
    const kinds = b.kinds;
    let seen = before;
    let lastPid = Number.NaN;
    let ps: PidStats | undefined;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      const pid = b.pids[i]!;
      if (pid !== lastPid) {
        ps = this.pids.get(pid);
        if (ps === undefined) {
          ps = { references: 0, writes: 0, pages: 0 };
          this.pids.set(pid, ps);
        }
        lastPid = pid;
      }
      ps!.references++;
      ps!.writes += writes[i]!;
      if (id === seen) {
        seen++;
        ps!.pages++;
        pidOf[id] = pid;
      }
      counts[id]!++;
      this.byKind[kinds[i]!]!++;
      // Working set: window w holds references [w * window, (w + 1) * window).
      const w = Math.floor(this.references / this.window) + 1;
      if (lastWindow[id] !== w) {
        lastWindow[id] = w;
        this.windowPages++;
      }
      this.references++;
      if (this.references % this.window === 0) this.closeWindow(w - 1);
    }
  }

  /** The statistics of everything added so far. */
  result(): TraceAnalysis {
    const refs = this.references;
    const distinct = this.ids.size;
    const [instructions, loads, stores, modifies] = Array.from(this.byKind);
    const writes = stores! + modifies!;
    const points = this.points.slice();
    if (points.length === 0 && refs > 0) points.push({ end: refs, pages: this.windowPages });
    let max = 0;
    let sum = 0;
    for (const p of points) {
      max = Math.max(max, p.pages);
      sum += p.pages;
    }
    const ones = this.countOnes(distinct);
    return {
      references: refs,
      distinctPages: distinct,
      byKind: { instructions: instructions!, loads: loads!, stores: stores!, modifies: modifies! },
      reads: instructions! + loads!,
      writes,
      writeFraction: refs === 0 ? 0 : writes / refs,
      reuse: this.reuse(),
      popularity: {
        top: this.topPages(distinct, refs),
        zipf: zipfFit(this.counts.subarray(0, distinct)),
        oneHitWonders: { pages: ones, fraction: distinct === 0 ? 0 : ones / distinct },
      },
      workingSet: {
        window: this.window,
        stride: this.stride,
        points,
        max,
        mean: points.length === 0 ? 0 : sum / points.length,
      },
      processes: [...this.pids.entries()]
        .map(([pid, s]) => ({ pid, references: s.references, writes: s.writes, pages: s.pages }))
        .sort((a, b) => b.references - a.references || a.pid - b.pid),
    };
  }

  /**
   * LRU misses with `frames` frames for each of `frames`, from the stack-distance histogram (a
   * reference at distance d misses with fewer than d frames; cold references always miss).
   */
  lruMisses(frames: readonly number[]): number[] {
    const hist = this.sd.hist;
    // above[k] would be O(distinct) memory again: sum per query instead (few queries).
    return frames.map((k) => {
      let m = this.sd.cold;
      for (let d = Math.max(1, Math.floor(k) + 1); d < hist.length; d++) m += hist[d]!;
      return m;
    });
  }

  /** References of the page at each rank (1 = most referenced), ranks sampled `perDecade` per factor of 10. */
  rankCounts(perDecade = 16): { rank: number; references: number }[] {
    const sorted = Float64Array.from(this.counts.subarray(0, this.ids.size)).sort().reverse();
    const out: { rank: number; references: number }[] = [];
    let last = 0;
    for (let k = 0; ; k++) {
      const rank = Math.round(10 ** (k / perDecade));
      if (rank > sorted.length) break;
      if (rank === last) continue;
      last = rank;
      out.push({ rank, references: sorted[rank - 1]! });
    }
    if (last < sorted.length && sorted.length > 0)
      out.push({ rank: sorted.length, references: sorted[sorted.length - 1]! });
    return out;
  }

  private closeWindow(w: number): void {
    if (w % this.stride === 0) this.points.push({ end: this.references, pages: this.windowPages });
    this.windowPages = 0;
    if (this.points.length >= 2 * this.maxPoints) {
      this.points = this.points.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  private grow(need: number): void {
    if (need <= this.counts.length) return;
    let cap = this.counts.length;
    while (cap < need) cap *= 2;
    const c = new Float64Array(cap);
    c.set(this.counts);
    this.counts = c;
    const p = new Int32Array(cap);
    p.set(this.pidOf);
    this.pidOf = p;
    const l = new Int32Array(cap);
    l.set(this.lastWindow);
    this.lastWindow = l;
  }

  private countOnes(distinct: number): number {
    let ones = 0;
    for (let i = 0; i < distinct; i++) if (this.counts[i] === 1) ones++;
    return ones;
  }

  private reuse(): TraceAnalysis["reuse"] {
    const hist = this.sd.hist;
    const buckets: ReuseBucket[] = [];
    let warm = 0;
    for (let d = 1; d < hist.length; d++) warm += hist[d]!;
    let median = 0;
    let acc = 0;
    for (let from = 1; from < hist.length; from *= 2) {
      const to = Math.min(2 * from - 1, hist.length - 1);
      let c = 0;
      for (let d = from; d <= to; d++) {
        const h = hist[d]!;
        if (h > 0 && median === 0 && acc + h >= warm / 2) median = d;
        acc += h;
        c += h;
      }
      if (c > 0 || from <= this.sd.maxLive) buckets.push({ from, to, references: c });
    }
    while (buckets.length > 0 && buckets[buckets.length - 1]!.references === 0) buckets.pop();
    return { cold: this.sd.cold, buckets, median };
  }

  private topPages(distinct: number, refs: number): TopPage[] {
    const n = Math.min(this.topN, distinct);
    if (n === 0) return [];
    // A bounded selection: the n largest counts (ties by first appearance).
    const best: number[] = [];
    const c = this.counts;
    for (let id = 0; id < distinct; id++) {
      if (best.length === n && c[id]! <= c[best[n - 1]!]!) continue;
      let j = best.length < n ? best.length : n - 1;
      if (best.length < n) best.push(id);
      while (j > 0 && c[best[j - 1]!]! < c[id]!) {
        best[j] = best[j - 1]!;
        j--;
      }
      best[j] = id;
    }
    return best.map((id) => {
      const pid = this.pidOf[id]!;
      const key = this.ids.keyOf(id);
      return {
        pid,
        page: pid === 0 ? key : pageKeyVpn(key),
        references: c[id]!,
        share: refs === 0 ? 0 : c[id]! / refs,
      };
    });
  }
}

function positive(v: number, key: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new ConfigError(key, v, "a positive integer");
  return v;
}

/**
 * Zipf fit of per-page reference counts: alpha = -slope of ln(count) on ln(rank) by least squares
 * over ranks sampled evenly on a log scale. Null when fewer than 3 points remain.
 */
export function zipfFit(counts: Float64Array): { alpha: number; r2: number; points: number } | null {
  const sorted = Float64Array.from(counts).sort().reverse();
  const n = sorted.length;
  const xs: number[] = [];
  const ys: number[] = [];
  let lastRank = 0;
  for (let k = 0; ; k++) {
    const rank = Math.round(10 ** (k / 64));
    if (rank > n) break;
    if (rank === lastRank) continue;
    lastRank = rank;
    xs.push(Math.log(rank));
    ys.push(Math.log(sorted[rank - 1]!));
  }
  if (xs.length < 3) return null;
  const m = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / m;
  const my = ys.reduce((a, b) => a + b, 0) / m;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < m; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const slope = sxy / sxx;
  return { alpha: -slope, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy), points: m };
}
