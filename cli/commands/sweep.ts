// `pagewise sweep`: policies × frame counts on one workload; a table of faults and miss ratios with
// the best policy in each column marked, or --json/--csv, and optionally an HTML report.

import type { Command } from "commander";
import { DenseIdsSink, feed, simulateMany } from "../../src/sim/run.js";
import { PageIds } from "../../src/workloads/page-ids.js";
import {
  allPolicies,
  ensureNextUse,
  needsFuture,
  type Prepared,
  policyIdOf,
  prepare,
  type RunResult,
  replayRunResult,
} from "../engine.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtPct, type OutputMode, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { defaultThreads, runTasks, type Task } from "../pool.js";
import { Progress } from "../progress.js";
import { buildReport } from "../report/collect.js";
import { writeReportFile } from "../report/write.js";
import { parseShardOption } from "../shard.js";
import { parseSizeList, resolveFrames, type SizeSpec } from "../sizes.js";
import {
  checkSetOptions,
  DEFAULT_BASELINE,
  DEFAULT_SET_SIZES,
  expandTraces,
  setSizes,
  withBaseline,
} from "../trace-set.js";
import { parseList } from "../units.js";
import {
  addWorkloadOptions,
  type OpenedSource,
  openSource,
  type Workload,
  type WorkloadOptions,
} from "../workload.js";
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

/**
 * Frame counts from specs at a page size (percentages of `distinctPages`), deduplicated and sorted.
 */
