// The Machine's reference path below its public API: the state every reference reads (the
// running process, which policy hooks the references feed, the references not yet given to a
// process, the simulated clock), the one-reference path behind Machine.access, and the batch loops
// behind Machine.accessRefs and accessCoded (accessRefsFast, the full-mode hot loop; accessRefsAny,
// the general one; accessRefsSlow, which decodes coded blocks for it). Module-internal: the Machine
// builds one RefPath and reads and sets its fields; it is not exported from src/index.ts.
// The loops moved here from machine.ts unchanged (the same class-method shape, the same fields read
// through `this`), and now() with them (tick() calls it per reference under aging and the other
// ticking policies); CPU time did not change with the move (median of alternate runs on
// 2026-12-05, 50 M references, 1024 frames: `pagewise run --mode full` lru 1121 ms before, 1095 ms
// after, aging 1784 ms, 1786 ms; `pagewise exec` heap.elf, 64 frames, lru: 1039 ms, 1051 ms, the same command
// before again 1068 ms).

import type { AddressLayout } from "../core/addr.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE, type Access, type Mmu } from "../mmu/mmu.js";
import { TLB_D, TLB_VALID, TLB_W, TLB_X, type Tlb } from "../mmu/tlb.js";
import { FAULT_KILLED, type Pager } from "../pager/pager.js";
import type { FrameTable } from "../phys/frames.js";
import { NEVER, type ReplacementPolicy } from "../policies/policy.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import type { Process } from "../proc/process.js";
import { REF_INSTR, REF_STORE } from "../workloads/refs.js";
import { NO_NEXT_USE } from "./replay-coded.js";

/** The TLB flags a reference of each REF_* kind needs (fetch: X; load: none; store, modify: W and D). */
const NEED_BY_KIND = Uint8Array.of(
  TLB_VALID | TLB_X,
  TLB_VALID,
  TLB_VALID | TLB_W | TLB_D,
  TLB_VALID | TLB_W | TLB_D,
);

/** accessRefsFast remembers the slots of up to this many + 1 pages (by vpn & FOUND_MASK). */
const FOUND_MASK = 255;

export class RefPath {
  /** The running process (installed in the MMU) and its pid; -1 when none runs. */
  cur: Process | undefined = undefined;
  curPid = -1;
  /** The policy reads hits (PolicyFactory.wantsHits) / keeps a clock (tick): set by noteHooks. */
  wantsHits = false;
  hasTick = false;
  /** The global policy when it wants hits (the hot path calls it directly), else null. */
  hitPolicy: ReplacementPolicy | null = null;
  /** References settled into process counters (pendingRefs holds the rest). */
  refs = 0;
  /** References since the last settle() by access kind (read, write, exec). */
  readonly pendingRefs = new Float64Array(3);
  /** Time charged for context switches between processes, ns (the Machine's switchTo adds it). */
  switchNs = 0;
  private tlbMarkHits = 0;
  private tlbMarkMisses = 0;
  /** accessRefsFast's slots found by a scan of the TLB's set, by vpn & FOUND_MASK, and the set's epoch then. */
  private readonly found = {
    vpn: new Float64Array(FOUND_MASK + 1).fill(-1),
    asid: new Int32Array(FOUND_MASK + 1),
    slot: new Int32Array(FOUND_MASK + 1),
    epoch: new Float64Array(FOUND_MASK + 1),
  };
  /** accessCoded's references decoded, when they take the general path. */
  private scratchPages = new Float64Array(0);
  private scratchKinds = new Uint8Array(0);

  /** `switchTo` is the Machine's context switch (it sets cur and curPid). */
  constructor(
    private readonly layout: AddressLayout,
    private readonly mmu: Mmu,
    private readonly tlb: Tlb,
    private readonly frames: FrameTable,
    private readonly pager: Pager,
    private readonly switchTo: (pid: number) => void,
    private readonly memoryAccessNs: number,
    /** Time of one table walk, ns. */
    private readonly walkNs: number,
  ) {}

  /** Simulated time now, ns: references, table walks, the fault path and context switches (Machine.now). */
  now(): number {
    const pr = this.pendingRefs;
    const pending = pr[0]! + pr[1]! + pr[2]!;
    return (
      (this.refs + pending) * this.memoryAccessNs +
      this.mmu.walks * this.walkNs +
      this.pager.faultNs +
      this.switchNs
    );
  }

