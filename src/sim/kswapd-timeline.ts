// The kswapd timeline: runs a workload through a full-mode Machine with kswapd and samples, over
// simulated time, the free frames (at each sample and the lowest since the last one), the
// watermarks, and kswapd's activity per interval (wake-ups, pages reclaimed, cleaned, reclaimed
// directly by faulting processes). Also runs the same workload without kswapd, so the cost of
// waiting for write-backs can be set side by side. Pure (no Node APIs): the CLI, the report and a
// browser share it. kswapdTimelineSvg draws it as two stacked line charts.

import { ConfigError } from "../core/errors.js";
import type { CostModel } from "../core/time.js";
import type { KswapdOptions, KswapdStats, Watermarks } from "../pager/kswapd.js";
import type { Workload } from "../workloads/workload.js";
import type { Machine, MachineStats } from "./machine.js";
import { accessOf, machineForTrace } from "./machine-run.js";
import { TracePages } from "./trace-pages.js";

/** What the timeline reads of a workload (workloads/workload.ts's Workload fits). */
export type TimelineWorkload = Pick<Workload, "name" | "pageSize" | "count" | "pages" | "kinds" | "pids">;

export interface KswapdTimelineOptions {
  /** Page frames (page tables get frames of their own on top, as in `pagewise run --mode full`). */
  readonly frames: number;
  /** Replacement policy spec; default "clock" (the documents' kswapd uses a second-chance variant). */
  readonly policy?: string;
  /** kswapd spec or options; default "doc". */
  readonly kswapd?: string | KswapdOptions;
  /** Number of samples over the run (default 400). */
  readonly samples?: number;
  readonly costs?: Partial<CostModel>;
}

/** One run's summary, with or without kswapd. */
export interface TimelineRunSummary {
  readonly references: number;
  readonly faults: number;
  /** Simulated time of the run (the processes' clock), ns. */
  readonly timeNs: number;
  /** Evictions a faulting process waited for, by whether they had to write first. */
  readonly faultEvictions: { clean: number; dirty: number };
  readonly writebacks: number;
  readonly kswapd: KswapdStats | null;
}

export interface KswapdTimeline {
  readonly workload: string;
  readonly frames: number;
  readonly policy: string;
  readonly marks: Watermarks;
  /** Sample times, ms of simulated time. */
  readonly timeMs: number[];
  readonly free: number[];
  readonly lowestFree: number[];
  /** Per interval ending at each sample. */
  readonly wakeups: number[];
  readonly reclaimed: number[];
  readonly cleaned: number[];
  readonly directReclaimed: number[];
  readonly withKswapd: TimelineRunSummary;
  readonly withoutKswapd: TimelineRunSummary;
}

/** A machine for `w` (sim/machine-run.ts sizes it: one trace process per pid, page tables on top of `frames`). */
function machineFor(
  w: TimelineWorkload,
  pages: TracePages,
  opts: KswapdTimelineOptions,
  kswapd: string | KswapdOptions | undefined,
): { m: Machine; pidOf: ReadonlyMap<number, number> } {
  const { machine, pidOf } = machineForTrace(pages, {
    policy: opts.policy ?? "clock",
    frames: opts.frames,
    pageSize: w.pageSize,
    ...(opts.costs ? { costs: opts.costs } : {}),
    ...(kswapd !== undefined ? { kswapd } : {}),
  });
  return { m: machine, pidOf };
}

function summary(s: MachineStats): TimelineRunSummary {
  return {
    references: s.references,
    faults: s.faults.total,
    timeNs: s.timeNs,
    faultEvictions: s.reclaim.faultEvictions,
    writebacks: s.writebacks,
    kswapd: s.reclaim.kswapd,
  };
}

/**
 * Runs `w` with kswapd, sampling `samples` times at equal numbers of references, and once more
 * without kswapd for comparison. Throws ConfigError for bad options (from the Machine or kswapd).
 */
export function runKswapdTimeline(w: TimelineWorkload, opts: KswapdTimelineOptions): KswapdTimeline {
  const samples = opts.samples ?? 400;
  if (!Number.isInteger(samples) || samples < 2)
    throw new ConfigError("samples", samples, "a whole number ≥ 2");
  if (w.count === 0) throw new ConfigError("workload", w.name, "at least one reference");
  const spec = opts.kswapd ?? "doc";
  const pages = TracePages.of(w);
  const { m, pidOf } = machineFor(w, pages, opts, spec);
  const k = m.kswapd!;
  const every = Math.max(1, Math.ceil(w.count / samples));
  const t: KswapdTimeline = {
    workload: w.name,
    frames: opts.frames,
    policy: opts.policy ?? "clock",
    marks: k.marks,
    timeMs: [0],
    free: [k.free],
    lowestFree: [k.free],
    wakeups: [0],
    reclaimed: [0],
    cleaned: [0],
    directReclaimed: [0],
    withKswapd: undefined as unknown as TimelineRunSummary,
    withoutKswapd: undefined as unknown as TimelineRunSummary,
  };
  let last = k.stats();
  k.resetLowest();
  const sample = () => {
    const now = m.now();
    k.advance(now);
    const s = k.stats();
    t.timeMs.push(now / 1e6);
    t.free.push(k.free);
    t.lowestFree.push(Math.min(k.lowestFree, k.free));
    t.wakeups.push(s.wakeups - last.wakeups);
    t.reclaimed.push(s.reclaimed - last.reclaimed);
    t.cleaned.push(s.cleaned - last.cleaned);
    t.directReclaimed.push(s.directReclaimed - last.directReclaimed);
    last = s;
    k.resetLowest();
  };
  drive(w, m, pidOf, every, sample);
  if (w.count % every !== 0) sample();
  const withK = summary(m.stats());
  m.close();
  const bare = machineFor(w, pages, opts, undefined);
  drive(w, bare.m, bare.pidOf, w.count + 1, () => {});
  const without = summary(bare.m.stats());
  bare.m.close();
  return { ...t, withKswapd: withK, withoutKswapd: without };
}

function drive(
  w: TimelineWorkload,
  m: Machine,
  pidOf: ReadonlyMap<number, number>,
  every: number,
  sample: () => void,
): void {
  const { pages, kinds, pids } = w;
  const ps = w.pageSize;
  let lastSrc = Number.NaN;
  let pid = -1;
  for (let i = 0; i < w.count; i++) {
    const src = pids[i]!;
    if (src !== lastSrc) {
      lastSrc = src;
      pid = pidOf.get(src)!;
    }
    m.access(pid, pages[i]! * ps, accessOf(kinds[i]!));
    if ((i + 1) % every === 0) sample();
  }
}
