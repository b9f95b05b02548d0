// Replay mode ("two speeds, one truth", DESIGN.md): a stream of dense page ids goes straight into
// frames and a replacement policy, with no bytes, no page tables and no processes. Used for sweeps
// over policies and frame counts; for the same trace and policy it reports the same faults as the
// full machine.
// Hardware bits are modelled per frame: the accessed bit is set on every access to the frame (a
// hit, or the restarted access that faulted, before `admit`), the dirty bit on every write; both
// are cleared when the frame is reused. Simulated time advances by the default costs (core/time):
// a memory access per reference, a disk read per fault, a disk write per dirty eviction; timer
// policies (NRU, Aging, NFU, WSClock) see it through `tick`, called when the policy said it next
// has work and, unless the policy sets tickOnlyWhenDue, before every fault (so no time value is
// boxed per reference, nor per fault for NRU, Aging and NFU).
// The inner loop allocates nothing: typed arrays, number locals and one call per policy hook.
// This module holds the Replayer (its loops and fault paths); the whole-trace entry `replay` and
// the public types are in sim/replay-trace.ts (its types re-exported here), dense page ids in
// sim/densify.ts (re-exported here), the frames' hardware bits in sim/replay-frames.ts, the loops over pwt's encoded blocks in
// sim/replay-coded.ts.