  /** A hit on frame `f` for the policy that tracks it (none while it is pinned). */
  touch(f: number, nextUse: number): void {
    if (this.frames.pins[f] !== 0) return;
    this.pager.supply.trackingPolicy(f)?.touch?.(f, nextUse);
  }

  /** The policies' clock tick after a reference. */
  tick(): void {
    this.pager.supply.tick(this.now());
  }

  /** Reads which hooks the policy `spec` (now installed) wants: hits, ticks, the direct hit policy. */
  noteHooks(spec: string): void {
    const factory = getPolicyFactory(parsePolicySpec(spec).id);
    this.wantsHits = factory.wantsHits;
    const g = this.pager.supply.policy;
    this.hasTick = g.tick !== undefined;
    this.hitPolicy = this.wantsHits && this.pager.scope === "global" && g.touch !== undefined ? g : null;
  }

  /** Attributes the references, TLB hits and misses since the last settle to the running process. */
  settle(): void {
    const p = this.cur;
    const pr = this.pendingRefs;
    const n = pr[0]! + pr[1]! + pr[2]!;
    if (p) {
      const c = p.counters;
      c.references += n;
      c.reads += pr[0]!;
      c.writes += pr[1]!;
      c.fetches += pr[2]!;
      c.tlb.hits += this.tlb.hits - this.tlbMarkHits;
      c.tlb.misses += this.tlb.misses - this.tlbMarkMisses;
    }
    this.refs += n;
    pr.fill(0);
    this.tlbMarkHits = this.tlb.hits;
    this.tlbMarkMisses = this.tlb.misses;
  }

  /** Machine.access: one reference by `pid`. */
  access(pid: number, va: number, access: Access, nextUse: number): number {
    if (pid !== this.curPid) this.switchTo(pid);
    // Counted per access kind, no branch; given to the running process at the next settle().
    this.pendingRefs[access]++;
    let pa = this.mmu.translate(va, access);
    if (pa < 0) pa = this.pager.handleFault(this.cur!, va, access, pa, nextUse);
    else if (this.wantsHits) {
      const f = this.mmu.frame;
      const pol = this.hitPolicy;
      if (pol !== null && pol === this.pager.supply.policy) {
        if (this.frames.pins[f] === 0) pol.touch!(f, nextUse);
      } else this.touch(f, nextUse);
    }
    if (this.hasTick) this.tick();
    return pa;
  }

  /** accessRefs (width 0: pages[k], kinds[k]) or accessCoded (width 1 or 2). */
  accessBatch(
    pid: number,
    pages: Float64Array,
    codes: Uint8Array,
    width: number,
    base: number,
    from: number,
    to: number,
    nextUse: Int32Array | Float64Array | null,
    nuBase: number,
  ): number {
    if (pid !== this.curPid) this.switchTo(pid);
    if (
      !this.hasTick &&
      this.tlb.ways !== 0 &&
      (!this.wantsHits || (this.hitPolicy !== null && this.hitPolicy === this.pager.supply.policy))
    )
      return this.accessRefsFast(pages, codes, width, base, from, to, nextUse, nuBase);
    return this.accessRefsSlow(pid, pages, codes, width, base, from, to, nextUse, nuBase);
  }

  /** accessRefsAny for either form (coded references are decoded into scratch arrays first). */
  private accessRefsSlow(
    pid: number,
    pages: Float64Array,
    codes: Uint8Array,
    width: number,
    base: number,
    from: number,
    to: number,
    nextUse: Int32Array | Float64Array | null,
    nuBase: number,
  ): number {
    if (width === 0) return this.accessRefsAny(pid, pages, codes, from, to, nextUse, nuBase);
    const n = to - from;
    if (this.scratchPages.length < n) {
      this.scratchPages = new Float64Array(n);
      this.scratchKinds = new Uint8Array(n);
    }
    const sp = this.scratchPages;
    const sk = this.scratchKinds;
    for (let j = 0; j < n; j++) {
      const at = base + (from + j) * width;
      const v = width === 1 ? codes[at]! : codes[at]! | (codes[at + 1]! << 8);
      sp[j] = pages[v >>> 2]!;
      sk[j] = v & 3;
    }
    return from + this.accessRefsAny(pid, sp, sk, 0, n, nextUse, nuBase + from);
  }

