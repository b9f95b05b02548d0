// Traces as a set for `sweep` and `mrc`: `--trace` given several times, a directory (its files) or a
// glob (`traces/*.oracleGeneral.zst`, quoted so the shell leaves it). One trace keeps the command's
// single-trace output; several give rows per (trace, policy, size) and, over the traces, the mean
// and percentiles of each policy's miss-ratio reduction against a baseline policy,
// (baseline − policy) / baseline, as the policy papers report it (S3-FIFO and SIEVE against FIFO).
// Sizes are the --frames list resolved per trace (0.1%,1%,10% of each trace's distinct pages by
// default), so the k-th size of every trace is comparable.

import fs from "node:fs";
import path from "node:path";
import { DenseIdsSink, feed, PageIds, type ReferenceSource, simulateMany } from "../src/index.js";
import { policyIdOf, type RunResult, replayRunResult } from "./engine.js";
import { IoError, UsageError } from "./errors.js";
import { type CliIo, colorsFor } from "./io.js";
import { fmtInt, fmtPct, type OutputMode, renderTable, writeCsv, writeJson } from "./output.js";
import { Progress } from "./progress.js";
import { parseSizeList, resolveFrames, type SizeSpec, sizeText } from "./sizes.js";
import { openSource, type WorkloadOptions } from "./workload.js";

/** Sizes of a set when --frames is not given: shares of each trace's distinct pages. */
export const DEFAULT_SET_SIZES = "0.1%,1%,10%";

/** The baseline policy of the reductions when --baseline is not given. */
export const DEFAULT_BASELINE = "fifo";

/** Percentiles of the reductions reported over the traces. */
export const PERCENTILES = [10, 25, 50, 75, 90] as const;

