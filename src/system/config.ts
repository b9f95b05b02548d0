// The configuration and report types of src/system/system.ts (the System class), apart so the
// class's file holds the behaviour. system.ts re-exports them.

import type { AllocationMode } from "../sim/allocation.js";
import type { DiskConfig, DiskPreset, DiskStats } from "./disk.js";
import type { PreparedWorkload } from "./process.js";

export interface PffConfig {
  /** Faults per reference above which a process gets `step` more frames. */
  readonly upper: number;
  /** Faults per reference below which it gives `step` frames back. */
  readonly lower: number;
  /** References per measurement window. */
  readonly windowRefs: number;
  readonly step: number;
}

export interface SystemConfig {
  /** Round-robin quantum, ns (default 10 ms). */
  readonly quantumNs?: number;
  /** Paging disk: "hdd" (default), "ssd" or a custom latency and transfer time. */
  readonly disk?: DiskPreset | Partial<DiskConfig>;
  /** CPU time of a context switch, ns (default 0). Not useful work. */
  readonly contextSwitchNs?: number;
  /** Ordinary I/O: every `everyRefs` references the process blocks for `ns` (default none). */
  readonly io?: { readonly everyRefs: number; readonly ns: number };
  /** Frame allocation under local replacement (needs the machine's scope "local"). */
  readonly allocation?: AllocationMode;
  /** Least frames per process for allocation and PFF (default 1). */
  readonly minFrames?: number;
  /** Working-set window τ, in references of the process's virtual time (default 20,000). */
  readonly tau?: number;
  /** Page-fault-frequency control (needs scope "local"). */
  readonly pff?: PffConfig;
  /** Suspend a process when the working sets do not fit; resume when they do. */
  readonly loadControl?: boolean;
  /**
   * What load control assumes a process needs before it has made τ references: "all-pages" (the
   * default: every page its workload uses) or "working-set" (|WS| so far, which understates it).
   */
  readonly unknownNeed?: "all-pages" | "working-set";
  /** On resume, read the last working set back in one request before the process runs. */
  readonly prepage?: boolean;
  /**
   * Under load control, a process suspended this long swaps places with the process active longest,
   * if their working sets allow (default 1 s; 0: never, the suspended wait for room).
   */
  readonly rotateNs?: number;
  /** Load control and sampling period, ns (default 10 ms). */
  readonly controlIntervalNs?: number;
  /** Thrashing detection: window and thresholds (defaults 100 ms, CPU < 50 %, > 50 disk faults/s). */
  readonly detect?: {
    readonly windowNs?: number;
    readonly cpuBelow?: number;
    readonly faultsPerSecondAbove?: number;
  };
  /** Frames kept out of the working-set budget (default 0). */
  readonly reserveFrames?: number;
  /** References after a resume over which its faults and time are measured (default 5,000). */
  readonly resumeWindowRefs?: number;
}

export interface SpawnSpec {
  readonly workload: PreparedWorkload;
  readonly name?: string;
  /** Start over at the end of the stream instead of exiting (default false). */
  readonly loop?: boolean;
  readonly priority?: number;
  /** Size for proportional allocation (default: the workload's distinct pages). */
  readonly size?: number;
  /** Reference index to start at (default 0): staggers copies of one workload. */
  readonly start?: number;
}

/** One sample of the system every detection window. */
export interface SystemSample {
  readonly timeNs: number;
  readonly cpuUtilization: number;
  readonly faultsPerSecond: number;
  readonly freeFrames: number;
  readonly active: number;
  readonly suspended: number;
  readonly diskQueue: number;
  readonly demandFrames: number;
  readonly thrashing: boolean;
}

export interface ProcessReport {
  readonly pid: number;
  readonly name: string;
  readonly state: string;
  readonly exitReason: string;
  readonly completed: number;
  readonly cpuNs: number;
  readonly blockedPagingNs: number;
  readonly blockedIoNs: number;
  readonly faults: number;
  readonly majorFaults: number;
  readonly quota: number;
  readonly workingSet: number;
  readonly suspensions: number;
}

/** Cumulative totals; subtract two to measure a window (thrashCurve does, after a warm-up). */
export interface SystemTotals {
  readonly timeNs: number;
  /** CPU time spent on references (useful work). */
  readonly busyNs: number;
  /** CPU time on context switches. */
  readonly overheadNs: number;
  readonly idleNs: number;
  readonly completed: number;
  readonly faults: number;
  readonly majorFaults: number;
  readonly blockedPagingNs: number;
  readonly suspensions: number;
  readonly resumes: number;
  readonly prepagedPages: number;
  /** Faults within resumeWindowRefs references after each resume, summed. */
  readonly faultsAfterResume: number;
  /** Time from resume until resumeWindowRefs references were done, summed over finished windows. */
  readonly resumeToGoNs: number;
  readonly resumeWindows: number;
  readonly thrashingNs: number;
  readonly thrashingEpisodes: number;
  readonly diskBusyNs: number;
  readonly diskPagesRead: number;
  readonly diskPagesWritten: number;
}

export interface SystemReport extends SystemTotals {
  readonly cpuUtilization: number;
  readonly throughput: number;
  readonly faultsPerSecond: number;
  readonly disk: DiskStats;
  readonly availableFrames: number;
  readonly processes: readonly ProcessReport[];
  readonly samples: readonly SystemSample[];
}
