// A sweep as independent tasks, for an existing scheduler (a Slurm job array, a Kubernetes Indexed
// Job) rather than our own: a task is one (trace, policy, size) run, numbered from 1 in the order
// trace, size, policy. `sweep … --plan tasks.jsonl` writes them; `sweep … --shard K/N --out DIR`
// runs the K-th of N contiguous blocks of them (K from 1), grouped per trace so that each trace is
// read in one streaming pass, and writes one file per finished task into DIR (temp file and rename:
// a file there is whole). A rerun skips the tasks whose files exist; a failed task leaves a
// `.failed.json` naming it and why. `pagewise merge DIR` reads them back and prints exactly what
// the single-machine sweep prints with the same options.

import fs from "node:fs";
import path from "node:path";
import { InvalidArgumentError } from "commander";
import { writeOutputFile } from "../node/output-file.js";
import { PagewiseError } from "../src/index.js";
import type { RunResult } from "./engine.js";
import { classifyError, IoError, UsageError } from "./errors.js";
import type { CliIo } from "./io.js";
import type { OutputMode } from "./output.js";
import { type SizeSpec, sizeText } from "./sizes.js";
import {
  allPairs,
  type SetResults,
  type SweepCell,
  sweepWorkload,
  traceOptions,
  type WorkloadInfo,
} from "./trace-set.js";
import type { WorkloadOptions } from "./workload.js";

/** The manifest's file in an --out directory. */
export const PLAN_FILE = "sweep-plan.json";
const PLAN_FORMAT = "pagewise-sweep-plan/1";

/** What a sweep is, independent of how it is run: written into --out DIR and read by merge. */
export interface SweepPlan {
  format: typeof PLAN_FORMAT;
  /** "single": the one-trace output; "set": several traces with reductions against `baseline`. */
  mode: "single" | "set";
  /** Each workload's label (a trace's path as given) and the options that read it. */
  workloads: { label: string; options: WorkloadOptions }[];
  policies: string[];
  sizes: string[];
  baseline: string | null;
  tasks: number;
}

/** One task: indexes into the plan's workloads, policies and sizes; `id` counts from 1. */
export interface Task {
  id: number;
  trace: number;
  policy: number;
  size: number;
}

/** A finished task as written into DIR. */
export interface TaskResult {
  task: number;
  trace: number;
  policy: number;
  size: number;
  workload: WorkloadInfo;
  frames: number;
  run: RunResult;
}

/** The options of a workload that change its references (copied into the plan). */
const WORKLOAD_KEYS = [
  "refs",
  "trace",
  "format",
  "gen",
  "pageSize",
  "limit",
  "skipBad",
  "unitSize",
  "csvParams",
] as const;

/** A plan from the sweep's options: one workload per trace (or the --refs/--gen one). */
export function makePlan(
  opts: WorkloadOptions,
  traces: readonly string[] | null,
  policies: readonly string[],
  sizes: readonly SizeSpec[],
  baseline: string | null,
): SweepPlan {
  const base: WorkloadOptions = {};
  for (const k of WORKLOAD_KEYS)
    if (k !== "trace" && opts[k] !== undefined) (base as Record<string, unknown>)[k] = opts[k];
  const workloads =
    traces === null
      ? [{ label: opts.refs !== undefined ? "refs" : (opts.gen ?? ""), options: base }]
      : traces.map((t) => ({ label: t, options: traceOptions(base, t) }));
  const mode = workloads.length > 1 ? "set" : "single";
  return {
    format: PLAN_FORMAT,
    mode,
    workloads,
    policies: [...policies],
    sizes: sizes.map(sizeText),
    baseline: mode === "set" ? baseline : null,
    tasks: workloads.length * sizes.length * policies.length,
  };
}

/** Every task of a plan, numbered from 1: trace major, then size, then policy. */
export function planTasks(plan: SweepPlan): Task[] {
  const out: Task[] = [];
  for (let t = 0; t < plan.workloads.length; t++)
    for (const p of allPairs(plan.policies.length, plan.sizes.length))
      out.push({ id: out.length + 1, trace: t, policy: p.policy, size: p.size });
  return out;
}