/** Commander's collector for a repeatable --trace. */
export function collectTraces(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The --trace values with directories and globs expanded, in order, each path once. */
export function expandTraces(items: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    const key = path.resolve(cwd, p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const item of items) {
    if (item === "-") {
      if (items.length > 1) throw new UsageError("--trace -: standard input is one trace, not part of a set");
      add(item);
    } else if (/[*?[]/.test(item)) {
      const found = globFiles(item, cwd);
      if (found.length === 0) throw new IoError(`--trace ${item}: no file matches the pattern`);
      for (const f of found) add(f);
    } else if (isDirectory(path.resolve(cwd, item))) {
      const files = fs
        .readdirSync(path.resolve(cwd, item), { withFileTypes: true })
        .filter((e) => !e.name.startsWith(".") && isFile(path.resolve(cwd, item, e.name)))
        .map((e) => e.name)
        .sort();
      if (files.length === 0) throw new IoError(`--trace ${item}: the directory holds no file`);
      for (const f of files) add(path.join(item, f));
    } else {
      add(item);
    }
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The files a pattern names: `*` any characters but `/`, `?` one, `[abc]`/`[a-z]` a class, `**` any
 * number of directories; sorted. Hidden entries match only a pattern part that starts with `.`.
 */
export function globFiles(pattern: string, cwd: string): string[] {
  const absolute = path.isAbsolute(pattern);
  const parts = pattern.split("/").filter((p, i) => p !== "" || i === 0);
  const start = absolute ? "/" : "";
  if (absolute) parts.shift();
  const out: string[] = [];
  const walk = (dir: string, i: number): void => {
    if (i === parts.length) {
      if (isFile(path.resolve(cwd, dir))) out.push(dir);
      return;
    }
    const part = parts[i]!;
    const here = dir === "" ? "." : dir;
    const join = (name: string) => (dir === "" ? name : dir === "/" ? `/${name}` : `${dir}/${name}`);
    if (!/[*?[]/.test(part)) {
      walk(join(part), i + 1);
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.resolve(cwd, here), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (part === "**") {
      walk(dir, i + 1);
      for (const e of entries)
        if (!e.name.startsWith(".") && isDirectory(path.resolve(cwd, join(e.name)))) walk(join(e.name), i);
      return;
    }
    const re = globPartRegExp(part);
    for (const e of entries) {
      if (e.name.startsWith(".") && !part.startsWith(".")) continue;
      if (re.test(e.name)) walk(join(e.name), i + 1);
    }
  };
  walk(start, 0);
  return [...new Set(out)].sort();
}

function globPartRegExp(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const ch = part[i]!;
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = part
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The miss-ratio reduction of a policy against the baseline: (base − mr) / base; 0 when base is 0. */
export function reduction(baseline: number, missRatio: number): number {
  return baseline === 0 ? 0 : (baseline - missRatio) / baseline;
}

/** The q-th percentile (0..100) of sorted values, interpolated linearly between ranks. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** A workload as the JSON of sweep and mrc describe it. */
export interface WorkloadInfo {
  name: string;
  source: string;
  pageSize: number;
  references: number;
  distinctPages: number;
}

/** One result of a set: a (trace, policy, size) cell. */
export interface SetCell {
  trace: number;
  policy: number;
  size: number;
  frames: number;
  faults: number;
  missRatio: number;
}

/** A set's results: the traces, the policies and sizes, the cells and the baseline. */
export interface SetResults<C extends SetCell> {
  traces: { label: string; workload: WorkloadInfo }[];
  policies: string[];
  sizes: string[];
  baseline: string;
  cells: C[];
}

/** The reductions of one policy at one size over the traces. */
export interface AggregateRow {
  policy: string;
  size: string;
  traces: number;
  mean: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

/** Mean and percentiles of each policy's reduction against the baseline, per size, policies in order. */
export function aggregate<C extends SetCell>(s: SetResults<C>): AggregateRow[] {
  const b = s.policies.indexOf(s.baseline);
  const at = new Map<string, C>();
  for (const c of s.cells) at.set(`${c.trace}/${c.policy}/${c.size}`, c);
  const out: AggregateRow[] = [];
  for (let k = 0; k < s.sizes.length; k++) {
    for (let j = 0; j < s.policies.length; j++) {
      if (j === b) continue;
      const xs: number[] = [];
      for (let t = 0; t < s.traces.length; t++) {
        const base = at.get(`${t}/${b}/${k}`);
        const mine = at.get(`${t}/${j}/${k}`);
        if (base && mine) xs.push(reduction(base.missRatio, mine.missRatio));
      }
      xs.sort((x, y) => x - y);
      const mean = xs.length === 0 ? Number.NaN : xs.reduce((a, x) => a + x, 0) / xs.length;
      const [p10, p25, p50, p75, p90] = PERCENTILES.map((q) => percentile(xs, q)) as [
        number,
        number,
        number,
        number,
        number,
      ];
      out.push({
        policy: s.policies[j]!,
        size: s.sizes[k]!,
        traces: xs.length,
        mean,
        p10,
        p25,
        p50,
        p75,
        p90,
      });
    }
  }
  return out;
}

/** The policies with the baseline appended when --policies leaves it out. */
export function withBaseline(policies: readonly string[], baseline: string): string[] {
  policyIdOf(baseline);
  return policies.includes(baseline) ? [...policies] : [...policies, baseline];
}

/** The --frames list of a set (the default shares when none is given). */
export function setSizes(frames: readonly SizeSpec[] | undefined): SizeSpec[] {
  return frames ? [...frames] : parseSizeList(DEFAULT_SET_SIZES);
}

/** A size resolved for a trace; a size that holds no frame is a usage error naming --frames. */
export function framesFor(spec: SizeSpec, pageSize: number, distinct: number): number {
  try {
    return resolveFrames(spec, pageSize, distinct);
  } catch (e) {
    throw new UsageError(`--frames: ${(e as Error).message}`);
  }
}

/** The workload options of one trace of a set. */
export function traceOptions<O extends WorkloadOptions>(opts: O, trace: string): O {
  return { ...opts, trace };
}

/** A sweep cell: the run of a (trace, policy, size). */
export interface SweepCell extends SetCell {
  run: RunResult;
}

/**
 * Replays the (policy, size) pairs asked for on one workload: a decoding pass for the distinct
 * pages (the sizes' shares and the workload's facts), then one streaming pass for every distinct
 * (policy, frames) run. Pairs are indexes into `policies` and `sizes`.
 */
export async function sweepWorkload(
  io: CliIo,
  opts: WorkloadOptions,
  policies: readonly string[],
  sizes: readonly SizeSpec[],
  pairs: readonly { policy: number; size: number }[],
  label: string,
): Promise<{ workload: WorkloadInfo; cells: Omit<SweepCell, "trace">[] }> {
  const src = await openSource(opts, io);
  try {
    const distinctAndCount = await countPass(src.source, opts.limit);
    const distinct = distinctAndCount.distinct;
    const frames = sizes.map((s) => framesFor(s, src.pageSize, distinct));
    const specs: { policy: string; frames: number }[] = [];
    const index = new Map<string, number>();
    for (const p of pairs) {
      const key = `${p.policy}/${frames[p.size]}`;
      if (!index.has(key)) {
        index.set(key, specs.length);
        specs.push({ policy: policies[p.policy]!, frames: frames[p.size]! });
      }
    }
    const total = src.expected ?? 0;
    const bar = new Progress(io, `${label}: ${specs.length} runs`, total);
    let results: RunResult[];
    try {
      const r = await simulateMany(src.source, specs, {
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        ...(src.expected !== null ? { expectedReferences: src.expected } : {}),
        ...(src.distinct !== null ? { distinctPages: src.distinct } : {}),
        ...(total > 0 ? { onProgress: (d: number) => bar.update(d) } : {}),
      });
      results = r.results.map((x, i) => replayRunResult(x, specs[i]!.frames, src.pageSize));
    } finally {
      bar.stop();
    }
    return {
      workload: {
        name: src.name,
        source: src.sourceText,
        pageSize: src.pageSize,
        references: distinctAndCount.references,
        distinctPages: distinct,
      },
      cells: pairs.map((p) => {
        const run = results[index.get(`${p.policy}/${frames[p.size]}`)!]!;
        return {
          policy: p.policy,
          size: p.size,
          frames: frames[p.size]!,
          faults: run.faults,
          missRatio: run.missRatio,
          run,
        };
      }),
    };
  } finally {
    src.close();
  }
}

/** The references and distinct pages of a source (one decoding pass). */
async function countPass(
  source: ReferenceSource,
  limit: number | undefined,
): Promise<{ references: number; distinct: number }> {
  const ids = new PageIds();
  const counts = await feed(source, new DenseIdsSink(ids, () => {}), limit !== undefined ? { limit } : {});
  return { references: counts.references, distinct: ids.size };
}

/** Every (policy, size) pair, sizes major (the order of a sweep's runs). */
export function allPairs(policies: number, sizes: number): { policy: number; size: number }[] {
  const out: { policy: number; size: number }[] = [];
  for (let k = 0; k < sizes; k++) for (let j = 0; j < policies; j++) out.push({ policy: j, size: k });
  return out;
}

/** The CSV columns of a set sweep: the trace and size, a run's columns, the reduction. */
export function sweepSetCsvFields(runFields: readonly string[]): string[] {
  return ["trace", "size", ...runFields, "baseline", "missRatioReduction"];
}

/** Each cell's reduction against the baseline of its trace and size. */
export function cellReductions<C extends SetCell>(s: SetResults<C>): Map<C, number> {
  const b = s.policies.indexOf(s.baseline);
  const base = new Map<string, number>();
  for (const c of s.cells) if (c.policy === b) base.set(`${c.trace}/${c.size}`, c.missRatio);
  const out = new Map<C, number>();
  for (const c of s.cells) {
    const m = base.get(`${c.trace}/${c.size}`);
    out.set(c, m === undefined ? Number.NaN : reduction(m, c.missRatio));
  }
  return out;
}

/** Cells in output order: trace, then size, then policy. */
export function orderedCells<C extends SetCell>(cells: readonly C[]): C[] {
  return [...cells].sort((a, b) => a.trace - b.trace || a.size - b.size || a.policy - b.policy);
}

/**
 * Prints a set's results: --json (traces, policies, sizes, baseline, rows per (trace, policy,
 * size), aggregate), --csv (a row per (trace, policy, size)), or per-trace tables of miss ratios
 * and the table of reductions over the traces.
 */
export function printSet<C extends SetCell>(
  io: CliIo,
  mode: OutputMode,
  s: SetResults<C>,
  row: (c: C, mode: OutputMode) => Record<string, unknown>,
  csvFields: readonly string[],
): void {
  const red = cellReductions(s);
  const cells = orderedCells(s.cells);
  const rows = cells.map((c) => ({
    trace: s.traces[c.trace]!.label,
    size: s.sizes[c.size]!,
    ...row(c, mode),
    baseline: s.baseline,
    missRatioReduction: red.get(c)!,
  }));
  const agg = aggregate(s);
  if (mode === "json") {
    writeJson(io, {
      traces: s.traces.map((t) => ({ trace: t.label, ...t.workload })),
      policies: s.policies,
      sizes: s.sizes,
      baseline: s.baseline,
      rows,
      aggregate: agg,
    });
    return;
  }
  if (mode === "csv") {
    writeCsv(io, csvFields, rows as Record<string, string | number>[]);
    return;
  }
  const c = colorsFor(io);
  const at = new Map<string, C>();
  for (const x of s.cells) at.set(`${x.trace}/${x.policy}/${x.size}`, x);
  for (let t = 0; t < s.traces.length; t++) {
    const w = s.traces[t]!.workload;
    io.stdout.write(
      `${s.traces[t]!.label}: ${fmtInt(w.references)} references, ${fmtInt(w.distinctPages)} distinct pages\n`,
    );
    const body = s.sizes.map((size, k) => {
      const line = s.policies.map((_, j) => at.get(`${t}/${j}/${k}`));
      const best = Math.min(...line.map((x) => x?.faults ?? Number.POSITIVE_INFINITY));
      const frames = line.find((x) => x !== undefined)?.frames;
      return [
        frames === undefined || String(frames) === size ? size : `${size} = ${fmtInt(frames)}`,
        ...line.map((x) => {
          if (x === undefined) return "—";
          const text = fmtPct(x.missRatio, 1);
          return x.faults === best && s.policies.length > 1 ? c.green(text) : text;
        }),
      ];
    });
    io.stdout.write(`${renderTable(c, ["size (frames)", ...s.policies], body)}\n`);
  }
  io.stdout.write(
    `\nMiss-ratio reduction against ${s.baseline} over ${s.traces.length} traces: (${s.baseline} − policy) / ${s.baseline}, above 0 is fewer misses\n`,
  );
  const pct = (x: number) => (Number.isFinite(x) ? fmtPct(x, 1) : "—");
  const aggRows = agg.map((a) => [
    a.size,
    a.policy,
    pct(a.mean),
    pct(a.p10),
    pct(a.p25),
    pct(a.p50),
    pct(a.p75),
    pct(a.p90),
  ]);
  io.stdout.write(
    `${renderTable(c, ["size", "policy", "mean", "p10", "p25", "median", "p75", "p90"], aggRows, ["left", "left"])}\n`,
  );
  io.stdout.write("Miss ratios per trace: the fewest misses at each size in green.\n");
}

/** Usage checks of a set: options that take one workload. */
export function checkSetOptions(opts: { report?: string; refs?: string; gen?: string }): void {
  if (opts.report !== undefined) throw new UsageError("--report takes one trace, not a set");
  if (opts.refs !== undefined || opts.gen !== undefined)
    throw new UsageError("give --trace for a set of traces, not --refs or --gen beside it");
}

export { sizeText };
