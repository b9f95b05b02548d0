// FrameBits over real page tables: a frame's accessed and dirty bits are the OR of the bits in
// every PTE that maps it (found through the reverse map), plus dirtiness carried over from
// mappings that went away. Clearing the accessed bit also drops the TLB entries, so the next
// access walks and sets it again, as on x86.

import { PTE_A, PTE_D } from "../mmu/pte.js";
import type { Tlb } from "../mmu/tlb.js";
import { FRAME_USER, type FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import type { FrameBits } from "../policies/policy.js";

export class PteFrameBits implements FrameBits {
  readonly frameCount: number;
  /** Accessed-bit reads so far: a reclaimer counts the pages a policy scanned by its growth. */
  scans = 0;

  constructor(
    private readonly frames: FrameTable,
    private readonly mem: PhysicalMemory,
    private readonly tlb: Tlb,
    /** Frames that may hold pages (the machine's page frames; table-only frames lie above). */
    frameCount = frames.frameCount,
  ) {
    this.frameCount = frameCount;
  }

  isEvictable(f: number): boolean {
    return f >= 0 && f < this.frameCount && this.frames.state[f] === FRAME_USER && this.frames.pins[f] === 0;
  }

  referenced(f: number): boolean {
    this.scans++;
    return this.anyBit(f, PTE_A);
  }

  clearReferenced(f: number): void {
    const fr = this.frames;
    // A read-ahead page referenced since it came in is a prefetch hit: remember it before the bit goes.
    if (fr.prefetched[f] === 1 && this.anyBit(f, PTE_A)) fr.prefetched[f] = 2;
    for (let n = fr.rmapFirst(f); n >= 0; n = fr.rmapNextOf(n)) {
      const addr = fr.rmapPteOf(n);
      const pte = this.mem.readU32(addr);
      if (pte & PTE_A) {
        this.mem.writeU32(addr, pte & ~PTE_A);
        this.tlb.invalidate(fr.rmapAsidOf(n), fr.rmapVpnOf(n));
      }
    }
  }

  dirty(f: number): boolean {
    return this.frames.stickyDirty[f] !== 0 || this.anyBit(f, PTE_D);
  }

  private anyBit(f: number, bit: number): boolean {
    const fr = this.frames;
    for (let n = fr.rmapFirst(f); n >= 0; n = fr.rmapNextOf(n)) {
      if (this.mem.readU32(fr.rmapPteOf(n)) & bit) return true;
    }
    return false;
  }
}
