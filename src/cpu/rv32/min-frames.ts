// The least frames an RV32IMA instruction needs, from the ISA (as seed 004 does for the PDP-11):
// its own page (instructions are 4 bytes and 4-byte aligned without RVC, so never two), plus its
// operand's one or two pages (a misaligned load or store may straddle a page boundary; AMOs and
// LR/SC must be aligned), and the page tables on the walks to those pages: the root, and below it
// one table per level for each page in the worst case. With fewer, a straddling access could
// never have both its pages resident at once.

import type { AddressLayout } from "../../core/addr.js";
import { ConfigError } from "../../core/errors.js";

export interface Rv32MinimumFrames {
  /** Page frames: the instruction's page and its operand's two. */
  readonly pages: number;
  /** Page-table frames on the walks to them (root included). */
  readonly tables: number;
  readonly why: string;
}

export function rv32MinimumFrames(layout: AddressLayout): Rv32MinimumFrames {
  const pages = 3;
  const tables = 1 + (layout.levels - 1) * pages;
  return {
    pages,
    tables,
    why: `an RV32 instruction touches its own page and up to 2 operand pages (a misaligned access across a page boundary), mapped through ${tables} page-table frame(s) in the worst case`,
  };
}

/** Throws ConfigError unless `frames` page frames are enough for one RV32 instruction. */
export function checkRv32Frames(layout: AddressLayout, frames: number): void {
  const min = rv32MinimumFrames(layout);
  if (!Number.isInteger(frames) || frames < min.pages) {
    throw new ConfigError("frames", frames, `at least ${min.pages} page frames: ${min.why}`);
  }
}
