// `pagewise sweep`: policies × frame counts on one workload; a table of faults and miss ratios with
// the best policy in each column marked, or --json/--csv, and optionally an HTML report.

import Table from "cli-table3";
import type { Command } from "commander";
import {
  annotates,
  DenseIdsSink,
  feed,
  PageIds,
  type SimulateOptions,
  simulateMany,
} from "../../src/index.js";
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
import { fmtInt, type OutputMode, outputMode, writeCsv, writeJson } from "../output.js";
import { defaultThreads, runTasks, type Task } from "../pool.js";
import { Progress, replayProgress } from "../progress.js";
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
  /**
   * The same among the policies that can be built (OPT, which reads the future, left out): what the
   * table marks ★. Empty policies when the sweep has only oracles.
   */
  bestBuildable: { frames: number; policies: string[]; faults: number }[];
  /** Belady's anomaly: each policy that faults more with more frames, between neighbouring counts. */
  anomalies: BeladyRise[];
}

/** A rise of faults with frames, as `belady` reports one. */
export interface BeladyRise {
  policy: string;
  frames: number;
  faults: number;
  moreFrames: number;
  moreFaults: number;
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
  const tasks: Task[] = frames.flatMap((f) =>
    policies.map((spec) => ({ kind: "run" as const, spec, frames: f })),
  );
  // The share done is of the references replayed over all runs; the line counts the runs finished.
  const total = tasks.length * p.workload.count;
  const bar = new Progress(io, `${label}: replaying`, total, { unit: "references" });
  if (policies.some(needsFuture)) {
    bar.phase(`${label}: annotating next uses for opt`, null);
    ensureNextUse(p);
    bar.phase(`${label}: replaying`, total);
  }
  try {
    const runs = await runTasks(p, tasks, undefined, workers, (g) =>
      bar.update(g.refsDone, g.refsTotal, `${fmtInt(g.tasksDone)}/${fmtInt(tasks.length)} runs`),
    );
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
  // All the runs advance together, one pass over the trace (two with OPT): the bar counts references.
  const known: SimulateOptions = {
    ...(limit !== undefined ? { limit } : {}),
    ...(src.expected !== null ? { expectedReferences: src.expected } : {}),
    ...(src.distinct !== null ? { distinctPages: src.distinct } : {}),
  };
  const { bar, onPhase, onProgress } = replayProgress(
    io,
    `${label} (${fmtInt(specs.length)} runs)`,
    src.expected,
    annotates(specs, known),
  );
  try {
    const { results } = await simulateMany(src.source, specs, { ...known, onPhase, onProgress });
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

/** Best policies per frame count (among those `keep` accepts). */
export function bestPerFrames(
  runs: readonly RunResult[],
  frames: readonly number[],
  keep: (r: RunResult) => boolean = () => true,
): SweepResult["best"] {
  return frames.map((f) => {
    const col = runs.filter((r) => r.frames === f && keep(r));
    if (col.length === 0) return { frames: f, faults: Number.NaN, policies: [] };
    const min = Math.min(...col.map((r) => r.faults));
    return { frames: f, faults: min, policies: col.filter((r) => r.faults === min).map((r) => r.policy) };
  });
}

/** A run of a policy that reads the future (OPT): a bound, not a policy one can build. */
export function isOracle(r: RunResult): boolean {
  return needsFuture(r.policy);
}

/**
 * Belady's anomaly in a sweep: for each policy (in `policies` order), every pair of neighbouring
 * frame counts where the larger one faults more. `runs` frames-major as sweepRuns returns them.
 */
export function beladyRises(
  policies: readonly string[],
  frames: readonly number[],
  runs: readonly RunResult[],
): BeladyRise[] {
  const out: BeladyRise[] = [];
  for (let j = 0; j < policies.length; j++) {
    for (let i = 1; i < frames.length; i++) {
      const a = runs[(i - 1) * policies.length + j]!;
      const b = runs[i * policies.length + j]!;
      if (b.faults > a.faults)
        out.push({
          policy: b.policy,
          frames: a.frames,
          faults: a.faults,
          moreFrames: b.frames,
          moreFaults: b.faults,
        });
    }
  }
  return out;
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
  return {
    workload,
    policies,
    frames,
    runs,
    best: bestPerFrames(runs, frames),
    bestBuildable: bestPerFrames(runs, frames, (r) => !isOracle(r)),
    anomalies: beladyRises(policies, frames, runs),
  };
}

/** Columns for a table: the terminal's width on a TTY, else 80. */
export function tableWidth(io: CliIo): number {
  const columns = io.stdout.isTTY === true ? io.stdout.columns : undefined;
  return columns !== undefined && columns > 0 ? columns : 80;
}

/** Text wrapped at spaces to lines of at most `width` columns. */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") out.push(line);
  return out.join("\n");
}

/** Visible length of a string (colour codes removed). */
function visible(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour escape sequences
  return text.replace(/\x1b\[[0-9;]*m/g, "").length;
}

/**
 * The student's table: one row per policy, one column per frame count, each cell the faults. ★
 * marks the fewest faults among the policies that can be built; OPT (an oracle: it reads the
 * future) is shown as the bound and never starred. ▲ marks a cell with more faults than the frame
 * count before it: Belady's anomaly, listed under the table. The columns are split into several
 * tables, each with the policy column, so that every line fits `width` columns (tableWidth).
 */
export function renderSweepTable(io: CliIo, s: SweepResult, width = tableWidth(io)): string {
  const c = colorsFor(io);
  const oracle = (j: number) => isOracle(runAt(s, j, 0));
  const label = (j: number) => (oracle(j) ? `${runAt(s, j, 0).policy} (bound)` : runAt(s, j, 0).policy);
  const rises = new Set(s.anomalies.map((a) => `${a.policy}@${a.moreFrames}`));
  const cell = (j: number, i: number): string => {
    const r = runAt(s, j, i);
    const best = !oracle(j) && s.bestBuildable[i]!.policies.includes(r.policy);
    const rise = rises.has(`${r.policy}@${r.frames}`);
    const text = `${fmtInt(r.faults)}${best ? " ★" : ""}${rise ? " ▲" : ""}`;
    if (rise) return c.red(c.bold(text));
    if (best) return c.green(c.bold(text));
    return oracle(j) ? c.dim(text) : text;
  };
  const cells = s.policies.map((_, j) => s.frames.map((_f, i) => cell(j, i)));
  const heads = s.frames.map((f) => `${fmtInt(f)} frame${f === 1 ? "" : "s"}`);
  // A column takes its widest text, one space either side and a border.
  const policyWidth = Math.max(6, ...s.policies.map((_, j) => label(j).length)) + 3;
  const colWidth = s.frames.map(
    (_, i) => Math.max(heads[i]!.length, ...cells.map((row) => visible(row[i]!))) + 3,
  );
  const groups: number[][] = [];
  let group: number[] = [];
  let used = policyWidth + 1;
  for (let i = 0; i < s.frames.length; i++) {
    if (group.length > 0 && used + colWidth[i]! > width) {
      groups.push(group);
      group = [];
      used = policyWidth + 1;
    }
    group.push(i);
    used += colWidth[i]!;
  }
  if (group.length > 0) groups.push(group);
  const tables = groups.map((g) => {
    // A rule under the header only: body rows are one line each.
    const t = new Table({
      head: ["policy", ...g.map((i) => heads[i]!)].map((h) => c.bold(h)),
      style: { head: [], border: [], compact: true },
      colAligns: ["left", ...g.map(() => "right" as const)],
    });
    for (let j = 0; j < s.policies.length; j++)
      t.push([oracle(j) ? c.dim(label(j)) : c.bold(label(j)), ...g.map((i) => cells[j]![i]!)]);
    return t.toString();
  });
  const noteWidth = Math.min(width, 100) - 1;
  const notes = [
    `Faults per policy and frame count (miss ratio = faults / ${fmtInt(s.workload.references)} references; --json and --csv give both). ★ fewest faults among the policies that can be built.`,
  ];
  if (s.policies.some((_, j) => oracle(j)))
    notes.push("opt (bound): Belady's MIN reads the future, an oracle; no buildable policy faults less.");
  const shown = s.anomalies.slice(0, 10);
  for (const a of shown)
    notes.push(
      `▲ Belady's anomaly: ${a.policy} faults more with ${fmtInt(a.moreFrames)} frames (${fmtInt(a.moreFaults)}) than with ${fmtInt(a.frames)} (${fmtInt(a.faults)}).`,
    );
  if (s.anomalies.length > shown.length)
    notes.push(
      `▲ … and ${s.anomalies.length - shown.length} more rises (--json lists them all under "anomalies").`,
    );
  return `${tables.join("\n\n")}\n${notes.map((n) => wrapText(n, noteWidth)).join("\n")}\n`;
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
    "workload, policies, frames, runs[] (each as in run --json), best[], bestBuildable[] (OPT left out: the ★ of the table), anomalies[] (Belady's: policy, frames, faults, moreFrames, moreFaults); several traces: traces[], policies, sizes, baseline, rows[] (a run with trace, size, missRatioReduction), aggregate[]",
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
