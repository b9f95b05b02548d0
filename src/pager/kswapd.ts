// kswapd: a background reclaimer in simulated time that keeps a small pool of frames free, so a
// faulting process rarely waits for the replacement policy or for a write-back.
//
// The documents (seed 002, "Paging Optimization: kswapd") describe Linux's paging daemon as
// keeping "a (small) pool of Page Frames ... always free for use (~2% of memory)", writing dirty
// pages out "to clean it" while it runs, and evicting with a second-chance variant. pagewise
// models it with Linux's three watermarks (mm/page_alloc.c, __setup_per_zone_wmarks):
//   - an allocation that leaves fewer than `low` frames free wakes kswapd (counted);
//   - kswapd runs in batches in simulated time; each batch asks the replacement policy for
//     victims (Pager.reclaimOne) until `high` frames are free, then cleans ahead and sleeps;
//   - an allocation that would leave fewer than `min` frames free makes the faulting process
//     reclaim itself first (direct reclaim, counted, its time charged to that process).
// Its work takes time: `scanNs` per page scanned (a policy's accessed-bit reads, at least one per
// victim) plus the disk write of every dirty page it evicts or cleans. That time is kswapd's
// (busyNs), not the faulting process's: the run that starts at time t ends at t + cost, and the
// next batch starts no earlier. A Machine advances it before each frame allocation; a scheduler
// with its own clock calls advance(nowNs) from its event loop.
//
// Background cleaning: before it sleeps, kswapd writes back up to `cleanAhead` dirty pages that
// are likely to be evicted soon (accessed bit clear first, then the longest resident), clearing
// their dirty bits and keeping their swap slots, so a later eviction is clean and needs no write.
//
// Presets (in frames, of the machine's page frames):
//   doc    min 1 %, low 2 %, high 3 % (rounded, at least 1, 2, 3): kswapd wakes below the
//          documents' "about 2 % free" and refills a little above it, so free frames hover at
//          about 2 %; min leaves half of that pool for direct reclaim's emergency.
//   linux  min_free_kbytes = ⌊√(16 × memory in KiB)⌋ clamped to [128 KiB, 256 MiB], converted to
//          frames rounded down (mm/page_alloc.c: calculate_min_free_kbytes, then pages_min =
//          min_free_kbytes >> (PAGE_SHIFT - 10)); gap = max(⌊min / 4⌋, ⌊frames × 10 / 10000⌋) (the
//          default watermark_scale_factor of 10); low = min + gap, high = min + 2 × gap.

import { ConfigError, InternalError } from "../core/errors.js";
import type { EventBus } from "../core/events.js";
import { parseDurationNs } from "../core/time.js";
import { FRAME_USER, type FrameTable } from "../phys/frames.js";
import type { Pager } from "./pager.js";
import { RECLAIM_DIRTY, RECLAIM_NONE } from "./pager.js";
import type { AddressSpace } from "./space.js";

export type WatermarkPreset = "doc" | "linux";
export const WATERMARK_PRESETS: readonly WatermarkPreset[] = ["doc", "linux"];

/** Free-frame thresholds, in frames: min ≤ low ≤ high. */
export interface Watermarks {
  readonly min: number;
  readonly low: number;
  readonly high: number;
}

export interface KswapdOptions {
  /** A preset or explicit numbers; default "doc". */
  readonly watermarks?: WatermarkPreset | Watermarks;
  /** Individual watermarks that replace a preset's. */
  readonly override?: Partial<Watermarks>;
  /** Cost of scanning one page, ns (default: the machine's memory access time). */
  readonly scanNs?: number;
  /** Most pages reclaimed per run before kswapd yields the disk (default 32, Linux's SWAP_CLUSTER_MAX). */
  readonly batch?: number;
  /** Background cleaning of dirty pages before sleeping (default true). */
  readonly clean?: boolean;
  /** Dirty pages cleaned per sleep (default high − low + 1: about what the next wake-up reclaims). */
  readonly cleanAhead?: number;
  /** Delay between a wake-up and the first run, ns (default 0). */
  readonly wakeDelayNs?: number;
}

