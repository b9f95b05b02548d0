// `pagewise sweep`: policies × frame counts on one workload; a table of faults and miss ratios with
// the best policy in each column marked, or --json/--csv, and optionally an HTML report.

import type { Command } from "commander";
import {
  allPolicies,
  ensureNextUse,
  needsFuture,
  type Prepared,
  policyIdOf,
  prepare,
  type RunResult,
  workloadFacts,
} from "../engine.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtPct, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { defaultThreads, runTasks, type Task } from "../pool.js";
import { Progress } from "../progress.js";
import { buildReport } from "../report/collect.js";
import { writeReportFile } from "../report/write.js";
import { type FramesSpec, framesOf, parseFramesList, parseList } from "../units.js";
import { addWorkloadOptions, type Workload, type WorkloadOptions } from "../workload.js";
import { addOutputOptions, workloadOf } from "./common.js";
import { RUN_CSV_FIELDS, runRecord } from "./run.js";

export interface SweepResult {
  workload: { name: string; source: string; pageSize: number; references: number; distinctPages: number };
  policies: string[];
  frames: number[];
  runs: RunResult[];
  /** For each frame count (in `frames` order), the policies with the fewest faults. */
  best: { frames: number; policies: string[]; faults: number }[];
}

/** Frame counts from specs at a page size, deduplicated and sorted. */
export function framesList(specs: readonly FramesSpec[], pageSize: number): number[] {
  try {
    return [...new Set(specs.map((s) => framesOf(s, pageSize)))].sort((a, b) => a - b);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Frame counts to sweep when none are given: about a dozen from 1 to the number of distinct pages. */
export function defaultFrames(distinct: number, points = 12): number[] {
  const hi = Math.max(1, distinct);
  const out = new Set<number>();
  for (let i = 0; i < points; i++) out.add(Math.max(1, Math.round(hi ** (i / (points - 1)))));
  return [...out].sort((a, b) => a - b);
}

/**
 * Runs every (policy, frames) pair on `workers` worker threads (default: one per core, at most 4)
 * and returns the runs frames-major, whatever the number of workers. A progress bar past one
 * second shows the references replayed over all runs.
 */
export async function sweepRuns(
  io: CliIo,
  p: Prepared,
  policies: readonly string[],
  frames: readonly number[],
  label = "sweep",
  workers = defaultThreads(),
): Promise<RunResult[]> {
  for (const pol of policies) policyIdOf(pol);
  if (policies.some(needsFuture)) ensureNextUse(p);
  const tasks: Task[] = frames.flatMap((f) =>
    policies.map((spec) => ({ kind: "run" as const, spec, frames: f })),
  );
  const bar = new Progress(io, `${label}: ${tasks.length} runs`, tasks.length * p.workload.count);
  try {
    const runs = await runTasks(p, tasks, undefined, workers, (g) => bar.update(g.refsDone, g.refsTotal));
    return runs as RunResult[];
  } finally {
    bar.stop();
  }
}

/** Parses --workers: a whole number of threads from 1 to 64. */
export function parseWorkers(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(`--workers: expected a whole number of threads from 1 to 64, got "${v}"`);
  }
  return n;
}

/** Best policies per frame count. */
export function bestPerFrames(runs: readonly RunResult[], frames: readonly number[]): SweepResult["best"] {
  return frames.map((f) => {
    const col = runs.filter((r) => r.frames === f);
    const min = Math.min(...col.map((r) => r.faults));
    return { frames: f, faults: min, policies: col.filter((r) => r.faults === min).map((r) => r.policy) };
  });
}

export function sweepResult(
  w: Workload,
  p: Prepared,
  policies: string[],
  frames: number[],
  runs: RunResult[],
): SweepResult {
  return {
    workload: {
      name: w.name,
      source: w.source,
      pageSize: w.pageSize,
      references: w.count,
      distinctPages: p.pageSpace,
    },
    policies,
    frames,
    runs,
    best: bestPerFrames(runs, frames),
  };
}

/**
 * The student's table: one row per policy, one column per frame count; each cell holds the faults
 * and, below, the miss ratio. The fewest faults in each column are marked with ★ (green on a TTY).
 */
export function renderSweepTable(io: CliIo, s: SweepResult): string {
  const c = colorsFor(io);
  const head = ["policy", ...s.frames.map((f) => `${fmtInt(f)} frames`)];
  const rows = s.policies.map((_, j) => [
    c.bold(runAt(s, j, 0).policy),
    ...s.frames.map((_f, i) => {
      const r = runAt(s, j, i);
      const best = s.best[i]!.policies.includes(r.policy);
      const faults = `${fmtInt(r.faults)}${best ? " ★" : ""}`;
      return `${best ? c.green(c.bold(faults)) : faults}\n${c.dim(fmtPct(r.missRatio, 1))}`;
    }),
  ]);
  return `${renderTable(c, head, rows, [], { ruled: true })}\nEach cell: faults, then the miss ratio; ★ marks the fewest faults for that frame count.\n`;
}

function runAt(s: SweepResult, policyIndex: number, frameIndex: number): RunResult {
  return s.runs[frameIndex * s.policies.length + policyIndex]!;
}

interface SweepOptions extends WorkloadOptions {
  policies?: string[];
  frames?: FramesSpec[];
  report?: string;
  workers?: number;
  json?: boolean;
  csv?: boolean;
}

export function registerSweep(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("sweep")
    .summary("compare policies across frame counts")
    .description(
      "Replay a workload under several policies and frame counts; a table of faults and miss ratios.",
    );
  addWorkloadOptions(cmd);
  cmd
    .option("--policies <ids>", "comma-separated policy specs (default: every registered policy)", parseList)
    .option(
      "--frames <list>",
      "frame counts: 4,8,16 or 1..10 or 4..256:x2 or sizes 64KiB..1MiB:x2",
      parseFramesList,
    )
    .option("--report <file.html>", "also write an HTML report")
    .option(
      "--workers <n>",
      "worker threads for the runs (default: one per core, at most 4; PAGEWISE_THREADS sets the default); results do not depend on it",
      parseWorkers,
    );
  addOutputOptions(
    cmd,
    "workload, policies, frames, runs[] (each as in run --json), best[]",
    RUN_CSV_FIELDS.join(","),
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise sweep --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policies fifo,lru,opt --frames 1..5
  $ pagewise sweep --gen zipf:pages=1000,alpha=0.9,n=100000,seed=1 --frames 8..512:x2
  $ pagewise sweep --trace test/fixtures/traces/ls.lackey --frames 64KiB..4MiB:x2 --report sweep.html`,
    )
    .action(async (opts: SweepOptions) => {
      const mode = outputMode(opts);
      const w = await workloadOf(opts, io);
      const p = prepare(w, false);
      const policies = opts.policies ?? allPolicies();
      const frames = opts.frames ? framesList(opts.frames, w.pageSize) : defaultFrames(p.pageSpace);
      const runs = await sweepRuns(io, p, policies, frames, "sweep", opts.workers ?? defaultThreads());
      const s = sweepResult(w, p, policies, frames, runs);
      if (opts.report !== undefined) {
        const data = await buildReport(io, p, { policies, frames, runs });
        io.stderr.write(`report written to ${writeReportFile(opts.report, data, io.cwd)}\n`);
      }
      if (mode === "json") writeJson(io, s);
      else if (mode === "csv") writeCsv(io, RUN_CSV_FIELDS, runs.map(runRecord));
      else {
        const facts = workloadFacts(p);
        io.stdout.write(
          `${w.name}: ${fmtInt(facts.references)} references, ${fmtInt(facts.distinctPages)} distinct pages\n`,
        );
        io.stdout.write(renderSweepTable(io, s));
      }
    });
}
