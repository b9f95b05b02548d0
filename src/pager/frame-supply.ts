// The frame supply: the one owner of "a frame, or a victim's frame" on every path that needs one.
// It holds the replacement policies (one global, or one per process under local scope) and which
// of them gives up a frame; takes a free frame (of the page's color under page coloring) or asks
// the owning policy for a victim, evicts it (write-back first, then every PTE rewritten through the
// reverse map), and counts it. Faults, page tables, read-ahead, kswapd's reclaim and cleaning, and
// the Machine's pageOut all come here; nothing else evicts.
//
// A page's new location is recorded only after its write succeeded: a write that throws (a
// StoreIoError: the disk is full, ...) frees the slot it took and changes nothing else, so the page
// stays resident, mapped and known to its policy.

import { InternalError, OutOfMemoryError } from "../core/errors.js";
import { PTE_D, PTE_MAX_FIELD } from "../mmu/pte.js";
import { FRAME_TABLE, FRAME_USER } from "../phys/frames.js";
import { NEVER, NO_FRAME, type ReplacementPolicy } from "../policies/policy.js";
import { type BackingStore, NO_SLOT, StoreIoError } from "../stores/store.js";
import { noFrameError } from "./fault-count.js";
import type { FaultTime } from "./fault-time.js";
import type { SharedObject } from "./memory-object.js";
import {
  type AllocationWatcher,
  type ColorMode,
  type PagerParts,
  RECLAIM_CLEAN,
  RECLAIM_DIRTY,
  RECLAIM_NONE,
  type Scope,
} from "./parts.js";
import { prefetchHit, prefetchUsed } from "./prefetch.js";
import { unmapAll } from "./pte-map.js";
import type { AddressSpace } from "./space.js";

/** evictVictim's answer when the chosen victim is dirty and finds no swap slot (nothing changed). */
const NO_SLOT_FOR_VICTIM = -2;

export class FrameSupply {
  private scopeNow: Scope;
  private global: ReplacementPolicy;
  private readonly local = new Map<number, ReplacementPolicy>();
  private watcher: AllocationWatcher | undefined;
  private colorMode: ColorMode = "off";
  private colorMask = 0;
  /** Evictions made on a fault path (a process waited for them), by whether they had to write. */
  private readonly waited = { clean: 0, dirty: 0 };

  constructor(
    private readonly parts: PagerParts,
    private readonly time: FaultTime,
    private readonly objects: ReadonlyMap<number, SharedObject>,
    policy: ReplacementPolicy,
    private readonly makePolicy: () => ReplacementPolicy,
    scope: Scope,
  ) {
    this.global = policy;
    this.scopeNow = scope;
  }

  // ---- the policies ------------------------------------------------------------------------

  get scope(): Scope {
    return this.scopeNow;
  }

  /** The global policy (under local scope, the one processes' policies are made like). */
  get policy(): ReplacementPolicy {
    return this.global;
  }

  /** Fault-path evictions (a process waited for them), clean and dirty. */
  get faultEvictions(): { readonly clean: number; readonly dirty: number } {
    return this.waited;
  }

  /** The policy that tracks frames owned by `pid`. */
  policyOf(pid: number): ReplacementPolicy {
    if (this.scopeNow === "global") return this.global;
    let pol = this.local.get(pid);
    if (pol === undefined) {
      pol = this.makePolicy();
      this.local.set(pid, pol);
    }
    return pol;
  }

  /** The policy that tracks frame `f`, or undefined (an ownerless shared frame under local scope). */
  trackingPolicy(f: number): ReplacementPolicy | undefined {
    if (this.scopeNow === "global") return this.global;
    const owner = this.parts.frames.ownerPid[f]!;
    return owner >= 0 ? this.policyOf(owner) : undefined;
  }

  /**
   * Replaces the policies: `fresh` becomes the global one (local ones are made anew on demand) and
   * adopts every resident, unpinned frame in load order (the order the pages came in).
   */
  replacePolicies(fresh: ReplacementPolicy, scope: Scope): void {
    const { frames } = this.parts;
    this.global = fresh;
    this.scopeNow = scope;
    this.local.clear();
    const order: number[] = [];
    for (let f = 0; f < frames.frameCount; f++) {
      if (frames.state[f] === FRAME_USER && frames.pins[f] === 0) order.push(f);
    }
    order.sort((a, b) => frames.loadSeq[a]! - frames.loadSeq[b]!);
    for (const f of order) this.trackingPolicy(f)?.admit(f, frames.key[f]!, NEVER);
  }