/** What kswapd did, for Machine stats and reports. */
export interface KswapdStats {
  readonly preset: string;
  readonly min: number;
  readonly low: number;
  readonly high: number;
  readonly awake: boolean;
  readonly wakeups: number;
  readonly runs: number;
  /** Pages scanned by kswapd's reclaim (accessed-bit reads, at least one per victim). */
  readonly scanned: number;
  /** Pages kswapd evicted, and of them those it had to write first (no process waited). */
  readonly reclaimed: number;
  readonly reclaimedDirty: number;
  /** Dirty pages written back ahead of eviction. */
  readonly cleaned: number;
  /** Allocations that found free frames below min, and the pages their processes reclaimed. */
  readonly directReclaims: number;
  readonly directReclaimed: number;
  /** Simulated time kswapd spent scanning and writing, ns. */
  readonly busyNs: number;
}

/** What kswapd needs from the machine. */
export interface KswapdHost {
  readonly frames: FrameTable;
  /** Frames that may hold pages (the watermarks are fractions of these). */
  readonly pageFrames: number;
  readonly pageSize: number;
  readonly pager: Pager;
  /** Accessed-bit reads so far (PteFrameBits.scans). */
  scans(): number;
  readonly events: EventBus;
  /** Simulated time now, ns. */
  now(): number;
  readonly memoryAccessNs: number;
}

const DEFAULT_BATCH = 32;
/** Added to a referenced page's load sequence when ranking pages to clean: unreferenced ones first. */
const REFERENCED_RANK = 2 ** 52;

/** The watermarks of a preset for `frames` frames of `pageSize` bytes (see the header). */
export function presetWatermarks(preset: WatermarkPreset, frames: number, pageSize: number): Watermarks {
  if (preset === "doc") {
    const min = Math.max(1, Math.round(frames * 0.01));
    const low = Math.max(min + 1, Math.round(frames * 0.02));
    const high = Math.max(low + 1, Math.round(frames * 0.03));
    return { min, low, high };
  }
  if (preset === "linux") {
    const memKiB = (frames * pageSize) / 1024;
    const minFreeKiB = Math.min(262_144, Math.max(128, Math.floor(Math.sqrt(memKiB * 16))));
    const min = Math.floor((minFreeKiB * 1024) / pageSize); // min_free_kbytes >> (PAGE_SHIFT - 10)
    const gap = Math.max(Math.floor(min / 4), Math.floor((frames * 10) / 10_000));
    return { min, low: min + gap, high: min + 2 * gap };
  }
  throw new ConfigError("kswapd.preset", preset, `one of ${WATERMARK_PRESETS.join(", ")}`);
}

/** Resolves and checks watermarks for a machine; ConfigError names the bad one. */
export function resolveWatermarks(
  spec: WatermarkPreset | Watermarks,
  frames: number,
  pageSize: number,
): Watermarks {
  const w = typeof spec === "string" ? presetWatermarks(spec, frames, pageSize) : spec;
  const where = typeof spec === "string" ? `kswapd.${spec}` : "kswapd";
  for (const k of ["min", "low", "high"] as const) {
    const v = w[k];
    if (!Number.isInteger(v) || v < 0)
      throw new ConfigError(`${where}.${k}`, v, "a whole number of frames ≥ 0");
  }
  if (w.min > w.low) throw new ConfigError(`${where}.min`, w.min, `at most low (${w.low})`);
  if (w.low > w.high) throw new ConfigError(`${where}.low`, w.low, `at most high (${w.high})`);
  if (w.low < 1) throw new ConfigError(`${where}.low`, w.low, "at least 1 (kswapd wakes when free < low)");
  if (w.high >= frames) {
    throw new ConfigError(
      `${where}.high`,
      w.high,
      `below the machine's ${frames} page frames (kswapd must leave frames for pages)`,
    );
  }
  return w;
}

