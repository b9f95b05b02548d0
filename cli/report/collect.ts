// Gathers a ReportData from a prepared workload: the sweep's runs (given, or run here), one more
// replay per drawn policy for faults over time and resident sets (at the frame count where the
// policies differ most), the working-set curve and the heat map. The
// numbers all come from the engine; this file only chooses what to sample and how finely.

import {
  heatmap,
  type ReportData,
  type ReportFigure,
  type RunRow,
  samplePoints,
  workingSetSizes,
} from "../../src/index.js";
import {
  FAULT_NS,
  MEMORY_NS,
  needsFuture,
  type Prepared,
  type RunResult,
  type Timeline,
  workloadFacts,
} from "../engine.js";
import type { CliIo } from "../io.js";
import { runTasks, type Task } from "../pool.js";
import { Progress } from "../progress.js";
import { packageVersion } from "../version.js";

export interface ReportRequest {
  readonly policies: readonly string[];
  readonly frames: readonly number[];
  /** Runs already made (a sweep); missing pairs are run here. */
  readonly runs?: readonly RunResult[];
  /**
   * Curves already made (mrc's one-pass LRU and OPT curves, at `frames`): those policies are drawn
   * from them and not simulated (nor listed among the runs).
   */
  readonly curves?: readonly { policy: string; method: string; faults: number[]; missRatio: number[] }[];
  /** Worker threads for the runs made here (default: cli/pool.ts defaultThreads). */
  readonly workers?: number;
  /** Frame count for faults over time and resident sets; default the count where policies differ most. */
  readonly focusFrames?: number;
  /** Policies drawn over time (default: timelineChoice). */
  readonly timelinePolicies?: readonly string[];
  readonly title?: string;
  /** Fixed timestamp (tests, reproducible figures). */
  readonly generatedAt?: string;
  readonly notes?: readonly string[];
  /** Whole-system figures (cli/report/system.ts) to show after the per-policy charts. */
  readonly figures?: readonly ReportFigure[];
}

const SAMPLES = 200;

/**
 * The frame count where the policies differ most, relative to the worst of them, among counts
 * where faults are more than cold misses (at least twice the distinct pages); else the middle count.
 */
export function mostTellingFrames(
  runs: readonly RunResult[],
  frames: readonly number[],
  distinctPages = 0,
): number {
  let best = frames[Math.floor(frames.length / 2)] ?? 1;
  let spread = -1;
  for (const f of frames) {
    const col = runs.filter((r) => r.frames === f).map((r) => r.faults);
    if (col.length === 0) continue;
    const lo = Math.min(...col);
    const hi = Math.max(...col);
    if (lo < 2 * distinctPages || hi === 0) continue;
    const s = (hi - lo) / hi;
    if (s > spread + 1e-12) {
      spread = s;
      best = f;
    }
  }
  return best;
}

function rowOf(r: RunResult): RunRow {
  return {
    policy: r.policy,
    frames: r.frames,
    references: r.references,
    faults: r.faults,
    hits: r.hits,
    missRatio: r.missRatio,
    evictionsClean: r.evictions.clean,
    evictionsDirty: r.evictions.dirty,
    writebacks: r.writebacks,
    tlbHits: r.tlb.hits,
    tlbMisses: r.tlb.misses,
    measuredEatNs: r.eat.measuredNs,
    formulaEatNs: r.eat.formulaNs,
    ...(needsFuture(r.policy) ? { oracle: true } : {}),
  };
}

/** Policies worth drawing over time: the classic ones when present, else the first six. */
export function timelineChoice(policies: readonly string[]): string[] {
  const preferred = ["fifo", "lru", "opt", "clock", "arc", "sieve"];
  const picked = policies.filter((p) => preferred.includes(p));
  return (picked.length >= 2 ? picked : policies).slice(0, 6);
}

/** Builds the report's data; runs whatever the sweep did not. Synchronous. */
export async function buildReport(io: CliIo, p: Prepared, req: ReportRequest): Promise<ReportData> {
  const w = p.workload;
  const facts = workloadFacts(p);
  const given = (spec: string, f: number) => req.runs?.find((r) => r.frames === f && r.policy === spec);
  const fromCurve = (spec: string) =>
    req.curves?.find((c) => c.policy === spec && c.method !== "simulation") ?? null;
  const simulated = req.policies.filter((spec) => fromCurve(spec) === null);
  const missing: Task[] = [];
  for (const f of req.frames) {
    for (const spec of simulated) if (!given(spec, f)) missing.push({ kind: "run", spec, frames: f });
  }
  const bar = new Progress(io, "report: runs", 1, { unit: "runs" });
  const extra = (await runTasks(
    p,
    missing,
    (d) => bar.update(d, missing.length),
    req.workers,
  )) as RunResult[];
  const runs: RunResult[] = [];
  for (const f of req.frames) {
    for (const spec of simulated) {
      runs.push(given(spec, f) ?? extra.find((r) => r.frames === f && r.policy === spec)!);
    }
  }
  const frames = [...req.frames];
  const curves = req.policies.map((pol) => {
    const c = fromCurve(pol);
    if (c !== null) return { policy: pol, faults: [...c.faults], missRatio: [...c.missRatio] };
    const rs = frames.map((f) => runs.find((r) => r.policy === pol && r.frames === f)!);
    return {
      policy: rs[0]?.policy ?? pol,
      faults: rs.map((r) => r.faults),
      missRatio: rs.map((r) => r.missRatio),
    };
  });

  const n = w.count;
  const at = samplePoints(n, SAMPLES);
  const focus = req.focusFrames ?? mostTellingFrames(runs, frames, p.pageSpace);
  const specs = req.timelinePolicies ?? timelineChoice(req.policies);
  bar.phase("report: timelines", specs.length);
  const tl = (await runTasks(
    p,
    specs.map((spec) => ({ kind: "timeline" as const, spec, frames: focus, at })),
    (d) => bar.update(d, specs.length),
  )) as Timeline[];
  bar.stop();
  const timelines = specs.map((spec, i) => ({ spec, t: tl[i]! }));
  const first = timelines[0];
  const tau = Math.max(10, Math.min(100_000, Math.round(n / 100)));

  return {
    title: req.title ?? `pagewise report: ${w.name}`,
    generatedAt: req.generatedAt ?? new Date().toISOString(),
    generator: `pagewise ${packageVersion()}`,
    workload: {
      name: w.name,
      source: w.source,
      references: facts.references,
      distinctPages: facts.distinctPages,
      reads: facts.reads,
      writes: facts.writes,
      instructions: facts.instructions,
      processes: facts.processes,
      pageSize: w.pageSize,
    },
    mrc: { frames, curves },
    faultsOverTime: {
      at,
      series: timelines.map(({ spec, t }) => ({
        policy: spec.split(":")[0]!,
        frames: focus,
        cumulative: t.faults,
      })),
    },
    workingSet: { tau, at, size: workingSetSizes(p.dense, n, p.pageSpace, tau, at) },
    residentSet: {
      policy: first ? first.spec : "",
      frames: focus,
      at,
      series: first
        ? [...first.t.resident.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([pid, fr]) => ({ pid, frames: fr }))
        : [],
    },
    heatmap: heatmap(p.dense, n, p.pageSpace, Math.min(240, n), Math.min(120, p.pageSpace)),
    runs: runs.map(rowOf),
    costs: { memoryNs: MEMORY_NS, faultNs: FAULT_NS },
    notes: req.notes ?? [
      "Replay mode: page numbers straight into frames and the policy; no page tables, so no TLB counts.",
    ],
    ...(req.figures && req.figures.length > 0 ? { figures: req.figures } : {}),
  };
}