  /**
   * accessRefs when no policy tick runs, the TLB has entries and hits go to the global policy (or
   * nowhere). Mmu.translate's lookup is made here first, with the same answer: its check of the
   * last slot, then the slot a scan of the set found for this (asid, vpn) while the set has not
   * changed since (Tlb.setEpoch; kept in `found`, by vpn): the scan would find it again. Only a
   * reference that misses both calls translate. TLB hits and references by kind are counted in
   * locals and given to the TLB and pendingRefs before anything that may read them (a fault: its
   * time reads now(); a kill settles) and at the end; the last slot and frame go back to the MMU.
   * Under LRU (touchMovesToMostRecent) the touches of two frames that take turns are held back and
   * made, in order, before a fault and at the end: the list ends as the touches one by one leave it.
   */
  private accessRefsFast(
    pages: Float64Array,
    codes: Uint8Array,
    width: number,
    base: number,
    from: number,
    to: number,
    nextUse: Int32Array | Float64Array | null,
    nuBase: number,
  ): number {
    const ps = this.layout.pageSize;
    const mmu = this.mmu;
    const tlb = this.tlb;
    const tVpn = tlb.vpn;
    const tAsid = tlb.asid;
    const tFrame = tlb.frame;
    const tFlags = tlb.flags;
    const pins = this.frames.pins;
    const wants = this.wantsHits;
    const pol = this.hitPolicy;
    const skipRepeat = pol?.repeatTouchIsNoop === true;
    // LRU: touches of two frames that take turns are held back (p1 then p2, p2 the most recent)
    // and made before any other call to the policy (touchMovesToMostRecent).
    const hold = pol?.touchMovesToMostRecent === true;
    let p1 = -1;
    let p2 = -1;
    let asid = mmu.asid;
    let last = mmu.last;
    const setEpoch = tlb.setEpoch;
    const setMask = tlb.sets - 1;
    const { vpn: fVpn, asid: fAsid, slot: fSlot, epoch: fEpoch } = this.found;
    let touched = -1;
    let f = mmu.frame;
    // Counts since the last flush: TLB hits here, writes and fetches among references [counted, k].
    let hits = 0;
    let writes = 0;
    let fetches = 0;
    let counted = from;
    for (let k = from; k < to; k++) {
      let kind: number;
      let vpn: number;
      if (width === 0) {
        kind = codes[k]!;
        vpn = pages[k]!;
      } else {
        const at = base + k * width;
        const v = width === 1 ? codes[at]! : codes[at]! | (codes[at + 1]! << 8);
        kind = v & 3;
        vpn = pages[v >>> 2]!;
      }
      writes += kind >>> 1;
      fetches += (kind - 1) >>> 31;
      const need = NEED_BY_KIND[kind]!;
      if (tVpn[last] === vpn && tAsid[last] === asid && (tFlags[last]! & need) === need) {
        hits++;
        f = tFrame[last]!;
      } else {
        const c = vpn & FOUND_MASK;
        const slot = fSlot[c]!;
        if (
          fVpn[c] === vpn &&
          fAsid[c] === asid &&
          fEpoch[c] === setEpoch[vpn & setMask] &&
          (tFlags[slot]! & need) === need
        ) {
          // translate's scan would find this slot again: a hit there, and the last slot.
          hits++;
          last = slot;
          f = tFrame[slot]!;
        } else {
          const acc: Access = kind >= REF_STORE ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
          const va = vpn * ps;
          const misses = tlb.misses;
          mmu.last = last;
          const pa = mmu.translate(va, acc);
          if (pa < 0) {
            // Everything counted so far (this reference too) and the touches held back are given
            // over before the fault path runs.
            if (p1 >= 0) pol!.touch!(p1, NEVER);
            if (p2 >= 0) pol!.touch!(p2, NEVER);
            p1 = p2 = -1;
            mmu.frame = f;
            this.flushCounts(k + 1, counted, writes, fetches, hits);
            hits = writes = fetches = 0;
            counted = k + 1;
            touched = -1;
            const nu = nextUse === null ? NO_NEXT_USE : nextUse[nuBase + k]!;
            const r = this.pager.handleFault(this.cur!, va, acc, pa, nu === NO_NEXT_USE ? NEVER : nu);
            if (r === FAULT_KILLED) return k;
            // The fault path may change the TLB (the set epochs tell `found`) and the installed space.
            asid = mmu.asid;
            last = mmu.last;
            f = mmu.frame;
            if (this.hitPolicy !== pol || (pol !== null && pol !== this.pager.supply.policy)) {
              mmu.frame = f;
              return this.accessRefsSlow(this.curPid, pages, codes, width, base, k + 1, to, nextUse, nuBase);
            }
            continue;
          }
          last = mmu.last;
          f = mmu.frame;
          if (tlb.misses === misses) {
            // A hit in the set's scan (no walk): its answer until the set changes.
            fVpn[c] = vpn;
            fAsid[c] = asid;
            fSlot[c] = last;
            fEpoch[c] = setEpoch[vpn & setMask]!;
          }
        }
      }
      if (hold) {
        if (f !== p2 && pins[f] === 0) {
          if (f !== p1 && p1 >= 0) pol!.touch!(p1, NEVER);
          p1 = p2;
          p2 = f;
        }
      } else if (wants && f !== touched && pins[f] === 0) {
        const nu = nextUse === null ? NO_NEXT_USE : nextUse[nuBase + k]!;
        const again = pol!.touch!(f, nu === NO_NEXT_USE ? NEVER : nu);
        touched = skipRepeat || again === true ? f : -1;
      }
    }
    if (p1 >= 0) pol!.touch!(p1, NEVER);
    if (p2 >= 0) pol!.touch!(p2, NEVER);
    mmu.last = last;
    mmu.frame = f;
    this.flushCounts(to, counted, writes, fetches, hits);
    return to;
  }

