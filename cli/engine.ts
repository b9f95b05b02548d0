// The CLI's bridge to the engine's replay mode: maps a command's (policy, frames) onto the engine's
// runs (src/index.ts: streamed `simulate`, or `replayWorkload` on a workload prepared in memory by
// `prepareReplay`) and the engine's result onto the JSON of a run, so its shape is defined in one
// place (RunResult). Full mode's mapping is engine-full.ts.

import type { TraceValues } from "../node/trace-file.js";
import {
  eatFormulaNs,
  getPolicyFactory,
  type KswapdStats,
  parsePolicySpec,
  policyIds,
  type ReplayResult,
  type ReplayWorkload,
  replayWorkload,
  type Timeline,
  type WorkloadFacts,
} from "../src/index.js";
import type { MachineSettings } from "./engine-full.js";

/** Memory access and fault service times used for EAT, ns (the documents' 200 ns and 8 ms). */
export const MEMORY_NS = 200;
export const FAULT_NS = 8_000_000;

/** The JSON of one run (documented in cli/README fields). */
export interface RunResult {
  policy: string;
  frames: number;
  pageSize: number;
  references: number;
  faults: number;
  hits: number;
  missRatio: number;
  evictions: { clean: number; dirty: number };
  writebacks: number;
  tlb: { hits: number; misses: number; mode: "replay" | "full" };
  /** Effective access time: the formula at p = missRatio, and the value measured from simulated time. */
  eat: { formulaNs: number; measuredNs: number };
  /** Full mode: frames holding page tables, on top of `frames` (which hold pages). */
  pageTableFrames?: number;
  /**
   * Full mode: faults by cause. Only fromImage, fromSwap and fromObject read a store (and cost a
   * disk read in simulated time); a zero-filled page costs no I/O, which is why the measured EAT
   * can sit far below the formula's, which charges every fault 8 ms.
   */
  faultCauses?: { zeroFill: number; fromImage: number; fromSwap: number; fromObject: number; minor: number };
  /** The policy's private counters (hand moves, ghost hits...), when it keeps any. */
  policyCounters?: Readonly<Record<string, number>>;
  /** Full mode: the optional mechanisms that were on (coloring, read-ahead, kswapd, bounded swap). */
  mechanisms?: Mechanisms;
  /** A text trace: its values read as page numbers or byte addresses, and how that was decided. */
  values?: TraceValues;
}

/** Counters of full mode's optional mechanisms; a key is present only when its mechanism is on. */
export interface Mechanisms {
  /** Page coloring: frames given to a page of another color ("prefer"), extra evictions to find a frame of the page's color ("strict"). */
  coloring?: { colors: number; mode: "prefer" | "strict"; conflicts: number; colorEvictions: number };
  /** Sequential read-ahead: pages read in ahead of a fault, and of them those referenced before eviction. */
  readAhead?: { pages: number; prefetched: number; prefetchHits: number };
  /** kswapd's counters, plus the evictions a faulting process did itself (dirty: it waited for a write). */
  kswapd?: KswapdStats & { faultEvictions: { clean: number; dirty: number } };
  /** A bounded swap: slots, those in use at the end, processes killed when it ran out. */
  swap?: {
    slots: number;
    slotsInUse: number;
    /** Processes killed to free memory for another's fault (the largest resident set). */
    outOfSwapKills: number;
    /** Faults that found no slot with the faulting process itself the largest: it was killed. */
    outOfSwapFaults: number;
    /** Every killed process: its pid in the workload, its pid in the Machine (the reasons name that one) and why. */
    killed: { pid: number; machinePid: number; reason: string }[];
    /** References of killed processes after their death, not run. */
    skippedReferences: number;
  };
  /** The machine's settings given on the command line (shape, scope, TLB, costs, policy switches). */
  machine?: MachineSettings;
  /** The swap file, when --swap-file gave one: where, and what was written to and read from it. */
  swapFile?: { path: string; temporary: boolean; pagesWritten: number; pagesRead: number; bytes: number };
}

/** A workload ready to replay (src/sim/replay-workload.ts). */
export type Prepared = ReplayWorkload;
/** The engine's in-memory runs under the names the commands use. */
export {
  ensureNextUse,
  prepareReplay as prepare,
  residentTimeline as simulateTimeline,
  workloadFacts,
} from "../src/index.js";
export type { Timeline, WorkloadFacts };

/** EAT by the documents' formula at miss ratio `p`. */
export function formulaEat(p: number): number {
  return eatFormulaNs(p, MEMORY_NS, FAULT_NS);
}

/** Registered policy ids, in the registry's order. */
export function allPolicies(): string[] {
  return policyIds();
}

/** True when the spec's policy needs next uses (OPT). Throws UnknownIdError for an unknown id. */
export function needsFuture(spec: string): boolean {
  return getPolicyFactory(parsePolicySpec(spec).id).needsFuture;
}

/** The id of a policy spec ("aging:bits=4" → "aging"), validating the id and its parameters. */
export function policyIdOf(spec: string): string {
  const { id, params } = parsePolicySpec(spec);
  getPolicyFactory(id).parseParams(params);
  return id;
}

/** The JSON of a replay-mode run from the engine's result. */
export function replayRunResult(r: ReplayResult, frames: number, pageSize: number): RunResult {
  return {
    policy: r.policy,
    frames,
    pageSize,
    references: r.references,
    faults: r.faults,
    hits: r.hits,
    missRatio: r.missRatio,
    evictions: { clean: r.evictions.clean, dirty: r.evictions.dirty },
    writebacks: r.writebacks,
    tlb: { hits: 0, misses: 0, mode: "replay" },
    eat: { formulaNs: formulaEat(r.missRatio), measuredNs: r.references === 0 ? 0 : r.timeNs / r.references },
    ...(r.policyCounters ? { policyCounters: r.policyCounters } : {}),
  };
}

/** Replays `p` under one policy and frame count. `onProgress` gets references done so far. */
export function simulate(
  p: Prepared,
  spec: string,
  frames: number,
  onProgress?: (done: number, total: number) => void,
): RunResult {
  return replayRunResult(
    replayWorkload(p, spec, frames, onProgress ? { onProgress } : {}),
    frames,
    p.workload.pageSize,
  );
}

/** Faults only, for searches over many tiny strings (Belady). */
export function countFaults(p: Prepared, spec: string, frames: number): number {
  return replayWorkload(p, spec, frames).faults;
}
