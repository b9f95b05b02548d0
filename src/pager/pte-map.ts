// Mapping and unmapping frames for the pager: the PTE written for a resident page (user bit, write
// and execute from the region's permissions) with its reverse-map entry and "map" event; and the
// way back: every PTE of an evicted frame rewritten as not present, the write-back of a dirty page,
// a frame freed for good, and a shared frame handed to another mapper when its owner unmaps it.

import { PTE_U, PTE_W, PTE_X, pteFromSource, pteMapped, pteSwapped } from "../mmu/pte.js";
import { NEVER } from "../policies/policy.js";
import { NO_SLOT } from "../stores/store.js";
import type { Pager, PagerParts } from "./pager.js";
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

/** Charges and counts the write-back of frame `f` to `slot`, which has just succeeded. */
export function noteWriteBack(pager: Pager, f: number, slot: number): void {
  pager.spend(pager.parts.costs.diskWriteNs);
  const owner = pager.parts.byPid(pager.parts.frames.ownerPid[f]!);
  if (owner) owner.counters.writebacks++;
  if (pager.parts.events.listening) {
    pager.parts.events.emit({ type: "writeback", frame: f, slot, timeNs: pager.parts.now() });
  }
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

/** Frees a resident frame that no PTE maps any more (its page is gone for good). */
export function dropFrame(pager: Pager, f: number, why: "freed"): void {
  const { frames } = pager.parts;
  const tracked = pager.scope === "global" || frames.ownerPid[f]! >= 0;
  if (frames.pins[f] === 0 && tracked) pager.policyOf(frames.ownerPid[f]!).forget(f, frames.key[f]!, why);
  if (frames.slot[f]! >= 0) pager.parts.swap.freeSlot(frames.slot[f]!);
  frames.slot[f] = NO_SLOT;
  while (frames.pins[f]! > 0) frames.unpin(f);
  frames.release(f);
}

/**
 * A shared frame's owner unmapped it: the frame passes to a remaining mapper (and, under local
 * scope, to its policy); with no mapper left it stays resident under its object, owned by nobody.
 */
export function handOver(pager: Pager, f: number, from: AddressSpace, left: number): void {
  const { frames } = pager.parts;
  const to = left > 0 ? pager.parts.byAsid(frames.rmapAsidOf(frames.rmapFirst(f))) : undefined;
  from.resident--;
  frames.ownerPid[f] = to ? to.pid : -1;
  if (to) to.resident++;
  if (pager.scope === "global" || frames.pins[f] !== 0) return;
  pager.policyOf(from.pid).forget(f, frames.key[f]!, "freed");
  if (to) pager.policyOf(to.pid).admit(f, frames.key[f]!, NEVER);
}