/** The tasks of shard K of N: a contiguous block, [floor((K−1)T/N), floor(KT/N)). */
export function shardTasks(tasks: readonly Task[], k: number, n: number): Task[] {
  const lo = Math.floor(((k - 1) * tasks.length) / n);
  const hi = Math.floor((k * tasks.length) / n);
  return tasks.slice(lo, hi);
}

/**
 * Parses --shard: "K/N" (1 ≤ K ≤ N), or "auto" / "auto/N" reading the scheduler's index:
 * Slurm's SLURM_ARRAY_TASK_ID counted from SLURM_ARRAY_TASK_MIN (so --array=1-4 and 0-3 both work),
 * N = SLURM_ARRAY_TASK_COUNT; Kubernetes' JOB_COMPLETION_INDEX, which counts from 0 (K = index + 1),
 * with N from "auto/N" (a pod is not told the number of completions).
 */
export function parseShard(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { k: number; n: number } {
  const int = (s: string | undefined, what: string): number => {
    if (s === undefined || !/^\d+$/.test(s.trim()))
      throw new UsageError(`--shard ${text}: ${what} is "${s ?? ""}", not a whole number`);
    return Number(s.trim());
  };
  const m = /^\s*(auto|\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new UsageError(`--shard "${text}": expected K/N (K from 1 to N), auto or auto/N`);
  let k: number;
  let n: number | undefined = m[2] !== undefined ? Number(m[2]) : undefined;
  if (m[1] === "auto") {
    if (env.SLURM_ARRAY_TASK_ID !== undefined) {
      const id = int(env.SLURM_ARRAY_TASK_ID, "SLURM_ARRAY_TASK_ID");
      const min = int(env.SLURM_ARRAY_TASK_MIN ?? "0", "SLURM_ARRAY_TASK_MIN");
      k = id - min + 1;
      const count = env.SLURM_ARRAY_TASK_COUNT;
      if (count !== undefined) {
        const c = int(count, "SLURM_ARRAY_TASK_COUNT");
        if (n !== undefined && n !== c)
          throw new UsageError(
            `--shard ${text}: the Slurm array has ${c} tasks (SLURM_ARRAY_TASK_COUNT), not ${n}`,
          );
        n = c;
      }
      if (n === undefined)
        throw new UsageError(`--shard auto: SLURM_ARRAY_TASK_COUNT is not set; give --shard auto/N`);
    } else if (env.JOB_COMPLETION_INDEX !== undefined) {
      k = int(env.JOB_COMPLETION_INDEX, "JOB_COMPLETION_INDEX") + 1;
      if (n === undefined)
        throw new UsageError(
          "--shard auto: with JOB_COMPLETION_INDEX give the number of completions, --shard auto/N",
        );
    } else {
      throw new UsageError("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set");
    }
  } else {
    k = Number(m[1]);
    if (n === undefined) throw new UsageError(`--shard "${text}": expected K/N, e.g. 1/4`);
  }
  if (!(n >= 1) || n > 1_000_000)
    throw new UsageError(`--shard ${text}: N must be from 1 to 1000000, got ${n}`);
  if (!(k >= 1 && k <= n)) throw new UsageError(`--shard ${text}: K must be from 1 to ${n}, got ${k}`);
  return { k, n };
}

/** Commander's parser for --shard: the syntax only (auto's variables are read when the shard runs). */
export function parseShardOption(text: string): string {
  if (!/^\s*(auto|\d+)\s*(\/\s*\d+\s*)?$/.test(text) || /^\s*\d+\s*$/.test(text))
    throw new InvalidArgumentError(`"${text}": expected K/N (K from 1 to N), auto or auto/N`);
  return text;
}

/** The plan's tasks as JSON lines: id, trace, policy, size (with the totals on every line). */
export function planLines(plan: SweepPlan): string {
  return planTasks(plan)
    .map(
      (t) =>
        `${JSON.stringify({
          task: t.id,
          of: plan.tasks,
          trace: plan.workloads[t.trace]!.label,
          policy: plan.policies[t.policy],
          size: plan.sizes[t.size],
        })}\n`,
    )
    .join("");
}

function taskFile(dir: string, id: number, failed = false): string {
  return path.join(dir, `task-${String(id).padStart(6, "0")}${failed ? ".failed" : ""}.json`);
}

/** A task that failed: which and why. */
export class ShardFailedError extends PagewiseError {
  static readonly code = "SHARD_FAILED";
  constructor(message: string, failed: number[]) {
    super(ShardFailedError.code, message, { failed });
  }
}

/** Merge found tasks without results. */
export class MissingTasksError extends PagewiseError {
  static readonly code = "TASKS_MISSING";
  constructor(message: string, missing: number[]) {
    super(MissingTasksError.code, message, { missing });
  }
}

/** A directory's manifest, or null when there is none. */
function readPlan(dir: string): SweepPlan | null {
  const file = path.join(dir, PLAN_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const plan = JSON.parse(text) as SweepPlan;
    if (plan.format !== PLAN_FORMAT) throw new Error(`format is ${JSON.stringify(plan.format)}`);
    return plan;
  } catch (e) {
    throw new ShardFailedError(`${file} is not a pagewise sweep plan (${(e as Error).message})`, []);
  }
}

/**
 * Runs shard K of N of a plan into `dir`: writes the manifest (or checks it is this sweep's),
 * skips finished tasks, runs the rest grouped per workload, writes each result atomically.
 * Throws ShardFailedError naming the failed tasks (after running all it could).
 */
export async function runShard(
  io: CliIo,
  plan: SweepPlan,
  sizes: readonly SizeSpec[],
  k: number,
  n: number,
  dir: string,
): Promise<void> {
  const absDir = path.resolve(io.cwd, dir);
  try {
    fs.mkdirSync(absDir, { recursive: true });
  } catch (e) {
    throw new IoError(`--out ${dir}: ${classifyError(e).message}`);
  }
  const existing = readPlan(absDir);
  const planText = `${JSON.stringify(plan, null, 2)}\n`;
  if (existing === null) writeOutputFile(path.join(absDir, PLAN_FILE), planText);
  else if (`${JSON.stringify(existing, null, 2)}\n` !== planText)
    throw new UsageError(
      `--out ${dir} holds the results of another sweep (other traces, policies, sizes or options): give a new directory`,
    );
  const mine = shardTasks(planTasks(plan), k, n);
  const pending = mine.filter((t) => !isDone(absDir, t.id));
  const range = mine.length === 0 ? "no task" : `tasks ${mine[0]!.id}-${mine[mine.length - 1]!.id}`;
  io.stderr.write(
    `shard ${k}/${n}: ${range} of ${plan.tasks}; ${mine.length - pending.length} already done, ${pending.length} to run\n`,
  );
  const failed: number[] = [];
  const byTrace = new Map<number, Task[]>();
  for (const t of pending) byTrace.set(t.trace, [...(byTrace.get(t.trace) ?? []), t]);
  for (const [trace, tasks] of byTrace) {
    const w = plan.workloads[trace]!;
    try {
      const { workload, cells } = await sweepWorkload(
        io,
        w.options,
        plan.policies,
        sizes,
        tasks.map((t) => ({ policy: t.policy, size: t.size })),
        `shard ${k}/${n}`,
      );
      tasks.forEach((t, i) => {
        const c = cells[i]!;
        const result: TaskResult = {
          task: t.id,
          trace: t.trace,
          policy: t.policy,
          size: t.size,
          workload,
          frames: c.frames,
          run: c.run,
        };
        writeOutputFile(taskFile(absDir, t.id), `${JSON.stringify(result)}\n`);
        fs.rmSync(taskFile(absDir, t.id, true), { force: true });
      });
    } catch (e) {
      const why = classifyError(e).message;
      for (const t of tasks) {
        failed.push(t.id);
        writeOutputFile(
          taskFile(absDir, t.id, true),
          `${JSON.stringify({ task: t.id, trace: w.label, policy: plan.policies[t.policy], size: plan.sizes[t.size], error: why })}\n`,
        );
      }
      io.stderr.write(
        `pagewise: tasks ${idRanges(tasks.map((t) => t.id))} of ${plan.tasks} (trace ${w.label}) failed: ${why}\n`,
      );
    }
  }
  if (failed.length > 0)
    throw new ShardFailedError(
      `shard ${k}/${n}: ${failed.length} of ${mine.length} tasks failed (${idRanges(failed)}; see above); the others are in ${dir}, and a rerun runs only what is missing`,
      failed,
    );
}

function isDone(dir: string, id: number): boolean {
  try {
    const r = JSON.parse(fs.readFileSync(taskFile(dir, id), "utf8")) as TaskResult;
    return r.task === id;
  } catch {
    return false;
  }
}

/** "1-3, 7, 9-10" for sorted ids. */
export function idRanges(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(i === j ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

/** Reads a shard directory: the plan and every task's result; MissingTasksError names what is not there. */
export function readShardDir(dir: string, cwd: string): { plan: SweepPlan; results: TaskResult[] } {
  const absDir = path.resolve(cwd, dir);
  let plan: SweepPlan | null;
  try {
    plan = readPlan(absDir);
  } catch (e) {
    if (e instanceof ShardFailedError) throw e;
    throw new MissingTasksError(`${dir}: ${classifyError(e).message}`, []);
  }
  if (plan === null)
    throw new MissingTasksError(`${dir} holds no ${PLAN_FILE}: not the --out directory of sweep --shard`, []);
  const results: TaskResult[] = [];
  const missing: number[] = [];
  const reasons = new Map<string, number[]>();
  for (const t of planTasks(plan)) {
    let r: TaskResult | null = null;
    try {
      r = JSON.parse(fs.readFileSync(taskFile(absDir, t.id), "utf8")) as TaskResult;
    } catch {
      r = null;
    }
    if (r === null || r.task !== t.id || r.trace !== t.trace || r.policy !== t.policy || r.size !== t.size) {
      missing.push(t.id);
      try {
        const f = JSON.parse(fs.readFileSync(taskFile(absDir, t.id, true), "utf8")) as { error: string };
        reasons.set(f.error, [...(reasons.get(f.error) ?? []), t.id]);
      } catch {
        // not run yet
      }
      continue;
    }
    results.push(r);
  }
  if (missing.length > 0)
    throw new MissingTasksError(
      `${dir}: ${missing.length} of ${plan.tasks} tasks have no result (${idRanges(missing)})` +
        (reasons.size > 0
          ? `; ${[...reasons].map(([why, ids]) => `${ids.length === 1 ? "task" : "tasks"} ${idRanges(ids)} failed: ${why}`).join("; ")}`
          : "; their shards have not run or not finished") +
        "; rerun those shards (a rerun runs only what is missing)",
      missing,
    );
  return { plan, results };
}

/** A set's results from task results (the set sweep's own, or merge's). */
export function setFromResults(plan: SweepPlan, results: readonly TaskResult[]): SetResults<SweepCell> {
  const workloads = new Map<number, WorkloadInfo>();
  for (const r of results) workloads.set(r.trace, r.workload);
  return {
    traces: plan.workloads.map((w, t) => ({ label: w.label, workload: workloads.get(t)! })),
    policies: plan.policies,
    sizes: plan.sizes,
    baseline: plan.baseline ?? plan.policies[0]!,
    cells: results.map((r) => ({
      trace: r.trace,
      policy: r.policy,
      size: r.size,
      frames: r.frames,
      faults: r.run.faults,
      missRatio: r.run.missRatio,
      run: r.run,
    })),
  };
}

/** Runs every task of a plan in this process (a set sweep) and returns the results. */
export async function runAll(io: CliIo, plan: SweepPlan, sizes: readonly SizeSpec[]): Promise<TaskResult[]> {
  const out: TaskResult[] = [];
  for (let t = 0; t < plan.workloads.length; t++) {
    const pairs = allPairs(plan.policies.length, plan.sizes.length);
    const label = plan.workloads.length > 1 ? `sweep ${t + 1}/${plan.workloads.length}` : "sweep";
    const { workload, cells } = await sweepWorkload(
      io,
      plan.workloads[t]!.options,
      plan.policies,
      sizes,
      pairs,
      label,
    );
    cells.forEach((c, i) => {
      out.push({
        task: out.length + 1,
        trace: t,
        policy: pairs[i]!.policy,
        size: pairs[i]!.size,
        workload,
        frames: c.frames,
        run: c.run,
      });
    });
  }
  return out;
}

export type { OutputMode };

/** Prints a plan's results as the sweep does: the single-trace output, or the set's. */
export async function printSweepResults(
  io: CliIo,
  mode: OutputMode,
  plan: SweepPlan,
  results: readonly TaskResult[],
): Promise<void> {
  const { printSweep, sweepResult } = await import("./commands/sweep.js");
  const { RUN_CSV_FIELDS, runRecord } = await import("./commands/run.js");
  if (plan.mode === "single") {
    const frames = [...new Set(results.map((r) => r.frames))].sort((a, b) => a - b);
    const at = new Map<string, RunResult>();
    for (const r of results) at.set(`${r.policy}/${r.frames}`, r.run);
    const runs = frames.flatMap((f) => plan.policies.map((_, j) => at.get(`${j}/${f}`)!));
    printSweep(io, mode, sweepResult(results[0]!.workload, plan.policies, frames, runs));
    return;
  }
  const { printSet, sweepSetCsvFields } = await import("./trace-set.js");
  printSet(
    io,
    mode,
    setFromResults(plan, results),
    (c, m) => (m === "csv" ? runRecord(c.run) : { ...c.run }),
    sweepSetCsvFields(RUN_CSV_FIELDS),
  );
}

/** What sweep's --plan, --shard and --out ask for. */
export interface ShardOptions {
  plan?: string;
  shard?: string;
  out?: string;
  report?: string;
  json?: boolean;
  csv?: boolean;
}

/**
 * `sweep --plan FILE` (writes the tasks, runs nothing) or `sweep --shard K/N --out DIR` (runs a
 * shard). `plan` is the sweep's plan; `sizes` its --frames (required: the default frame counts of
 * one trace depend on it, so they are not known before reading it).
 */
export async function sweepTasksCommand(
  io: CliIo,
  opts: ShardOptions,
  plan: SweepPlan,
  sizes: readonly SizeSpec[] | undefined,
): Promise<void> {
  if (opts.plan !== undefined && (opts.shard !== undefined || opts.out !== undefined))
    throw new UsageError("give --plan FILE or --shard K/N --out DIR, not both");
  if (opts.shard !== undefined && opts.out === undefined)
    throw new UsageError("--shard needs --out DIR: the directory its results go to");
  if (opts.out !== undefined && opts.shard === undefined)
    throw new UsageError("--out DIR goes with --shard K/N");
  if (opts.report !== undefined)
    throw new UsageError("--report takes a sweep on one machine, not --plan or --shard");
  if (opts.json || opts.csv)
    throw new UsageError("--json and --csv go to pagewise merge DIR, which prints the sweep's results");
  if (sizes === undefined)
    throw new UsageError(
      "--plan and --shard need --frames: the default frame counts depend on the trace (give counts, sizes, or shares such as 0.1%,1%,10%)",
    );
  if (opts.plan !== undefined) {
    const where = writeOutputFile(opts.plan, planLines(plan), { cwd: io.cwd });
    io.stderr.write(`${plan.tasks} ${plan.tasks === 1 ? "task" : "tasks"} written to ${where}\n`);
    return;
  }
  const { k, n } = parseShard(opts.shard!, io.env);
  await runShard(io, plan, sizes, k, n, opts.out!);
}
