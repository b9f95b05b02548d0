// Run counts and failure reports for the property tests. CI runs each property with fresh random
// seeds at the count written in the test (they have found real bugs that way); a soak multiplies
// every count by PW_SOAK (`PW_SOAK=100 npx vitest run test/property`), run by hand before a
// data-loss fix is called done. A failure prints fast-check's seed and path (which replay exactly
// that run: `fc.assert(..., { seed, path })`) and the shrunk counterexample. Shrinking a
// 150-operation run can take minutes, longer than a test may run, and a timed-out test prints
// nothing useful: `shrinkFor` stops shrinking after a time limit, so the report always comes.

/** The soak multiplier from PW_SOAK (1 when unset). */
export function soakFactor(): number {
  const raw = process.env.PW_SOAK;
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PW_SOAK must be a whole number ≥ 1, not "${raw}"`);
  return n;
}

/** `numRuns` times the soak factor. */
export function runs(numRuns: number): number {
  return numRuns * soakFactor();
}

/**
 * Wraps a property's predicate so that shrinking stops `limitMs` after the first failure: from then
 * on every candidate counts as passing, so fast-check ends with the smallest failing case found so
 * far (still failing, still printed with the seed and path). Before any failure it is the predicate.
 */
export function shrinkFor<A extends unknown[]>(
  predicate: (...args: A) => void,
  limitMs = 20_000,
): (...args: A) => void {
  let failedAt = -1;
  return (...args: A) => {
    if (failedAt >= 0 && Date.now() - failedAt > limitMs) return;
    try {
      predicate(...args);
    } catch (e) {
      if (failedAt < 0) failedAt = Date.now();
      throw e;
    }
  };
}
