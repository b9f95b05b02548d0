// Statistics of a Machine: the per-process and machine-wide figures Machine.stats() reports, and
// the pieces it builds them from (a process's counters with access and walk time added, the page
// tables and swap slots it holds, sums of counters over processes).

import { type AddressLayout, PTE_SIZE } from "../core/addr.js";
import { type Counters, copyCounters } from "../core/stats.js";
import { type CostModel, eatFormulaNs } from "../core/time.js";
import type { PageTables } from "../mmu/page-table.js";
import { LOC_SWAP, PTE_P, pteFrame, pteLoc, ptePresent } from "../mmu/pte.js";
import type { Kswapd, KswapdStats } from "../pager/kswapd.js";
import type { Scope } from "../pager/pager.js";
import type { FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import type { Process } from "../proc/process.js";
import type { BackingStore } from "../stores/store.js";

export interface ProcessStats extends Counters {
  readonly pid: number;
  readonly name: string;
  readonly state: string;
  readonly exitReason: string;
  readonly residentPages: number;
  readonly pageTableFrames: number;
  readonly swapSlots: number;
}

export interface MachineStats extends Counters {
  readonly policy: string;
  readonly scope: Scope;
  readonly pageSize: number;
  readonly frames: { total: number; free: number; user: number; pageTables: number; pinned: number };
  readonly swap: { slotsInUse: number; capacity: number };
  readonly switches: number;
  readonly processes: readonly ProcessStats[];
  /** Effective access time: measured (time / references) beside the formula's value at the measured fault rate. */
  readonly eat: { measuredNs: number; formulaNs: number; faultRate: number };
  /**
   * Reclaim: evictions a faulting process waited for (by whether they had to write first), and
   * kswapd's counters (null without kswapd).
   */
  readonly reclaim: { faultEvictions: { clean: number; dirty: number }; kswapd: KswapdStats | null };
}

/** The machine-wide figures Machine.stats() adds to the summed counters. */
export interface MachineFigures {
  readonly policy: string;
  readonly scope: Scope;
  readonly pageSize: number;
  readonly frames: FrameTable;
  /** Free frames left in the page-table reserve. */
  readonly tableReserve: number;
  readonly swap: BackingStore;
  readonly switches: number;
  readonly costs: CostModel;
  readonly faultEvictions: { readonly clean: number; readonly dirty: number };
  readonly kswapd: Kswapd | undefined;
}

/** Machine.stats()'s answer from the summed counters `total`, each process's figures and `m`. */
export function machineStats(total: Counters, processes: ProcessStats[], m: MachineFigures): MachineStats {
  const { frames } = m;
  const faultRate = total.references === 0 ? 0 : total.faults.total / total.references;
  return {
    ...total,
    policy: m.policy,
    scope: m.scope,
    pageSize: m.pageSize,
    frames: {
      total: frames.frameCount,
      free: frames.freeCount,
      user: frames.frameCount - frames.freeCount - frames.tableCount - m.tableReserve,
      pageTables: frames.tableCount,
      pinned: frames.pinnedUserCount,
    },
    swap: { slotsInUse: m.swap.slotsInUse, capacity: m.swap.capacity },
    switches: m.switches,
    processes,
    eat: {
      measuredNs: total.references === 0 ? 0 : total.timeNs / total.references,
      formulaNs: eatFormulaNs(faultRate, m.costs.memoryAccessNs, m.costs.diskReadNs),
      faultRate,
    },
    reclaim: {
      faultEvictions: { ...m.faultEvictions },
      kswapd: m.kswapd?.stats() ?? null,
    },
  };
}

/** Counters `c` with `memoryAccessNs` per reference and `walkNs` per TLB miss added to their time. */
export function timedCounters(c0: Counters, memoryAccessNs: number, walkNs: number): Counters {
  const c = copyCounters(c0);
  c.timeNs += c.references * memoryAccessNs + c.tlb.misses * walkNs;
  return c;
}

/** The figures of process `p` (live or ended) with its timed counters. */
export function processStats(
  p: Process,
  timed: Counters,
  layout: AddressLayout,
  mem: PhysicalMemory,
  tables: PageTables,
  frames: FrameTable,
): ProcessStats {
  let tableCount = 0;
  let slots = 0;
  if (p.alive) {
    tableCount = countTables(layout, mem, p.root, 0);
    tables.forEachLeaf(p.root, (_vpn, _addr, pte) => {
      if (ptePresent(pte) ? frames.slot[pteFrame(pte)]! >= 0 : pteLoc(pte) === LOC_SWAP) slots++;
    });
  }
  return {
    ...timed,
    pid: p.pid,
    name: p.name,
    state: p.state,
    exitReason: p.exitReason,
    residentPages: p.alive ? p.resident : 0,
    pageTableFrames: tableCount,
    swapSlots: slots,
  };
}

/** Page-table frames in the tree below `table` at `level`, itself included. */
function countTables(layout: AddressLayout, mem: PhysicalMemory, table: number, level: number): number {
  if (level === layout.levels - 1) return 1;
  let n = 1;
  for (let i = 0; i < layout.entriesPerTable[level]!; i++) {
    const pte = mem.readU32(table * layout.pageSize + i * PTE_SIZE);
    if (pte & PTE_P) n += countTables(layout, mem, pteFrame(pte), level + 1);
  }
  return n;
}

/** Adds counters `c` into `into`. */
export function addCounters(into: Counters, c: Counters): void {
  into.references += c.references;
  into.reads += c.reads;
  into.writes += c.writes;
  into.fetches += c.fetches;
  into.writebacks += c.writebacks;
  into.pageIns += c.pageIns;
  into.timeNs += c.timeNs;
  into.colorConflicts += c.colorConflicts;
  into.colorEvictions += c.colorEvictions;
  into.prefetched += c.prefetched;
  into.prefetchHits += c.prefetchHits;
  into.outOfSwapKills += c.outOfSwapKills;
  for (const k of Object.keys(c.tlb) as (keyof Counters["tlb"])[]) into.tlb[k] += c.tlb[k];
  for (const k of Object.keys(c.faults) as (keyof Counters["faults"])[]) into.faults[k] += c.faults[k];
  for (const k of Object.keys(c.evictions) as (keyof Counters["evictions"])[])
    into.evictions[k] += c.evictions[k];
}
