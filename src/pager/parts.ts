// What the fault path is built from, shared by its modules (pager.ts, frame-supply.ts,
// read-ahead.ts, pte-map.ts, prefetch.ts): the machine parts it works on, the replacement scope,
// the coloring mode, the allocation watcher (kswapd), reclaim's answers, and the key under which
// policies know a page. This file imports no other module of the pager but the leaf types.

import type { AddressLayout } from "../core/addr.js";
import { pageKey } from "../core/addr.js";
import type { EventBus } from "../core/events.js";
import type { CostModel } from "../core/time.js";
import type { Mmu } from "../mmu/mmu.js";
import type { PageTables } from "../mmu/page-table.js";
import type { Tlb } from "../mmu/tlb.js";
import type { FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import type { BackingStore } from "../stores/store.js";
import type { PteFrameBits } from "./frame-bits.js";
import type { SharedObject } from "./memory-object.js";
import type { AddressSpace } from "./space.js";

/** What the pager needs from the machine around it. */
export interface PagerParts {
  readonly layout: AddressLayout;
  readonly mem: PhysicalMemory;
  readonly frames: FrameTable;
  readonly tables: PageTables;
  readonly mmu: Mmu;
  readonly tlb: Tlb;
  readonly bits: PteFrameBits;
  readonly swap: BackingStore;
  readonly costs: CostModel;
  readonly events: EventBus;
  /** The process using an address-space id (for reverse-map entries). */
  byAsid(asid: number): AddressSpace | undefined;
  /** The process with a pid. */
  byPid(pid: number): AddressSpace | undefined;
  /** Every live process (out of swap picks the one to kill among them). */
  processes(): Iterable<AddressSpace>;
  /** Ends a process after a fatal fault (frees everything it holds). */
  kill(p: AddressSpace, reason: string): void;
  /** Simulated time now, ns. */
  now(): number;
}

export type Scope = "global" | "local";

/**
 * Page coloring (seed 002): "off"; "prefer" a frame whose PFN's low bits match the VPN's, else any
 * frame (a conflict, counted); "strict" a matching frame even if that takes extra evictions (counted).
 */
export type ColorMode = "off" | "prefer" | "strict";

/**
 * Watches frame allocation on the fault path (kswapd, src/pager/kswapd.ts): `beforeAllocate` runs
 * background work that is due and may reclaim directly in the faulting process; `afterAllocate`
 * sees the free count drop (and wakes the reclaimer below its low watermark).
 */
export interface AllocationWatcher {
  beforeAllocate(p: AddressSpace | undefined): void;
  afterAllocate(): void;
}

/** FrameSupply.reclaim's answers: a clean or a dirty page was evicted, or nothing could be. */
export const RECLAIM_CLEAN = 0;
export const RECLAIM_DIRTY = 1;
export const RECLAIM_NONE = -1;

/** Shared-object key space: asid 0 is never a process, so (0, objId * 2^24 + page) is unique. */
const OBJ_KEY_SPAN = 2 ** 24;

/** Key under which policies know page `vpn` of `p`, or page `objPage` of shared object `obj`. */
export function pageKeyFor(
  p: AddressSpace | undefined,
  vpn: number,
  obj: SharedObject | undefined,
  objPage: number,
): number {
  return obj ? pageKey(0, obj.id * OBJ_KEY_SPAN + objPage) : pageKey(p!.asid, vpn);
}
