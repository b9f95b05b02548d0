// The CLI's bridge to the engine: prepares a workload once (dense page ids, next-use annotation
// when a policy needs the future) and runs (policy, frames) pairs on it in replay mode, returning
// the counters every command prints. Commands never call the engine directly, so the JSON shape of
// a run is defined in one place (RunResult).

import {
  annotateNextUse,
  densify,
  eatFormulaNs,
  getPolicyFactory,
  isWrite,
  type KswapdStats,
  MAX_ASID,
  pageKey,
  parsePolicySpec,
  policyIds,
  REF_INSTR,
  type ReplayResult,
  type ReplayTrace,
  replay,
} from "../src/index.js";
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

/** Dense ids, write flags and (when `needFuture`) next uses for a workload. */
export function prepare(w: Workload, needFuture: boolean): Prepared {
  let multi = false;
  for (let i = 1; i < w.count && !multi; i++) multi = w.pids[i] !== w.pids[0];
  let keys: ArrayLike<number> = w.pages;
  if (multi) {
    // Pages of different processes are different pages: key them by (pid, page).
    const k = new Float64Array(w.count);
    for (let i = 0; i < w.count; i++) k[i] = pageKey(w.pids[i]! & MAX_ASID, w.pages[i]!);
    keys = k;
  }
  const d = densify(keys, w.count);
  const writes = new Uint8Array(w.count);
  for (let i = 0; i < w.count; i++) writes[i] = isWrite(w.kinds[i]!) ? 1 : 0;
  const p: Prepared = { workload: w, dense: d.ids, pageSpace: d.pageSpace, writes, nextUse: null };
  if (needFuture) ensureNextUse(p);
  return p;
}

/** Next uses for OPT, computed once and kept on `p`. */
export function ensureNextUse(p: Prepared): Float64Array {
  p.nextUse ??= annotateNextUse(p.dense, p.workload.count, p.pageSpace);
  return p.nextUse;
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

function traceOf(p: Prepared): ReplayTrace {
  return { count: p.workload.count, pages: p.dense, writes: p.writes, pageSpace: p.pageSpace };
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
  policyIdOf(spec);
  const nextUse = needsFuture(spec) ? ensureNextUse(p) : undefined;
  const r = replay(traceOf(p), { policy: spec, frames, nextUse, onProgress, progressEvery: 1 << 18 });
  return replayRunResult(r, frames, p.workload.pageSize);
}

/** Faults only, for searches over many tiny strings (Belady). */
export function countFaults(p: Prepared, spec: string, frames: number): number {
  const nextUse = needsFuture(spec) ? ensureNextUse(p) : undefined;
  return replay(traceOf(p), { policy: spec, frames, nextUse }).faults;
}

/** Cumulative faults and per-process resident frames sampled along one replay. */
export interface Timeline {
  /** Cumulative faults at each sample position. */
  faults: number[];
  /** Resident frames per pid at each sample position. */
  resident: Map<number, number[]>;
}

/**
 * Replays `p` once under (spec, frames) and samples, at positions `at` (1-based reference counts,
 * ascending), the cumulative faults and each process's resident pages. The replay reports its
 * evictions; a second pass over the references applies them in order, so the curves end at exactly
 * the replay's fault count.
 */
export function simulateTimeline(p: Prepared, spec: string, frames: number, at: readonly number[]): Timeline {
  const w = p.workload;
  let evAt = new Int32Array(1024);
  let evPage = new Int32Array(1024);
  let ne = 0;
  const nextUse = needsFuture(spec) ? ensureNextUse(p) : undefined;
  replay(traceOf(p), {
    policy: spec,
    frames,
    nextUse,
    onEvict: (page, _frame, i) => {
      if (ne === evAt.length) {
        const a = new Int32Array(ne * 2);
        a.set(evAt);
        evAt = a;
        const b = new Int32Array(ne * 2);
        b.set(evPage);
        evPage = b;
      }
      evAt[ne] = i;
      evPage[ne++] = page;
    },
  });
  const pidIndex = new Map<number, number>();
  const pidOfId = new Int32Array(p.pageSpace);
  for (let i = 0; i < w.count; i++) {
    const pid = w.pids[i]!;
    let k = pidIndex.get(pid);
    if (k === undefined) {
      k = pidIndex.size;
      pidIndex.set(pid, k);
    }
    pidOfId[p.dense[i]!] = k;
  }
  const count = new Int32Array(pidIndex.size);
  const series = [...pidIndex.keys()].map(() => [] as number[]);
  const resident = new Uint8Array(p.pageSpace);
  const faults: number[] = [];
  let total = 0;
  let e = 0;
  let k = 0;
  for (let i = 0; i < w.count && k < at.length; i++) {
    while (e < ne && evAt[e]! <= i) {
      const old = evPage[e++]!;
      resident[old] = 0;
      count[pidOfId[old]!]!--;
    }
    const pg = p.dense[i]!;
    if (resident[pg] === 0) {
      resident[pg] = 1;
      count[pidOfId[pg]!]!++;
      total++;
    }
    while (k < at.length && at[k] === i + 1) {
      faults.push(total);
      for (let j = 0; j < series.length; j++) series[j]!.push(count[j]!);
      k++;
    }
  }
  const pids = [...pidIndex.keys()];
  return { faults, resident: new Map(pids.map((pid, j) => [pid, series[j]!])) };
}
