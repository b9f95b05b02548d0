// Translations explained: a side-effect-free walk of a process's page tables, step by step (for
// teaching and the CLI's explain command), and how many page-table frames a set of pages needs.

import { type AddressLayout, levelIndex, PTE_SIZE } from "../core/addr.js";
import { PTE_P, pteFrame } from "../mmu/pte.js";
import type { PhysicalMemory } from "../phys/memory.js";

/** One step of an explained translation. */
export interface WalkStep {
  readonly level: number;
  readonly index: number;
  readonly tableFrame: number;
  readonly pteAddr: number;
  readonly pte: number;
}

export interface Translation {
  readonly va: number;
  readonly vpn: number;
  readonly offset: number;
  readonly steps: readonly WalkStep[];
  /** Frame and physical address, or -1 when the walk stops at a non-present entry. */
  readonly frame: number;
  readonly pa: number;
}

/** Walks `va` (page `vpn`) from root table `root`, reading PTEs without changing them. */
export function explainWalk(
  layout: AddressLayout,
  mem: PhysicalMemory,
  root: number,
  va: number,
  vpn: number,
): Translation {
  const pageSize = layout.pageSize;
  const steps: WalkStep[] = [];
  let table = root;
  for (let level = 0; level < layout.levels; level++) {
    const index = levelIndex(layout, vpn, level);
    const pteAddr = table * pageSize + index * PTE_SIZE;
    const pte = mem.readU32(pteAddr);
    steps.push({ level, index, tableFrame: table, pteAddr, pte });
    if (!(pte & PTE_P)) return { va, vpn, offset: va % pageSize, steps, frame: -1, pa: -1 };
    table = pteFrame(pte);
  }
  const offset = va % pageSize;
  return { va, vpn, offset, steps, frame: table, pa: table * pageSize + offset };
}

/**
 * Page-table frames a trace process needs to map every page in `vpns` (root included), in this
 * layout: the tables built lazily for them in an empty address space.
 */
export function tableFramesFor(layout: AddressLayout, vpns: ArrayLike<number>): number {
  let n = 1;
  for (let level = 1; level < layout.levels; level++) {
    const span = layout.levelSpan[level - 1]!;
    const seen = new Set<number>();
    for (let i = 0; i < vpns.length; i++) seen.add(Math.floor(vpns[i]! / span));
    n += seen.size;
  }
  return n;
}
