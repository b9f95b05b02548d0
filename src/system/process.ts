// Processes of the multiprogramming layer: a workload prepared once (pages renumbered densely in
// order of first use, so any trace fits a small address space and WS bookkeeping is an array), and
// the scheduler's per-process state (position in the stream, state, clocks, working set, PFF) and
// its line of the System's report.

import { ConfigError } from "../core/errors.js";
import type { Counters } from "../core/stats.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE } from "../mmu/mmu.js";
import { isWrite, REF_INSTR } from "../workloads/refs.js";
import type { ProcessReport } from "./config.js";
import type { WorkingSet } from "./working-set.js";

/** A reference stream ready to run: dense page ids 0..distinct-1 and MMU access codes. */
export interface PreparedWorkload {
  readonly name: string;
  readonly count: number;
  readonly refs: Int32Array;
  readonly accs: Uint8Array;
  /** Distinct pages (the process's size for proportional allocation). */
  readonly distinct: number;
}

/**
 * Renumbers a workload's pages densely in order of first use and maps reference kinds (REF_*) to
 * access codes: an instruction fetch is an exec access, a store or modify a write, a load a read.
 * Without `kinds` every reference is a read.
 */
export function prepareWorkload(
  name: string,
  pages: ArrayLike<number>,
  kinds?: ArrayLike<number>,
  count: number = pages.length,
): PreparedWorkload {
  if (!Number.isInteger(count) || count < 1 || count > pages.length) {
    throw new ConfigError("workload.count", count, `1 to ${pages.length} references`);
  }
  const ids = new Map<number, number>();
  const refs = new Int32Array(count);
  const accs = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const pg = pages[i]!;
    let id = ids.get(pg);
    if (id === undefined) {
      id = ids.size;
      ids.set(pg, id);
    }
    refs[i] = id;
    const k = kinds ? kinds[i]! : 1;
    accs[i] = k === REF_INSTR ? ACC_EXEC : isWrite(k) ? ACC_WRITE : ACC_READ;
  }
  return { name, count, refs, accs, distinct: ids.size };
}

export const READY = 0;
export const RUNNING = 1;
export const BLOCKED = 2;
export const SUSPENDED = 3;
export const DONE = 4;
export const STATE_NAMES = ["ready", "running", "blocked", "suspended", "done"] as const;

export type BlockKind = "page" | "io" | "prepage";

/** The scheduler's view of one process. */
export class SysProc {
  state = READY;
  pos = 0;
  /** References completed (a reference that faulted and was retried counts once). */
  completed = 0;
  cpuNs = 0;
  blockedPagingNs = 0;
  blockedIoNs = 0;
  wakeAt = 0;
  blockedAt = 0;
  blockKind: BlockKind = "page";
  /** The page a process blocked on a fault waits for (-1 otherwise). */
  blockPage = -1;
  /** Faults seen on references (retries included) and those that needed the disk. */
  faults = 0;
  majorFaults = 0;
  sinceIo = 0;
  quota = Number.POSITIVE_INFINITY;
  suspensions = 0;
  activatedAt = 0;
  suspendedAt = 0;
  // Page-fault-frequency control: references and faults in the current window.
  pffRefs = 0;
  pffFaults = 0;
  wantsMore = false;
  // After a resume: faults and time until `resumeWindow` references completed.
  resumeLeft = 0;
  resumeAt = 0;
  resumeFaults = 0;
  /** Pages this process has touched (candidates for swap-out). */
  readonly touched: Uint8Array;
  exitReason = "";

  constructor(
    readonly pid: number,
    readonly name: string,
    readonly w: PreparedWorkload,
    readonly loop: boolean,
    readonly priority: number,
    readonly size: number,
    readonly counters: Counters,
    readonly ws: WorkingSet,
  ) {
    this.touched = new Uint8Array(w.distinct);
  }
}

/** `p` as the System's report gives it. */
export function processReport(p: SysProc): ProcessReport {
  return {
    pid: p.pid,
    name: p.name,
    state: STATE_NAMES[p.state]!,
    exitReason: p.exitReason,
    completed: p.completed,
    cpuNs: p.cpuNs,
    blockedPagingNs: p.blockedPagingNs,
    blockedIoNs: p.blockedIoNs,
    faults: p.faults,
    majorFaults: p.majorFaults,
    quota: p.quota,
    workingSet: p.ws.size,
    suspensions: p.suspensions,
  };
}
