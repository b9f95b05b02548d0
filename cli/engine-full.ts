// Full-mode runs for the CLI: the Machine with page tables in frames, a TLB and real bytes, fed a
// workload in memory (runFull) or a source read pass by pass (runFullStream). Apart from engine.ts
// so that replay-mode commands do not load the Machine.

import { layoutFor } from "../src/core/addr.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE } from "../src/mmu/mmu.js";
import { FAULT_KILLED } from "../src/pager/pager.js";
import { NEVER } from "../src/policies/policy.js";
import { checkMachineFrames, vaBitsForTrace } from "../src/sim/bounds.js";
import { Machine, type MachineStats } from "../src/sim/machine.js";
import { annotateSource, type ReferenceSource } from "../src/sim/run.js";
import { PageIds } from "../src/workloads/page-ids.js";
import { isWrite, REF_INSTR } from "../src/workloads/refs.js";
import {
  ensureNextUse,
  formulaEat,
  type Mechanisms,
  needsFuture,
  type Prepared,
  policyIdOf,
  type RunResult,
} from "./engine.js";

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
 * Runs `p` in full mode: a Machine with page tables in frames, a TLB and real bytes; one trace
 * process per pid of the workload. `frames` counts the frames for pages, as in replay mode: the
 * page tables every page of the workload needs get frames of their own on top (MachineConfig
 * tableFrames, reported as `pageTableFrames`), so they never take a frame from a page, and the
 * policy sizes itself by `frames`. Full mode then faults exactly as replay does (timer policies
 * aside: their clock also counts TLB-miss walks).
 */
