// The CLI's bridge to the engine: prepares a workload once (dense page ids, next-use annotation
// when a policy needs the future) and runs (policy, frames) pairs on it in replay mode, returning
// the counters every command prints. Commands never call the engine directly, so the JSON shape of
// a run is defined in one place (RunResult).

import { eatFormulaNs } from "../src/core/time.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE } from "../src/mmu/mmu.js";
import { NEVER } from "../src/policies/policy.js";
import { Machine } from "../src/sim/machine.js";
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
export function prepare(w: Workload, needFuture: boolean): Prepared {
  // Placeholder until sim/replay.ts's densify lands.
  const ids = new Map<number, number>();
  const dense = new Int32Array(w.count);
  const writes = new Uint8Array(w.count);
  for (let i = 0; i < w.count; i++) {
    const key = w.pids[i]! * 2 ** 40 + w.pages[i]!;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    dense[i] = id;
    writes[i] = isWrite(w.kinds[i]!) ? 1 : 0;
  }
  const p: Prepared = { workload: w, dense, pageSpace: ids.size, writes, nextUse: null };
  if (needFuture) ensureNextUse(p);
  return p;
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

/** Address width that holds every page of `w` at its page size, within the machine's limits. */
function vaBitsFor(w: Workload): number {
  let max = 0;
  for (let i = 0; i < w.count; i++) if (w.pages[i]! > max) max = w.pages[i]!;
  const bits = Math.ceil(Math.log2((max + 1) * w.pageSize));
  return Math.min(48, Math.max(16, bits));
}

/**
 * Runs `p` in full mode: a Machine with page tables in frames, a TLB and real bytes; one trace
 * process per pid of the workload. `frames` counts every physical frame, page tables included.
 * `onSample(i)` is called after reference i (0-based) whenever i + 1 is the next of `at`.
 */
export function runFull(
  p: Prepared,
  spec: string,
  frames: number,
  at: readonly number[] = [],
  onSample?: (m: Machine, pidOf: Map<number, number>, k: number) => void,
): { result: RunResult; machine: Machine } {
  const w = p.workload;
  const m = new Machine({ frames, pageSize: w.pageSize, vaBits: vaBitsFor(w), policy: spec });
  const pidOf = new Map<number, number>();
  const nextUse = p.nextUse;
  let k = 0;
  for (let i = 0; i < w.count; i++) {
    const src = w.pids[i]!;
    let pid = pidOf.get(src);
    if (pid === undefined) {
      pid = m.spawn({ trace: true, name: `pid ${src}` });
      pidOf.set(src, pid);
    }
    const kind = w.kinds[i]!;
    const acc = isWrite(kind) ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
    m.access(pid, w.pages[i]! * w.pageSize, acc, nextUse ? nextUse[i]! : NEVER);
    while (k < at.length && at[k] === i + 1) onSample?.(m, pidOf, k++);
  }
  const s = m.stats();
  const faults = s.faults.total;
  const references = s.references;
  const missRatio = references === 0 ? 0 : faults / references;
  return {
    machine: m,
    result: {
      policy: spec,
      frames,
      pageSize: w.pageSize,
      references,
      faults,
      hits: references - faults,
      missRatio,
      evictions: { clean: s.evictions.clean, dirty: s.evictions.dirty },
      writebacks: s.writebacks,
      tlb: { hits: s.tlb.hits, misses: s.tlb.misses, mode: "full" },
      eat: { formulaNs: formulaEat(missRatio), measuredNs: s.eat.measuredNs },
    },
  };
}
