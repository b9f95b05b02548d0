// A loader's memory map: the regions of a program at fixed pages (an ELF's PT_LOAD segments), in
// place of the default layout from page 1 (address-space.ts layoutProgram). Each segment reads its
// pages from the process's image (text and initialized data: slot = imageSlot + page index) or is
// zero-filled (bss); the heap starts on the page after the highest segment, the stack ends at the
// middle of the space (the upper half is the kernel's, as in a 2G/2G split; addresses then stay
// below 2^31, which keeps the RV32 interpreter on small integers) and grows down on demand to its
// limit, a guard gap below it, and mmap places mappings top-down below that gap.

import type { AddressLayout } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import type { SharedObject } from "../pager/memory-object.js";
import { PERM_R, PERM_W, PERM_X, type RegionKind } from "../pager/region.js";
import type { Process } from "./process.js";

/** Unmapped pages kept between the mmap area, the heap and the stack. */
export const GUARD_PAGES = 1;

/** One segment of a loaded program, in pages. */
export interface SegmentSpec {
  readonly kind: Extract<RegionKind, "code" | "data" | "bss">;
  /** First page and one past the last. */
  readonly startVpn: number;
  readonly endVpn: number;
  /** PERM_* bits. */
  readonly perm: number;
  /** The image page holding this segment's first page (its pages follow); absent: zero-filled. */
  readonly imageSlot?: number;
  /**
   * A shared object (Machine.shmCreate) whose pages, from page imageSlot (default 0) on, this
   * segment maps instead of the image: a page cache for text several processes share.
   */
  readonly shared?: number;
}

/** The first page above the stack of a loader's layout (the stack's top address is this × page size). */
export function stackTopVpn(layout: AddressLayout): number {
  return Math.floor(layout.vpnCount / 2);
}

/** Lays out `p` with `segments` (sorted or not; they must not overlap), a heap and a stack. */
export function layoutSegments(
  p: Process,
  layout: AddressLayout,
  segments: readonly SegmentSpec[],
  imagePages: number,
  stackPages: number | undefined,
  objectOf: (id: number) => SharedObject | undefined,
): void {
  const vpns = stackTopVpn(layout);
  const sorted = [...segments].sort((a, b) => a.startVpn - b.startVpn);
  let end = 1;
  for (const [i, s] of sorted.entries()) {
    const where = `segments[${segments.indexOf(s)}]`;
    if (
      !Number.isInteger(s.startVpn) ||
      !Number.isInteger(s.endVpn) ||
      s.startVpn < 1 ||
      s.endVpn <= s.startVpn
    ) {
      throw new ConfigError(
        `${where}.pages`,
        [s.startVpn, s.endVpn],
        "a non-empty page range from page 1 up",
      );
    }
    if (i > 0 && s.startVpn < sorted[i - 1]!.endVpn) {
      throw new ConfigError(
        `${where}.startVpn`,
        s.startVpn,
        `no overlap with the segment ending at page ${sorted[i - 1]!.endVpn}`,
      );
    }
    if (!Number.isInteger(s.perm) || s.perm < 0 || s.perm > (PERM_R | PERM_W | PERM_X)) {
      throw new ConfigError(`${where}.perm`, s.perm, "PERM_R, PERM_W and PERM_X bits");
    }
    const slot = s.imageSlot;
    if (
      slot !== undefined &&
      (!Number.isInteger(slot) || slot < 0 || slot + (s.endVpn - s.startVpn) > imagePages)
    ) {
      throw new ConfigError(`${where}.imageSlot`, slot, `image pages within the image's ${imagePages}`);
    }
    end = s.endVpn;
  }
  const maxStack = stackPages ?? Math.max(1, Math.min(2048, Math.floor(vpns / 8)));
  if (!Number.isInteger(maxStack) || maxStack < 1 || end + maxStack + 2 * GUARD_PAGES >= vpns) {
    throw new ConfigError(
      "stackPages",
      maxStack,
      `1 to ${Math.max(0, vpns - end - 2 * GUARD_PAGES - 1)} pages above the program's last segment`,
    );
  }
  for (const s of sorted) {
    const obj = s.shared === undefined ? undefined : objectOf(s.shared)!;
    if (obj) obj.mappers++;
    p.addRegion({
      kind: s.kind,
      startVpn: s.startVpn,
      endVpn: s.endVpn,
      perm: s.perm,
      source: obj
        ? { type: "object", object: obj, firstPage: s.imageSlot ?? 0 }
        : s.imageSlot === undefined
          ? { type: "zero" }
          : { type: "image", firstSlot: s.imageSlot },
    });
  }
  p.addRegion({ kind: "heap", startVpn: end, endVpn: end, perm: PERM_R | PERM_W, source: { type: "zero" } });
  p.heapStartVpn = end;
  p.brk = end * layout.pageSize;
  addStack(p, vpns, maxStack);
}

/**
 * The stack region of `p`: its top page at the end of its `vpns` pages, growing down (on the fault
 * path) to `maxStack` pages; the mmap area ends a guard page below its limit.
 */
export function addStack(p: Process, vpns: number, maxStack: number): void {
  p.addRegion({
    kind: "stack",
    startVpn: vpns - 1,
    endVpn: vpns,
    perm: PERM_R | PERM_W,
    source: { type: "zero" },
  });
  p.stackLimitVpn = vpns - maxStack;
  p.mmapTopVpn = p.stackLimitVpn - GUARD_PAGES;
}

/**
 * True if every byte of [va, va + length) lies in a region of `p` that allows `perm` (PERM_*
 * bits), or in the gap the stack may still grow down into: what a kernel checks before it touches
 * a user pointer (-EFAULT otherwise).
 */
export function rangeAllowed(
  p: Process,
  pageSize: number,
  va: number,
  length: number,
  perm: number,
): boolean {
  if (!Number.isSafeInteger(va) || !Number.isSafeInteger(length) || va < 0 || length < 0) return false;
  if (length === 0) return true;
  const first = Math.floor(va / pageSize);
  const last = Math.floor((va + length - 1) / pageSize);
  const stack = p.regionOfKind("stack");
  for (let vpn = first; vpn <= last; ) {
    const r = p.findRegion(vpn);
    if (r !== undefined) {
      if ((r.perm & perm) !== perm) return false;
      vpn = r.endVpn;
      continue;
    }
    if (stack === undefined || vpn < p.stackLimitVpn || vpn >= stack.startVpn) return false;
    if ((stack.perm & perm) !== perm) return false;
    vpn = stack.startVpn;
  }
  return true;
}
