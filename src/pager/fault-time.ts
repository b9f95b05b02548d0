// Time on the fault path: fault handling and disk I/O are charged to the clock (faultNs) and to the
// process being served, or, while background work (kswapd) runs, to backgroundNs instead.

import type { AddressSpace } from "./space.js";

export class FaultTime {
  private fault = 0;
  private bg = 0;
  private inBackground = false;
  private cur: AddressSpace | undefined;

  /** Time spent in fault handling and disk I/O, ns (the rest is per-access time). */
  get faultNs(): number {
    return this.fault;
  }
  /** I/O time spent by background work, ns. */
  get backgroundNs(): number {
    return this.bg;
  }
  /** The process whose fault is being handled (disk time is charged to it). */
  get serving(): AddressSpace | undefined {
    return this.cur;
  }

  serve(p: AddressSpace): void {
    this.cur = p;
  }

  /** Charges `ns` to the clock and the process served, or to background time. */
  spend(ns: number): void {
    if (this.inBackground) {
      this.bg += ns;
      return;
    }
    this.fault += ns;
    if (this.cur) this.cur.counters.timeNs += ns;
  }

  /** Runs `work` as background work; returns the I/O time it spent, ns. */
  background(work: () => void): number {
    const before = this.bg;
    this.inBackground = true;
    try {
      work();
    } finally {
      this.inBackground = false;
    }
    return this.bg - before;
  }
}
