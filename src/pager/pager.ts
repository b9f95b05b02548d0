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
import type { EventBus, FaultEvent } from "../core/events.js";
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
import {
  LOC_SWAP,
  PTE_D,
  PTE_U,
  PTE_W,
  PTE_X,
  pteFrame,
  pteFromSource,
  pteLoc,
  pteMapped,
  ptePresent,
  pteSlot,
  pteSwapped,
} from "../mmu/pte.js";
import type { Tlb } from "../mmu/tlb.js";
import { FRAME_TABLE, FRAME_USER, type FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import { NEVER, NO_FRAME, type ReplacementPolicy } from "../policies/policy.js";
import type { SharedObject } from "../proc/memory-object.js";
import type { Process } from "../proc/process.js";
import { PERM_W, PERM_X, type Region } from "../proc/region.js";
import type { BackingStore } from "../stores/store.js";
import { NO_SLOT } from "../stores/store.js";
import type { PteFrameBits } from "./frame-bits.js";

/** handleFault's answer when the fault ended the process (FaultResponse other than resolved). */
export const FAULT_KILLED = -10;

export type FaultResponse = "resolved" | "segfault" | "protection" | "out-of-swap";
export type FaultCause = FaultEvent["cause"];

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
  byAsid(asid: number): Process | undefined;
  /** The process with a pid. */
  byPid(pid: number): Process | undefined;
  /** Ends a process after a fatal fault (frees everything it holds). */
  kill(p: Process, reason: string): void;
  /** Simulated time now, ns. */
  now(): number;
}

export type Scope = "global" | "local";

export class Pager {
  scope: Scope = "global";
  /** The policy (global scope), or the policy of each process by pid (local scope). */
  global: ReplacementPolicy;
  readonly local = new Map<number, ReplacementPolicy>();
  /** Time spent in fault handling and disk I/O, ns (the rest is per-access time). */
  faultNs = 0;
  lastResponse: FaultResponse = "resolved";
  /** The process whose fault is being handled: disk time is charged to it. */
  private cur: Process | undefined;
  lastReason = "";
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
  handleFault(p: Process, va: number, access: Access, code: number, nextUse: number): number {
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
    if (shared && shared.object.frames[objPage]! >= 0) {
      frame = shared.object.frames[objPage]!;
      cause = "minor";
      this.mapFrame(p, vpn, addr, frame, region.perm);
    } else {
      frame = this.obtainFrame(p, this.keyFor(p, vpn, shared?.object, objPage));
      if (frame < 0) return this.fatal(p, va, vpn, access, "out-of-swap", "no swap slot for a dirty victim");
      cause = this.readIn(p, region, vpn, pte, frame, access, shared?.object, objPage);
      this.mapFrame(p, vpn, addr, frame, region.perm);
      this.parts.frames.ownerPid[frame] = p.pid;
      p.resident++;
    }
    this.count(p, cause);
    if (this.parts.events.listening) this.emitFault(p, va, vpn, access, cause, frame);
    const pa = this.parts.mmu.translate(va, access);
    if (cause !== "minor") this.policyOf(p.pid).admit(frame, this.parts.frames.key[frame]!, nextUse);
    return pa;
  }