  /** A process ended: its local policy goes (its frames are already freed). */
  forgetProcess(pid: number): void {
    this.local.delete(pid);
  }

  /** Passes simulated time to every policy with a timer. */
  tick(now: number): void {
    if (this.scopeNow === "global") this.global.tick?.(now);
    else for (const pol of this.local.values()) pol.tick?.(now);
  }

  // ---- configuration -----------------------------------------------------------------------

  /** The allocation watcher (kswapd), if any. */
  setWatcher(w: AllocationWatcher | undefined): void {
    this.watcher = w;
  }

  /** Page coloring: the mode and the number of colors (validated by the Machine's configuration). */
  setColoring(mode: ColorMode, colors: number): void {
    this.colorMode = colors > 1 ? mode : "off";
    this.colorMask = colors - 1;
  }

  /** The color of page `vpn`. */
  colorOf(vpn: number): number {
    return vpn & this.colorMask;
  }

  // ---- frames ------------------------------------------------------------------------------

  /**
   * A frame for the page of `p` at `vpn` whose key is `incoming` (policies with ghost lists consult
   * it): a free frame (of the page's color under coloring; under local scope only within quota),
   * else a victim's. Returns -1 when a dirty victim finds no swap slot (the caller decides whom
   * to kill). Throws OutOfMemoryError when no frame can be freed, StoreIoError when a write fails.
   */
  forPage(p: AddressSpace, incoming: number, vpn: number): number {
    const { frames } = this.parts;
    this.watcher?.beforeAllocate(p);
    if (this.colorMode !== "off") return this.colored(p, incoming, vpn & this.colorMask);
    if (this.scopeNow === "global" || p.resident < p.quota) {
      const f = frames.allocate(FRAME_USER);
      if (f >= 0) {
        this.watcher?.afterAllocate();
        return f;
      }
    }
    if (!this.evictFor(p, incoming)) return -1;
    const f = frames.allocate(FRAME_USER);
    if (f < 0) throw noFrameError(frames, "a page");
    this.watcher?.afterAllocate();
    return f;
  }

  /** A frame for a new page table: free, or freed by evicting a victim. Throws OutOfMemoryError. */
  forTable(): number {
    const { frames } = this.parts;
    this.watcher?.beforeAllocate(this.time.serving);
    let f = frames.allocate(FRAME_TABLE);
    if (f < 0) {
      const r = this.evictVictim(this.victimPolicy(undefined), undefined, true);
      if (r === NO_FRAME) throw noFrameError(frames, "a page");
      if (r === NO_SLOT_FOR_VICTIM)
        throw noFrameError(frames, "a page table (no swap slot for a dirty victim)");
      f = frames.allocate(FRAME_TABLE);
    }
    this.watcher?.afterAllocate();
    return f;
  }

  /**
   * A frame for a page read ahead by `p` at `vpn`, or -1: a free frame (of the page's color when
   * coloring, any color under "prefer"), else under global scope one victim's frame. Never kills
   * and never fails the fault: a victim without a slot or a failed write just ends the read-ahead.
   */
  forReadAhead(p: AddressSpace, vpn: number): number {
    const { frames } = this.parts;
    const local = this.scopeNow === "local";
    if (local && p.resident >= p.quota) return -1;
    this.watcher?.beforeAllocate(p);
    const color = vpn & this.colorMask;
    for (let attempt = 0; attempt < 2; attempt++) {
      let f: number;
      if (this.colorMode === "off") f = frames.allocate(FRAME_USER);
      else {
        f = frames.allocateColor(color, FRAME_USER);
        if (f < 0 && this.colorMode === "prefer") {
          f = frames.allocate(FRAME_USER);
          if (f >= 0) p.counters.colorConflicts++;
        }
      }
      if (f >= 0) {
        this.watcher?.afterAllocate();
        return f;
      }
      if (attempt === 1 || local) return -1;
      try {
        if (this.evictVictim(this.global, undefined, true) < 0) return -1;
      } catch (e) {
        if (e instanceof StoreIoError) return -1;
        throw e;
      }
    }
    return -1;
  }

