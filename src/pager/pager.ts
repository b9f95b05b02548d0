// The pager: the page-fault handler the documents describe, as named steps (Zephyr's
// do_page_fault, SerenityOS's Region::handle_fault):
//   check     the address against the process's regions (none: segmentation fault; an access the
//             region forbids: protection fault; either ends that process only)
//   frame     a free frame, or a victim chosen by the replacement policy (frame-supply.ts)
//   evict     write the victim back if dirty, then unmap it from every PTE (reverse map)
//   read in   zero-fill, executable image, swap, or shared object, by the page's source
//   map       write the PTE, record the mapping
//   restart   redo the access through the MMU (which sets the accessed/dirty bits)
//   admit     hand the frame to the policy
// Policies and stores only answer questions; the pager owns the sequence, the frame supply owns
// every eviction, and the two do all the counting. Modules of the pager import one way:
// parts, fault-time, prefetch, pte-map <- frame-supply <- read-ahead <- pager.

import { InternalError } from "../core/errors.js";
import {
  ACC_EXEC,
  ACC_WRITE,
  ACCESS_NAMES,
  type Access,
  FAULT_BAD_ADDRESS,
  FAULT_PROTECTION,
} from "../mmu/mmu.js";
import { LOC_SWAP, PTE_A, PTE_D, pteFrame, pteLoc, ptePresent, pteSlot } from "../mmu/pte.js";
import { NEVER, type ReplacementPolicy } from "../policies/policy.js";
import type { BackingStore } from "../stores/store.js";
import { countFatal, countFault, emitFault, type FaultCause, type FaultResponse } from "./fault-count.js";
import { FaultTime } from "./fault-time.js";
import { FrameSupply } from "./frame-supply.js";
import type { SharedObject } from "./memory-object.js";
import { type ColorMode, type PagerParts, pageKeyFor, type Scope } from "./parts.js";
import { prefetchHit, prefetchUsed } from "./prefetch.js";
import { mapFrame } from "./pte-map.js";
import { ReadAhead } from "./read-ahead.js";
import { PERM_W, PERM_X, type Region } from "./region.js";
import type { AddressSpace } from "./space.js";

/** handleFault's answer when the fault ended the process (FaultResponse other than resolved). */
export const FAULT_KILLED = -10;

export type { FaultCause, FaultResponse } from "./fault-count.js";
export { FrameSupply } from "./frame-supply.js";
export {
  type AllocationWatcher,
  type ColorMode,
  type PagerParts,
  RECLAIM_CLEAN,
  RECLAIM_DIRTY,
  RECLAIM_NONE,
  type Scope,
} from "./parts.js";

export class Pager {
  /** Every frame the fault path needs comes from here, and every eviction happens here. */
  readonly supply: FrameSupply;
  /** Registers the shared objects so evictions can find them by id. */
  readonly objects = new Map<number, SharedObject>();
  private readonly time = new FaultTime();
  private readonly ahead: ReadAhead;
  private response: FaultResponse = "resolved";
  private reason = "";
  /** Set when the fault being handled read its page from a store (read-ahead follows only those). */
  private didRead = false;
  private readonly ps: number;

  constructor(
    readonly parts: PagerParts,
    policy: ReplacementPolicy,
    makePolicy: () => ReplacementPolicy,
    scope: Scope = "global",
  ) {
    this.ps = parts.layout.pageSize;
    this.supply = new FrameSupply(parts, this.time, this.objects, policy, makePolicy, scope);
    this.ahead = new ReadAhead(parts, this.supply, this.time);
  }

  get scope(): Scope {
    return this.supply.scope;
  }
  /** Time spent in fault handling and disk I/O, ns (the rest is per-access time). */
  get faultNs(): number {
    return this.time.faultNs;
  }
  /** Why the last fault that ended its process did (resolved if none did). */
  get lastResponse(): FaultResponse {
    return this.response;
  }
  /** The detail of the last fatal fault. */
  get lastReason(): string {
    return this.reason;
  }

  /** The policy that tracks frames owned by `pid`. */
  policyOf(pid: number): ReplacementPolicy {
    return this.supply.policyOf(pid);
  }

  /** The global policy (under local scope, the one processes' policies are made like). */
  get policy(): ReplacementPolicy {
    return this.supply.policy;
  }

  /** Key under which policies know the page in `f`. */
  keyFor(p: AddressSpace | undefined, vpn: number, obj: SharedObject | undefined, objPage: number): number {
    return pageKeyFor(p, vpn, obj, objPage);
  }

  /** Sets page coloring and read-ahead (MachineConfig colors, coloring, readAhead; validated there). */
  configure(colorMode: ColorMode, colors: number, readAhead: number): void {
    this.supply.setColoring(colorMode, colors);
    this.ahead.configure(readAhead);
  }