  /**
   * Brings page `vpn` of `p` into a frame without an access (explicit pageIn, pin). Returns the
   * frame, or -1 if the address is invalid for `p`. Throws OutOfMemoryError when no frame can be freed.
   */
  pageIn(p: Process, vpn: number): number {
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
   * Evicts frame `f`: unmaps it from every PTE, writes it back if dirty, frees it. The caller has
   * already removed it from its policy. Returns false (changing nothing) if a dirty page finds no
   * swap slot.
   */
  evict(f: number): boolean {
    const { frames, events } = this.parts;
    const dirty = this.parts.bits.dirty(f);
    const obj = frames.objId[f]! >= 0 ? this.objectOf(f) : undefined;
    let slot = obj ? obj.slots[frames.page[f]!]! : frames.slot[f]!;
    if (dirty && slot === NO_SLOT) {
      slot = (obj ? obj.store : this.parts.swap).allocSlot(true);
      if (slot === NO_SLOT) return false;
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
    this.unmapAll(f, obj ? -1 : slot);
    if (dirty) this.writeBack(f, slot, obj);
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
   * Removes `p`'s mapping of page `vpn` (PTE word `pte` at `addr`) for munmap and exit: frees a
   * private frame and its swap slot, or just drops a shared mapping. The caller clears the PTE.
   */
  unmapPage(p: Process, vpn: number, pte: number): void {
    const { frames, tlb } = this.parts;
    if (ptePresent(pte)) {
      const f = pteFrame(pte);
      tlb.invalidate(p.asid, vpn);
      if (pte & PTE_D) frames.stickyDirty[f] = 1;
      const left = frames.removeMapping(f, p.asid, vpn);
      if (this.parts.events.listening) this.parts.events.emit({ type: "unmap", pid: p.pid, vpn, frame: f });
      if (frames.objId[f]! < 0) {
        this.dropFrame(f, "freed");
        p.resident--;
      } else if (frames.ownerPid[f] === p.pid) {
        this.handOver(f, p, left);
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
        this.dropFrame(f, "freed");
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
    let f = frames.allocate(FRAME_TABLE);
    if (f >= 0) return f;
    const pol = this.scope === "global" ? this.global : this.victimPolicy(undefined);
    if (!this.evictOne(pol, undefined, undefined))
      throw this.noFrame("a page table (no swap slot for a dirty victim)");
    f = frames.allocate(FRAME_TABLE);
    return f;
  }

  /** Key under which policies know the page in `f`. */
  keyFor(p: Process | undefined, vpn: number, obj: SharedObject | undefined, objPage: number): number {
    return obj ? pageKey(0, obj.id * OBJ_KEY_SPAN + objPage) : pageKey(p!.asid, vpn);
  }

  /** Registers the shared objects so evictions can find them by id. */
  readonly objects = new Map<number, SharedObject>();

  private findOrGrow(p: Process, vpn: number): Region | undefined {
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
  private obtainFrame(p: Process, incoming: number): number {
    const { frames } = this.parts;
    const local = this.scope === "local";
    if (!local || p.resident < p.quota) {
      const f = frames.allocate(FRAME_USER);
      if (f >= 0) return f;
    }
    const pol = local && p.resident > 0 ? this.policyOf(p.pid) : this.victimPolicy(p);
    if (!this.evictOne(pol, p, incoming)) return -1;
    const f = frames.allocate(FRAME_USER);
    if (f < 0) throw this.noFrame("a page");
    return f;
  }

  /** Under local scope with no frames of its own, the faulting process takes from the largest. */
  private victimPolicy(p: Process | undefined): ReplacementPolicy {
    if (this.scope === "global") return this.global;
    let best: Process | undefined = p;
    for (const pid of this.local.keys()) {
      const q = this.parts.byPid(pid);
      if (q?.alive && q.resident > 0 && (best === undefined || q.resident > best.resident)) best = q;
    }
    if (best === undefined) throw this.noFrame("a page (no process holds a frame)");
    return this.policyOf(best.pid);
  }

  /** Asks `pol` for a victim and evicts it. False if the victim found no swap slot. */
  private evictOne(pol: ReplacementPolicy, p: Process | undefined, incoming: number | undefined): boolean {
    const { frames, bits } = this.parts;
    const f = pol.selectVictim(incoming);
    if (f === NO_FRAME || !bits.isEvictable(f)) throw this.noFrame(p ? `page of process ${p.pid}` : "a page");
    const key = frames.key[f]!;
    if (!this.evict(f)) {
      this.lastReason = "no swap slot";
      return false;
    }
    pol.forget(f, key, "evicted");
    return true;
  }

  private readIn(
    p: Process,
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
    store.readPage(slot, this.parts.mem.bytes, f * this.ps);
    this.spend(this.parts.costs.diskReadNs);
  }

  private writeBack(f: number, slot: number, obj: SharedObject | undefined): void {
    const store = obj ? obj.store : this.parts.swap;
    store.writePage(slot, this.parts.mem.bytes, f * this.ps);
    this.spend(this.parts.costs.diskWriteNs);
    const owner = this.parts.byPid(this.parts.frames.ownerPid[f]!);
    if (owner) owner.counters.writebacks++;
    if (this.parts.events.listening) {
      this.parts.events.emit({ type: "writeback", frame: f, slot, timeNs: this.parts.now() });
    }
  }

  /** Rewrites every PTE mapping `f` as not present (in swap `slot`, or from source) and drops TLB entries. */
  private unmapAll(f: number, slot: number): void {
    const { frames, mem, tlb } = this.parts;
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

  private mapFrame(p: Process, vpn: number, addr: number, f: number, perm: number): void {
    const { mem, frames } = this.parts;
    const bits = PTE_U | (perm & PERM_W ? PTE_W : 0) | (perm & PERM_X ? PTE_X : 0);
    const old = mem.readU32(addr);
    if (old === 0) this.parts.tables.setLeaf(p.root, vpn, addr, pteMapped(f, bits));
    else mem.writeU32(addr, pteMapped(f, bits));
    frames.addMapping(f, p.asid, vpn, addr);
    if (this.parts.events.listening) this.parts.events.emit({ type: "map", pid: p.pid, vpn, frame: f });
  }

  /** Frees a resident frame that no PTE maps any more (its page is gone for good). */
  private dropFrame(f: number, why: "freed"): void {
    const { frames } = this.parts;
    const tracked = this.scope === "global" || frames.ownerPid[f]! >= 0;
    if (frames.pins[f] === 0 && tracked) this.policyOf(frames.ownerPid[f]!).forget(f, frames.key[f]!, why);
    if (frames.slot[f]! >= 0) this.parts.swap.freeSlot(frames.slot[f]!);
    frames.slot[f] = NO_SLOT;
    while (frames.pins[f]! > 0) frames.unpin(f);
    frames.release(f);
  }

  /**
   * A shared frame's owner unmapped it: the frame passes to a remaining mapper (and, under local
   * scope, to its policy); with no mapper left it stays resident under its object, owned by nobody.
   */
  private handOver(f: number, from: Process, left: number): void {
    const { frames } = this.parts;
    const to = left > 0 ? this.parts.byAsid(frames.rmapAsidOf(frames.rmapFirst(f))) : undefined;
    from.resident--;
    frames.ownerPid[f] = to ? to.pid : -1;
    if (to) to.resident++;
    if (this.scope === "global" || frames.pins[f] !== 0) return;
    this.policyOf(from.pid).forget(f, frames.key[f]!, "freed");
    if (to) this.policyOf(to.pid).admit(f, frames.key[f]!, NEVER);
  }

  private objectOf(f: number): SharedObject {
    const obj = this.objects.get(this.parts.frames.objId[f]!);
    if (obj === undefined) throw new OutOfMemoryError(`pager: frame ${f} names an unknown shared object`);
    return obj;
  }

  private count(p: Process, cause: FaultCause): void {
    const c = p.counters.faults;
    c.total++;
    switch (cause) {
      case "zero-fill":
        c.zeroFill++;
        break;
      case "image":
        c.fromImage++;
        p.counters.pageIns++;
        break;
      case "swap":
        c.fromSwap++;
        p.counters.pageIns++;
        break;
      case "object":
        c.fromObject++;
        p.counters.pageIns++;
        break;
      case "minor":
        c.minor++;
        break;
      default:
        break;
    }
    this.spend(this.parts.costs.faultOverheadNs);
  }

  /** Charges fault-path time to the clock and to the process being served. */
  private spend(ns: number): void {
    this.faultNs += ns;
    if (this.cur) this.cur.counters.timeNs += ns;
  }

  private fatal(
    p: Process,
    va: number,
    vpn: number,
    access: Access,
    why: FaultResponse,
    detail: string,
  ): number {
    const c = p.counters.faults;
    c.total++;
    if (why === "protection") c.protection++;
    else if (why === "segfault") c.segmentation++;
    else c.outOfSwap++;
    this.lastResponse = why;
    this.lastReason = detail;
    if (this.parts.events.listening && why !== "out-of-swap") {
      this.emitFault(p, va, vpn, access, why === "protection" ? "protection" : "segmentation", -1);
    }
    this.parts.kill(p, `${why}: ${detail} at 0x${va.toString(16)}`);
    return FAULT_KILLED;
  }

  private emitFault(
    p: Process,
    va: number,
    vpn: number,
    access: Access,
    cause: FaultCause,
    frame: number,
  ): void {
    this.parts.events.emit({
      type: "fault",
      pid: p.pid,
      va,
      vpn,
      access: ACCESS_NAMES[access]!,
      cause,
      frame,
      timeNs: this.parts.now(),
    });
  }

  private noFrame(what: string): OutOfMemoryError {
    const { frames } = this.parts;
    return new OutOfMemoryError(
      `no frame can be freed for ${what}: ${frames.frameCount} frames, ${frames.tableCount} hold page tables, ${frames.pinnedUserCount} are pinned`,
      { frames: frames.frameCount, tables: frames.tableCount, pinned: frames.pinnedUserCount },
    );
  }
}

function allows(r: Region, access: Access): boolean {
  if (access === ACC_WRITE) return (r.perm & PERM_W) !== 0;
  if (access === ACC_EXEC) return (r.perm & PERM_X) !== 0;
  return true;
}
