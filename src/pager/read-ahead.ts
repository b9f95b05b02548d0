// Sequential read-ahead for the pager: after a fault that read its page from a store, the pages
// that follow it in the same region and the same store are read in the same request (one more
// page transfer each, no further latency), mapped with the accessed bit clear, and watched: a
// prefetched page referenced before it leaves memory is a prefetch hit for its owner.

import { LOC_SWAP, PTE_A, pteLoc, ptePresent, pteSlot } from "../mmu/pte.js";
import { FRAME_USER } from "../phys/frames.js";
import { NO_FRAME } from "../policies/policy.js";
import { type BackingStore, StoreIoError } from "../stores/store.js";
import type { FaultCause } from "./fault-count.js";
import type { SharedObject } from "./memory-object.js";
import type { Pager } from "./pager.js";
import { mapFrame } from "./pte-map.js";
import type { Region } from "./region.js";
import type { AddressSpace } from "./space.js";

/**
 * Sequential read-ahead after a fault on `vpn` that read from a store: reads up to
 * `pager.readAhead` following pages of the same region whose contents are in the same store (swap
 * slots, the image, the shared object) and are not resident, in the same request: each costs one
 * more page transfer, not another latency. Zero-fill pages are never read ahead. Pages go into free
 * frames or victims' frames (never by killing: a dirty victim without a slot ends the
 * read-ahead); they are mapped with the accessed bit clear, so a later reference shows as a hit.
 * Returns how many frames it filled (in `ahead`), which the caller admits after the fault's.
 */
export function readAheadAfter(
  pager: Pager,
  ahead: Int32Array,
  p: AddressSpace,
  region: Region,
  vpn: number,
  cause: FaultCause,
): number {
  if (cause !== "swap" && cause !== "image" && cause !== "object") return 0;
  const { frames, tables, mem } = pager.parts;
  const ps = pager.parts.layout.pageSize;
  const src = region.source;
  if (cause === "image" && (src.type !== "image" || !p.image)) return 0;
  const end = Math.min(region.endVpn, vpn + 1 + pager.readAhead);
  let n = 0;
  for (let v = vpn + 1; v < end; v++) {
    const addr = tables.lookup(p.root, v);
    if (addr < 0) continue;
    const pte = mem.readU32(addr);
    if (ptePresent(pte)) continue;
    let store: BackingStore;
    let slot: number;
    let obj: SharedObject | undefined;
    let objPage = -1;
    if (src.type === "object") {
      obj = src.object;
      objPage = src.firstPage + (v - region.startVpn);
      if (objPage >= obj.pageCount || obj.frames[objPage]! >= 0 || obj.slots[objPage]! < 0) continue;
      store = obj.store;
      slot = obj.slots[objPage]!;
    } else if (cause === "swap") {
      if (pteLoc(pte) !== LOC_SWAP) continue;
      store = pager.parts.swap;
      slot = pteSlot(pte);
    } else {
      if (pteLoc(pte) === LOC_SWAP || src.type !== "image") continue;
      slot = src.firstSlot + (v - region.startVpn);
      if (slot >= p.image!.capacity) break;
      store = p.image!;
    }
    const f = aheadFrame(pager, p, v);
    if (f < 0) break;
    try {
      store.readPage(slot, mem.bytes, f * ps);
    } catch (e) {
      // Read-ahead is a guess: a failed read ends it (the page stays in its store; a demand fault
      // on it reports the error).
      frames.release(f);
      if (e instanceof StoreIoError) break;
      throw e;
    }
    pager.spend(pager.parts.costs.diskTransferNs);
    frames.key[f] = pager.keyFor(p, v, obj, objPage);
    frames.page[f] = obj ? objPage : v;
    if (obj) {
      frames.objId[f] = obj.id;
      obj.frames[objPage] = f;
    } else if (cause === "swap") {
      frames.slot[f] = slot;
    }
    mapFrame(pager.parts, p, v, addr, f, region.perm);
    frames.ownerPid[f] = p.pid;
    frames.prefetched[f] = 1;
    p.resident++;
    p.counters.prefetched++;
    p.counters.pageIns++;
    ahead[n++] = f;
  }
  return n;
}

/**
 * A frame for a read-ahead page of `p` at `vpn`, or -1: a free frame (of the page's color when
 * coloring, any color under "prefer"), else under global scope a victim's frame. Frames being
 * filled are not yet known to the policy, so they are never chosen.
 */
function aheadFrame(pager: Pager, p: AddressSpace, vpn: number): number {
  const { frames, bits } = pager.parts;
  const local = pager.scope === "local";
  if (local && p.resident >= p.quota) return -1;
  pager.watcher?.beforeAllocate(p);
  const color = vpn & pager.colorMask;
  for (let attempt = 0; attempt < 2; attempt++) {
    let f: number;
    if (pager.colorMode === "off") f = frames.allocate(FRAME_USER);
    else {
      f = frames.allocateColor(color, FRAME_USER);
      if (f < 0 && pager.colorMode === "prefer") {
        f = frames.allocate(FRAME_USER);
        if (f >= 0) p.counters.colorConflicts++;
      }
    }
    if (f >= 0) {
      pager.watcher?.afterAllocate();
      return f;
    }
    if (attempt === 1 || local) return -1;
    const victim = pager.global.selectVictim();
    if (victim === NO_FRAME || !bits.isEvictable(victim)) return -1;
    const key = frames.key[victim]!;
    const dirty = bits.dirty(victim);
    try {
      if (!pager.evict(victim)) return -1;
    } catch (e) {
      if (e instanceof StoreIoError) return -1; // a failed write ends the read-ahead; the victim stays
      throw e;
    }
    if (dirty) pager.faultEvictions.dirty++;
    else pager.faultEvictions.clean++;
    pager.global.forget(victim, key, "evicted");
  }
  return -1;
}

/** True if frame `f` was prefetched and has been referenced since (or was marked referenced). */
export function prefetchUsed(pager: Pager, f: number): boolean {
  const { frames, mem } = pager.parts;
  if (frames.prefetched[f] === 0) return false;
  if (frames.prefetched[f] === 2) return true;
  // The accessed bit over every PTE mapping f, read without counting a policy scan.
  for (let n = frames.rmapFirst(f); n >= 0; n = frames.rmapNextOf(n)) {
    if (mem.readU32(frames.rmapPteOf(n)) & PTE_A) return true;
  }
  return false;
}

/** Counts a prefetch hit for the owner of frame `f` and stops watching it. */
export function prefetchHit(pager: Pager, f: number): void {
  const { frames } = pager.parts;
  frames.prefetched[f] = 0;
  const owner = pager.parts.byPid(frames.ownerPid[f]!);
  if (owner) owner.counters.prefetchHits++;
}
