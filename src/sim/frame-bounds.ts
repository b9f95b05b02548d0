// How many frames a replay allocates for the frame count it was asked for. With at least as many
// frames as the trace has distinct pages nothing is ever evicted, so every count from there up
// gives the same faults, hits and evictions; the replay then allocates only what it can use, and a
// run asked for 8 TiB of frames over three pages costs what three frames cost. Up to
// REPLAY_EXACT_FRAMES frames are allocated as asked (a policy's private counters, such as
// CLOCK-Pro's cold target, are sized by the count, and stay exactly as before for every count a
// sweep normally uses).

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
