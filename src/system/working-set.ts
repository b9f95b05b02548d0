// The working-set model WS(t, τ) of Denning ("The working set model for program behavior", CACM
// 11(5), 1968): the set of distinct pages a process referenced in its last τ references, t being
// the process's own virtual time (references it has completed, not wall time, so waiting for the
// disk or for the CPU does not shrink it). Kept exactly and incrementally: a ring of the last τ
// page ids and a count per page of its occurrences in the ring; |WS| is the number of pages with a
// non-zero count. One reference costs O(1) and allocates nothing. Pages are dense ids 0..pages-1
// (src/system/process.ts renumbers a workload's pages).

import { ConfigError } from "../core/errors.js";

export class WorkingSet {
  /** Virtual time: references recorded so far. */
  time = 0;
  /** |WS(t, τ)|. */
  size = 0;
  private readonly ring: Int32Array;
  private readonly count: Int32Array;
  /** Virtual time of each page's last reference (-1: never). */
  readonly lastRef: Float64Array;
  private head = 0;

  constructor(
    readonly tau: number,
    readonly pages: number,
  ) {
    if (!Number.isInteger(tau) || tau < 1)
      throw new ConfigError("tau", tau, "a positive whole number of references");
    if (!Number.isInteger(pages) || pages < 1)
      throw new ConfigError("pages", pages, "a positive whole number");
    this.ring = new Int32Array(tau);
    this.count = new Int32Array(pages);
    this.lastRef = new Float64Array(pages).fill(-1);
  }

  /** Records a reference to dense page `page`. */
  ref(page: number): void {
    if (this.time >= this.tau) {
      const old = this.ring[this.head]!;
      if (--this.count[old]! === 0) this.size--;
    }
    this.ring[this.head] = page;
    if (this.count[page]!++ === 0) this.size++;
    this.head = this.head + 1 === this.tau ? 0 : this.head + 1;
    this.lastRef[page] = this.time;
    this.time++;
  }

  /** True if `page` is in WS(t, τ). */
  has(page: number): boolean {
    return this.count[page]! > 0;
  }

  /** The pages of WS(t, τ), most recently referenced first. */
  members(): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.pages; p++) if (this.count[p]! > 0) out.push(p);
    return out.sort((a, b) => this.lastRef[b]! - this.lastRef[a]!);
  }
}

/** WS(t, τ) computed naively from a reference string (the last τ references up to t): for tests. */
export function naiveWorkingSet(refs: ArrayLike<number>, t: number, tau: number): Set<number> {
  const s = new Set<number>();
  for (let i = Math.max(0, t - tau); i < t; i++) s.add(refs[i]!);
  return s;
}
