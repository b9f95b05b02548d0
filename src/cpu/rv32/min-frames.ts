// The least frames an RV32IMA instruction needs, computed from the ISA with the same counting the
// documents use for the PDP-11 (sim/min-frames.ts instructionFrames): every page the instruction
// may touch at once at its worst placement, plus the page tables on the walks to them.
//   - The instruction itself: 4 bytes, 4-byte aligned (no compressed instructions), so one page.
//   - Its memory operand: at most one (a load, a store, an LR/SC or an AMO); a word load or store
//     may be misaligned (Linux emulates it), so it may straddle two pages. AMOs and LR/SC must be
//     aligned (one page), so the misaligned word is the worst case. No RV32 instruction follows a
//     pointer in memory, so there are no indirection pages.
//   - The page tables: the root, and below it at worst one table per level for each page.
// With fewer page frames a straddling access could never have both its pages resident at once;
// with fewer frames in all the page tables (which are never evicted) would leave too few for pages.
// The engine enforces it: an Rv32Process refuses a Machine (or a local-replacement quota) below it.

import type { AddressLayout } from "../../core/addr.js";
import { ConfigError } from "../../core/errors.js";
import type { Machine } from "../../sim/machine.js";
import { type InstructionShape, instructionFrames } from "../../sim/min-frames.js";

/** The RV32 instruction that touches the most pages: a misaligned word load or store. */
export const RV32_MISALIGNED_WORD: InstructionShape = {
  name: "an RV32 misaligned word load or store",
  instruction: { bytes: 4, align: 4 },
  operands: [{ bytes: 4, align: 1, indirection: 0 }],
};

export interface Rv32MinimumFrames {
  /** Page frames that must be resident at once: the instruction's page and its operand's two. */
  readonly pages: number;
  /** Page-table frames on the walks to them (root included). */
  readonly tables: number;
  /** pages + tables: the frames a machine needs in all (page frames and its table reserve). */
  readonly frames: number;
  readonly why: string;
}

export function rv32MinimumFrames(layout: AddressLayout): Rv32MinimumFrames {
  const f = instructionFrames(RV32_MISALIGNED_WORD, layout.pageSize, layout.levels);
  const tables = f.framesWithTables - f.pages;
  return {
    pages: f.pages,
    tables,
    frames: f.framesWithTables,
    why: `${f.why}, mapped through ${tables} page-table frame(s) in the worst case`,
  };
}

/** Below the least frames an RV32 instruction needs; `data` holds the figures. */
export class Rv32FramesError extends ConfigError {
  readonly minimum: Rv32MinimumFrames;
  constructor(key: string, value: number, expected: string, minimum: Rv32MinimumFrames) {
    super(key, value, expected);
    this.minimum = minimum;
  }
}

/** Throws Rv32FramesError unless `frames` page frames are enough for one RV32 instruction. */
export function checkRv32Frames(layout: AddressLayout, frames: number): void {
  const min = rv32MinimumFrames(layout);
  if (!Number.isInteger(frames) || frames < min.pages) {
    throw new Rv32FramesError("frames", frames, `at least ${min.pages} page frames: ${min.why}`, min);
  }
}

/**
 * Throws Rv32FramesError unless `machine` can run one RV32 instruction: at least `pages` frames
 * for pages and `frames` in all (page frames plus the page-table reserve), and a local-replacement
 * `quota` (when given) of at least `pages`.
 */
export function checkRv32Machine(machine: Machine, quota?: number): void {
  const min = rv32MinimumFrames(machine.layout);
  checkRv32Frames(machine.layout, machine.pageFrameCount);
  if (machine.frameCount < min.frames) {
    throw new Rv32FramesError(
      "frames",
      machine.pageFrameCount,
      `at least ${min.frames} frames in all, page frames and page-table frames (tableFrames): ${min.why}`,
      min,
    );
  }
  if (quota !== undefined && quota < min.pages) {
    throw new Rv32FramesError("quota", quota, `at least ${min.pages} page frames: ${min.why}`, min);
  }
}
