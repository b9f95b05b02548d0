// How many frames a replay allocates for the frame count it was asked for. With at least as many
// frames as the trace has distinct pages nothing is ever evicted, so every count from there up
// gives the same faults, hits and evictions; the replay then allocates only what it can use, and a
// run asked for 8 TiB of frames over three pages costs what three frames cost. Up to
// REPLAY_EXACT_FRAMES frames are allocated as asked (a policy's private counters, such as
// CLOCK-Pro's cold target, are sized by the count, and stay exactly as before for every count a
// sweep normally uses).

import { ConfigError } from "../core/errors.js";

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
