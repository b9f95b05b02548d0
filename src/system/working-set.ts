// The working-set model WS(t, τ) of Denning ("The working set model for program behavior", CACM
// 11(5), 1968): the set of distinct pages a process referenced in its last τ references, t being
// the process's own virtual time (references it has completed, not wall time, so waiting for the
// disk or for the CPU does not shrink it). Kept exactly and incrementally: a ring of the last τ
// page ids and a count per page of its occurrences in the ring; |WS| is the number of pages with a
// non-zero count. One reference costs O(1) and allocates nothing. Pages are dense ids 0..pages-1
// (src/system/process.ts renumbers a workload's pages).

import { ConfigError } from "../core/errors.js";

const NIL = -1;

export class WorkingSet {
  /** Virtual time: references recorded so far. */
  time = 0;
  /** |WS(t, τ)|. */
  size = 0;
  /** Members, oldest last reference first: links and a membership flag per page. */
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly member: Uint8Array;
  private oldest = NIL;
  private newest = NIL;
  /** Virtual time of each page's last reference (-1: never). */
  readonly lastRef: Float64Array;

  constructor(
    readonly tau: number,
    readonly pages: number,
  ) {
    if (!Number.isSafeInteger(tau) || tau < 1)
      throw new ConfigError("tau", tau, "a positive whole number of references");
    if (!Number.isInteger(pages) || pages < 1)
      throw new ConfigError("pages", pages, "a positive whole number");
    this.prev = new Int32Array(pages);
    this.next = new Int32Array(pages);
    this.member = new Uint8Array(pages);
    this.lastRef = new Float64Array(pages).fill(-1);
  }

  /** Records a reference to dense page `page`. */
  ref(page: number): void {
    const { prev, next } = this;
    if (this.newest !== page) {
      if (this.member[page] === 1) {
        // unlink (not the newest, so it has a next)
        const p = prev[page]!;
        const n = next[page]!;
        if (p === NIL) this.oldest = n;
        else next[p] = n;
        prev[n] = p;
      } else {
        this.member[page] = 1;
        this.size++;
      }
      prev[page] = this.newest;
      next[page] = NIL;
      if (this.newest === NIL) this.oldest = page;
      else next[this.newest] = page;
      this.newest = page;
    }
    this.lastRef[page] = this.time++;
    // the window is the last τ references: times time - τ .. time - 1
    const cutoff = this.time - this.tau;
    while (this.lastRef[this.oldest]! < cutoff) {
      const o = this.oldest;
      this.member[o] = 0;
      this.size--;
      this.oldest = next[o]!;
      if (this.oldest === NIL) this.newest = NIL;
      else prev[this.oldest] = NIL;
    }
  }

  /** True if `page` is in WS(t, τ). */
  has(page: number): boolean {
    return this.member[page] === 1;
  }

  /** The pages of WS(t, τ), most recently referenced first. */
  members(): number[] {
    const out: number[] = [];
    for (let p = this.newest; p !== NIL; p = this.prev[p]!) out.push(p);
    return out;
  }
}

/** WS(t, τ) computed naively from a reference string (the last τ references up to t): for tests. */
export function naiveWorkingSet(refs: ArrayLike<number>, t: number, tau: number): Set<number> {
  const s = new Set<number>();
  for (let i = Math.max(0, t - tau); i < t; i++) s.add(refs[i]!);
  return s;
}
