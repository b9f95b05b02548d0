// The pager: the page-fault handler the documents describe, as named steps (Zephyr's
// do_page_fault, SerenityOS's Region::handle_fault):
//   check     the address against the process's regions (none: segmentation fault; an access the
//             region forbids: protection fault; either ends that process only)
//   frame     a free frame, or a victim chosen by the replacement policy
//   evict     unmap the victim from every PTE (reverse map), write it back if dirty
//   read in   zero-fill, executable image, swap, or shared object, by the page's source
//   map       write the PTE, record the mapping
//   restart   redo the access through the MMU (which sets the accessed/dirty bits)
//   admit     hand the frame to the policy
// Policies and stores only answer questions; the pager owns the sequence and all the counting.

import type { AddressLayout } from "../core/addr.js";
import { pageKey } from "../core/addr.js";
import { OutOfMemoryError } from "../core/errors.js";
import type { EventBus } from "../core/events.js";
import type { CostModel } from "../core/time.js";
import {
  ACC_EXEC,
  ACC_WRITE,
  ACCESS_NAMES,
  type Access,
  FAULT_BAD_ADDRESS,
  FAULT_PROTECTION,
  type Mmu,
} from "../mmu/mmu.js";
import type { PageTables } from "../mmu/page-table.js";
import { LOC_SWAP, PTE_A, PTE_D, PTE_MAX_FIELD, pteFrame, pteLoc, ptePresent, pteSlot } from "../mmu/pte.js";
import type { Tlb } from "../mmu/tlb.js";
import { FRAME_TABLE, FRAME_USER, type FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import { NEVER, NO_FRAME, type ReplacementPolicy } from "../policies/policy.js";
import type { BackingStore } from "../stores/store.js";
import { NO_SLOT, StoreIoError } from "../stores/store.js";
import { obtainColored } from "./coloring.js";
import {
  countFatal,
  countFault,
  emitFault,
  type FaultCause,
  type FaultResponse,
  noFrameError,
} from "./fault-count.js";
import type { PteFrameBits } from "./frame-bits.js";
import type { SharedObject } from "./memory-object.js";
import { dropFrame, handOver, mapFrame, noteWriteBack, unmapAll } from "./pte-map.js";
import { prefetchHit, prefetchUsed, readAheadAfter } from "./read-ahead.js";
import { PERM_W, PERM_X, type Region } from "./region.js";
import type { AddressSpace } from "./space.js";
import { evictOne, largestResident, victimPolicy } from "./victims.js";

/** handleFault's answer when the fault ended the process (FaultResponse other than resolved). */
export const FAULT_KILLED = -10;

export type { FaultCause, FaultResponse } from "./fault-count.js";

/** Shared-object key space: asid 0 is never a process, so (0, objId * 2^24 + page) is unique. */
const OBJ_KEY_SPAN = 2 ** 24;

/** What the pager needs from the machine around it. */
export interface PagerParts {
  readonly layout: AddressLayout;
  readonly mem: PhysicalMemory;
  readonly frames: FrameTable;
  readonly tables: PageTables;
  readonly mmu: Mmu;
  readonly tlb: Tlb;
  readonly bits: PteFrameBits;
  readonly swap: BackingStore;
  readonly costs: CostModel;
  readonly events: EventBus;
  /** The process using an address-space id (for reverse-map entries). */
  byAsid(asid: number): AddressSpace | undefined;
  /** The process with a pid. */
  byPid(pid: number): AddressSpace | undefined;
  /** Every live process (out of swap picks the one to kill among them). */
  processes(): Iterable<AddressSpace>;
  /** Ends a process after a fatal fault (frees everything it holds). */
  kill(p: AddressSpace, reason: string): void;
  /** Simulated time now, ns. */
  now(): number;
}

export type Scope = "global" | "local";

/**
 * Page coloring (seed 002): "off"; "prefer" a frame whose PFN's low bits match the VPN's, else any
 * frame (a conflict, counted); "strict" a matching frame even if that takes extra evictions (counted).
 */
export type ColorMode = "off" | "prefer" | "strict";

/**
 * Watches frame allocation on the fault path (kswapd, src/sim/kswapd.ts): `beforeAllocate` runs
 * background work that is due and may reclaim directly in the faulting process; `afterAllocate`
 * sees the free count drop (and wakes the reclaimer below its low watermark).
 */
export interface AllocationWatcher {
  beforeAllocate(p: AddressSpace | undefined): void;
  afterAllocate(): void;
}

/** reclaimOne's answers: a clean or a dirty page was evicted, or nothing could be. */
export const RECLAIM_CLEAN = 0;
export const RECLAIM_DIRTY = 1;
export const RECLAIM_NONE = -1;

export class Pager {
  scope: Scope = "global";
  /** The policy (global scope), or the policy of each process by pid (local scope). */
  global: ReplacementPolicy;
  readonly local = new Map<number, ReplacementPolicy>();
  /** Time spent in fault handling and disk I/O, ns (the rest is per-access time). */
  faultNs = 0;
  lastResponse: FaultResponse = "resolved";
  /** The process whose fault is being handled: disk time is charged to it. */
  private cur: AddressSpace | undefined;
  lastReason = "";
  /** Frame-allocation watcher (kswapd), if any. */
  watcher: AllocationWatcher | undefined;
  /** While true, I/O time goes to backgroundNs instead of the clock and the process (kswapd's work). */
  background = false;
  /** I/O time spent by background work, ns. */
  backgroundNs = 0;
  /** Evictions made on a fault path (a process waited for them), by whether they had to write. */
  readonly faultEvictions = { clean: 0, dirty: 0 };
  /** Page coloring: the mode and colors - 1 (a VPN's color is vpn & colorMask). */
  colorMode: ColorMode = "off";
  colorMask = 0;
  /** Sequential read-ahead: pages after a fault's page read in the same request (0: demand paging). */
  readAhead = 0;
  /** Frames filled by the current read-ahead, admitted after the faulting page. */
  private ahead = new Int32Array(0);
  /** Set when the fault being handled read its page from a store (read-ahead follows only those). */
  private didRead = false;
  private readonly ps: number;

  constructor(
    readonly parts: PagerParts,
    policy: ReplacementPolicy,
    private readonly makePolicy: () => ReplacementPolicy,
  ) {
    this.global = policy;
    this.ps = parts.layout.pageSize;
  }

  /** The policy that tracks frames owned by `pid`. */
  policyOf(pid: number): ReplacementPolicy {
    if (this.scope === "global") return this.global;
    let pol = this.local.get(pid);
    if (pol === undefined) {
      pol = this.makePolicy();
      this.local.set(pid, pol);
    }
    return pol;
  }

  /**
   * Handles the fault the MMU just raised for process `p` (installed) at `va`. Returns the
   * physical address after the restarted access, or FAULT_KILLED if the fault ended `p`
   * (lastResponse says why). Throws OutOfMemoryError when no frame can be freed.
   */
  handleFault(p: AddressSpace, va: number, access: Access, code: number, nextUse: number): number {
    this.cur = p;
    const vpn = Math.floor(va / this.ps);
    const region = code === FAULT_BAD_ADDRESS ? undefined : this.findOrGrow(p, vpn);
    if (region === undefined)
      return this.fatal(p, va, vpn, access, "segfault", "no region maps this address");
    if (code === FAULT_PROTECTION || !allows(region, access)) {
      return this.fatal(
        p,
        va,
        vpn,
        access,
        "protection",
        `${ACCESS_NAMES[access]} not allowed in ${region.kind}`,
      );
    }
    const addr = this.parts.tables.ensure(p.root, vpn);
    const pte = this.parts.mem.readU32(addr);
    let frame: number;
    let cause: FaultCause;
    const shared = region.source.type === "object" ? region.source : undefined;
    const objPage = shared ? shared.firstPage + (vpn - region.startVpn) : -1;
    this.didRead = false;
    if (shared && shared.object.frames[objPage]! >= 0) {
      frame = shared.object.frames[objPage]!;
      cause = "minor";
      mapFrame(this.parts, p, vpn, addr, frame, region.perm);
    } else {
      const key = this.keyFor(p, vpn, shared?.object, objPage);
      frame = this.obtainFrame(p, key, vpn);
      while (frame < 0) {
        // Out of swap: kill the process with the largest resident set (it needs memory most) and
        // retry; if that is the faulting process itself, its fault is fatal.
        const victim = largestResident(this.parts.processes());
        if (victim === undefined || victim === p) {
          return this.fatal(
            p,
            va,
            vpn,
            access,
            "out-of-swap",
            `no swap slot for a dirty victim; process ${p.pid} has the largest resident set (${p.resident} pages)`,
          );
        }
        victim.counters.outOfSwapKills++;
        this.parts.kill(
          victim,
          `out of swap: killed as the largest resident set, ${victim.resident} pages (process ${p.pid} needed a frame)`,
        );
        frame = this.obtainFrame(p, key, vpn);
      }
      try {
        cause = this.readIn(p, region, vpn, pte, frame, access, shared?.object, objPage);
      } catch (e) {
        // A failed read (a store error): the frame goes back, the page stays where it was.
        if (shared) shared.object.frames[objPage] = -1;
        this.parts.frames.release(frame);
        throw e;
      }
      mapFrame(this.parts, p, vpn, addr, frame, region.perm);
      this.parts.frames.ownerPid[frame] = p.pid;
      p.resident++;
    }
    countFault(p, cause);
    this.spend(this.parts.costs.faultOverheadNs);
    const { events } = this.parts;
    if (events.listening) emitFault(events, this.parts.now(), p, va, vpn, access, cause, frame);
    const pa = this.parts.mmu.translate(va, access);
    const n =
      this.readAhead > 0 && this.didRead ? readAheadAfter(this, this.ahead, p, region, vpn, cause) : 0;
    if (cause !== "minor") {
      const pol = this.policyOf(p.pid);
      pol.admit(frame, this.parts.frames.key[frame]!, nextUse);
      for (let i = 0; i < n; i++) pol.admit(this.ahead[i]!, this.parts.frames.key[this.ahead[i]!]!, NEVER);
    }
    return pa;
  }

  /**
   * Brings page `vpn` of `p` into a frame without an access (explicit pageIn, pin). Returns the
   * frame, or -1 if the address is invalid for `p`. Throws OutOfMemoryError when no frame can be freed.
   */
  pageIn(p: AddressSpace, vpn: number): number {
    const region = this.findOrGrow(p, vpn);
    if (region === undefined) return -1;
    const addr = this.parts.tables.ensure(p.root, vpn);
    const pte = this.parts.mem.readU32(addr);
    if (ptePresent(pte)) return pteFrame(pte);
    const va = vpn * this.ps;
    const pa = this.handleFault(
      p,
      va,
      region.perm & PERM_X && !(region.perm & PERM_W) ? ACC_EXEC : 0,
      -1,
      NEVER,
    );
    return pa < 0 ? -1 : Math.floor(pa / this.ps);
  }

  /**
   * Evicts frame `f`: writes it back if dirty, unmaps it from every PTE, frees it. The caller has
   * already removed it from its policy. Returns false (changing nothing) if a dirty page finds no
   * swap slot. The page's new location is recorded only after its write succeeded: a write that
   * throws (StoreIoError: disk full, ...) frees the slot it took and changes nothing else, so the
   * page stays resident, mapped and intact, and the error goes to the caller.
   */
  evict(f: number): boolean {
    const { frames, events } = this.parts;
    const dirty = this.parts.bits.dirty(f);
    const obj = frames.objId[f]! >= 0 ? this.objectOf(f) : undefined;
    let slot = obj ? obj.slots[frames.page[f]!]! : frames.slot[f]!;
    if (dirty) {
      const store = obj ? obj.store : this.parts.swap;
      const fresh = slot === NO_SLOT;
      if (fresh) {
        slot = this.takeSlot(store, true, obj === undefined);
        if (slot === NO_SLOT) return false;
      }
      this.writeOut(store, slot, f, fresh);
    }
    const owner = this.parts.byPid(frames.ownerPid[f]!);
    if (events.listening) {
      events.emit({
        type: "evict",
        frame: f,
        pid: owner?.pid ?? -1,
        vpn: frames.page[f]!,
        dirty,
        timeNs: this.parts.now(),
      });
    }
    if (prefetchUsed(this, f)) prefetchHit(this, f);
    unmapAll(this.parts, f, obj ? -1 : slot);
    if (dirty) noteWriteBack(this, f, slot);
    if (owner) {
      owner.resident--;
      if (dirty) owner.counters.evictions.dirty++;
      else owner.counters.evictions.clean++;
    }
    if (obj) {
      obj.frames[frames.page[f]!] = -1;
      obj.slots[frames.page[f]!] = slot;
    }
    frames.slot[f] = NO_SLOT;
    frames.release(f);
    return true;
  }

  /**
   * A free slot of `store`, or NO_SLOT. A slot that goes into a PTE (`inPte`) must fit its 24-bit
   * field: a larger one (an unbounded store past 2^24 slots) is given back, and the store counts as full.
   */
  private takeSlot(store: BackingStore, forFault: boolean, inPte: boolean): number {
    const slot = store.allocSlot(forFault);
    if (inPte && slot > PTE_MAX_FIELD) {
      store.freeSlot(slot);
      return NO_SLOT;
    }
    return slot;
  }

  /** Writes frame `f` to `slot` of `store`; if the write throws, a `fresh` slot is freed first. */
  private writeOut(store: BackingStore, slot: number, f: number, fresh: boolean): void {
    try {
      store.writePage(slot, this.parts.mem.bytes, f * this.ps);
    } catch (e) {
      if (fresh) store.freeSlot(slot);
      throw e;
    }
  }

  /**
   * Removes `p`'s mapping of page `vpn` (PTE word `pte` at `addr`) for munmap and exit: frees a
   * private frame and its swap slot, or just drops a shared mapping. The caller clears the PTE.
   */
  unmapPage(p: AddressSpace, vpn: number, pte: number): void {
    const { frames, tlb } = this.parts;
    if (ptePresent(pte)) {
      const f = pteFrame(pte);
      tlb.invalidate(p.asid, vpn);
      if (pte & PTE_D) frames.stickyDirty[f] = 1;
      if (frames.prefetched[f] !== 0 && (frames.prefetched[f] === 2 || pte & PTE_A)) prefetchHit(this, f);
      const left = frames.removeMapping(f, p.asid, vpn);
      if (this.parts.events.listening) this.parts.events.emit({ type: "unmap", pid: p.pid, vpn, frame: f });
      if (frames.objId[f]! < 0) {
        dropFrame(this, f, "freed");
        p.resident--;
      } else if (frames.ownerPid[f] === p.pid) {
        handOver(this, f, p, left);
      }
    } else if (pteLoc(pte) === LOC_SWAP) {
      this.parts.swap.freeSlot(pteSlot(pte));
    }
  }

  /** Frees every resident page and slot of a dead shared object. */
  freeObject(obj: SharedObject): void {
    for (let i = 0; i < obj.pageCount; i++) {
      const f = obj.frames[i]!;
      if (f >= 0) {
        const owner = this.parts.byPid(this.parts.frames.ownerPid[f]!);
        if (owner) owner.resident--;
        dropFrame(this, f, "freed");
        obj.frames[i] = -1;
      }
      if (obj.slots[i]! >= 0) {
        obj.store.freeSlot(obj.slots[i]!);
        obj.slots[i] = -1;
      }
    }
  }

  /** A frame for a new page table: free, or freed by evicting a victim. Throws OutOfMemoryError. */
  tableFrame(): number {
    const { frames } = this.parts;
    this.watcher?.beforeAllocate(this.cur);
    let f = frames.allocate(FRAME_TABLE);
    if (f < 0) {
      const pol = this.scope === "global" ? this.global : victimPolicy(this, undefined);
      if (!evictOne(this, pol, undefined, undefined))
        throw noFrameError(frames, "a page table (no swap slot for a dirty victim)");
      f = frames.allocate(FRAME_TABLE);
    }
    this.watcher?.afterAllocate();
    return f;
  }

  /**
   * Reclaims one page for a reclaimer (kswapd; direct reclaim, `onFaultPath`, counted in
   * faultEvictions since a process waits for it): asks the victim policy (the
   * global one, or the largest process's under local scope) and evicts its choice. Returns
   * RECLAIM_CLEAN or RECLAIM_DIRTY, or RECLAIM_NONE when no page can be evicted (nothing
   * evictable, or a dirty victim found no swap slot; nothing changes then).
   */
  reclaimOne(onFaultPath: boolean): number {
    const { frames, bits } = this.parts;
    let pol: ReplacementPolicy;
    try {
      pol = victimPolicy(this, undefined);
    } catch {
      return RECLAIM_NONE;
    }
    const f = pol.selectVictim();
    if (f === NO_FRAME || !bits.isEvictable(f)) return RECLAIM_NONE;
    const dirty = bits.dirty(f);
    const key = frames.key[f]!;
    try {
      if (!this.evict(f)) return RECLAIM_NONE;
    } catch (e) {
      // A failed write (disk full): the page stays resident; a fault that needs the frame reports it.
      if (e instanceof StoreIoError) return RECLAIM_NONE;
      throw e;
    }
    if (onFaultPath) {
      if (dirty) this.faultEvictions.dirty++;
      else this.faultEvictions.clean++;
    }
    pol.forget(f, key, "evicted");
    return dirty ? RECLAIM_DIRTY : RECLAIM_CLEAN;
  }

  /**
   * Cleans resident frame `f` ahead of its eviction: writes its page to its backing slot
   * (allocating one, never the last free slot), clears the dirty bit in every PTE mapping it and
   * drops those TLB entries (so the next write walks and sets D again). The frame keeps the slot,
   * so a later eviction needs no write. Returns false when `f` is not dirty or no slot is free.
   */
  clean(f: number): boolean {
    const { frames, mem, tlb, bits } = this.parts;
    if (!bits.isEvictable(f) || !bits.dirty(f)) return false;
    const obj = frames.objId[f]! >= 0 ? this.objectOf(f) : undefined;
    const store = obj ? obj.store : this.parts.swap;
    let slot = obj ? obj.slots[frames.page[f]!]! : frames.slot[f]!;
    const fresh = slot === NO_SLOT;
    if (fresh) {
      slot = this.takeSlot(store, false, obj === undefined);
      if (slot === NO_SLOT) return false;
    }
    try {
      this.writeOut(store, slot, f, fresh);
    } catch (e) {
      // Cleaning is ahead of need: a failed write leaves the page dirty, and its eviction will try again.
      if (e instanceof StoreIoError) return false;
      throw e;
    }
    if (fresh) {
      if (obj) obj.slots[frames.page[f]!] = slot;
      else frames.slot[f] = slot;
    }
    noteWriteBack(this, f, slot);
    frames.stickyDirty[f] = 0;
    for (let n = frames.rmapFirst(f); n >= 0; n = frames.rmapNextOf(n)) {
      const addr = frames.rmapPteOf(n);
      const pte = mem.readU32(addr);
      if (pte & PTE_D) {
        mem.writeU32(addr, pte & ~PTE_D);
        tlb.invalidate(frames.rmapAsidOf(n), frames.rmapVpnOf(n));
      }
    }
    return true;
  }

  /** Key under which policies know the page in `f`. */
  keyFor(p: AddressSpace | undefined, vpn: number, obj: SharedObject | undefined, objPage: number): number {
    return obj ? pageKey(0, obj.id * OBJ_KEY_SPAN + objPage) : pageKey(p!.asid, vpn);
  }

  /** Registers the shared objects so evictions can find them by id. */
  readonly objects = new Map<number, SharedObject>();

  private findOrGrow(p: AddressSpace, vpn: number): Region | undefined {
    const r = p.findRegion(vpn);
    if (r !== undefined) return r;
    const stack = p.regionOfKind("stack");
    if (stack && vpn < stack.startVpn && vpn >= p.stackLimitVpn) {
      stack.startVpn = vpn;
      return stack;
    }
    return undefined;
  }

  /** A frame for the page `incoming` of `p` (the key lets ARC, 2Q, S3-FIFO consult their ghosts). */
  private obtainFrame(p: AddressSpace, incoming: number, vpn: number): number {
    const { frames } = this.parts;
    const local = this.scope === "local";
    this.watcher?.beforeAllocate(p);
    if (this.colorMode !== "off") return obtainColored(this, p, incoming, vpn & this.colorMask);
    if (!local || p.resident < p.quota) {
      const f = frames.allocate(FRAME_USER);
      if (f >= 0) {
        this.watcher?.afterAllocate();
        return f;
      }
    }
    const pol = local && p.resident > 0 ? this.policyOf(p.pid) : victimPolicy(this, p);
    if (!evictOne(this, pol, p, incoming)) return -1;
    const f = frames.allocate(FRAME_USER);
    if (f < 0) throw noFrameError(frames, "a page");
    this.watcher?.afterAllocate();
    return f;
  }

  /** Sets page coloring and read-ahead (MachineConfig colors, coloring, readAhead; validated there). */
  configure(colorMode: ColorMode, colors: number, readAhead: number): void {
    this.colorMode = colors > 1 ? colorMode : "off";
    this.colorMask = colors - 1;
    this.readAhead = readAhead;
    this.ahead = new Int32Array(readAhead);
  }

  /**
   * Counts, for their owners, the prefetched pages now resident that have been referenced (a hit
   * is a hit for good, so they stop being watched). Called before statistics are read.
   */
  settlePrefetch(): void {
    const { frames } = this.parts;
    if (this.readAhead === 0) return;
    for (let f = 0; f < frames.frameCount; f++) {
      if (prefetchUsed(this, f)) prefetchHit(this, f);
    }
  }

  private readIn(
    p: AddressSpace,
    region: Region,
    vpn: number,
    pte: number,
    f: number,
    access: Access,
    obj: SharedObject | undefined,
    objPage: number,
  ): FaultCause {
    const { frames, mem } = this.parts;
    frames.key[f] = this.keyFor(p, vpn, obj, objPage);
    frames.page[f] = obj ? objPage : vpn;
    if (obj) {
      frames.objId[f] = obj.id;
      obj.frames[objPage] = f;
      const slot = obj.slots[objPage]!;
      if (slot < 0) return this.zero(f, "object");
      this.read(obj.store, slot, f);
      return "object";
    }
    if (!ptePresent(pte) && pteLoc(pte) === LOC_SWAP) {
      const slot = pteSlot(pte);
      this.read(this.parts.swap, slot, f);
      frames.slot[f] = slot;
      return "swap";
    }
    const src = region.source;
    if (src.type === "image" && p.image) {
      const idx = src.firstSlot + (vpn - region.startVpn);
      if (idx < p.image.capacity) {
        this.read(p.image, idx, f);
        return "image";
      }
      mem.zeroFrame(f);
      return "zero-fill";
    }
    if (src.type === "trace" && access === ACC_EXEC) {
      mem.zeroFrame(f);
      this.spend(this.parts.costs.diskReadNs);
      return "image";
    }
    return this.zero(f, "zero-fill");
  }

  private zero(f: number, cause: FaultCause): FaultCause {
    this.parts.mem.zeroFrame(f);
    return cause;
  }

  private read(store: BackingStore, slot: number, f: number): void {
    this.didRead = true;
    store.readPage(slot, this.parts.mem.bytes, f * this.ps);
    this.spend(this.parts.costs.diskReadNs);
  }

  private objectOf(f: number): SharedObject {
    const obj = this.objects.get(this.parts.frames.objId[f]!);
    if (obj === undefined) throw new OutOfMemoryError(`pager: frame ${f} names an unknown shared object`);
    return obj;
  }

  /**
   * Charges fault-path time to the clock and to the process being served (or, while
   * `background` is set, to backgroundNs). Public for reclaimers that charge their scan cost.
   */
  spend(ns: number): void {
    if (this.background) {
      this.backgroundNs += ns;
      return;
    }
    this.faultNs += ns;
    if (this.cur) this.cur.counters.timeNs += ns;
  }

  private fatal(
    p: AddressSpace,
    va: number,
    vpn: number,
    access: Access,
    why: FaultResponse,
    detail: string,
  ): number {
    countFatal(p, why);
    this.lastResponse = why;
    this.lastReason = detail;
    if (this.parts.events.listening && why !== "out-of-swap") {
      const cause = why === "protection" ? "protection" : "segmentation";
      emitFault(this.parts.events, this.parts.now(), p, va, vpn, access, cause, -1);
    }
    this.parts.kill(p, `${why}: ${detail} at 0x${va.toString(16)}`);
    return FAULT_KILLED;
  }
}

function allows(r: Region, access: Access): boolean {
  if (access === ACC_WRITE) return (r.perm & PERM_W) !== 0;
  if (access === ACC_EXEC) return (r.perm & PERM_X) !== 0;
  return true;
}
