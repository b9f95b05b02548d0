// The thrashing curve: for each degree of multiprogramming N, a fresh machine runs N copies of a
// workload (or a mix, assigned round robin) as processes in simulated time (src/system/system.ts),
// warms up, then measures CPU utilization, disk faults per second, faults per reference and
// throughput over a window. With ordinary I/O in the processes, utilization first rises with N
// (another process runs while one waits) and then collapses once the working sets no longer fit and
// the processes spend their time waiting for the paging disk (seed 004: "a process is spending more
// time in paging than executing"). Run it with and without load control to see the recovery.

import { ConfigError } from "../core/errors.js";
import type { Scope } from "../pager/pager.js";
import { Machine } from "../sim/machine.js";
import type { PreparedWorkload } from "./process.js";
import { System, type SystemConfig, type SystemTotals } from "./system.js";

export interface PointOptions {
  /** One workload (N copies) or several (process i runs workloads[i mod k]). */
  readonly workloads: readonly PreparedWorkload[];
  readonly frames: number;
  readonly policy?: string;
  readonly scope?: Scope;
  readonly shape?: string;
  readonly system?: SystemConfig;
  /** Priorities of processes 1, 2, … (repeated as needed; default all 1), for priority allocation. */
  readonly priorities?: readonly number[];
  /** Simulated time before measuring (default 2 s), and the measured window (default 2 s). */
  readonly warmupNs?: number;
  readonly measureNs?: number;
}

export interface ThrashOptions extends PointOptions {
  readonly degrees: readonly number[];
  /** Called after each degree (progress). */
  readonly onPoint?: (p: ThrashPoint, index: number) => void;
}

export interface ThrashPoint {
  readonly degree: number;
  readonly cpuUtilization: number;
  /** Faults that needed the disk, per simulated second. */
  readonly faultsPerSecond: number;
  /** Faults per completed reference. */
  readonly faultRate: number;
  /** References completed per simulated second. */
  readonly throughput: number;
  /** Share of the window in which the thrashing signals held. */
  readonly thrashingShare: number;
  readonly thrashing: boolean;
  readonly suspensions: number;
  /** Processes suspended at the end of the window. */
  readonly suspended: number;
  readonly diskUtilization: number;
  /**
   * Processes killed by the end of the window, and the first one's reason: a process whose fault
   * finds no frame to free (too few frames for every process's page tables) is killed and the
   * others go on, so a point with kills measures fewer processes than its degree.
   */
  readonly killed: number;
  readonly killReason?: string;
  readonly demandFrames: number;
  readonly availableFrames: number;
}

export const DEFAULT_WARMUP_NS = 2e9;
export const DEFAULT_MEASURE_NS = 2e9;

/** Runs one degree of multiprogramming and measures it. */
export function thrashPoint(opts: PointOptions, degree: number): ThrashPoint {
  if (!Number.isInteger(degree) || degree < 1) throw new ConfigError("degree", degree, "a whole number ≥ 1");
  if (opts.workloads.length === 0) throw new ConfigError("workloads", 0, "at least one workload");
  const machine = new Machine({
    frames: opts.frames,
    policy: opts.policy ?? "lru",
    scope: opts.scope ?? "global",
    ...(opts.shape !== undefined ? { shape: opts.shape } : {}),
  });
  const sys = new System(machine, opts.system ?? {});
  for (let i = 0; i < degree; i++) {
    const w = opts.workloads[i % opts.workloads.length]!;
    // Copies start at staggered points of their stream, so that they do not change phase in step.
    const copy = Math.floor(i / opts.workloads.length);
    const copies = Math.ceil(degree / opts.workloads.length);
    const pr = opts.priorities;
    sys.spawn({
      workload: w,
      loop: true,
      start: Math.floor((copy * w.count) / copies),
      ...(pr !== undefined && pr.length > 0 ? { priority: pr[i % pr.length]! } : {}),
    });
  }
  const warm = opts.warmupNs ?? DEFAULT_WARMUP_NS;
  const span = opts.measureNs ?? DEFAULT_MEASURE_NS;
  sys.run(warm);
  const a = sys.totals();
  sys.run(warm + span);
  const b = sys.totals();
  const d = diff(b, a);
  const secs = d.timeNs / 1e9;
  const rep = sys.report();
  const last = rep.samples[rep.samples.length - 1];
  const killed = rep.processes.filter((p) => p.state === "done" && p.exitReason !== "exit");
  machine.close();
  return {
    degree,
    cpuUtilization: d.timeNs > 0 ? d.busyNs / d.timeNs : 0,
    faultsPerSecond: secs > 0 ? d.majorFaults / secs : 0,
    faultRate: d.completed > 0 ? d.faults / d.completed : d.faults > 0 ? 1 : 0,
    throughput: secs > 0 ? d.completed / secs : 0,
    thrashingShare: d.timeNs > 0 ? d.thrashingNs / d.timeNs : 0,
    thrashing: d.thrashingNs > d.timeNs / 2,
    suspensions: d.suspensions,
    suspended: rep.processes.filter((p) => p.state === "suspended").length,
    diskUtilization: d.timeNs > 0 ? Math.min(1, d.diskBusyNs / d.timeNs) : 0,
    killed: killed.length,
    ...(killed.length > 0 ? { killReason: killed[0]!.exitReason } : {}),
    demandFrames: last?.demandFrames ?? 0,
    availableFrames: rep.availableFrames,
  };
}

/** The curve over `degrees`. */
export function thrashCurve(opts: ThrashOptions): ThrashPoint[] {
  return opts.degrees.map((n, i) => {
    const p = thrashPoint(opts, n);
    opts.onPoint?.(p, i);
    return p;
  });
}

function diff(b: SystemTotals, a: SystemTotals): SystemTotals {
  const out: Record<string, number> = {};
  for (const k of Object.keys(b) as (keyof SystemTotals)[]) out[k] = b[k] - a[k];
  return out as unknown as SystemTotals;
}
