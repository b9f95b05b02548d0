// Frame allocation among processes (Silberschatz, Operating System Concepts, "Allocation of
// Frames"): equal (m / n each), proportional to size (a_i = s_i / S × m) and priority (the same
// proportion with priorities as weights), each with a minimum per process (the frames one
// instruction needs, seed 004: "how many frames are needed at minimum"). Shares are whole frames:
// floors, then the frames left over go one each to the largest fractional parts (ties to the
// lower index), so the quotas always sum to exactly m when m ≥ n × minimum.

import { ConfigError } from "../core/errors.js";

export type AllocationMode = "equal" | "proportional" | "priority";
export const ALLOCATION_MODES: readonly AllocationMode[] = ["equal", "proportional", "priority"];

export interface AllocationInput {
  /** Pages the process uses (its distinct pages, or a declared size). */
  readonly size: number;
  /** Larger is more important; default 1. */
  readonly priority?: number;
}

/**
 * Splits `frames` among `procs`. Throws ConfigError when the minimum cannot be given to every
 * process (frames < n × minimum) or a size/priority is not positive.
 */
export function allocateFrames(
  frames: number,
  procs: readonly AllocationInput[],
  mode: AllocationMode,
  minimum = 1,
): number[] {
  const n = procs.length;
  if (n === 0) return [];
  if (!ALLOCATION_MODES.includes(mode))
    throw new ConfigError("allocation", mode, ALLOCATION_MODES.join(", "));
  if (!Number.isInteger(minimum) || minimum < 0)
    throw new ConfigError("minimum", minimum, "a whole number ≥ 0");
  if (!Number.isInteger(frames) || frames < n * minimum) {
    throw new ConfigError(
      "frames",
      frames,
      `at least ${n * minimum}: ${n} processes × a minimum of ${minimum} frames each`,
    );
  }
  const weights = procs.map((p, i) => {
    const w = mode === "equal" ? 1 : mode === "proportional" ? p.size : (p.priority ?? 1);
    if (!(Number.isFinite(w) && w > 0)) {
      throw new ConfigError(mode === "priority" ? `priority[${i}]` : `size[${i}]`, w, "a positive number");
    }
    return w;
  });
  // Give every process its minimum, then split the rest by weight.
  const rest = frames - n * minimum;
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (rest * w) / total);
  const quotas = exact.map((x) => minimum + Math.floor(x));
  let left = frames - quotas.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) quotas[order[k]!.i]!++;
  return quotas;
}