/**
 * Parses a kswapd spec: an optional preset, then key=value pairs, comma-separated. Keys: min, low,
 * high (frames; without a preset all three), batch, clean (on/off), clean-ahead, scan (or scan-ns)
 * and wake (or wake-ns): times with a unit (2us, 1ms) or a plain number of ns.
 * Examples: "doc", "linux,clean=off", "min=2,low=4,high=6,batch=8".
 */
export function parseKswapdSpec(spec: string): KswapdOptions {
  const parts = spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  let preset: WatermarkPreset | undefined;
  const marks: { min?: number; low?: number; high?: number } = {};
  const out: { -readonly [K in keyof KswapdOptions]: KswapdOptions[K] } = {};
  const int = (k: string, v: string, min: number): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min)
      throw new ConfigError(`kswapd.${k}`, v, `a whole number ≥ ${min}`);
    return n;
  };
  // A time: a unit (ns, us, ms, s) or a plain number of ns, a whole number of ns.
  const duration = (k: string, v: string): number => {
    const ns = parseDurationNs(v, "ns");
    if (ns === null || !Number.isSafeInteger(ns))
      throw new ConfigError(
        `kswapd.${k}`,
        v,
        "a time such as 100ns, 2us or 1ms (a plain number is ns), whole ns",
      );
    return ns;
  };
  parts.forEach((part, i) => {
    const eq = part.indexOf("=");
    if (eq < 0) {
      if (i !== 0 || !(WATERMARK_PRESETS as readonly string[]).includes(part)) {
        throw new ConfigError(
          "kswapd",
          part,
          `a preset (${WATERMARK_PRESETS.join(", ")}) first, then key=value`,
        );
      }
      preset = part as WatermarkPreset;
      return;
    }
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    switch (k) {
      case "min":
      case "low":
      case "high":
        marks[k] = int(k, v, 0);
        break;
      case "batch":
        out.batch = int(k, v, 1);
        break;
      case "clean-ahead":
        out.cleanAhead = int(k, v, 0);
        break;
      case "scan":
      case "scan-ns":
        out.scanNs = duration(k, v);
        break;
      case "wake":
      case "wake-ns":
        out.wakeDelayNs = duration(k, v);
        break;
      case "clean":
        if (!["on", "off", "1", "0", "true", "false"].includes(v))
          throw new ConfigError("kswapd.clean", v, "on or off");
        out.clean = v === "on" || v === "1" || v === "true";
        break;
      default:
        throw new ConfigError(
          "kswapd",
          k,
          "a key among min, low, high, batch, clean, clean-ahead, scan (scan-ns), wake (wake-ns)",
        );
    }
  });
  const given = Object.keys(marks).length;
  if (preset === undefined && given > 0 && given < 3) {
    throw new ConfigError("kswapd", spec, "min, low and high together, or a preset (doc, linux)");
  }
  if (preset !== undefined) {
    out.watermarks = preset;
    if (given > 0) out.override = marks;
  } else if (given > 0) {
    out.watermarks = marks as Watermarks;
  }
  return out;
}

/** The background reclaimer. Install with `pager.supply.setWatcher(kswapd)` (Machine does, given `kswapd`). */
export class Kswapd {
  readonly marks: Watermarks;
  readonly preset: string;
  private readonly scanNs: number;
  private readonly batch: number;
  private readonly cleanOn: boolean;
  private readonly cleanAhead: number;
  private readonly wakeDelayNs: number;
  private clock: () => number;
  private awake = false;
  /** Simulated time of the next run while awake; end of the last run otherwise. */
  private dueNs = 0;
  private wakeups = 0;
  private runs = 0;
  private scanned = 0;
  private reclaimed = 0;
  private reclaimedDirty = 0;
  private cleaned = 0;
  private directReclaims = 0;
  private directReclaimed = 0;
  private busyNs = 0;
  private pickKey = new Float64Array(0);
  private pickFrame = new Int32Array(0);
  /** Lowest free count since resetLowest (for timelines). */
  lowestFree: number;

