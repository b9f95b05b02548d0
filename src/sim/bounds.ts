// Bounds on what a user or a file states, checked before anything is allocated: the frames a replay
// allocates, the RAM and the address space of a Machine built for a trace (full mode, kswapd).
//
// How many frames a replay allocates for the frame count it was asked for. With at least as many
// frames as the trace has distinct pages nothing is ever evicted, so every count from there up
// gives the same faults, hits and evictions; the replay then allocates only what it can use, and a
// run asked for 8 TiB of frames over three pages costs what three frames cost. Up to
// REPLAY_EXACT_FRAMES frames are allocated as asked (a policy's private counters, such as
// CLOCK-Pro's cold target, are sized by the count, and stay exactly as before for every count a
// sweep normally uses).

import { MAX_VA_BITS } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import { MAX_PHYS_BYTES } from "../phys/memory.js";

/** Frame counts up to this are allocated as asked (tens of MB at most, whatever the policy). */
export const REPLAY_EXACT_FRAMES = 2 ** 20;

/**
 * Frames to allocate for a replay asked for `frames` over a trace of `distinctPages` pages (ids in
 * [0, distinctPages)): `frames`, or as many as can ever be used when that is fewer and `frames` is
 * above REPLAY_EXACT_FRAMES. Same faults, hits and evictions as at `frames`.
 */
export function replayFrames(frames: number, distinctPages: number): number {
  if (frames <= REPLAY_EXACT_FRAMES) return frames;
  return Math.min(frames, Math.max(REPLAY_EXACT_FRAMES, distinctPages));
}

/**
 * For a replay that reads its trace as a stream and so cannot count the distinct pages first:
 * `distinctBound` is what it knows of them in advance (the references to come, or a pwt header's
 * count), or undefined. Frames to allocate, as replayFrames; with nothing known, a count above
 * REPLAY_EXACT_FRAMES is refused (ConfigError naming it) rather than allocated.
 */
export function streamReplayFrames(frames: number, distinctBound: number | undefined): number {
  if (distinctBound !== undefined) return replayFrames(frames, distinctBound);
  if (frames > REPLAY_EXACT_FRAMES) {
    throw new ConfigError(
      "frames",
      frames,
      `at most ${REPLAY_EXACT_FRAMES} for a trace whose length is not known in advance (more frames than the trace has pages answer as that many; give --limit N to bound it)`,
    );
  }
  return frames;
}

/**
 * The virtual-address width that holds every page of a trace, from its highest page number (at
 * least 16 bits). A trace process maps its whole space, so a page beyond the widest space the
 * Machine simulates (48 bits: pages below 2^36 at 4 KiB) would be a segmentation fault that kills
 * the process and skips the rest of its references; it is refused instead, with the reason.
 */
export function vaBitsForTrace(maxPage: number, pageSize: number): number {
  const bits = Math.max(16, Math.ceil(Math.log2((maxPage + 1) * pageSize)));
  if (!(bits <= MAX_VA_BITS)) {
    const pageBits = MAX_VA_BITS - Math.log2(pageSize);
    throw new ConfigError(
      "page",
      maxPage,
      `a page number below 2^${pageBits} = ${2 ** pageBits}: full mode simulates at most a ${MAX_VA_BITS}-bit address space (${pageSize}-byte pages); replay mode takes any page number`,
    );
  }
  return bits;
}

/**
 * Checks the frames for pages of a Machine built for a trace against its 1 GiB of RAM before the
 * page-table frames are added, so the error names the count the user asked for.
 */
export function checkMachineFrames(frames: number, pageSize: number): void {
  const most = MAX_PHYS_BYTES / pageSize;
  if (frames > most) {
    throw new ConfigError(
      "frames",
      frames,
      `at most ${most} frames of ${pageSize} B (1 GiB of RAM) in full mode`,
    );
  }
}
