// Mapping a resident page: the PTE the pager writes for a frame (user bit, write and execute from
// the region's permissions), the reverse-map entry that lets eviction find it, and the "map" event.

import { PTE_U, PTE_W, PTE_X, pteMapped } from "../mmu/pte.js";
import type { PagerParts } from "./pager.js";
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