  /**
   * A frame of `color` for `p` under page coloring. "prefer": a free frame of the color, else any
   * free frame, else a victim's frame; a frame of another color is a conflict. "strict": evicts
   * victims until a frame of the color is free; evictions beyond the one an uncolored allocator
   * would have made are counted as colorEvictions. Returns -1 if a dirty victim found no swap slot.
   */
  private colored(p: AddressSpace, incoming: number, color: number): number {
    const { frames } = this.parts;
    const mayTakeFree = this.scopeNow === "global" || p.resident < p.quota;
    let f = mayTakeFree ? frames.allocateColor(color, FRAME_USER) : -1;
    if (f < 0 && this.colorMode === "prefer") {
      if (mayTakeFree) f = frames.allocate(FRAME_USER);
      if (f < 0) {
        if (!this.evictFor(p, incoming)) return -1;
        f = frames.allocateColor(color, FRAME_USER);
        if (f < 0) f = frames.allocate(FRAME_USER);
      }
      if (f >= 0 && frames.colorOf(f) !== color) p.counters.colorConflicts++;
    } else if (f < 0) {
      // An uncolored allocator evicts once only when it may not take a free frame.
      let expected = !(mayTakeFree && frames.freeCount > 0);
      for (let tries = 0; f < 0; tries++) {
        // Each eviction frees a frame; after as many as there are frames one of the color is free.
        if (tries > frames.frameCount) {
          throw new InternalError(`pager: ${tries} evictions freed no frame of color ${color}`);
        }
        if (!this.evictFor(p, incoming)) return -1;
        if (expected) expected = false;
        else p.counters.colorEvictions++;
        f = frames.allocateColor(color, FRAME_USER);
      }
    }
    if (f < 0) throw noFrameError(frames, "a page");
    this.watcher?.afterAllocate();
    return f;
  }

  // ---- victims -------------------------------------------------------------------------------

  /**
   * The policy that gives up a frame for `p` (undefined: for a page table or a reclaimer): the
   * global one; under local scope `p`'s own while it holds frames, else the largest process's.
   */
  private victimPolicy(p: AddressSpace | undefined): ReplacementPolicy {
    if (this.scopeNow === "global") return this.global;
    if (p !== undefined && p.resident > 0) return this.policyOf(p.pid);
    let best: AddressSpace | undefined = p;
    for (const pid of this.local.keys()) {
      const q = this.parts.byPid(pid);
      if (q?.alive && q.resident > 0 && (best === undefined || q.resident > best.resident)) best = q;
    }
    if (best === undefined) throw noFrameError(this.parts.frames, "a page (no process holds a frame)");
    return this.policyOf(best.pid);
  }

  /** Evicts a victim for `p`'s fault: false if it found no swap slot; OutOfMemoryError if there is none. */
  private evictFor(p: AddressSpace, incoming: number): boolean {
    const r = this.evictVictim(this.victimPolicy(p), incoming, true);
    if (r === NO_FRAME) throw noFrameError(this.parts.frames, `page of process ${p.pid}`);
    return r !== NO_SLOT_FOR_VICTIM;
  }

  /**
   * Asks `pol` for a victim (`incoming` for policies with ghosts), evicts it, tells `pol`, and
   * counts it as a fault-path eviction if a process `waited`. Returns RECLAIM_CLEAN or
   * RECLAIM_DIRTY, NO_FRAME if `pol` has no evictable frame, NO_SLOT_FOR_VICTIM if the victim is
   * dirty and finds no slot (nothing changes then). A failed write throws, changing nothing.
   */
  private evictVictim(pol: ReplacementPolicy, incoming: number | undefined, waited: boolean): number {
    const { frames, bits } = this.parts;
    const f = pol.selectVictim(incoming);
    if (f === NO_FRAME || !bits.isEvictable(f)) return NO_FRAME;
    const key = frames.key[f]!;
    const dirty = bits.dirty(f);
    if (!this.evict(f)) return NO_SLOT_FOR_VICTIM;
    if (waited) {
      if (dirty) this.waited.dirty++;
      else this.waited.clean++;
    }
    pol.forget(f, key, "evicted");
    return dirty ? RECLAIM_DIRTY : RECLAIM_CLEAN;
  }

  /**
   * Reclaims one page for a reclaimer (kswapd; direct reclaim, `onFaultPath`, counted among the
   * fault-path evictions since a process waits for it): the victim of the global policy, or of
   * the largest process's under local scope. Returns RECLAIM_CLEAN or RECLAIM_DIRTY, or
   * RECLAIM_NONE when nothing could be evicted (no victim, no slot, a failed write: nothing changes).
   */
  reclaim(onFaultPath: boolean): number {
    let pol: ReplacementPolicy;
    try {
      pol = this.victimPolicy(undefined);
    } catch (e) {
      if (e instanceof OutOfMemoryError) return RECLAIM_NONE;
      throw e;
    }
    try {
      const r = this.evictVictim(pol, undefined, onFaultPath);
      return r >= 0 ? r : RECLAIM_NONE;
    } catch (e) {
      // A failed write (disk full): the page stays resident; a fault that needs the frame reports it.
      if (e instanceof StoreIoError) return RECLAIM_NONE;
      throw e;
    }
  }

