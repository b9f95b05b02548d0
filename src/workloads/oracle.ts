// The oracle for OPT: each reference's next use, found in one backward pass over the whole trace.
// OPT cannot run online; annotating the workload first is how simulators (libCacheSim's Belady
// among them) give it the future.

/**
 * For each reference i < count, the index of the next reference to the same page, or Infinity if
 * there is none. `pages` are dense ids in [0, pageSpace). One typed array of pageSpace entries is
 * the only extra memory.
 */
export function annotateNextUse(pages: ArrayLike<number>, count: number, pageSpace: number): Float64Array {
  const nextUse = new Float64Array(count);
  const last = new Float64Array(pageSpace).fill(Number.POSITIVE_INFINITY);
  for (let i = count - 1; i >= 0; i--) {
    const p = pages[i]!;
    nextUse[i] = last[p]!;
    last[p] = i;
  }
  return nextUse;
}
