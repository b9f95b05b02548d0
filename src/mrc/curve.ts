// A miss-ratio curve as the one-pass algorithms of this folder produce it: misses at every frame
// count from 0 up to the point where only cold misses remain, plus helpers to read it at given
// sizes and to compare two curves (mean and largest absolute difference of the miss ratio).

/** How a curve was obtained. */
export type CurveMethod = "exact-lru" | "exact-opt" | "shards";

export interface MissCurve {
  readonly method: CurveMethod;
  /** References seen. */
  readonly references: number;
  /** Distinct pages seen (for SHARDS: the estimate, sampled pages / rate). */
  readonly distinct: number;
  /** First references to a page (estimated for SHARDS). */
  readonly coldMisses: number;
  /**
   * misses[k]: misses with k frames, for k = 0 .. misses.length - 1; past the end the count stays at
   * the last entry (cold misses only). Integers for the exact methods, estimates for SHARDS.
   */
  readonly misses: Float64Array;
  /** True when every entry is the count a full simulation would report. */
  readonly exact: boolean;
  /** SHARDS: the sampling rate in force at the end (1 for the exact methods). */
  readonly sampleRate: number;
}

/** Misses at `frames` frames (frames ≥ 0). */
export function missesAt(c: MissCurve, frames: number): number {
  const m = c.misses;
  return m[Math.min(Math.max(0, Math.floor(frames)), m.length - 1)]!;
}

/** Miss ratio at `frames` frames (0 for an empty stream). */
export function missRatioAt(c: MissCurve, frames: number): number {
  return c.references === 0 ? 0 : missesAt(c, frames) / c.references;
}

/**
 * Mirrors a stack-distance histogram into misses at every size: hist[d] references hit at stack
 * depth d (d ≥ 1) and miss with fewer than d frames; `cold` references miss at every size.
 */
export function missesFromHistogram(hist: Float64Array, maxDepth: number, cold: number): Float64Array {
  const out = new Float64Array(maxDepth + 1);
  let acc = cold;
  for (let k = maxDepth; k >= 0; k--) {
    out[k] = acc;
    acc += hist[k] ?? 0;
  }
  return out;
}

export interface CurveError {
  /** Mean over frame counts 1..sizes of |miss ratio(a) - miss ratio(b)|. */
  readonly mae: number;
  /** The largest of those differences and the frame count where it occurs. */
  readonly max: number;
  readonly maxAt: number;
  readonly sizes: number;
}

/**
 * Absolute miss-ratio differences between an estimate and an exact curve at every frame count from
 * 1 to `sizes` (default: the exact curve's length, where it reaches its cold misses).
 */
export function curveError(
  estimate: MissCurve,
  exact: MissCurve,
  sizes = exact.misses.length - 1,
): CurveError {
  let sum = 0;
  let max = 0;
  let maxAt = 0;
  const n = Math.max(1, sizes);
  for (let k = 1; k <= n; k++) {
    const d = Math.abs(missRatioAt(estimate, k) - missRatioAt(exact, k));
    sum += d;
    if (d > max) {
      max = d;
      maxAt = k;
    }
  }
  return { mae: sum / n, max, maxAt, sizes: n };
}