  /** Gives pendingRefs the references [counted, end) (writes and fetches among them) and the TLB `hits`. */
  private flushCounts(end: number, counted: number, writes: number, fetches: number, hits: number): void {
    const pending = this.pendingRefs;
    pending[0]! += end - counted - writes - fetches;
    pending[1]! += writes;
    pending[2]! += fetches;
    this.tlb.hits += hits;
  }

  /** accessRefs in general (policy ticks, hits under local scope, no TLB): access()'s steps per reference. */
  private accessRefsAny(
    pid: number,
    pages: Float64Array,
    kinds: Uint8Array,
    from: number,
    to: number,
    nextUse: Int32Array | Float64Array | null,
    nuBase: number,
  ): number {
    const ps = this.layout.pageSize;
    const mmu = this.mmu;
    const pending = this.pendingRefs;
    const skipRepeat = this.hitPolicy?.repeatTouchIsNoop === true;
    // The frame the last policy call touched when touching it again changes nothing, else -1
    // (any other call to the policy, a fault or a tick, resets it): a repeat skips the call.
    let touched = -1;
    for (let k = from; k < to; k++) {
      if (pid !== this.curPid) this.switchTo(pid);
      const kind = kinds[k]!;
      const acc: Access = kind >= REF_STORE ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
      pending[acc]!++;
      const va = pages[k]! * ps;
      const pa = mmu.translate(va, acc);
      if (pa < 0) {
        touched = -1;
        const nu = nextUse === null ? NO_NEXT_USE : nextUse[nuBase + k]!;
        const r = this.pager.handleFault(this.cur!, va, acc, pa, nu === NO_NEXT_USE ? NEVER : nu);
        if (r === FAULT_KILLED) return k;
      } else if (this.wantsHits) {
        const f = mmu.frame;
        const pol = this.hitPolicy;
        if (pol !== null && pol === this.pager.supply.policy) {
          if (f !== touched && this.frames.pins[f] === 0) {
            const nu = nextUse === null ? NO_NEXT_USE : nextUse[nuBase + k]!;
            const again = pol.touch!(f, nu === NO_NEXT_USE ? NEVER : nu);
            touched = skipRepeat || again === true ? f : -1;
          }
        } else {
          const nu = nextUse === null ? NO_NEXT_USE : nextUse[nuBase + k]!;
          this.touch(f, nu === NO_NEXT_USE ? NEVER : nu);
        }
      }
      if (this.hasTick) {
        this.tick();
        touched = -1;
      }
    }
    return to;
  }
}