  constructor(
    private readonly host: KswapdHost,
    opts: KswapdOptions = {},
  ) {
    const spec = opts.watermarks ?? "doc";
    const over = opts.override;
    if (typeof spec === "string" && over !== undefined) {
      const base = presetWatermarks(spec, host.pageFrames, host.pageSize);
      this.marks = resolveWatermarks({ ...base, ...over }, host.pageFrames, host.pageSize);
      this.preset = `${spec} (changed)`;
    } else {
      this.marks = resolveWatermarks(spec, host.pageFrames, host.pageSize);
      this.preset = typeof spec === "string" ? spec : "explicit";
    }
    this.scanNs = checkNs("kswapd.scanNs", opts.scanNs ?? host.memoryAccessNs);
    this.wakeDelayNs = checkNs("kswapd.wakeDelayNs", opts.wakeDelayNs ?? 0);
    this.batch = opts.batch ?? DEFAULT_BATCH;
    if (!Number.isInteger(this.batch) || this.batch < 1)
      throw new ConfigError("kswapd.batch", this.batch, "a whole number of pages ≥ 1");
    this.cleanOn = opts.clean ?? true;
    this.cleanAhead = opts.cleanAhead ?? this.marks.high - this.marks.low + 1;
    if (!Number.isInteger(this.cleanAhead) || this.cleanAhead < 0)
      throw new ConfigError("kswapd.cleanAhead", this.cleanAhead, "a whole number of pages ≥ 0");
    this.clock = () => host.now();
    this.lowestFree = host.frames.freeCount;
  }

  /** Uses another clock (a scheduler's) instead of the machine's. */
  setClock(now: () => number): void {
    this.clock = now;
  }

  /** True while kswapd is awake (woken and not yet back at high). */
  get isAwake(): boolean {
    return this.awake;
  }

  /** When kswapd next runs, ns (Infinity while asleep): a scheduler calls advance at that time. */
  get nextDueNs(): number {
    return this.awake ? this.dueNs : Number.POSITIVE_INFINITY;
  }

  /** Free frames now. */
  get free(): number {
    return this.host.frames.freeCount;
  }

  /** Forgets the lowest free count seen (a timeline's sample boundary). */
  resetLowest(): void {
    this.lowestFree = this.host.frames.freeCount;
  }

  /** Runs every batch due by `nowNs`. */
  advance(nowNs: number): void {
    while (this.awake && this.dueNs <= nowNs) this.runOnce();
  }

  /** AllocationWatcher: background work that is due, then direct reclaim below min. */
  beforeAllocate(p: AddressSpace | undefined): void {
    this.advance(this.clock());
    const { frames, pager } = this.host;
    if (frames.freeCount > this.marks.min) return;
    // Taking a frame now would leave fewer than min free: the faulting process reclaims itself.
    let pages = 0;
    let scanned = 0;
    while (frames.freeCount <= this.marks.min) {
      const s0 = this.host.scans();
      const free0 = frames.freeCount;
      const r = pager.supply.reclaim(true);
      scanned += Math.max(1, this.host.scans() - s0);
      if (r === RECLAIM_NONE) break;
      noProgress(frames, free0);
      pages++;
    }
    pager.spend(scanned * this.scanNs);
    this.directReclaims++;
    this.directReclaimed += pages;
    if (this.host.events.listening) {
      this.host.events.emit({ type: "direct-reclaim", pid: p?.pid ?? -1, pages, timeNs: this.clock() });
    }
  }

  /** AllocationWatcher: wakes kswapd when free frames fall below low. */
  afterAllocate(): void {
    const free = this.host.frames.freeCount;
    if (free < this.lowestFree) this.lowestFree = free;
    if (this.awake || free >= this.marks.low) return;
    const now = this.clock();
    this.awake = true;
    this.wakeups++;
    this.dueNs = Math.max(now, this.dueNs) + this.wakeDelayNs;
    if (this.host.events.listening) this.host.events.emit({ type: "kswapd-wake", free, timeNs: now });
  }

