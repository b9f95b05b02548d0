// Mapping and unmapping frames for the pager: the PTE written for a resident page (user bit, write
// and execute from the region's permissions) with its reverse-map entry and "map" event; and every
// PTE of an evicted frame rewritten as not present (in a swap slot, or from its source).

import { PTE_U, PTE_W, PTE_X, pteFromSource, pteMapped, pteSwapped } from "../mmu/pte.js";
import type { PagerParts } from "./parts.js";
import { PERM_W, PERM_X } from "./region.js";
import type { AddressSpace } from "./space.js";

/** Maps page `vpn` of `p` (PTE word at `addr`) to frame `f` with the permissions `perm`. */
export function mapFrame(
  parts: PagerParts,
  p: AddressSpace,
  vpn: number,
  addr: number,
  f: number,
  perm: number,
): void {
  const { mem, frames } = parts;
  const bits = PTE_U | (perm & PERM_W ? PTE_W : 0) | (perm & PERM_X ? PTE_X : 0);
  const old = mem.readU32(addr);
  if (old === 0) parts.tables.setLeaf(p.root, vpn, addr, pteMapped(f, bits));
  else mem.writeU32(addr, pteMapped(f, bits));
  frames.addMapping(f, p.asid, vpn, addr);
  if (parts.events.listening) parts.events.emit({ type: "map", pid: p.pid, vpn, frame: f });
}

/** Rewrites every PTE mapping `f` as not present (in swap `slot`, or from source) and drops TLB entries. */
export function unmapAll(parts: PagerParts, f: number, slot: number): void {
  const { frames, mem, tlb } = parts;
  for (let n = frames.rmapFirst(f); n >= 0; n = frames.rmapFirst(f)) {
    const addr = frames.rmapPteOf(n);
    const asid = frames.rmapAsidOf(n);
    const vpn = frames.rmapVpnOf(n);
    const pte = mem.readU32(addr);
    mem.writeU32(addr, slot >= 0 ? pteSwapped(slot, pte) : pteFromSource(pte));
    tlb.invalidate(asid, vpn);
    frames.removeMapping(f, asid, vpn);
  }
}
