// The machine: physical memory, frame table, page tables, TLB, MMU, pager, a replacement policy
// and a swap store wired together, with processes that own address spaces. This is "full mode":
// every reference goes through the MMU, moves real bytes, and faults into the pager.
// The public API is the engine's boundary: it validates input and throws typed errors; below it
// faults are values. One faulting process never takes the machine down: a segmentation or
// protection fault kills that process (ProcessFaultError to the API caller) and the rest go on.
// This file is the Machine's API; its parts live beside it: machine-parts.ts (assembly from a
// MachineConfig), machine-batch.ts (the reference path: access, accessRefs, the clock),
// machine-procs.ts (the process table), machine-paging.ts (pageIn/pageOut/pin/unpin),
// table-reserve.ts, typed-access.ts (typed reads and writes), machine-config.ts (checks) and
// machine-stats.ts (statistics).

import type { AddressLayout } from "../core/addr.js";
import { EventBus } from "../core/events.js";
import { type Counters, copyCounters } from "../core/stats.js";
import type { CostModel } from "../core/time.js";
import { ACC_READ, ACC_WRITE, type Access, type Mmu } from "../mmu/mmu.js";
import type { PageTables } from "../mmu/page-table.js";
import type { Tlb } from "../mmu/tlb.js";
import type { PteFrameBits } from "../pager/frame-bits.js";
import type { Kswapd } from "../pager/kswapd.js";
import type { Pager, Scope } from "../pager/pager.js";
import type { FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import { NEVER } from "../policies/policy.js";
import { AddressSpaceManager, type MmapOptions } from "../proc/address-space.js";
import { Process } from "../proc/process.js";
import { layoutSegments, rangeAllowed } from "../proc/segments.js";
import { ImageStore } from "../stores/image-store.js";
import type { BackingStore } from "../stores/store.js";
import { RefPath } from "./machine-batch.js";
import {
  checkPolicySpec,
  checkQuota,
  checkScope,
  checkSpawn,
  type MachineConfig,
  type SpawnOptions,
} from "./machine-config.js";
import { ExplicitPaging } from "./machine-paging.js";
import { assembleMachine, newPolicy } from "./machine-parts.js";
import { ProcessTable } from "./machine-procs.js";
import {
  addCounters,
  type MachineStats,
  machineStats,
  type ProcessStats,
  processStats,
  timedCounters,
} from "./machine-stats.js";
import { runMemmove } from "./min-frames.js";
import type { TableReserve } from "./table-reserve.js";
import { explainWalk, type Translation, tableFramesFor } from "./translation.js";
import { faultError, TypedAccess } from "./typed-access.js";

export type { MmapOptions } from "../proc/address-space.js";
export { type SegmentSpec, stackTopVpn } from "../proc/segments.js";
export type { MachineConfig, SpawnOptions } from "./machine-config.js";
export type { MachineStats, ProcessStats } from "./machine-stats.js";
export type { Translation, WalkStep } from "./translation.js";

export class Machine {
  readonly layout: AddressLayout;
  readonly mem: PhysicalMemory;
  readonly frames: FrameTable;
  readonly tlb: Tlb;
  readonly mmu: Mmu;
  readonly tables: PageTables;
  readonly pager: Pager;
  /** The background reclaimer, when MachineConfig.kswapd is given. */
  readonly kswapd: Kswapd | undefined;
  readonly swap: BackingStore;
  readonly costs: CostModel;
  readonly events = new EventBus();
  private readonly bits: PteFrameBits;
  private readonly procs = new ProcessTable();
  private readonly bytes: TypedAccess;
  private readonly spaces: AddressSpaceManager;
  private readonly paging: ExplicitPaging;
  /** The reference path's state (running process, policy hooks, pending counts) and batch loops. */
  private readonly path: RefPath;
  private policySpec: string;
  private switches = 0;
  private readonly walkNs: number;
  /** Largest memmove the configuration guarantees frames for (0: none; calls are checked one by one). */
  readonly maxMoveBytes: number;
  /** Frames that may hold pages: [0, pageFrames). Policies see this many frames. */
  private readonly pageFrames: number;
  /** The page-table reserve (MachineConfig.tableFrames), frames ≥ pageFrames. */
  private readonly tableReserve: TableReserve;

  /** Builds a machine; throws ConfigError for any invalid setting (see core/addr.ts for limits). */
  constructor(config: MachineConfig) {
    const parts = assembleMachine(config, {
      events: this.events,
      procs: this.procs,
      policySpec: () => this.policySpec,
      kill: (pid, reason) => this.end(this.procs.get(pid), "killed", reason),
      now: () => this.now(),
    });
    this.layout = parts.layout;
    this.costs = parts.costs;
    this.walkNs = parts.walkNs;
    this.pageFrames = parts.pageFrames;
    this.maxMoveBytes = parts.maxMoveBytes;
    this.mem = parts.mem;
    this.frames = parts.frames;
    this.tableReserve = parts.tableReserve;
    this.tlb = parts.tlb;
    this.tables = parts.tables;
    this.mmu = parts.mmu;
    this.bits = parts.bits;
    this.swap = parts.swap;
    this.pager = parts.pager;
    this.kswapd = parts.kswapd;
    this.policySpec = config.policy ?? "fifo";
    this.path = new RefPath(
      this.layout,
      this.mmu,
      this.tlb,
      this.frames,
      this.pager,
      (pid) => this.switchTo(pid),
      this.costs.memoryAccessNs,
      this.walkNs,
    );
    this.paging = new ExplicitPaging(this.layout, this.mem, this.tables, this.frames, this.pager, this.swap);
    this.bytes = new TypedAccess(this, this.mem, this.pager, this.layout.pageSize);
    this.spaces = new AddressSpaceManager(this.layout, this.mem, this.tables, this.pager, this.swap, {
      readU32: (pid, va) => this.readU32(pid, va),
      writeU32: (pid, va, v) => this.writeU32(pid, va, v),
      sbrk: (pid, d) => this.sbrk(pid, d),
      brkOf: (pid) => this.procs.get(pid).brk,
    });
    this.path.noteHooks(this.policySpec);
  }

  get pageSize(): number {
    return this.layout.pageSize;
  }
  get frameCount(): number {
    return this.frames.frameCount;
  }
  /** Frames that may hold pages (MachineConfig.frames); the rest of frameCount is the page-table reserve. */
  get pageFrameCount(): number {
    return this.pageFrames;
  }
  get policyId(): string {
    return this.policySpec;
  }
  get scope(): Scope {
    return this.pager.scope;
  }

  /** Simulated time now, ns. */
  now(): number {
    return this.path.now();
  }

  // ---- processes -------------------------------------------------------------------------

  /** Creates a process; returns its pid. Throws OutOfMemoryError if no frame can hold its root table. */
  spawn(opts: SpawnOptions = {}): number {
    checkSpawn(opts);
    const asid = this.procs.freeAsid();
    const root = this.tables.newRoot();
    const pid = this.procs.takePid();
    const image = opts.image ? new ImageStore(opts.image, this.pageSize) : undefined;
    const p = new Process(pid, asid, root, opts.name ?? opts.image?.name ?? `p${pid}`, image);
    if (opts.quota !== undefined) p.quota = checkQuota(opts.quota);
    if (opts.trace) this.spaces.layoutTrace(p);
    else if (opts.segments) {
      const objects = this.pager.objects;
      layoutSegments(p, this.layout, opts.segments, image?.capacity ?? 0, opts.stackPages, (id) =>
        objects.get(id),
      );
    } else this.spaces.layoutProgram(p, image, opts.image?.bssBytes ?? 0, opts.stackPages);
    this.procs.add(p);
    if (this.events.listening) this.events.emit({ type: "spawn", pid, reason: p.name });
    return pid;
  }

  /** Ends a process normally, returning every frame, table and swap slot it holds. */
  exit(pid: number): void {
    this.end(this.procs.get(pid), "exited", "exit");
  }

  /**
   * Ends a process abnormally (state "killed", a `kill` event with `reason`), returning every
   * frame, table and swap slot it holds; the others go on. The System uses it for a process whose
   * fault finds no frame to free.
   */
  kill(pid: number, reason: string): void {
    this.end(this.procs.get(pid), "killed", reason);
  }

  /** Pids of live processes. */
  pids(): number[] {
    return [...this.procs.live.keys()];
  }

  /** True if `pid` is alive. */
  isAlive(pid: number): boolean {
    return this.procs.live.has(pid);
  }

  /** Why a process ended ("" while it runs; undefined if the pid never existed). */
  exitReason(pid: number): string | undefined {
    return this.procs.exitReason(pid);
  }

  /** Context switch: installs `pid`'s page-table root (and flushes the TLB in "flush" mode). */
  switchTo(pid: number): void {
    const p = this.procs.get(pid);
    if (p === this.path.cur) return;
    const from = this.path.curPid;
    this.path.settle();
    this.path.cur = p;
    this.path.curPid = pid;
    this.mmu.install(p.asid, p.root);
    this.switches++;
    // A switch from another process costs CostModel.contextSwitchNs (the first dispatch does not).
    if (this.switches > 1 && this.costs.contextSwitchNs > 0) {
      p.counters.timeNs += this.costs.contextSwitchNs;
      this.path.switchNs += this.costs.contextSwitchNs;
    }
    if (this.events.listening) this.events.emit({ type: "switch", from, to: pid, timeNs: this.now() });
  }

  // ---- the reference path ----------------------------------------------------------------

  /**
   * One memory reference by `pid` (the hot path for traces): switches to it if needed,
   * translates, faults in the page if needed. Returns the physical address, or FAULT_KILLED when
   * the access ended the process. `nextUse` (the index of this page's next reference) feeds OPT.
   * Throws NoSuchProcessError for a dead pid and OutOfMemoryError when no frame can be freed.
   */
  access(pid: number, va: number, access: Access, nextUse: number = NEVER): number {
    return this.path.access(pid, va, access, nextUse);
  }

  /**
   * access() for the references [from, to) of process `pid` given as a trace batch holds them:
   * page numbers (the address is page × the page size) and REF_* kinds (a fetch is ACC_EXEC, a
   * store or modify ACC_WRITE, a load ACC_READ); reference k's next use is nextUse[nuBase + k]
   * (NO_NEXT_USE or Infinity: never) when an annotation is given. The same effects as one access()
   * per reference, in one loop that boxes nothing per reference (a call per reference boxed its
   * address, next use and result: full mode's garbage and a third of its time), and that skips a
   * touch the policy said a repeat of changes nothing (repeatTouchIsNoop, as replay does).
   * Returns the index of the reference that ended the process (FAULT_KILLED), or `to`.
   */
  accessRefs(
    pid: number,
    pages: Float64Array,
    kinds: Uint8Array,
    from: number,
    to: number,
    nextUse: Int32Array | Float64Array | null,
    nuBase: number,
  ): number {
    return this.path.accessBatch(pid, pages, kinds, 0, 0, from, to, nextUse, nuBase);
  }

  /**
   * accessRefs for references still encoded as a pwt dictionary block holds them: reference k's
   * code (entry × 4 + kind) is the `width`-byte little-endian number at codes[base + k × width],
   * its page entryPages[entry]. The caller has checked that every entry lies in the dictionary
   * (PwtDecoder.takeCodedBlock with its check). Reference k's next use is nextUse[nuBase + k].
   */
  accessCoded(
    pid: number,
    entryPages: Float64Array,
    codes: Uint8Array,
    width: 1 | 2,
    base: number,
    from: number,
    to: number,
    nextUse: Int32Array | Float64Array | null,
    nuBase: number,
  ): number {
    return this.path.accessBatch(pid, entryPages, codes, width, base, from, to, nextUse, nuBase);
  }

  /**
   * True when a reference that hits the TLB changes nothing but counters: the policy reads no
   * hits and keeps no clock. A CPU may then check the TLB itself for a hit (the entry's tag, ASID
   * and flags, as Mmu.translate does) and report such hits in bulk with countHits.
   */
  get hitsOnlyCount(): boolean {
    return !this.path.wantsHits && !this.path.hasTick;
  }

  /**
   * Counts `n` references of kind `access` by the running process that hit the TLB, exactly as
   * `n` calls of access() would have (only valid while hitsOnlyCount holds; a CPU's fast path).
   */
  countHits(access: Access, n: number): void {
    this.path.pendingRefs[access] += n;
    this.tlb.hits += n;
  }

  /** Reads `dst.length` bytes at `va` (any alignment, across pages). */
  read(pid: number, va: number, dst: Uint8Array): void {
    this.bytes.copy(pid, va, dst, ACC_READ);
  }

  /** Writes `src` at `va` (any alignment, across pages). */
  write(pid: number, va: number, src: Uint8Array): void {
    this.bytes.copy(pid, va, src, ACC_WRITE);
  }

  // Little-endian loads and stores (sim/typed-access.ts); a value may straddle pages.
  readU8(pid: number, va: number): number {
    return this.bytes.readU8(pid, va);
  }
  readU16(pid: number, va: number): number {
    return this.bytes.readU16(pid, va);
  }
  readU32(pid: number, va: number): number {
    return this.bytes.readU32(pid, va);
  }
  readU64(pid: number, va: number): bigint {
    return this.bytes.readU64(pid, va);
  }
  readF64(pid: number, va: number): number {
    return this.bytes.readF64(pid, va);
  }
  writeU8(pid: number, va: number, v: number): void {
    this.bytes.writeU8(pid, va, v);
  }
  writeU16(pid: number, va: number, v: number): void {
    this.bytes.writeU16(pid, va, v);
  }
  writeU32(pid: number, va: number, v: number): void {
    this.bytes.writeU32(pid, va, v);
  }
  writeU64(pid: number, va: number, v: bigint): void {
    this.bytes.writeU64(pid, va, v);
  }
  writeF64(pid: number, va: number, v: number): void {
    this.bytes.writeF64(pid, va, v);
  }

  /** Fetches an instruction word (an exec access): faults on fetch like any other access. */
  fetchU32(pid: number, va: number): number {
    return this.bytes.fetchU32(pid, va);
  }

  // ---- heap, mappings, sharing -----------------------------------------------------------

  /** Moves the break by `delta` bytes; returns the old break. Shrinking frees the pages above it. */
  sbrk(pid: number, delta: number): number {
    return this.spaces.sbrk(this.procs.get(pid), delta);
  }

  /** Sets the break to `va`; returns it. */
  brk(pid: number, va: number): number {
    this.sbrk(pid, va - this.procs.get(pid).brk);
    return va;
  }

  /** Allocates `size` bytes on the process's virtual heap; bookkeeping lives in its own memory. */
  vmalloc(pid: number, size: number): number {
    return this.spaces.heapOf(this.procs.get(pid)).alloc(size);
  }

  /** Frees a vmalloc block. Throws HeapError on a double free or a pointer vmalloc never returned. */
  vfree(pid: number, va: number): void {
    this.spaces.heapOf(this.procs.get(pid)).free(va);
  }

  /** Maps `length` bytes (rounded up to pages) below the stack gap; returns the start address. */
  mmap(pid: number, length: number, opts: MmapOptions = {}): number {
    return this.spaces.mmap(this.procs.get(pid), length, opts);
  }

  /** Unmaps the pages of [va, va + length); both page-aligned. Frees frames and slots. */
  munmap(pid: number, va: number, length: number): void {
    this.spaces.munmap(this.procs.get(pid), va, length);
  }

  /** Creates a shared memory object of `pages` pages; returns its id for mmap's `shared`. */
  shmCreate(pages: number, store?: BackingStore): number {
    return this.spaces.shmCreate(pages, store);
  }

  /** Marks an object for removal: it is freed once no process maps it (POSIX shm_unlink). */
  shmUnlink(id: number): void {
    this.spaces.shmUnlink(id);
  }

  // ---- explicit paging -------------------------------------------------------------------

  /**
   * Page-table frames a trace process needs to map every page in `vpns` (root included), in this
   * layout: the tables built lazily for them in an empty address space (for MachineConfig.tableFrames).
   */
  static tableFramesFor(layout: AddressLayout, vpns: ArrayLike<number>): number {
    return tableFramesFor(layout, vpns);
  }

  /** Brings the page holding `va` into memory without counting a reference. Returns its frame. */
  pageIn(pid: number, va: number): number {
    return this.paging.pageIn(this.installed(pid), va);
  }

  /** Evicts the page holding `va` if resident (writing it back if dirty). Returns true if it was resident. */
  pageOut(pid: number, va: number): boolean {
    return this.paging.pageOut(this.procs.get(pid), va);
  }

  /** Pins the page holding `va` in memory (paging it in first). Returns its frame. */
  pin(pid: number, va: number): number {
    const f = this.pageIn(pid, va);
    this.paging.pin(f);
    return f;
  }

  /**
   * memmove inside `pid`'s address space as one instruction (seed 004's minimum-frames case): the
   * source and destination may straddle pages; every page of both is pinned while it runs, then
   * one reference per page is made and `length` bytes move (overlap safe). See sim/min-frames.ts
   * for the errors: ConfigError beyond maxMoveBytes, OutOfMemoryError if the pages cannot all be
   * resident at once, ProcessFaultError for a write to a read-only page.
   */
  memmove(pid: number, dstVa: number, srcVa: number, length: number): void {
    this.procs.get(pid);
    runMemmove(
      {
        pageSize: this.pageSize,
        bytes: this.mem.bytes,
        frames: this.frames,
        maxMoveBytes: this.maxMoveBytes,
        pin: (q, va) => this.pin(q, va),
        unpin: (q, va) => this.unpin(q, va),
        access: (q, va, acc) => this.access(q, va, acc),
        isAlive: (q) => this.isAlive(q),
        faultError: (q, va) => faultError(this.pager, q, va),
      },
      pid,
      dstVa,
      srcVa,
      length,
    );
  }

  /** Undoes one pin of the page holding `va`. */
  unpin(pid: number, va: number): void {
    this.paging.unpin(this.procs.get(pid), va);
  }

  /**
   * Maps page `vpn` of `pid` to a chosen free `frame` (for worked examples such as the documents'
   * translation exercise). The page must lie in one of the process's regions.
   */
  mapFixed(pid: number, vpn: number, frame: number): void {
    this.spaces.mapFixed(this.installed(pid), vpn, frame);
  }

  /**
   * True if `pid` may access every byte of [va, va + length) with `perm` (PERM_* bits): a region
   * allows it, or the stack may grow down to it. No reference is made (a kernel's check of a user
   * pointer before it copies; see proc/segments.ts).
   */
  rangeAllowed(pid: number, va: number, length: number, perm: number): boolean {
    return rangeAllowed(this.procs.get(pid), this.pageSize, va, length, perm);
  }

  /** Walks `va` in `pid`'s tables without side effects, step by step (for teaching and the CLI). */
  explain(pid: number, va: number): Translation {
    const p = this.procs.get(pid);
    return explainWalk(this.layout, this.mem, p.root, va, this.paging.vpnChecked(p, va));
  }

  // ---- policy and statistics ---------------------------------------------------------------

  /**
   * Replaces the replacement policy while processes run: the new policy adopts every resident,
   * unpinned frame in load order. No page is lost or moved.
   */
  setPolicy(spec: string, scope: Scope = this.pager.scope): void {
    checkPolicySpec(spec);
    checkScope(scope);
    const from = this.policySpec;
    const fresh = newPolicy(spec, this.bits);
    this.policySpec = spec;
    this.pager.supply.replacePolicies(fresh, scope);
    this.path.noteHooks(this.policySpec);
    if (this.events.listening) this.events.emit({ type: "policy", from, to: spec });
  }

  /** Sets a process's frame quota (local replacement). */
  setQuota(pid: number, frames: number): void {
    this.procs.get(pid).quota = checkQuota(frames);
  }

  /** Counters, frame and swap usage, per process and for the machine. */
  stats(): MachineStats {
    this.path.settle();
    this.pager.settlePrefetch();
    const { live, ended, retired } = this.procs;
    const processes = [...ended, ...live.values()].map((p) => this.processStats(p));
    const total = copyCounters(retired);
    for (const p of live.values()) addCounters(total, this.timed(p));
    total.tlb.flushes = this.tlb.flushes;
    return machineStats(total, processes, {
      policy: this.policySpec,
      scope: this.pager.scope,
      pageSize: this.pageSize,
      frames: this.frames,
      tableReserve: this.tableReserve.size,
      swap: this.swap,
      switches: this.switches,
      costs: this.costs,
      faultEvictions: this.pager.supply.faultEvictions,
      kswapd: this.kswapd,
    });
  }

  /** Releases the swap store's resources (the swap file). */
  close(): void {
    this.swap.close?.();
  }

  // ---- internals -------------------------------------------------------------------------

  private installed(pid: number): Process {
    this.switchTo(pid);
    return this.path.cur!;
  }

  private end(p: Process, state: "exited" | "killed", reason: string): void {
    if (!p.alive) return;
    if (this.path.cur === p) {
      this.path.settle();
      this.path.cur = undefined;
      this.path.curPid = -1;
      this.mmu.install(0, -1);
    }
    this.tables.forEachLeaf(p.root, (vpn, _addr, pte) => this.pager.unmapPage(p, vpn, pte));
    this.spaces.release(p);
    this.tables.freeTree(p.root);
    this.tlb.invalidateAsid(p.asid);
    this.pager.supply.forgetProcess(p.pid);
    this.spaces.forgetHeap(p.pid);
    p.state = state;
    p.exitReason = reason;
    this.procs.retire(p, this.timed(p));
    if (this.events.listening)
      this.events.emit({ type: state === "killed" ? "kill" : "exit", pid: p.pid, reason });
  }

  /** A process's counters with access and walk time added to its fault-path time. */
  private timed(p: Process): Counters {
    return timedCounters(p.counters, this.costs.memoryAccessNs, this.walkNs);
  }

  private processStats(p: Process): ProcessStats {
    return processStats(p, this.timed(p), this.layout, this.mem, this.tables, this.frames);
  }
}