export function framesList(specs: readonly SizeSpec[], pageSize: number, distinctPages = 0): number[] {
  try {
    return [...new Set(specs.map((s) => resolveFrames(s, pageSize, distinctPages)))].sort((a, b) => a - b);
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

/**
 * Replays every (policy, frames) pair of `policies` × `frames` in one streaming pass over the
 * source (plus one to annotate next uses when a policy reads the future): the trace is decoded
 * once and read in constant memory. Runs come back frames-major.
 */
export async function simulatedRuns(
  io: CliIo,
  src: OpenedSource,
  policies: readonly string[],
  frames: readonly number[],
  label: string,
  limit?: number,
): Promise<RunResult[]> {
  for (const pol of policies) policyIdOf(pol);
  const specs = frames.flatMap((f) => policies.map((policy) => ({ policy, frames: f })));
  const total = src.expected ?? 0;
  const bar = new Progress(io, `${label}: ${specs.length} runs`, total);
  try {
    const { results } = await simulateMany(src.source, specs, {
      ...(limit !== undefined ? { limit } : {}),
      ...(src.expected !== null ? { expectedReferences: src.expected } : {}),
      ...(total > 0 ? { onProgress: (d: number) => bar.update(d) } : {}),
    });
    return results.map((r, i) => replayRunResult(r, specs[i]!.frames, src.pageSize));
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

/** The `workload` of a sweep's JSON for a workload in memory. */
export function workloadInfo(w: Workload, p: Prepared): SweepResult["workload"] {
  return {
    name: w.name,
    source: w.source,
    pageSize: w.pageSize,
    references: w.count,
    distinctPages: p.pageSpace,
  };
}

export function sweepResult(
  workload: SweepResult["workload"],
  policies: string[],
  frames: number[],
  runs: RunResult[],
): SweepResult {
  return { workload, policies, frames, runs, best: bestPerFrames(runs, frames) };
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

interface SweepOptions extends Omit<WorkloadOptions, "trace"> {
  /** Every --trace given (a file, a directory or a glob each): a set when they name several. */
  trace?: string[];
  policies?: string[];
  frames?: SizeSpec[];
  report?: string;
  workers?: number;
  baseline?: string;
  plan?: string;
  shard?: string;
  out?: string;
  json?: boolean;
  csv?: boolean;
}

/** Prints a sweep of one workload: the table, --json or --csv. */
export function printSweep(io: CliIo, mode: OutputMode, s: SweepResult): void {
  if (mode === "json") writeJson(io, s);
  else if (mode === "csv") writeCsv(io, RUN_CSV_FIELDS, s.runs.map(runRecord));
  else {
    io.stdout.write(
      `${s.workload.name}: ${fmtInt(s.workload.references)} references, ${fmtInt(s.workload.distinctPages)} distinct pages\n`,
    );
    io.stdout.write(renderSweepTable(io, s));
  }
}

export function registerSweep(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("sweep")
    .summary("compare policies across frame counts")
    .description(
      "Replay a workload under several policies and frame counts; a table of faults and miss ratios.",
    );
  addWorkloadOptions(cmd, { manyTraces: true });
  cmd
    .option("--policies <ids>", "comma-separated policy specs (default: every registered policy)", parseList)
    .option(
      "--frames <list>",
      "frame counts: 4,8,16 or 1..10 or 4..256:x2, sizes 64KiB..1MiB:x2, or shares of each trace's distinct pages 0.1%,1%,10%",
      parseSizeList,
    )
    .option("--report <file.html>", "also write an HTML report")
    .option(
      "--workers <n>",
      "worker threads for the --report's timelines (default: one per core, at most 4; PAGEWISE_THREADS sets the default); the sweep itself replays every run in one streaming pass; results do not depend on it",
      parseWorkers,
    )
    .option(
      "--baseline <policy>",
      `several traces: the policy each miss-ratio reduction is measured against (default ${DEFAULT_BASELINE}, as the S3-FIFO and SIEVE papers; run too when --policies leaves it out)`,
    )
    .option(
      "--plan <tasks.jsonl>",
      "write the sweep's independent tasks, one JSON line each, and run nothing",
    )
    .option(
      "--shard <K/N>",
      "run the K-th of N shards of the tasks (K from 1) into --out; auto reads SLURM_ARRAY_TASK_ID (from SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX (from 0); see pagewise merge",
      parseShardOption,
    )
    .option("--out <dir>", "with --shard: the directory the shard's results go to, for pagewise merge DIR");
  addOutputOptions(
    cmd,
    "workload, policies, frames, runs[] (each as in run --json), best[]; several traces: traces[], policies, sizes, baseline, rows[] (a run with trace, size, missRatioReduction), aggregate[]",
    `${RUN_CSV_FIELDS.join(",")}; several traces: trace,size first, baseline,missRatioReduction last`,
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise sweep --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policies fifo,lru,opt --frames 1..5
  $ pagewise sweep --gen zipf:pages=1000,alpha=0.9,n=100000,seed=1 --frames 8..512:x2
  $ pagewise sweep --trace test/fixtures/traces/ls.lackey --frames 64KiB..4MiB:x2 --report sweep.html
  $ pagewise sweep --trace test/fixtures/traces/sort500.pwt --policies lru,fifo --frames 1%,10%,50%
  $ pagewise sweep --trace test/fixtures/traces/run.pages --trace test/fixtures/traces/sort500.pwt --policies fifo,lru,s3fifo
  $ pagewise sweep --trace "test/fixtures/traces/*.pwt" --policies lru,clock --baseline lru --frames 5% --limit 100000 --csv
  $ pagewise sweep --trace test/fixtures/traces/run.pages --policies fifo,lru --frames 5%,50% --plan tasks.jsonl

--frames 1% is 1 % of the trace's distinct pages (floored, at least 1 frame), as libCacheSim sizes
caches; counts, sizes and shares mix in one list.
Several traces (--trace repeated, a directory's files, a quoted glob): each trace's miss ratios at
each size (--frames resolved per trace; default ${DEFAULT_SET_SIZES}), then, over the traces, the
mean and the 10th to 90th percentiles of each policy's miss-ratio reduction against --baseline
(default ${DEFAULT_BASELINE}): (baseline − policy) / baseline, above 0 is fewer misses. --json and --csv
give a row per (trace, policy, size). One trace prints as above.
Beyond one machine: --plan FILE writes the tasks (one (trace, policy, size) run each, numbered
trace, size, policy); --shard K/N --out DIR runs the K-th of N contiguous blocks of them, and
skips those already in DIR; pagewise merge DIR prints what this sweep prints (docs/distributed.md).`,
    )
    .action(async (all: SweepOptions) => {
      const mode = outputMode(all);
      const policies = all.policies ?? allPolicies();
      for (const pol of policies) policyIdOf(pol);
      const traces = all.trace ? expandTraces(all.trace, io.cwd) : null;
      const many = traces !== null && traces.length > 1;
      if (many || all.plan !== undefined || all.shard !== undefined || all.out !== undefined) {
        // Several traces, or tasks for a scheduler (cli/trace-set.ts, cli/shard.ts).
        const shard = await import("../shard.js");
        if (many) checkSetOptions(all);
        const baseline = all.baseline ?? DEFAULT_BASELINE;
        const sizes = many ? setSizes(all.frames) : all.frames;
        const plan = shard.makePlan(
          all as WorkloadOptions,
          traces,
          many ? withBaseline(policies, baseline) : policies,
          sizes ?? [],
          baseline,
        );
        if (all.plan !== undefined || all.shard !== undefined || all.out !== undefined)
          return shard.sweepTasksCommand(io, all, plan, sizes);
        return shard.printSweepResults(io, mode, plan, await shard.runAll(io, plan, sizes!));
      }
      if (all.baseline !== undefined) policyIdOf(all.baseline);
      const opts: WorkloadOptions & SweepOptions = { ...all, trace: traces?.[0] } as WorkloadOptions &
        SweepOptions;
      const src = await openSource(opts, io);
      let s: SweepResult;
      try {
        const limit = opts.limit !== undefined ? { limit: opts.limit } : {};
        // The distinct pages (for the default frame counts and the report): a pass that only decodes.
        const ids = new PageIds();
        const counts = await feed(src.source, new DenseIdsSink(ids, () => {}), limit);
        const frames = opts.frames
          ? framesList(opts.frames, src.pageSize, ids.size)
          : defaultFrames(ids.size);
        const runs = await simulatedRuns(io, src, policies, frames, "sweep", opts.limit);
        s = sweepResult(
          {
            name: src.name,
            source: src.sourceText,
            pageSize: src.pageSize,
            references: counts.references,
            distinctPages: ids.size,
          },
          policies,
          frames,
          runs,
        );
      } finally {
        src.close();
      }
      if (opts.report !== undefined) {
        const p = prepare(await workloadOf(opts, io), false);
        const data = await buildReport(io, p, {
          policies,
          frames: s.frames,
          runs: s.runs,
          ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
        });
        io.stderr.write(`report written to ${writeReportFile(opts.report, data, io.cwd)}\n`);
      }
      printSweep(io, mode, s);
    });
}
