// The Machine's process table: live processes by pid and by address-space id, the ended ones (for
// exitReason and statistics) with their counters summed, and pid and ASID allocation. What a spawn
// or an exit does to memory (address-space layout, freeing frames, tables and slots) stays in
// machine.ts; this module only keeps the books. Module-internal (not exported from src/index.ts).

import { MAX_ASID } from "../core/addr.js";
import { NoSuchProcessError, OutOfMemoryError } from "../core/errors.js";
import { type Counters, makeCounters } from "../core/stats.js";
import type { Process } from "../proc/process.js";
import { addCounters } from "./machine-stats.js";

export class ProcessTable {
  /** Live processes by pid. */
  readonly live = new Map<number, Process>();
  private readonly asids = new Map<number, Process>();
  /** Ended processes, in the order they ended. */
  readonly ended: Process[] = [];
  /** The counters of the ended processes, summed (their time included). */
  readonly retired: Counters = makeCounters();
  private nextPid = 1;

  /** The live process `pid`; throws NoSuchProcessError saying whether it never existed, exited or was killed. */
  get(pid: number): Process {
    const p = this.live.get(pid);
    if (p === undefined) {
      const dead = this.ended.find((e) => e.pid === pid);
      const why =
        dead === undefined
          ? "does not exist"
          : dead.state === "killed"
            ? `was killed (${dead.exitReason})`
            : "has exited";
      throw new NoSuchProcessError(pid, why);
    }
    return p;
  }

  /** The live process with address-space id `asid`, if any. */
  byAsid(asid: number): Process | undefined {
    return this.asids.get(asid);
  }

  /** The lowest address-space id no live process holds; OutOfMemoryError when all are taken. */
  freeAsid(): number {
    for (let a = 1; a <= MAX_ASID; a++) if (!this.asids.has(a)) return a;
    throw new OutOfMemoryError(`no free address-space id: ${MAX_ASID} processes are alive`);
  }

  /** The pid for the next process (pids are never reused). */
  takePid(): number {
    return this.nextPid++;
  }

  add(p: Process): void {
    this.live.set(p.pid, p);
    this.asids.set(p.asid, p);
  }

  /** Moves `p` to the ended processes, adding `counters` (its counters with time) to retired. */
  retire(p: Process, counters: Counters): void {
    this.live.delete(p.pid);
    this.asids.delete(p.asid);
    addCounters(this.retired, counters);
    this.ended.push(p);
  }

  /** Why a process ended ("" while it runs; undefined if the pid never existed). */
  exitReason(pid: number): string | undefined {
    if (this.live.has(pid)) return "";
    return this.ended.find((p) => p.pid === pid)?.exitReason;
  }
}
