// Full-mode runs for the CLI: maps the options onto the engine's one driver (src/sim/machine-run.ts
// runMachine: a source read pass by pass, or a workload in memory as a source) and its Machine's
// counters onto the JSON of a run. Apart from engine.ts so that replay-mode commands do not load the
// Machine.

import {
  type BackingStore,
  type CostModel,
  eatFormulaNs,
  type Machine,
  type MachineRun,
  type MachineStats,
  makeCosts,
  type ReferenceSource,
  runMachine,
} from "../src/index.js";
import { formulaEat, type Mechanisms, type RunResult } from "./engine.js";

/** Options of a full-mode run. */
export interface FullOptions {
  /** Called every 2^18 references with the count done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** TLB entries, ways and mode (default: the Machine's, 64 entries 4-way, tagged). */
  readonly tlb?: { entries: number; ways: number; mode?: "tagged" | "flush" };
  /** Page coloring: colors (a power of two) and how strictly the allocator honours them. */
  readonly coloring?: { colors: number; mode: "prefer" | "strict" };
  /** Sequential read-ahead, pages (0: off). */
  readonly readAhead?: number;
  /** kswapd spec ("doc", "linux,clean=off", "min=2,low=4,high=6"; src/pager/kswapd.ts). */
  readonly kswapd?: string;
  /** Swap slots (default unbounded); when swap runs out the pager kills a process. */
  readonly swapSlots?: number;
  // ---- The machine's settings from `run`'s options (issue 17 item 17; see MachineSettings).
  /** Page-table shape: a preset (sv32, sv39, x86-32, x86-64) or a split such as 10/10/12 (default: fitted to the trace). */
  readonly shape?: string;
  /** Replacement scope (default global); local splits the frames into per-process quotas by `allocation`. */
  readonly scope?: "global" | "local";
  readonly allocation?: "equal" | "proportional";
  /** A swap store to use instead of the in-memory one (the CLI's swap file); the caller closes it. */
  readonly swap?: BackingStore;
  /** Costs of the fault path, the disk and context switches (core/time.ts CostModel). */
  readonly costs?: Partial<CostModel>;
  /** Policy switches: after `at` references (sorted, distinct), the policy becomes `policy`. */
  readonly switches?: readonly { readonly at: number; readonly policy: string }[];
}

/** The machine a full run had (mechanisms.machine when any of its settings was given). */
export interface MachineSettings {
  shape?: { name: string; levelBits: number[]; offsetBits: number; vaBits: number };
  scope?: { scope: "global" | "local"; allocation?: string; quotas?: { pid: number; frames: number }[] };
  tlb?: { entries: number; ways: number; mode: string; flushes: number };
  costs?: CostModel & { contextSwitches: number; faultServiceNs: number };
  switches?: { at: number; policy: string; applied: boolean }[];
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
  opts: FullOptions & {
    limit?: number;
    expected?: number;
    /** Called as each pass begins, with the references it will read when known (for a progress bar). */
    onPhase?: (phase: "size" | "annotate" | "replay", total: number | null) => void;
  } = {},
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
    ...(opts.shape !== undefined ? { shape: opts.shape } : {}),
    ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    ...(opts.allocation !== undefined ? { allocation: opts.allocation } : {}),
    ...(opts.swap !== undefined ? { swap: opts.swap } : {}),
    ...(opts.costs !== undefined ? { costs: opts.costs } : {}),
    ...(opts.switches !== undefined ? { switches: opts.switches } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.expected !== undefined ? { expectedReferences: opts.expected } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
  });
  return {
    result: fullResult(run, spec, frames, pageSize, opts),
    distinctPages: run.distinctPages,
    machine: run.machine,
  };
}

/** The JSON of a full-mode run from its Machine. */
function fullResult(
  run: MachineRun,
  spec: string,
  frames: number,
  pageSize: number,
  opts: FullOptions,
): RunResult {
  const m = run.machine;
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
    eat: {
      // With --disk or fault/switch costs, the formula's fault service time is theirs (MachineSettings).
      formulaNs:
        opts.costs === undefined
          ? formulaEat(missRatio)
          : eatFormulaNs(missRatio, m.costs.memoryAccessNs, faultServiceNs(m.costs)),
      measuredNs: s.eat.measuredNs,
    },
    pageTableFrames: s.frames.pageTables,
    faultCauses: {
      zeroFill: s.faults.zeroFill,
      fromImage: s.faults.fromImage,
      fromSwap: s.faults.fromSwap,
      fromObject: s.faults.fromObject,
      minor: s.faults.minor,
    },
    ...mechanismsOf(s, opts, run.pidOf, run.skippedReferences, machineSettings(run, opts)),
  };
}

/** The `mechanisms` of a full run, when any is on. */
function mechanismsOf(
  s: MachineStats,
  opts: FullOptions,
  pidOf: ReadonlyMap<number, number>,
  skippedReferences: number,
  machine: MachineSettings,
): { mechanisms?: Mechanisms } {
  const out: Mechanisms = {};
  if (Object.keys(machine).length > 0) out.machine = machine;
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

// ---- The machine's settings (issue 17 item 17): shape, scope, TLB mode, costs, policy switches.

/** A fault's service time by the documents' three parts: the handler, the disk read, the switch back. */
export function faultServiceNs(c: CostModel): number {
  return c.faultOverheadNs + c.diskReadNs + c.contextSwitchNs;
}

/** What mechanisms.machine reports: each setting the options gave, with what it did. */
function machineSettings(run: MachineRun, opts: FullOptions): MachineSettings {
  const m = run.machine;
  const out: MachineSettings = {};
  const s = m.stats();
  if (opts.shape !== undefined) {
    const { shape, vaBits } = m.layout;
    out.shape = { name: shape.name, levelBits: [...shape.levelBits], offsetBits: shape.offsetBits, vaBits };
  }
  if (opts.scope !== undefined) {
    out.scope = { scope: opts.scope };
    if (opts.scope === "local") {
      out.scope.allocation = opts.allocation ?? "equal";
      out.scope.quotas = (run.quotas ?? []).map((q) => ({ ...q }));
    }
  }
  if (opts.tlb !== undefined) {
    const t = m.tlb.config;
    out.tlb = { entries: t.entries, ways: t.ways, mode: t.mode, flushes: m.tlb.flushes };
  }
  if (opts.costs !== undefined) {
    const c = makeCosts(m.costs);
    out.costs = { ...c, contextSwitches: Math.max(0, s.switches - 1), faultServiceNs: faultServiceNs(c) };
  }
  if (opts.switches !== undefined && opts.switches.length > 0) {
    out.switches = opts.switches.map((x, k) => ({
      at: x.at,
      policy: x.policy,
      applied: k < run.switchesApplied,
    }));
  }
  return out;
}
