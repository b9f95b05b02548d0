// Full-mode runs for the CLI: maps the options onto the engine's one driver (src/sim/machine-run.ts
// runMachine: a source read pass by pass, or a workload in memory as a source) and its Machine's
// counters onto the JSON of a run. Apart from engine.ts so that replay-mode commands do not load the
// Machine.

import { type Machine, type MachineStats, type ReferenceSource, runMachine } from "../src/index.js";
import { formulaEat, type Mechanisms, type RunResult } from "./engine.js";

/** Options of a full-mode run. */
export interface FullOptions {
  /** Called every 2^18 references with the count done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** TLB entries and ways (default: the Machine's, 64 entries 4-way). */
  readonly tlb?: { entries: number; ways: number };
  /** Page coloring: colors (a power of two) and how strictly the allocator honours them. */
  readonly coloring?: { colors: number; mode: "prefer" | "strict" };
  /** Sequential read-ahead, pages (0: off). */
  readonly readAhead?: number;
  /** kswapd spec ("doc", "linux,clean=off", "min=2,low=4,high=6"; src/sim/kswapd.ts). */
  readonly kswapd?: string;
  /** Swap slots (default unbounded); when swap runs out the pager kills a process. */
  readonly swapSlots?: number;
}

/**
 * Runs `source` in full mode (src/sim/machine-run.ts): a Machine with page tables in frames, a TLB
 * and real bytes; one trace process per pid. `frames` counts the frames for pages, as in replay
 * mode: the page tables every page of the workload needs get frames of their own on top (reported
 * as `pageTableFrames`), so they never take a frame from a page, and the policy sizes itself by
 * `frames`. Full mode then faults exactly as replay does (timer policies aside: their clock also
 * counts TLB-miss walks). `source` must give decoded batches (page numbers, kinds, pids).
 */
export async function runFull(
  source: ReferenceSource,
  spec: string,
  frames: number,
  pageSize: number,
  opts: FullOptions & { limit?: number; expected?: number } = {},
): Promise<{ result: RunResult; distinctPages: number; machine: Machine }> {
  const run = await runMachine(source, {
    policy: spec,
    frames,
    pageSize,
    ...(opts.tlb ? { tlb: opts.tlb } : {}),
    ...(opts.coloring ? { coloring: opts.coloring } : {}),
    ...(opts.readAhead ? { readAhead: opts.readAhead } : {}),
    ...(opts.kswapd !== undefined ? { kswapd: opts.kswapd } : {}),
    ...(opts.swapSlots !== undefined ? { swapSlots: opts.swapSlots } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.expected !== undefined ? { expectedReferences: opts.expected } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return {
    result: fullResult(run.machine, spec, frames, pageSize, opts, run.pidOf, run.skippedReferences),
    distinctPages: run.distinctPages,
    machine: run.machine,
  };
}

/** The JSON of a full-mode run from its Machine. */
function fullResult(
  m: Machine,
  spec: string,
  frames: number,
  pageSize: number,
  opts: FullOptions,
  pidOf: ReadonlyMap<number, number>,
  skipped: number,
): RunResult {
  const s = m.stats();
  const faults = s.faults.total;
  const references = s.references;
  const missRatio = references === 0 ? 0 : faults / references;
  return {
    policy: spec,
    frames,
    pageSize,
    references,
    faults,
    hits: references - faults,
    missRatio,
    evictions: { clean: s.evictions.clean, dirty: s.evictions.dirty },
    writebacks: s.writebacks,
    tlb: { hits: s.tlb.hits, misses: s.tlb.misses, mode: "full" },
    eat: { formulaNs: formulaEat(missRatio), measuredNs: s.eat.measuredNs },
    pageTableFrames: s.frames.pageTables,
    faultCauses: {
      zeroFill: s.faults.zeroFill,
      fromImage: s.faults.fromImage,
      fromSwap: s.faults.fromSwap,
      fromObject: s.faults.fromObject,
      minor: s.faults.minor,
    },
    ...mechanismsOf(s, opts, pidOf, skipped),
  };
}

/** The `mechanisms` of a full run, when any is on. */
function mechanismsOf(
  s: MachineStats,
  opts: FullOptions,
  pidOf: ReadonlyMap<number, number>,
  skippedReferences: number,
): { mechanisms?: Mechanisms } {
  const out: Mechanisms = {};
  if (opts.coloring && opts.coloring.colors > 1) {
    out.coloring = {
      ...opts.coloring,
      conflicts: s.colorConflicts,
      colorEvictions: s.colorEvictions,
    };
  }
  if (opts.readAhead) {
    out.readAhead = { pages: opts.readAhead, prefetched: s.prefetched, prefetchHits: s.prefetchHits };
  }
  if (s.reclaim.kswapd !== null) {
    out.kswapd = { ...s.reclaim.kswapd, faultEvictions: { ...s.reclaim.faultEvictions } };
  }
  if (opts.swapSlots !== undefined) {
    const srcOf = new Map([...pidOf].map(([src, pid]) => [pid, src]));
    out.swap = {
      slots: opts.swapSlots,
      slotsInUse: s.swap.slotsInUse,
      outOfSwapKills: s.outOfSwapKills,
      outOfSwapFaults: s.faults.outOfSwap,
      killed: s.processes
        .filter((q) => q.state === "killed")
        .map((q) => ({ pid: srcOf.get(q.pid) ?? q.pid, machinePid: q.pid, reason: q.exitReason })),
      skippedReferences,
    };
  }
  return Object.keys(out).length === 0 ? {} : { mechanisms: out };
}
