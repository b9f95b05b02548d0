// Watching prefetched pages: a page read ahead is a prefetch hit for its owner once it has been
// referenced (its accessed bit, over every PTE that maps it) before it leaves memory.

import { PTE_A } from "../mmu/pte.js";
import type { PagerParts } from "./parts.js";

/** True if frame `f` was prefetched and has been referenced since (or was marked referenced). */
export function prefetchUsed(parts: PagerParts, f: number): boolean {
  const { frames, mem } = parts;
  if (frames.prefetched[f] === 0) return false;
  if (frames.prefetched[f] === 2) return true;
  // The accessed bit over every PTE mapping f, read without counting a policy scan.
  for (let n = frames.rmapFirst(f); n >= 0; n = frames.rmapNextOf(n)) {
    if (mem.readU32(frames.rmapPteOf(n)) & PTE_A) return true;
  }
  return false;
}

/** Counts a prefetch hit for the owner of frame `f` and stops watching it. */
export function prefetchHit(parts: PagerParts, f: number): void {
  const { frames } = parts;
  frames.prefetched[f] = 0;
  const owner = parts.byPid(frames.ownerPid[f]!);
  if (owner) owner.counters.prefetchHits++;
}