export function runFull(
  p: Prepared,
  spec: string,
  frames: number,
  opts: FullOptions = {},
): { result: RunResult; machine: Machine } {
  policyIdOf(spec);
  const w = p.workload;
  // One reference per distinct page (dense ids are per (pid, page)): its pid and page number.
  const firstAt = new Int32Array(p.pageSpace).fill(-1);
  for (let i = 0; i < w.count; i++) if (firstAt[p.dense[i]!] === -1) firstAt[p.dense[i]!] = i;
  const pagesOf = new Map<number, number[]>();
  for (let id = 0; id < p.pageSpace; id++) {
    const i = firstAt[id]!;
    const src = w.pids[i]!;
    let list = pagesOf.get(src);
    if (list === undefined) {
      list = [];
      pagesOf.set(src, list);
    }
    list.push(w.pages[i]!);
  }
  let maxPage = 0;
  for (let i = 0; i < w.count; i++) if (w.pages[i]! > maxPage) maxPage = w.pages[i]!;
  const { m, pidOf } = fullMachine(spec, frames, w.pageSize, maxPage, pagesOf, opts);
  const nextUse = needsFuture(spec) ? ensureNextUse(p) : null;
  const { pages, kinds, pids } = w;
  const ps = w.pageSize;
  const every = 1 << 18;
  let lastSrc = Number.NaN;
  let pid = -1;
  // A process killed (out of swap) runs no more: its later references are skipped and counted.
  // Only the faulting process (its access returns FAULT_KILLED) or another one, checked when the
  // workload switches back to it, can die.
  let alive = true;
  let skipped = 0;
  for (let start = 0; start < w.count; start += every) {
    const end = Math.min(w.count, start + every);
    for (let i = start; i < end; i++) {
      const src = pids[i]!;
      if (src !== lastSrc) {
        lastSrc = src;
        pid = pidOf.get(src)!;
        alive = m.isAlive(pid);
      }
      if (!alive) {
        skipped++;
        continue;
      }
      const kind = kinds[i]!;
      const acc = isWrite(kind) ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
      if (m.access(pid, pages[i]! * ps, acc, nextUse === null ? NEVER : nextUse[i]!) === FAULT_KILLED) {
        alive = false;
      }
    }
    if (end < w.count) opts.onProgress?.(end, w.count);
  }
  opts.onProgress?.(w.count, w.count);
  return { machine: m, result: fullResult(m, spec, frames, w.pageSize, opts, pidOf, skipped) };
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

/** The Machine of a full-mode run, sized for the workload's pages (one trace process per pid). */
function fullMachine(
  spec: string,
  frames: number,
  pageSize: number,
  maxPage: number,
  pagesOf: ReadonlyMap<number, readonly number[]>,
  opts: FullOptions,
): { m: Machine; pidOf: Map<number, number> } {
  // A page beyond the 48-bit space is refused with the reason (it used to kill its process quietly).
  const vaBits = vaBitsForTrace(maxPage, pageSize);
  checkMachineFrames(frames, pageSize);
  const layout = layoutFor(pageSize, vaBits);
  let tableFrames = 0;
  for (const vpns of pagesOf.values()) tableFrames += Machine.tableFramesFor(layout, vpns);
  const m = new Machine({
    frames,
    tableFrames,
    pageSize,
    vaBits,
    policy: spec,
    ...(opts.tlb ? { tlb: opts.tlb } : {}),
    ...(opts.coloring ? { colors: opts.coloring.colors, coloring: opts.coloring.mode } : {}),
    ...(opts.readAhead ? { readAhead: opts.readAhead } : {}),
    ...(opts.kswapd !== undefined ? { kswapd: opts.kswapd } : {}),
    ...(opts.swapSlots !== undefined ? { swapSlots: opts.swapSlots } : {}),
  });
  const pidOf = new Map<number, number>();
  for (const src of pagesOf.keys()) pidOf.set(src, m.spawn({ trace: true, name: `pid ${src}` }));
  return { m, pidOf };
}

/**
 * runFull over a source read in two passes (three for OPT), in memory O(distinct pages) (plus
 * OPT's annotation): the first finds each process's pages and the largest page (to size the
 * Machine and its page tables exactly as runFull does), the last feeds the references to the
 * Machine batch by batch. `source` must give decoded batches (page numbers, kinds, pids).
 */
export async function runFullStream(
  source: ReferenceSource,
  spec: string,
  frames: number,
  pageSize: number,
  opts: FullOptions & { limit?: number; expected?: number } = {},
): Promise<{ result: RunResult; distinctPages: number }> {
  policyIdOf(spec);
  if (source.kind !== "batches") throw new Error("full mode reads decoded batches");
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const ids = new PageIds();
  const pagesOf = new Map<number, number[]>();
  let maxPage = 0;
  let seen = 0;
  let total = 0;
  // The last two (pid, page) pairs looked up: most references repeat one of them (a fetch and a
  // data page taking turns), and those need no lookup.
  let page0 = -1;
  let pid0 = -1;
  let page1 = -1;
  let pid1 = -1;
  for await (const b of source.batches()) {
    const n = Math.min(b.count, limit - total);
    const { pages, pids } = b;
    for (let i = 0; i < n; i++) {
      const page = pages[i]!;
      const src = pids[i]!;
      if (page === page0 && src === pid0) continue;
      const second = page === page1 && src === pid1;
      page1 = page0;
      pid1 = pid0;
      page0 = page;
      pid0 = src;
      if (second) continue;
      if (page > maxPage) maxPage = page;
      if (ids.idOf(page, src) !== seen) continue;
      // A new (pid, page): ids come in order of first appearance.
      seen++;
      let list = pagesOf.get(src);
      if (list === undefined) {
        list = [];
        pagesOf.set(src, list);
      }
      list.push(page);
    }
    total += n;
    if (total >= limit) break;
  }
  const nextUse = needsFuture(spec)
    ? (await annotateSource(source, opts.limit !== undefined ? { limit: opts.limit } : {})).nextUse
    : null;
  const { m, pidOf } = fullMachine(spec, frames, pageSize, maxPage, pagesOf, opts);
  const every = 1 << 18;
  let lastSrc = Number.NaN;
  let pid = -1;
  let alive = true;
  let skipped = 0;
  let i = 0;
  let nextReport = every;
  for await (const b of source.batches()) {
    const n = Math.min(b.count, total - i);
    const { pages, kinds, pids } = b;
    // Each run of one process's references goes to the Machine in one call (Machine.accessRefs).
    for (let k = 0; k < n; ) {
      const src = pids[k]!;
      let e = k + 1;
      while (e < n && pids[e] === src) e++;
      if (src !== lastSrc) {
        lastSrc = src;
        pid = pidOf.get(src)!;
        alive = m.isAlive(pid);
      }
      if (alive) {
        const stop = m.accessRefs(pid, pages, kinds, k, e, nextUse, i);
        if (stop < e) {
          alive = false;
          skipped += e - stop - 1;
        }
      } else skipped += e - k;
      k = e;
    }
    i += n;
    if (i >= nextReport && i < total) {
      opts.onProgress?.(i, opts.expected ?? total);
      nextReport = i + every;
    }
    if (i >= total) break;
  }
  opts.onProgress?.(total, total);
  return { result: fullResult(m, spec, frames, pageSize, opts, pidOf, skipped), distinctPages: seen };
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
