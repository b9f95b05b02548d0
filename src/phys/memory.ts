// Physical memory: one Uint8Array holding every frame's bytes, with a DataView over it for
// little-endian words. Page tables, user pages and the heap's bookkeeping all live here.

import { ConfigError } from "../core/errors.js";

/** Largest RAM pagewise allocates in one buffer (1 GiB): far more than any simulation needs. */
export const MAX_PHYS_BYTES = 2 ** 30;

export class PhysicalMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly frameCount: number;
  readonly pageSize: number;

  /** Allocates `frameCount` zeroed frames. Throws ConfigError for zero or too many frames. */
  constructor(frameCount: number, pageSize: number) {
    if (!Number.isInteger(frameCount) || frameCount < 1) {
      throw new ConfigError("frames", frameCount, "a positive whole number of frames");
    }
    if (frameCount * pageSize > MAX_PHYS_BYTES) {
      throw new ConfigError(
        "frames",
        frameCount,
        `at most ${MAX_PHYS_BYTES / pageSize} frames of ${pageSize} B (1 GiB)`,
      );
    }
    this.frameCount = frameCount;
    this.pageSize = pageSize;
    this.bytes = new Uint8Array(frameCount * pageSize);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Byte offset of frame `f` in `bytes`. */
  frameBase(f: number): number {
    return f * this.pageSize;
  }

  /** Zeroes frame `f`. */
  zeroFrame(f: number): void {
    const base = f * this.pageSize;
    this.bytes.fill(0, base, base + this.pageSize);
  }

  /** Reads the little-endian 32-bit word at physical address `pa`. */
  readU32(pa: number): number {
    return this.view.getUint32(pa, true);
  }

  /** Writes the little-endian 32-bit word at physical address `pa`. */
  writeU32(pa: number, v: number): void {
    this.view.setUint32(pa, v >>> 0, true);
  }
}
