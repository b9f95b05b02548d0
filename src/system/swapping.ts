// Moving a System process's pages out and in as a whole, for the scheduler (src/system/system.ts):
// trimming its resident set to its quota (least recently used pages first), swapping it out on
// suspension, and prepaging its last working set on resumption. The disk time of the pages moved
// is charged by the caller.

import type { Machine } from "../sim/machine.js";
import type { SysProc } from "./process.js";

/**
 * Pages out `p`'s least recently used pages until its resident set fits its quota. Returns false,
 * having done nothing, when it already fits (or the process is gone).
 */
export function trimToQuota(machine: Machine, p: SysProc): boolean {
  const proc = machine.pager.parts.byPid(p.pid);
  if (proc === undefined || proc.resident <= p.quota) return false;
  const order: number[] = [];
  for (let pg = 0; pg < p.w.distinct; pg++) if (p.touched[pg]) order.push(pg);
  order.sort((a, b) => p.ws.lastRef[a]! - p.ws.lastRef[b]!);
  const ps = machine.pageSize;
  for (const pg of order) {
    if (proc.resident <= p.quota) break;
    machine.pageOut(p.pid, pg * ps);
  }
  return true;
}

/** Pages out every page `p` has touched; returns how many were resident. */
export function swapOutWhole(machine: Machine, p: SysProc): number {
  const ps = machine.pageSize;
  let out = 0;
  for (let pg = 0; pg < p.w.distinct; pg++) {
    if (p.touched[pg] && machine.pageOut(p.pid, pg * ps)) out++;
  }
  return out;
}

/** Pages in `p`'s last working set, up to its quota; returns how many pages were read in. */
export function prepageWorkingSet(machine: Machine, p: SysProc): number {
  const proc = machine.pager.parts.byPid(p.pid)!;
  const ps = machine.pageSize;
  const members = p.ws.members();
  const room = Math.min(members.length, p.quota);
  let prepaged = 0;
  for (let k = 0; k < room; k++) {
    const before = proc.resident;
    machine.pageIn(p.pid, members[k]! * ps);
    if (proc.resident > before) prepaged++;
  }
  return prepaged;
}
