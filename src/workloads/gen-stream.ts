// What every synthetic generator is (RefGenerator: fills batches until its references are used
// up) and the common part of the single-process ones (PageStream: n references, a seed, a write
// fraction; a subclass picks each reference's page). The families: gen-fixed.ts, gen-random.ts;
// several processes in round robin: gen-mix.ts; specs: generators.ts.

import { REF_LOAD, REF_STORE, type RefBatch } from "./refs.js";
import { Rng } from "./rng.js";

/** A running generator: fills batches until its references are used up. */
export interface RefGenerator {
  /** The spec with every default filled in, for reports. */
  readonly spec: string;
  readonly pageSize: number;
  /** References it produces in all. */
  readonly total: number;
  /**
   * Appends up to `max` references to `out` (from out.count, within its capacity) with pid `pid`;
   * returns how many. 0 means it is exhausted.
   */
  fill(out: RefBatch, max: number, pid: number): number;
}

/** The common part: n references, a seed, a write fraction; subclasses pick pages. */
export abstract class PageStream implements RefGenerator {
  readonly pageSize: number = 4096;
  readonly total: number;
  protected readonly rng: Rng;
  protected readonly writes: number;
  private made = 0;

  constructor(
    readonly spec: string,
    total: number,
    seed: number,
    writes: number,
  ) {
    this.total = total;
    this.rng = new Rng(seed);
    this.writes = writes;
  }

  /** The page of reference number `i` (called in order, once each). */
  protected abstract page(i: number): number;

  /** The kind of reference `i`: a store with probability `writes`. */
  protected kind(_i: number): number {
    return this.writes > 0 && this.rng.next() < this.writes ? REF_STORE : REF_LOAD;
  }

  fill(out: RefBatch, max: number, pid: number): number {
    const n = Math.min(max, this.total - this.made, out.pages.length - out.count);
    let j = out.count;
    for (let k = 0; k < n; k++) {
      const i = this.made++;
      out.pages[j] = this.page(i);
      out.kinds[j] = this.kind(i);
      out.pids[j] = pid;
      j++;
    }
    out.count = j;
    return n;
  }
}