  /**
   * Evicts resident frame `f` on request (Machine.pageOut), telling the policy that tracks it.
   * Returns false, changing nothing, if its page is dirty and finds no swap slot.
   */
  pageOut(f: number): boolean {
    const key = this.parts.frames.key[f]!;
    const pol = this.trackingPolicy(f);
    if (!this.evict(f)) return false;
    pol?.forget(f, key, "evicted");
    return true;
  }

  /**
   * Evicts frame `f`: writes it back if dirty, unmaps it from every PTE, frees it. The caller has
   * already removed it from its policy, or does right after. Returns false (changing nothing) if a
   * dirty page finds no swap slot; a write that throws frees the slot it took and changes nothing.
   */
  private evict(f: number): boolean {
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
    if (prefetchUsed(this.parts, f)) prefetchHit(this.parts, f);
    unmapAll(this.parts, f, obj ? -1 : slot);
    if (dirty) this.wroteBack(f, slot);
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
   * Cleans resident frame `f` ahead of its eviction: writes its page to its backing slot
   * (allocating one, never the last free slot), clears the dirty bit in every PTE mapping it and
   * drops those TLB entries (so the next write walks and sets D again). The frame keeps the slot,
   * so a later eviction needs no write. Returns false when `f` is not dirty, no slot is free, or
   * the write failed (the page stays dirty; its eviction will try again).
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
      if (e instanceof StoreIoError) return false;
      throw e;
    }
    if (fresh) {
      if (obj) obj.slots[frames.page[f]!] = slot;
      else frames.slot[f] = slot;
    }
    this.wroteBack(f, slot);
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
      store.writePage(slot, this.parts.mem.bytes, f * this.parts.layout.pageSize);
    } catch (e) {
      if (fresh) store.freeSlot(slot);
      throw e;
    }
  }

  /** Charges and counts the write-back of frame `f` to `slot`, which has just succeeded. */
  private wroteBack(f: number, slot: number): void {
    const { parts } = this;
    this.time.spend(parts.costs.diskWriteNs);
    const owner = parts.byPid(parts.frames.ownerPid[f]!);
    if (owner) owner.counters.writebacks++;
    if (parts.events.listening) {
      parts.events.emit({ type: "writeback", frame: f, slot, timeNs: parts.now() });
    }
  }

  // ---- frames leaving for good ---------------------------------------------------------------

  /** Frees a resident frame that no PTE maps any more (its page is gone for good). */
  drop(f: number): void {
    const { frames } = this.parts;
    const tracked = this.scopeNow === "global" || frames.ownerPid[f]! >= 0;
    if (frames.pins[f] === 0 && tracked)
      this.policyOf(frames.ownerPid[f]!).forget(f, frames.key[f]!, "freed");
    if (frames.slot[f]! >= 0) this.parts.swap.freeSlot(frames.slot[f]!);
    frames.slot[f] = NO_SLOT;
    while (frames.pins[f]! > 0) frames.unpin(f);
    frames.release(f);
  }

  /**
   * A shared frame's owner unmapped it: the frame passes to a remaining mapper (and, under local
   * scope, to its policy); with no mapper left it stays resident under its object, owned by nobody.
   */
  handOver(f: number, from: AddressSpace, left: number): void {
    const { frames } = this.parts;
    const to = left > 0 ? this.parts.byAsid(frames.rmapAsidOf(frames.rmapFirst(f))) : undefined;
    from.resident--;
    frames.ownerPid[f] = to ? to.pid : -1;
    if (to) to.resident++;
    if (this.scopeNow === "global" || frames.pins[f] !== 0) return;
    this.policyOf(from.pid).forget(f, frames.key[f]!, "freed");
    if (to) this.policyOf(to.pid).admit(f, frames.key[f]!, NEVER);
  }

  private objectOf(f: number): SharedObject {
    const obj = this.objects.get(this.parts.frames.objId[f]!);
    if (obj === undefined) throw new OutOfMemoryError(`pager: frame ${f} names an unknown shared object`);
    return obj;
  }
}
