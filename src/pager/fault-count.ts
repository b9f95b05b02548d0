// The pager's bookkeeping of faults: each resolved fault counted by cause in the faulting
// process's counters, each fatal one by kind, the "fault" event, and the OutOfMemoryError that
// says why no frame could be freed. Time is charged by the pager itself (Pager.spend).

import { OutOfMemoryError } from "../core/errors.js";
import type { EventBus, FaultEvent } from "../core/events.js";
import { ACCESS_NAMES, type Access } from "../mmu/mmu.js";
import type { FrameTable } from "../phys/frames.js";
import type { AddressSpace } from "./space.js";

export type FaultCause = FaultEvent["cause"];
export type FaultResponse = "resolved" | "segfault" | "protection" | "out-of-swap";

/** Counts a resolved fault of `p` by cause (a page read from a store is also a page-in). */
export function countFault(p: AddressSpace, cause: FaultCause): void {
  const c = p.counters.faults;
  c.total++;
  switch (cause) {
    case "zero-fill":
      c.zeroFill++;
      break;
    case "image":
      c.fromImage++;
      p.counters.pageIns++;
      break;
    case "swap":
      c.fromSwap++;
      p.counters.pageIns++;
      break;
    case "object":
      c.fromObject++;
      p.counters.pageIns++;
      break;
    case "minor":
      c.minor++;
      break;
    default:
      break;
  }
}

/** Counts a fault that ends `p`, by why. */
export function countFatal(p: AddressSpace, why: FaultResponse): void {
  const c = p.counters.faults;
  c.total++;
  if (why === "protection") c.protection++;
  else if (why === "segfault") c.segmentation++;
  else c.outOfSwap++;
}

/** Emits the "fault" event (the caller checked that someone listens). */
export function emitFault(
  events: EventBus,
  timeNs: number,
  p: AddressSpace,
  va: number,
  vpn: number,
  access: Access,
  cause: FaultCause,
  frame: number,
): void {
  events.emit({
    type: "fault",
    pid: p.pid,
    va,
    vpn,
    access: ACCESS_NAMES[access]!,
    cause,
    frame,
    timeNs,
  });
}

/** The error when no frame can be freed for `what`. */
export function noFrameError(frames: FrameTable, what: string): OutOfMemoryError {
  return new OutOfMemoryError(
    `no frame can be freed for ${what}: ${frames.frameCount} frames, ${frames.tableCount} hold page tables, ${frames.pinnedUserCount} are pinned`,
    { frames: frames.frameCount, tables: frames.tableCount, pinned: frames.pinnedUserCount },
  );
}
