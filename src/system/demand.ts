// How many frames the System's processes want, by the two measures it uses: load control's
// working-set need of a process (need), and thrashing detection's memory pressure of the active
// processes (memoryPressure); and the frames they may share (the machine's, less estimated page
// tables and the reserve). src/system/system.ts compares them.

import type { AddressLayout } from "../core/addr.js";
import type { Machine } from "../sim/machine.js";
import { BLOCKED, DONE, type SysProc } from "./process.js";

/**
 * Frames the working sets may use: all `frameCount` frames less page tables (estimated per process
 * not done, from its distinct pages and the table `layout`) and `reserve`.
 */
export function workingSetFrames(
  procs: readonly SysProc[],
  layout: AddressLayout,
  frameCount: number,
  reserve: number,
): number {
  let tables = 0;
  for (const p of procs) {
    if (p.state === DONE) continue;
    let span = 1;
    for (let l = layout.levels - 1; l >= 0; l--) {
      span *= layout.entriesPerTable[l]!;
      tables += Math.ceil(p.w.distinct / span);
    }
  }
  return Math.max(0, frameCount - tables - reserve);
}

/**
 * Frames `p` needs by the working-set model: |WS(t, τ)|, or, before it has made τ references (its
 * window is not full, so its working set is not known yet), all the pages it uses, unless
 * `unknownNeed` is "working-set".
 */
export function workingSetNeed(p: SysProc, tau: number, unknownNeed: string | undefined): number {
  return p.ws.time < tau && unknownNeed !== "working-set" ? Math.max(p.ws.size, p.w.distinct) : p.ws.size;
}

/**
 * Memory pressure: the frames the active processes are known to need, Σ|WS(t, τ)| (before τ
 * references, the pages used so far: load control assumes every page then, but detection counts
 * only what was seen), plus each page a process waits for that is outside its working set; and,
 * when two or more processes compete, at least the frames they hold plus the pages they wait
 * for (a τ shorter than a program's reuse distances understates |WS| while the processes take
 * each other's frames). Frames a process alone holds are not pressure: a process with a 20-page
 * working set that has filled memory with pages it used long ago (a phase change, a sequential
 * pass) holds every frame and waits for one more, yet no other process wants them; its faults are
 * those of a program "changing the page in use without changing its working-set size", not
 * thrashing (seed 002).
 */
export function memoryPressure(act: readonly SysProc[], machine: Machine): number {
  let ws = 0;
  let held = 0;
  for (const p of act) {
    const waits = p.state === BLOCKED && p.blockKind === "page" && p.blockPage >= 0;
    ws += p.ws.size + (waits && !p.ws.has(p.blockPage) ? 1 : 0);
    held += (machine.pager.parts.byPid(p.pid)?.resident ?? 0) + (waits ? 1 : 0);
  }
  return act.length > 1 ? Math.max(ws, held) : ws;
}