import { ConfigError } from "../core/errors.js";
import { DEFAULT_COSTS } from "../core/time.js";
import type { OptMarks } from "../policies/opt.js";
import type { ReplacementPolicy } from "../policies/policy.js";
import { createPolicy, getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { NO_NEXT_USE, replayCoded } from "./replay-coded.js";
import { ReplayFrames } from "./replay-frames.js";
import type { NextUses, ReplayTrace } from "./replay-trace.js";

export { type DenseTrace, densify } from "./densify.js";
// Types only: replay-trace.ts imports the Replayer from here, so its values are imported from there.
export type { NextUses, PolicySwitch, ReplayOptions, ReplayResult, ReplayTrace } from "./replay-trace.js";
export { NO_NEXT_USE };

/** The next use at `i` as policies see it (Infinity for never). */
function nextUseAt(nu: NextUses, i: number): number {
  const n = nu[i]!;
  return n === NO_NEXT_USE ? Number.POSITIVE_INFINITY : n;
}

/**
 * The first calls of run [0] and runCoded (by width, [1] and [2]) in the process replay in pieces
 * of WARM_PIECE references: a loop first compiled while still in its first call (on-stack
 * replacement) has no type feedback for the code after it and deoptimized there at every later
 * call (hundreds of times, recompiled each time, on py50k-50m: a third of FIFO's run time). Run
 * whole a few times first, the function is compiled with feedback for all of it.
 */
const WARM_CALLS = 8;
const WARM_PIECE = 512;
const warmCalls = [0, 0, 0];

/**
 * A policy whose order the replay's stamp loops keep (ARC, policies/arc.ts): they store each hit's
 * reference index in its stamps instead of calling touch; each fault tells it the index first.
 */
interface HitStamped {
  /** The stamps to write (one per frame), or null when the policy keeps lists. */
  replayStamps(): Float64Array | null;
  /** The next admission is at reference `i`. */
  stampAt(i: number): void;
  /** Its victim scans cost too much: call unstamp between two runs of the loop. */
  stampsOverBudget(): boolean;
  /** Back to lists (built from the stamps); the loops stop writing them. */
  unstamp(): void;
}

/** OPT in a replay that knows the next uses (policies/opt.ts). */
interface OptMarked {
  replayMarks(nextAt: (i: number) => number): OptMarks;
}

/** Stamp LRU (Replayer.useStampLru) for at most this many frames. */
const STAMP_LRU_MAX_FRAMES = 4096;
/** Frames scanned per reference, on average, past which stamp LRU hands over to the list. */
const STAMP_SCAN_BUDGET = 8;
const STAMP_SCAN_SLACK = 1 << 22;

const MEMORY_NS = DEFAULT_COSTS.memoryAccessNs;
const READ_NS = DEFAULT_COSTS.diskReadNs;
const WRITE_NS = DEFAULT_COSTS.diskWriteNs;

/**
 * One replay in progress: frames, the page↔frame maps, the policy and the counters. `trace` is
 * null when streaming (sim/stream-replay.ts): then the page space grows as pages appear, and a
 * policy switch while running is not available.
 */
export class Replayer {
  readonly bits: ReplayFrames;
  frameOf: Int32Array;
  readonly pageOf: Int32Array;
  /** Reference index at which each frame was loaded, for adopting the resident set in load order. */
  readonly loadedAt: Float64Array;
  policy!: ReplacementPolicy;
  wantsHits = false;
  hasTick = false;
  /** Call tick before each fault (the policy reads the time there). */
  tickOnFault = false;
  /**
   * Skip a touch of the frame the previous policy call touched (policy.repeatTouchIsNoop; a
   * policy's touch may also return true to allow it for that one touch).
   */
  skipRepeatTouch = false;
  /** Simulated time of the policy's next tick (0: every reference). */
  due = 0;
  /**
   * Exact LRU kept as each frame's last reference (stampLru): a hit is one store, a fault scans
   * the frames for the oldest. Null when the policy object keeps the order (see useStampLru).
   * Read by the coded loops (replay-coded.ts), as are fault, stampFault and countedCoded.
   */
  stamp: Float64Array | null = null;
  /** Frames scanned by stamp-LRU faults so far, against STAMP_SCAN_BUDGET. */
  private scanned = 0;
  /**
   * The policy whose order `stamp` keeps (ARC), or null for stamp LRU: then stampFault asks it
   * for the victim, and checkStampBudget hands its lists back to it when it says so.
   */
  private stampOwner: HitStamped | null = null;
  /**
   * OPT's marks (policies/opt.ts OptMarks), written by the loops on a hit instead of calling
   * touch, or null. Set by useStampLru when the next uses are known; dropped by use().
   */
  marks: OptMarks | null = null;
  /**
   * Kinds of the coded references the loops that count them ran (runCodedCounted): with bit 0 set,
   * bit 1 set, both; and the index in the call of the first entry past the dictionary, or -1.
   */
  kindOdd = 0;
  kindHigh = 0;
  kindBoth = 0;
  badAt = -1;
  used = 0;
  faults = 0;
  hits = 0;
  clean = 0;
  dirty = 0;

  constructor(
    readonly trace: ReplayTrace | null,
    readonly frames: number,
    readonly nextUse: NextUses | null,
    readonly onEvict: ((page: number, frame: number, at: number) => void) | null,
    pageSpace: number,
  ) {
    this.bits = new ReplayFrames(frames);
    this.frameOf = new Int32Array(pageSpace).fill(-1);
    this.pageOf = new Int32Array(frames).fill(-1);
    this.loadedAt = new Float64Array(frames);
  }

  /**
   * Installs a policy before reference `pos`; the resident set is admitted in load order (a switch
   * while running), each page with its next use from `pos` on when the policy reads the future.
   */
  use(spec: string, pos: number): void {
    const policy = createPolicy(spec, this.bits, { pageSpace: this.frameOf.length });
    const factory = getPolicyFactory(parsePolicySpec(spec).id);
    const order: number[] = [];
    for (let f = 0; f < this.used; f++) if (this.bits.resident[f] === 1) order.push(f);
    order.sort((a, b) => this.loadedAt[a]! - this.loadedAt[b]!);
    const future = factory.needsFuture ? this.nextUsesFrom(pos, order) : null;
    for (let k = 0; k < order.length; k++) {
      const f = order[k]!;
      policy.admit(f, this.pageOf[f]!, future === null ? Number.POSITIVE_INFINITY : future[k]!);
    }
    this.policy = policy;
    this.wantsHits = factory.wantsHits;
    this.hasTick = policy.tick !== undefined;
    this.tickOnFault = this.hasTick && policy.tickOnlyWhenDue !== true;
    this.skipRepeatTouch = policy.repeatTouchIsNoop === true;
    this.due = 0;
    this.marks = null;
  }

  /** For each frame in `frames`, the index of its page's first reference at or after `pos`. */
  private nextUsesFrom(pos: number, frames: readonly number[]): Float64Array {
    const out = new Float64Array(frames.length).fill(Number.POSITIVE_INFINITY);
    if (this.trace === null) {
      if (frames.length > 0)
        throw new ConfigError("switchAt", pos, "no switch to a future-reading policy while streaming");
      return out;
    }
    const slot = new Map<number, number>(frames.map((f, k) => [this.pageOf[f]!, k]));
    const pages = this.trace.pages;
    for (let i = pos; i < this.trace.count && slot.size > 0; i++) {
      const k = slot.get(pages[i]!);
      if (k === undefined) continue;
      out[k] = i;
      slot.delete(pages[i]!);
    }
    return out;
  }

  /**
   * Replays plain LRU ("lru", no parameters) by last-reference stamps instead of its list: the
   * same victims (the least recently referenced frame; stamps are reference indexes, so never
   * equal), with a hit costing one store instead of a list move. A fault scans the frames, so this
   * is for small frame counts (at most STAMP_LRU_MAX_FRAMES), and when faults have scanned more
   * than STAMP_SCAN_BUDGET frames per reference the list takes over (admitted in stamp order:
   * the same order). Only before the first reference. ARC ("arc") runs in the same loops: they
   * write its stamps (HitStamped) and its faults go through the policy.
   */
  useStampLru(): void {
    if (this.used > 0) return;
    if (this.policy.id === "opt" && this.nextUse !== null) {
      // OPT's hits store their index and mark the frame (OptMarks); next uses are read per
      // marked frame when a victim is wanted, not per hit.
      const nu = this.nextUse;
      this.marks = (this.policy as unknown as OptMarked).replayMarks((i) => nextUseAt(nu, i));
      return;
    }
    if (this.policy.id === "arc") {
      // ARC's T1 and T2 by stamps (policies/arc.ts): the same loops store each hit's index in
      // its stamps; its faults go through the policy (stampFault).
      const owner = this.policy as unknown as HitStamped;
      const stamps = owner.replayStamps();
      if (stamps === null) return;
      this.stamp = stamps;
      this.stampOwner = owner;
      return;
    }
    if (this.frames > STAMP_LRU_MAX_FRAMES || this.policy.id !== "lru") return;
    this.stamp = new Float64Array(this.frames);
  }

  /** Back to the policy object's list, its order rebuilt from the stamps. */
  private leaveStampLru(): void {
    const stamp = this.stamp!;
    this.stamp = null;
    const order: number[] = [];
    for (let f = 0; f < this.used; f++) order.push(f);
    order.sort((a, b) => stamp[a]! - stamp[b]!);
    for (const f of order) this.policy.admit(f, this.pageOf[f]!, Number.POSITIVE_INFINITY);
  }

  /**
   * The stamp-LRU loop over dense ids (coded references have theirs in replay-coded.ts). A hit
   * stores the reference's index and the dirty bit; the accessed bit is left alone: LRU never
   * reads it (neither does its list after leaveStampLru), and a fault sets it.
   */
  private stampLoop(
    pages: Int32Array | Float64Array,
    writes: Uint8Array | undefined,
    from: number,
    to: number,
    offset: number,
  ): void {
    const frameOf = this.frameOf;
    const dirtyBit = this.bits.dirtyBit;
    const stamp = this.stamp!;
    let misses = 0;
    if (writes !== undefined) {
      for (let k = from; k < to; k++) {
        const p = pages[k]!;
        const f = frameOf[p]!;
        if (f >= 0) {
          stamp[f] = offset + k;
          if (writes[k]! > dirtyBit[f]!) dirtyBit[f] = 1;
        } else {
          misses++;
          this.stampFault(p, writes[k]!, offset + k);
        }
      }
    } else {
      for (let k = from; k < to; k++) {
        const p = pages[k]!;
        const f = frameOf[p]!;
        if (f >= 0) stamp[f] = offset + k;
        else {
          misses++;
          this.stampFault(p, 0, offset + k);
        }
      }
    }
    this.hits += to - from - misses;
    this.checkStampBudget(offset + to);
  }

  /** Hands stamp LRU over to the list once its faults scanned too many frames for `done` references. */
  checkStampBudget(done: number): void {
    const owner = this.stampOwner;
    if (owner !== null) {
      if (owner.stampsOverBudget()) {
        owner.unstamp();
        this.stamp = null;
        this.stampOwner = null;
      }
      return;
    }
    if (this.scanned > STAMP_SCAN_BUDGET * done + STAMP_SCAN_SLACK) this.leaveStampLru();
  }

  /** A stamp-LRU miss: a free frame, or the frame with the oldest stamp. */
  stampFault(p: number, w: number, i: number): void {
    if (this.stampOwner !== null) {
      this.stampOwner.stampAt(i);
      this.fault(p, w, i);
      return;
    }
    const stamp = this.stamp!;
    this.faults++;
    let f: number;
    if (this.used < this.frames) {
      f = this.used++;
    } else {
      const n = this.frames;
      f = 0;
      let oldest = stamp[0]!;
      for (let g = 1; g < n; g++) {
        const t = stamp[g]!;
        if (t < oldest) {
          oldest = t;
          f = g;
        }
      }
      this.scanned += n;
      const old = this.pageOf[f]!;
      this.frameOf[old] = -1;
      if (this.bits.dirtyBit[f] === 1) this.dirty++;
      else this.clean++;
      if (this.onEvict !== null) this.onEvict(old, f, i);
    }
    stamp[f] = i;
    this.pageOf[f] = p;
    this.frameOf[p] = f;
    this.loadedAt[f] = i;
    this.bits.resident[f] = 1;
    this.bits.ref[f] = 1;
    this.bits.dirtyBit[f] = w;
  }

  simulatedNs(i: number): number {
    return i * MEMORY_NS + this.diskNs();
  }

  /** Time spent on disk reads and write-backs so far. */
  diskNs(): number {
    return this.faults * READ_NS + this.dirty * WRITE_NS;
  }

  /** Calls the policy's tick; returns when it next wants one (0: every reference). */
  tickAt(now: number): number {
    const due = this.policy.tick!(now);
    return due === undefined ? 0 : due;
  }

  /** Makes room for dense page ids below `n` (streaming: the page space grows as pages appear). */
  growPageSpace(n: number): void {
    if (n <= this.frameOf.length) return;
    const f = new Int32Array(Math.max(n, 2 * this.frameOf.length)).fill(-1);
    f.set(this.frameOf);
    this.frameOf = f;
  }

  /**
   * Replays pages[from, to) (dense ids below the page space; `writes` flags them, or undefined
   * for all reads); reference k is number `offset + k` of the whole trace.
   */
  run(
    pages: Int32Array | Float64Array,
    writes: Uint8Array | undefined,
    from: number,
    to: number,
    offset: number,
  ): void {
    if (warmCalls[0]! < WARM_CALLS) {
      // See WARM_CALLS.
      warmCalls[0]!++;
      for (let k = from; k < to; k += WARM_PIECE)
        this.loop(pages, writes, null, null, 0, 0, k, Math.min(to, k + WARM_PIECE), offset);
      return;
    }
    this.loop(pages, writes, null, null, 0, 0, from, to, offset);
  }

  /**
   * run() over references still encoded as pwt's dictionary blocks hold them (CodedRefs from
   * PwtDecoder.takeCoded): reference k is the `width`-byte little-endian value at pos + k × width,
   * entry × 4 + kind; its page is dictIds[entry], a write when kind ≥ 2. Decoding inside the replay
   * loop saves the store and the reload of a page id and a write flag per reference (SIEVE 20 %,
   * LRU 14 % faster on py50k-50m). Entries must be checked already (takeCoded does) and the page
   * space grown to cover dictIds.
   */
  runCoded(
    buf: Uint8Array,
    pos: number,
    count: number,
    width: number,
    dictIds: Int32Array,
    offset: number,
  ): void {
    if (warmCalls[width]! < WARM_CALLS) {
      // See WARM_CALLS.
      warmCalls[width]!++;
      for (let k = 0; k < count; k += WARM_PIECE) {
        this.codedPiece(buf, pos + k * width, Math.min(WARM_PIECE, count - k), width, dictIds, offset + k);
        if (this.badAt >= 0) {
          this.badAt += k;
          return;
        }
      }
      return;
    }
    this.codedPiece(buf, pos, count, width, dictIds, offset);
  }

  /**
   * True when runCodedCounted may be used: the loop in force counts the kinds and checks the
   * entries of coded references itself (replay-coded.ts: every policy without a timer), so the
   * decoder need not make a pass of its own (PwtDecoder.takeCodedUnchecked).
   */
  get countsCoded(): boolean {
    return !this.hasTick;
  }

  /**
   * runCoded over references the decoder did not check (countsCoded must be true): counts their
   * kinds into kindOdd/kindHigh/kindBoth and returns -1, or stops at the first entry past the
   * dictionary (its id is -1) and returns its index.
   */
  runCodedCounted(
    buf: Uint8Array,
    pos: number,
    count: number,
    width: number,
    dictIds: Int32Array,
    offset: number,
  ): number {
    this.kindOdd = 0;
    this.kindHigh = 0;
    this.kindBoth = 0;
    this.badAt = -1;
    this.runCoded(buf, pos, count, width, dictIds, offset);
    return this.badAt;
  }

  private codedPiece(
    buf: Uint8Array,
    pos: number,
    count: number,
    width: number,
    dictIds: Int32Array,
    offset: number,
  ): void {
    if (!this.hasTick) {
      replayCoded(this, buf, pos, count, width, dictIds, offset);
      return;
    }
    this.loop(null, undefined, buf, dictIds, pos, width, 0, count, offset);
  }

  /** Ends a counting loop that stopped at `k` of `count`: hits, kinds, and a bad entry if it stopped early. */
  countedCoded(k: number, count: number, misses: number, odd: number, high: number, both: number): void {
    if (k < count) {
      this.badAt = k;
      return;
    }
    this.hits += count - misses;
    this.kindOdd += odd;
    this.kindHigh += high;
    this.kindBoth += both;
  }

  /**
   * The replay loop, over dense ids (`pages`, `writes`) or encoded references (`buf` from `pos`,
   * `width` bytes each, `dictIds`): which one is fixed for the call, so its branch is predicted.
   * Policies that see neither hits nor time get a loop that only sets the frame's bits on a hit.
   * The bits are stored only when they change: the accessed bit is nearly always set already (only
   * a clock hand clears it) and the dirty bit stays set until eviction, so the hit path is loads
   * and well-predicted branches. Storing unconditionally (ref[f] = 1; dirty[f] |= w) ran at half
   * the speed on the development machine (130 against 250 M refs/s in a micro-benchmark).
   */
  private loop(
    pages: Int32Array | Float64Array | null,
    writes: Uint8Array | undefined,
    buf: Uint8Array | null,
    dictIds: Int32Array | null,
    pos: number,
    width: number,
    from: number,
    to: number,
    offset: number,
  ): void {
    if (this.stamp !== null) {
      // Coded references never come here with stamp LRU (replay-coded.ts has its loops).
      this.stampLoop(pages!, writes, from, to, offset);
      return;
    }
    const frameOf = this.frameOf;
    const ref = this.bits.ref;
    const dirtyBit = this.bits.dirtyBit;
    const coded = buf !== null;
    const hasWrites = coded || writes !== undefined;
    const hi = width === 2 ? 1 : 0;
    const shift = 8 * hi;
    if (!this.wantsHits && !this.hasTick) {
      let misses = 0;
      for (let k = from, q = pos; k < to; k++, q += width) {
        let p: number;
        let w: number;
        if (coded) {
          const v = buf[q]! | (buf[q + hi]! << shift);
          p = dictIds![v >>> 2]!;
          w = (v >>> 1) & 1;
        } else {
          p = pages![k]!;
          w = hasWrites ? writes![k]! : 0;
        }
        const f = frameOf[p]!;
        if (f >= 0) {
          if (ref[f] === 0) ref[f] = 1;
          if (w > dirtyBit[f]!) dirtyBit[f] = 1;
        } else {
          misses++;
          this.fault(p, w, offset + k);
        }
      }
      this.hits += to - from - misses;
      return;
    }
    const policy = this.policy;
    const nextUse = this.nextUse;
    const wantsHits = this.wantsHits;
    const hasTick = this.hasTick;
    const tickOnFault = this.tickOnFault;
    const skipRepeat = this.skipRepeatTouch;
    const marks = this.marks;
    // The frame of the last policy call when it was touch and a repeat may be skipped, else -1.
    let touched = -1;
    const faults0 = this.faults;
    let disk = this.diskNs();
    let due = this.due;
    for (let k = from, q = pos; k < to; k++, q += width) {
      let p: number;
      let w: number;
      if (coded) {
        const v = buf[q]! | (buf[q + hi]! << shift);
        p = dictIds![v >>> 2]!;
        w = (v >>> 1) & 1;
      } else {
        p = pages![k]!;
        w = hasWrites ? writes![k]! : 0;
      }
      const f = frameOf[p]!;
      if (f >= 0) {
        if (ref[f] === 0) ref[f] = 1;
        if (w > dirtyBit[f]!) dirtyBit[f] = 1;
        if (marks !== null) {
          marks.last[f] = offset + k;
          if (marks.stale[f] === 0) {
            marks.stale[f] = 1;
            marks.marked[marks.count[0]!++] = f;
          }
        } else if (wantsHits && f !== touched) {
          const again = policy.touch!(
            f,
            nextUse === null ? Number.POSITIVE_INFINITY : nextUseAt(nextUse, offset + k),
          );
          touched = skipRepeat || again === true ? f : -1;
        }
      } else {
        const i = offset + k;
        touched = -1;
        // Without tickOnFault the end-of-reference check below already ticked at this very time,
        // except at a policy's first reference (due 0 until its first tick).
        if (tickOnFault || (hasTick && due === 0)) due = this.tickAt(i * MEMORY_NS + disk);
        this.fault(p, w, i);
        if (hasTick) disk = this.diskNs();
      }
      if (hasTick && (offset + k + 1) * MEMORY_NS + disk >= due) {
        due = this.tickAt((offset + k + 1) * MEMORY_NS + disk);
        touched = -1;
      }
    }
    this.due = due;
    this.hits += to - from - (this.faults - faults0);
  }

  /** A miss on page `p` at reference `i`: a free frame or a victim, then load and admit. */
  fault(p: number, w: number, i: number): void {
    this.faults++;
    let f: number;
    if (this.used < this.frames) {
      f = this.used++;
    } else {
      f = this.policy.selectVictim(p);
      if (f < 0 || this.bits.resident[f] !== 1) {
        throw new ConfigError("policy", this.policy.id, `a policy that returns a resident frame (got ${f})`);
      }
      const old = this.pageOf[f]!;
      this.policy.forget(f, old, "evicted");
      this.frameOf[old] = -1;
      if (this.bits.dirtyBit[f] === 1) this.dirty++;
      else this.clean++;
      if (this.onEvict !== null) this.onEvict(old, f, i);
    }
    this.pageOf[f] = p;
    this.frameOf[p] = f;
    this.loadedAt[f] = i;
    this.bits.resident[f] = 1;
    this.bits.ref[f] = 1;
    this.bits.dirtyBit[f] = w;
    this.policy.admit(f, p, this.nextUse === null ? Number.POSITIVE_INFINITY : nextUseAt(this.nextUse, i));
  }
}
