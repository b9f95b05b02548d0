// Several synthetic processes in one stream: round robin over their generators, `quantum`
// references at a time, process i with pid i+1 (the mix generator and "A + B" specs of
// generators.ts).

import { ConfigError } from "../core/errors.js";
import type { RefGenerator } from "./gen-stream.js";
import type { RefBatch } from "./refs.js";

/** Round-robin over several generators, `quantum` references at a time; process i has pid i+1. */
export class Mix implements RefGenerator {
  readonly total: number;
  readonly pageSize: number;
  private cur = 0;
  private leftInQuantum: number;
  private readonly live: boolean[];

  constructor(
    readonly spec: string,
    private readonly procs: readonly RefGenerator[],
    private readonly quantum: number,
  ) {
    this.total = procs.reduce((s, g) => s + g.total, 0);
    this.pageSize = procs[0]!.pageSize;
    if (procs.some((g) => g.pageSize !== this.pageSize)) {
      throw new ConfigError("mix", spec, "processes with one page size");
    }
    this.leftInQuantum = quantum;
    this.live = procs.map(() => true);
  }

  fill(out: RefBatch, max: number, _pid: number): number {
    let made = 0;
    while (made < max && out.count < out.pages.length) {
      if (!this.live.some((l) => l)) break;
      if (!this.live[this.cur]) {
        this.advance();
        continue;
      }
      const got = this.procs[this.cur]!.fill(out, Math.min(this.leftInQuantum, max - made), this.cur + 1);
      made += got;
      this.leftInQuantum -= got;
      if (got === 0) this.live[this.cur] = false;
      if (got === 0 || this.leftInQuantum === 0) this.advance();
    }
    return made;
  }

  private advance(): void {
    this.cur = (this.cur + 1) % this.procs.length;
    this.leftInQuantum = this.quantum;
  }
}
