// Time series computed from a reference stream of dense page ids: working-set size over time,
// the access heat map, and sample points. Pure functions over typed arrays, linear in the trace.

/** `count` sample positions in (0, n], evenly spaced, the last one n. */
export function samplePoints(n: number, count: number): number[] {
  const k = Math.max(1, Math.min(count, n));
  const out: number[] = [];
  for (let i = 1; i <= k; i++) out.push(Math.round((n * i) / k));
  return out;
}

/**
 * Working-set size W(t, τ): distinct pages among the last `tau` references ending at each of
 * `at` (positions, 1-based counts of references seen). `pageSpace` bounds the dense ids.
 */
export function workingSetSizes(
  pages: ArrayLike<number>,
  n: number,
  pageSpace: number,
  tau: number,
  at: readonly number[],
): number[] {
  const inWindow = new Int32Array(pageSpace);
  let distinct = 0;
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < n && next < at.length; i++) {
    const p = pages[i]!;
    if (inWindow[p]++ === 0) distinct++;
    if (i >= tau) {
      const old = pages[i - tau]!;
      if (--inWindow[old] === 0) distinct--;
    }
    while (next < at.length && at[next] === i + 1) {
      out.push(distinct);
      next++;
    }
  }
  while (out.length < at.length) out.push(distinct);
  return out;
}

/** Access counts per (time bin, page bin), row-major by time. */
export function heatmap(
  pages: ArrayLike<number>,
  n: number,
  pageSpace: number,
  timeBins: number,
  pageBins: number,
): { timeBins: number; pageBins: number; pagesPerBin: number; refsPerBin: number; counts: number[] } {
  const tb = Math.max(1, Math.min(timeBins, n));
  const pb = Math.max(1, Math.min(pageBins, pageSpace));
  const pagesPerBin = Math.ceil(pageSpace / pb);
  const refsPerBin = Math.ceil(n / tb);
  const counts = new Array<number>(tb * pb).fill(0);
  for (let i = 0; i < n; i++) {
    const t = Math.floor(i / refsPerBin);
    const p = Math.floor(pages[i]! / pagesPerBin);
    counts[t * pb + p]!++;
  }
  return { timeBins: tb, pageBins: pb, pagesPerBin, refsPerBin, counts };
}
