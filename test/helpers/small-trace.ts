// Replays a short reference string given as plain page numbers (textbook strings, property tests).

import { densify, type ReplayResult, type ReplayTrace } from "../../src/sim/replay.js";
import { replay } from "../../src/sim/replay-trace.js";

/** A ReplayTrace for page numbers `refs`, with writes where `writes[i]` is truthy. */
export function smallTrace(refs: readonly number[], writes?: readonly (number | boolean)[]): ReplayTrace {
  const d = densify(Float64Array.from(refs), refs.length);
  const w = writes ? Uint8Array.from(writes, (x) => (x ? 1 : 0)) : undefined;
  return { count: refs.length, pages: d.ids, pageSpace: d.pageSpace, ...(w ? { writes: w } : {}) };
}

/** Faults of `policy` with `frames` frames on `refs`. */
export function faultsOf(refs: readonly number[], policy: string, frames: number): number {
  return replay(smallTrace(refs), { policy, frames }).faults;
}

export function replayRefs(refs: readonly number[], policy: string, frames: number): ReplayResult {
  return replay(smallTrace(refs), { policy, frames });
}
