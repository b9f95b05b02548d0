// How a Machine is put together from its MachineConfig: the configuration checked, then physical
// memory, the frame table with its page-table reserve, the TLB, page tables, MMU, frame bits, the
// swap store, the replacement policy, the pager and (when configured) kswapd, each wired to the
// ones it uses. What the parts ask of the Machine itself (its processes, its clock, killing a
// process, the policy spec in force) comes in as MachineHooks. Module-internal (not exported from
// src/index.ts): the Machine keeps the parts in its own fields.

import type { AddressLayout } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import type { EventBus } from "../core/events.js";
import { type CostModel, makeCosts } from "../core/time.js";
import { Mmu } from "../mmu/mmu.js";
import { PageTables } from "../mmu/page-table.js";
import { DEFAULT_TLB, Tlb } from "../mmu/tlb.js";
import { PteFrameBits } from "../pager/frame-bits.js";
import { Kswapd, parseKswapdSpec } from "../pager/kswapd.js";
import { Pager } from "../pager/pager.js";
import { FrameTable } from "../phys/frames.js";
import { PhysicalMemory } from "../phys/memory.js";
import type { ReplacementPolicy } from "../policies/policy.js";
import { createPolicy } from "../policies/registry.js";
import { MemoryStore } from "../stores/memory-store.js";
import type { BackingStore } from "../stores/store.js";
import {
  checkFrames,
  checkOptions,
  checkPaging,
  type MachineConfig,
  resolveLayout,
} from "./machine-config.js";
import type { ProcessTable } from "./machine-procs.js";
import { TableReserve } from "./table-reserve.js";

/** What the parts ask of the Machine that holds them. */
export interface MachineHooks {
  readonly events: EventBus;
  readonly procs: ProcessTable;
  /** The policy spec in force (new per-process policies under local scope are made from it). */
  policySpec(): string;
  /** Ends process `pid` as killed, for `reason` (the pager's verdict on a fault that cannot go on). */
  kill(pid: number, reason: string): void;
  /** The Machine's simulated time, ns. */
  now(): number;
}

export interface MachineParts {
  readonly layout: AddressLayout;
  readonly costs: CostModel;
  /** Time of one table walk: CostModel.walkPerLevelNs × levels. */
  readonly walkNs: number;
  /** Frames that may hold pages (MachineConfig.frames); the rest are the page-table reserve. */
  readonly pageFrames: number;
  readonly maxMoveBytes: number;
  readonly mem: PhysicalMemory;
  readonly frames: FrameTable;
  readonly tableReserve: TableReserve;
  readonly tlb: Tlb;
  readonly tables: PageTables;
  readonly mmu: Mmu;
  readonly bits: PteFrameBits;
  readonly swap: BackingStore;
  readonly pager: Pager;
  readonly kswapd: Kswapd | undefined;
}

/** A new replacement policy for `spec` over the machine's frame bits. */
export function newPolicy(spec: string, bits: PteFrameBits): ReplacementPolicy {
  return createPolicy(spec, bits, { pageSpace: 0 });
}

/** Builds the parts of a machine; throws ConfigError for any invalid setting (see core/addr.ts for limits). */
export function assembleMachine(config: MachineConfig, hooks: MachineHooks): MachineParts {
  checkOptions(config);
  const layout = resolveLayout(config);
  const { pageSize, levels } = layout;
  const tableFrames = checkFrames(config, levels);
  const costs = makeCosts(config.costs);
  const pageFrames = config.frames;
  const total = config.frames + tableFrames;
  const mem = new PhysicalMemory(total, pageSize);
  const { colors, coloring, readAhead, maxMoveBytes } = checkPaging(config, layout, tableFrames);
  const frames = new FrameTable(total, colors);
  const tableReserve = new TableReserve(frames, pageFrames);
  const tlb = new Tlb({ ...DEFAULT_TLB, ...config.tlb });
  // The pager is made after the tables, which take frames from it once the reserve is used up.
  let pager: Pager | undefined;
  const tables = new PageTables(
    layout,
    mem,
    frames,
    () => tableReserve.take(() => pager!.tableFrame()),
    (f) => tableReserve.freed(f),
  );
  const mmu = new Mmu(layout, mem, tlb, tables);
  const bits = new PteFrameBits(frames, mem, tlb, pageFrames);
  const swap = config.swap ?? new MemoryStore(pageSize, config.swapSlots ?? Number.POSITIVE_INFINITY);
  if (swap.pageSize !== pageSize) {
    throw new ConfigError("swap.pageSize", swap.pageSize, `the machine's page size, ${pageSize}`);
  }
  const { events, procs } = hooks;
  pager = new Pager(
    {
      layout,
      mem,
      frames,
      tables,
      mmu,
      tlb,
      bits,
      swap,
      costs,
      events,
      byAsid: (asid) => procs.byAsid(asid),
      byPid: (pid) => procs.live.get(pid),
      processes: () => procs.live.values(),
      kill: (p, reason) => hooks.kill(p.pid, reason),
      now: () => hooks.now(),
    },
    newPolicy(config.policy ?? "fifo", bits),
    () => newPolicy(hooks.policySpec(), bits),
    config.scope ?? "global",
  );
  pager.configure(coloring, colors, readAhead);
  let kswapd: Kswapd | undefined;
  if (config.kswapd !== undefined) {
    kswapd = new Kswapd(
      {
        frames,
        pageFrames,
        pageSize,
        pager,
        scans: () => bits.scans,
        events,
        now: () => hooks.now(),
        memoryAccessNs: costs.memoryAccessNs,
      },
      typeof config.kswapd === "string" ? parseKswapdSpec(config.kswapd) : config.kswapd,
    );
    pager.supply.setWatcher(kswapd);
  }
  const walkNs = costs.walkPerLevelNs * levels;
  return {
    layout,
    costs,
    walkNs,
    pageFrames,
    maxMoveBytes,
    mem,
    frames,
    tableReserve,
    tlb,
    tables,
    mmu,
    bits,
    swap,
    pager,
    kswapd,
  };
}