  stats(): KswapdStats {
    return {
      preset: this.preset,
      ...this.marks,
      awake: this.awake,
      wakeups: this.wakeups,
      runs: this.runs,
      scanned: this.scanned,
      reclaimed: this.reclaimed,
      reclaimedDirty: this.reclaimedDirty,
      cleaned: this.cleaned,
      directReclaims: this.directReclaims,
      directReclaimed: this.directReclaimed,
      busyNs: this.busyNs,
    };
  }

  /** One batch at dueNs: reclaim toward high, then (at high) clean ahead and sleep. */
  private runOnce(): void {
    const { frames, pager } = this.host;
    const start = this.dueNs;
    this.runs++;
    let scanned = 0;
    let n = 0;
    let stuck = false;
    const io = pager.inBackground(() => {
      while (frames.freeCount < this.marks.high && n < this.batch) {
        const s0 = this.host.scans();
        const free0 = frames.freeCount;
        const r = pager.supply.reclaim(false);
        scanned += Math.max(1, this.host.scans() - s0);
        if (r === RECLAIM_NONE) {
          stuck = true;
          break;
        }
        noProgress(frames, free0);
        n++;
        if (r === RECLAIM_DIRTY) this.reclaimedDirty++;
      }
      if (frames.freeCount >= this.marks.high && this.cleanOn) this.cleanSome();
    });
    this.scanned += scanned;
    this.reclaimed += n;
    const cost = scanned * this.scanNs + io;
    this.busyNs += cost;
    this.dueNs = start + cost;
    if (frames.freeCount >= this.marks.high || stuck) {
      this.awake = false;
      if (this.host.events.listening) {
        this.host.events.emit({ type: "kswapd-sleep", free: frames.freeCount, timeNs: this.dueNs });
      }
    }
  }

  /**
   * Writes back up to cleanAhead dirty pages that look next in line for eviction: accessed bit
   * clear first, then the longest resident (lowest load sequence). A policy-neutral guess: it
   * reads bits and load order, never the policy's state.
   */
  private cleanSome(): void {
    const k = this.cleanAhead;
    if (k === 0) return;
    const { frames, pager } = this.host;
    const bits = pager.parts.bits;
    // The k best candidates by key (accessed bit, then load order), kept sorted by insertion:
    // one pass over the frames, nothing allocated after the first call.
    if (this.pickKey.length < k) {
      this.pickKey = new Float64Array(k);
      this.pickFrame = new Int32Array(k);
    }
    const key = this.pickKey;
    const pick = this.pickFrame;
    let n = 0;
    for (let f = 0; f < this.host.pageFrames; f++) {
      if (frames.state[f] !== FRAME_USER || !bits.isEvictable(f) || !bits.dirty(f)) continue;
      const kf = frames.loadSeq[f]! + (bits.referenced(f) ? REFERENCED_RANK : 0);
      if (n === k && kf >= key[n - 1]!) continue;
      let i = n < k ? n++ : n - 1;
      while (i > 0 && key[i - 1]! > kf) {
        key[i] = key[i - 1]!;
        pick[i] = pick[i - 1]!;
        i--;
      }
      key[i] = kf;
      pick[i] = f;
    }
    let done = 0;
    for (let i = 0; i < n; i++) if (pager.supply.clean(pick[i]!)) done++;
    this.cleaned += done;
  }
}

/**
 * A reclaim that reported a page evicted must have freed a frame: otherwise the reclaim loops
 * (bounded only by the free count they wait for) would never end. Fails fast on a broken engine.
 */
function noProgress(frames: FrameTable, freeBefore: number): void {
  if (frames.freeCount <= freeBefore) {
    throw new InternalError(
      `kswapd: a page reported reclaimed freed no frame (${frames.freeCount} free before and after)`,
    );
  }
}

function checkNs(key: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new ConfigError(key, v, "a finite number of nanoseconds ≥ 0");
  return v;
}