  /**
   * Charges fault-path time to the clock and to the process being served (or, inside
   * `inBackground`, to background time). Public for reclaimers that charge their scan cost.
   */
  spend(ns: number): void {
    this.time.spend(ns);
  }

  /** Runs background work (kswapd): its I/O time is not the clock's. Returns that I/O time, ns. */
  inBackground(work: () => void): number {
    return this.time.background(work);
  }

  /**
   * Handles the fault the MMU just raised for process `p` (installed) at `va`. Returns the
   * physical address after the restarted access, or FAULT_KILLED if the fault ended `p`
   * (lastResponse says why). Throws OutOfMemoryError when no frame can be freed.
   */
  handleFault(p: AddressSpace, va: number, access: Access, code: number, nextUse: number): number {
    this.time.serve(p);
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
      frame = this.supply.forPage(p, key, vpn);
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
        if (victim.alive) throw new InternalError(`pager: killing process ${victim.pid} left it alive`);
        frame = this.supply.forPage(p, key, vpn);
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
    // A fault that waited for a store's read ends with a switch back to the process (CostModel).
    if (cause === "swap" || cause === "image" || cause === "object")
      this.spend(this.parts.costs.contextSwitchNs);
    const { events } = this.parts;
    if (events.listening) emitFault(events, this.parts.now(), p, va, vpn, access, cause, frame);
    // Read-ahead first, the restarted access last: read-ahead allocates frames, which can wake
    // kswapd, whose cleaning writes dirty pages back and clears their D bits. Were the access
    // restarted before that, a store's D bit could be cleared (and its page written back) before
    // the caller puts its bytes at the returned address: the write would be lost at the next
    // clean eviction. Nothing may run between the restarted access and the caller's use of it.
    const n = this.ahead.enabled && this.didRead ? this.ahead.after(p, region, vpn, cause) : 0;
    const pa = this.parts.mmu.translate(va, access);
    // The restarted access must succeed: a fault again, right after the page was mapped, would
    // repeat forever on a broken engine. Fail fast instead.
    if (pa < 0) {
      throw new InternalError(
        `pager: process ${p.pid}'s ${ACCESS_NAMES[access]} at 0x${va.toString(16)} faulted again (code ${pa}) right after its page was mapped in frame ${frame}`,
      );
    }
    if (cause !== "minor") {
      const pol = this.policyOf(p.pid);
      pol.admit(frame, this.parts.frames.key[frame]!, nextUse);
      for (let i = 0; i < n; i++) {
        const f = this.ahead.frame(i);
        pol.admit(f, this.parts.frames.key[f]!, NEVER);
      }
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
   * Removes `p`'s mapping of page `vpn` (PTE word `pte` at `addr`) for munmap and exit: frees a
   * private frame and its swap slot, or just drops a shared mapping. The caller clears the PTE.
   */
  unmapPage(p: AddressSpace, vpn: number, pte: number): void {
    const { frames, tlb } = this.parts;
    if (ptePresent(pte)) {
      const f = pteFrame(pte);
      tlb.invalidate(p.asid, vpn);
      if (pte & PTE_D) frames.stickyDirty[f] = 1;
      if (frames.prefetched[f] !== 0 && (frames.prefetched[f] === 2 || pte & PTE_A))
        prefetchHit(this.parts, f);
      const left = frames.removeMapping(f, p.asid, vpn);
      if (this.parts.events.listening) this.parts.events.emit({ type: "unmap", pid: p.pid, vpn, frame: f });
      if (frames.objId[f]! < 0) {
        this.supply.drop(f);
        p.resident--;
      } else if (frames.ownerPid[f] === p.pid) {
        this.supply.handOver(f, p, left);
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
        this.supply.drop(f);
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
    return this.supply.forTable();
  }

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

  /**
   * Counts, for their owners, the prefetched pages now resident that have been referenced (a hit
   * is a hit for good, so they stop being watched). Called before statistics are read.
   */
  settlePrefetch(): void {
    const { frames } = this.parts;
    if (!this.ahead.enabled) return;
    for (let f = 0; f < frames.frameCount; f++) {
      if (prefetchUsed(this.parts, f)) prefetchHit(this.parts, f);
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

  private fatal(
    p: AddressSpace,
    va: number,
    vpn: number,
    access: Access,
    why: FaultResponse,
    detail: string,
  ): number {
    countFatal(p, why);
    this.response = why;
    this.reason = detail;
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

/**
 * The live process with the largest resident set (ties: the highest pid, the youngest, which has
 * done the least work), the one killed when swap runs out. Undefined if none holds a frame.
 */
function largestResident(processes: Iterable<AddressSpace>): AddressSpace | undefined {
  let best: AddressSpace | undefined;
  for (const q of processes) {
    if (!q.alive || q.resident === 0) continue;
    if (
      best === undefined ||
      q.resident > best.resident ||
      (q.resident === best.resident && q.pid > best.pid)
    )
      best = q;
  }
  return best;
}
