// What the pager needs to know of a process: its address space (ASID, page-table root, regions),
// its counters, and the bookkeeping the fault path updates (resident pages, quota). The Process
// class (src/proc/process.ts, a layer above) satisfies this interface structurally, so the pager
// depends on no module above it: core ← phys ← mmu ← pager ← proc ← sim.

import type { Counters } from "../core/stats.js";
import type { ImageStore } from "../stores/image-store.js";
import type { Region } from "./region.js";

export interface AddressSpace {
  readonly pid: number;
  readonly asid: number;
  /** Frame of the root page table. */
  readonly root: number;
  readonly name: string;
  /** The executable image the code and data regions load from, if any. */
  readonly image: ImageStore | undefined;
  readonly counters: Counters;
  readonly alive: boolean;
  /** Frames whose pages this process faulted in (its resident set, shared frames included). */
  resident: number;
  /** Frame quota under local replacement (Infinity: no quota). */
  quota: number;
  /** Lowest VPN the stack may grow down to. */
  readonly stackLimitVpn: number;
  /** The region holding `vpn`, or undefined. */
  findRegion(vpn: number): Region | undefined;
  /** The first region of a kind (the stack, the heap). */
  regionOfKind(kind: Region["kind"]): Region | undefined;
}
