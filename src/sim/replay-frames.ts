// The frames of replay mode (sim/replay.ts): one accessed, dirty and resident bit per frame in
// typed arrays, which the Replayer's loops write directly and policies read through FrameBits.

import type { FrameBits } from "../policies/policy.js";

/** Frame state of replay mode, seen by policies through FrameBits. */
export class ReplayFrames implements FrameBits {
  readonly frameCount: number;
  readonly ref: Uint8Array;
  readonly dirtyBit: Uint8Array;
  readonly resident: Uint8Array;

  constructor(frameCount: number) {
    this.frameCount = frameCount;
    this.ref = new Uint8Array(frameCount);
    this.dirtyBit = new Uint8Array(frameCount);
    this.resident = new Uint8Array(frameCount);
  }

  isEvictable(f: number): boolean {
    return this.resident[f] === 1;
  }

  referenced(f: number): boolean {
    return this.ref[f] === 1;
  }

  clearReferenced(f: number): void {
    this.ref[f] = 0;
  }

  dirty(f: number): boolean {
    return this.dirtyBit[f] === 1;
  }
}
