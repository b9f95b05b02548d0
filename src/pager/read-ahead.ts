// Sequential read-ahead for the pager: after a fault that read its page from a store, the pages
// that follow it in the same region and the same store are read in the same request (one more
// page transfer each, no further latency), mapped with the accessed bit clear, and watched: a
// prefetched page referenced before it leaves memory is a prefetch hit for its owner
// (prefetch.ts). Frames come from the frame supply, which never kills for read-ahead.

import { LOC_SWAP, pteLoc, ptePresent, pteSlot } from "../mmu/pte.js";
import { type BackingStore, StoreIoError } from "../stores/store.js";
import type { FaultCause } from "./fault-count.js";
import type { FaultTime } from "./fault-time.js";
import type { FrameSupply } from "./frame-supply.js";
import type { SharedObject } from "./memory-object.js";
import { type PagerParts, pageKeyFor } from "./parts.js";
import { mapFrame } from "./pte-map.js";
import type { Region } from "./region.js";
import type { AddressSpace } from "./space.js";

export class ReadAhead {
  /** Pages read after a fault's page (0: demand paging). */
  private limit = 0;
  /** Frames filled by the last read-ahead, admitted by the pager after the faulting page. */
  private filled = new Int32Array(0);

  constructor(
    private readonly parts: PagerParts,
    private readonly supply: FrameSupply,
    private readonly time: FaultTime,
  ) {}

  /** Sets the number of pages read ahead (MachineConfig.readAhead; validated there). */
  configure(pages: number): void {
    this.limit = pages;
    this.filled = new Int32Array(pages);
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Frame `i` filled by the last read-ahead. */
  frame(i: number): number {
    return this.filled[i]!;
  }

  /**
   * Sequential read-ahead after a fault on `vpn` that read from a store: reads up to `limit`
   * following pages of the same region whose contents are in the same store (swap slots, the
   * image, the shared object) and are not resident, in the same request: each costs one more page
   * transfer, not another latency. Zero-fill pages are never read ahead. Pages go into free frames
   * or victims' frames (frame-supply.ts forReadAhead); they are mapped with the accessed bit
   * clear, so a later reference shows as a hit. A failed read ends the read-ahead (the page stays
   * in its store; a demand fault on it reports the error). Returns how many frames it filled.
   */
  after(p: AddressSpace, region: Region, vpn: number, cause: FaultCause): number {
    if (cause !== "swap" && cause !== "image" && cause !== "object") return 0;
    const { frames, tables, mem } = this.parts;
    const ps = this.parts.layout.pageSize;
    const src = region.source;
    if (cause === "image" && (src.type !== "image" || !p.image)) return 0;
    const end = Math.min(region.endVpn, vpn + 1 + this.limit);
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
        store = this.parts.swap;
        slot = pteSlot(pte);
      } else {
        if (pteLoc(pte) === LOC_SWAP || src.type !== "image") continue;
        slot = src.firstSlot + (v - region.startVpn);
        if (slot >= p.image!.capacity) break;
        store = p.image!;
      }
      const f = this.supply.forReadAhead(p, v);
      if (f < 0) break;
      try {
        store.readPage(slot, mem.bytes, f * ps);
      } catch (e) {
        frames.release(f);
        if (e instanceof StoreIoError) break;
        throw e;
      }
      this.time.spend(this.parts.costs.diskTransferNs);
      frames.key[f] = pageKeyFor(p, v, obj, objPage);
      frames.page[f] = obj ? objPage : v;
      if (obj) {
        frames.objId[f] = obj.id;
        obj.frames[objPage] = f;
      } else if (cause === "swap") {
        frames.slot[f] = slot;
      }
      mapFrame(this.parts, p, v, addr, f, region.perm);
      frames.ownerPid[f] = p.pid;
      frames.prefetched[f] = 1;
      p.counters.prefetched++;
      p.counters.pageIns++;
      p.resident++;
      this.filled[n++] = f;
    }
    return n;
  }
}
