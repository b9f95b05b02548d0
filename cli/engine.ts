// The CLI's bridge to the engine: prepares a workload once (dense page ids, next-use annotation
// when a policy needs the future) and runs (policy, frames) pairs on it in replay mode, returning
// the counters every command prints. Commands never call the engine directly, so the JSON shape of
// a run is defined in one place (RunResult).

import { eatFormulaNs } from "../src/core/time.js";
import { isWrite, REF_INSTR } from "../src/workloads/refs.js";
import type { Workload } from "./workload.js";

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
  /** The policy's private counters (hand moves, ghost hits...), when it keeps any. */
  policyCounters?: Readonly<Record<string, number>>;
}

/** A workload ready to replay: dense page ids and, if asked, next-use positions. */
export interface Prepared {
  readonly workload: Workload;
  readonly dense: Int32Array;
  readonly pageSpace: number;
  readonly writes: Uint8Array;
  nextUse: Float64Array | null;
}

/** Statistics of a workload that need no simulation. */
export interface WorkloadFacts {
  references: number;
  distinctPages: number;
  reads: number;
  writes: number;
  instructions: number;
  processes: number;
}

export function workloadFacts(p: Prepared): WorkloadFacts {
  const w = p.workload;
  let writes = 0;
  let instructions = 0;
  const pids = new Set<number>();
  for (let i = 0; i < w.count; i++) {
    const k = w.kinds[i]!;
    if (isWrite(k)) writes++;
    else if (k === REF_INSTR) instructions++;
    pids.add(w.pids[i]!);
  }
  return {
    references: w.count,
    distinctPages: p.pageSpace,
    reads: w.count - writes - instructions,
    writes,
    instructions,
    processes: pids.size,
  };
}

/** EAT by the documents' formula at miss ratio `p`. */
export function formulaEat(p: number): number {
  return eatFormulaNs(p, MEMORY_NS, FAULT_NS);
}

/**
 * Simulated EAT from counted events in replay mode: every reference costs a memory access, every
 * fault a disk read, every dirty eviction a disk write. Without write-backs it equals the formula.
 */
export function measuredEat(references: number, faults: number, writebacks: number): number {
  if (references === 0) return 0;
  return (references * MEMORY_NS + (faults + writebacks) * FAULT_NS) / references;
}

/** Dense ids, write flags and (when `needFuture`) next uses for a workload. */
export function prepare(_w: Workload, _needFuture: boolean): Prepared {
  throw new Error("replay not wired yet");
}

/** Next uses for OPT, computed once and kept on `p`. */
export function ensureNextUse(_p: Prepared): Float64Array {
  throw new Error("replay not wired yet");
}

/** Registered policy ids, in the registry's order. */
export function allPolicies(): string[] {
  return [];
}

/** True when the policy spec's factory needs next uses. */
export function needsFuture(_spec: string): boolean {
  return false;
}

/** The canonical id of a policy spec ("aging:bits=4" → "aging"), validating it (throws UnknownIdError/ConfigError). */
export function policyIdOf(spec: string): string {
  return spec.split(":")[0]!;
}

/** Replays `p` under one policy and frame count. */
export function simulate(_p: Prepared, _spec: string, _frames: number): RunResult {
  throw new Error("replay not wired yet");
}

/** Faults only, for searches over many tiny strings (Belady). */
export function countFaults(_p: Prepared, _spec: string, _frames: number): number {
  throw new Error("replay not wired yet");
}

/** Cumulative faults and per-process resident frames sampled along one replay. */
export interface Timeline {
  /** Cumulative faults at each sample position. */
  faults: number[];
  /** Resident frames per pid at each sample position. */
  resident: Map<number, number[]>;
}

/** Replays `p` once under (spec, frames), sampling at positions `at` (1-based reference counts, ascending). */
export function simulateTimeline(
  _p: Prepared,
  _spec: string,
  _frames: number,
  _at: readonly number[],
): Timeline {
  throw new Error("replay not wired yet");
}
