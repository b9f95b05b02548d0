// `pagewise mrc`: miss-ratio curves: for each policy, the miss ratio at each frame count, as a table
// with one row per frame count (or --json/--csv), and optionally the HTML report with the chart.
// LRU and OPT curves come from one pass over the trace (src/mrc: exact stack distances, Mattson's
// OPT stack; or SHARDS sampling for LRU with --method shards); other policies, and every policy
// with --method sim, are replayed once per frame count on worker threads.

import { type Command, Option } from "commander";
import {
  DEFAULT_SHARDS_RATE,
  DenseIdsSink,
  fanOut,
  feed,
  LruMrc,
  type MissCurve,
  missesAt,
  NextUseSink,
  OptMrc,
  PageIds,
  type PassCounts,
  parsePolicySpec,
  type RefSink,
  ShardsMrc,
} from "../../src/index.js";
import { policyIdOf, prepare, type RunResult } from "../engine.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtPct, type OutputMode, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { Progress } from "../progress.js";
import { buildReport } from "../report/collect.js";
import { writeReportFile } from "../report/write.js";
import {
  distinctPagesOfSource,
  needsDistinctPages,
  parseSizeList,
  type SizeSpec,
  sizeText,
} from "../sizes.js";
import {
  checkSetOptions,
  DEFAULT_BASELINE,
  DEFAULT_SET_SIZES,
  expandTraces,
  framesFor,
  printSet,
  type SetCell,
  type SetResults,
  setSizes,
  traceOptions,
  withBaseline,
} from "../trace-set.js";
import { parseList, parsePositiveInt } from "../units.js";
import { addWorkloadOptions, type OpenedSource, openSource, type WorkloadOptions } from "../workload.js";
import { addOutputOptions, workloadOf } from "./common.js";
import { defaultFrames, framesList, simulatedRuns } from "./sweep.js";

export const MRC_METHODS = ["exact", "shards", "sim"] as const;
export type MrcMethod = (typeof MRC_METHODS)[number];

interface MrcOptions extends Omit<WorkloadOptions, "trace"> {
  /** Every --trace given (a file, a directory or a glob each): a set when they name several. */
  trace?: string[];
  baseline?: string;
  policies: string[];
  frames?: SizeSpec[];
  points: number;
  allSizes?: boolean;
  method: MrcMethod;
  sampleRate?: number;
  maxSampledPages?: number;
  report?: string;
  json?: boolean;
  csv?: boolean;
}

/** How one policy's curve was obtained. */
type CurveHow = "exact one pass" | "SHARDS sample" | "simulation";

interface CurveOut {
  policy: string;
  method: CurveHow;
  seconds: number;
  faults: number[];
  missRatio: number[];
  sampleRate?: number;
}

function parseMethod(text: string): MrcMethod {
  if ((MRC_METHODS as readonly string[]).includes(text)) return text as MrcMethod;
  throw new UsageError(`unknown --method "${text}" (known: ${MRC_METHODS.join(", ")})`);
}

function parseRate(text: string): number {
  const r = Number(text);
  if (!(r > 0 && r <= 1)) throw new UsageError(`--sample-rate must be a number in (0, 1], got "${text}"`);
  return r;
}

/** "lru" or "opt" when the spec is that policy without parameters (a one-pass curve exists). */
function onePassKind(spec: string): "lru" | "opt" | null {
  const { id, params } = parsePolicySpec(spec);
  if (Object.keys(params).length > 0) return null;
  return id === "lru" || id === "opt" ? id : null;
}

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** One-pass curves of the kinds asked for, from passes over the source; plus what the first pass saw. */
async function onePassCurves(
  io: CliIo,
  src: OpenedSource,
  kinds: ReadonlySet<"lru" | "opt">,
  opts: MrcOptions,
): Promise<{
  curves: Map<"lru" | "opt", { curve: MissCurve; how: CurveHow; seconds: number }>;
  references: number;
  distinct: number;
}> {
  const limit = opts.limit !== undefined ? { limit: opts.limit } : {};
  const out = new Map<"lru" | "opt", { curve: MissCurve; how: CurveHow; seconds: number }>();
  const total = src.expected ?? 0;
  // First pass: the LRU curve (exact or SHARDS), the distinct pages and, for OPT, the next uses.
  const ids = new PageIds();
  const t0 = performance.now();
  let lru: LruMrc | ShardsMrc | null = null;
  if (kinds.has("lru")) {
    lru =
      opts.method === "shards"
        ? new ShardsMrc({
            rate: opts.sampleRate ?? (opts.maxSampledPages !== undefined ? 1 : DEFAULT_SHARDS_RATE),
            ...(opts.maxSampledPages !== undefined ? { maxPages: opts.maxSampledPages } : {}),
          })
        : new LruMrc();
  }
  let lruSeconds = 0;
  const sinks: RefSink[] = [
    new DenseIdsSink(ids, (chunk, n) => {
      if (lru === null) return;
      const t = performance.now();
      lru.feed(chunk, n);
      lruSeconds += (performance.now() - t) / 1000;
    }),
  ];
  const annotate = kinds.has("opt") ? new NextUseSink(total > 0 ? total : undefined, ids) : null;
  if (annotate !== null) sinks.push(annotate);
  const bar = new Progress(io, "mrc: one pass", total, { unit: "references", counter: total === 0 });
  let counts: PassCounts;
  try {
    counts = await feed(src.source, fanOut(ids, sinks), {
      ...limit,
      onProgress: (d: number) => bar.update(d),
    });
  } finally {
    bar.stop();
  }
  const firstPass = seconds(t0);
  if (lru !== null) {
    // Decoding is shared: the curve is charged its own work plus the pass's when it is the only one.
    out.set("lru", {
      curve: lru.curve(),
      how: opts.method === "shards" ? "SHARDS sample" : "exact one pass",
      seconds: annotate === null ? firstPass : lruSeconds,
    });
  }
  if (annotate !== null) {
    const t1 = performance.now();
    const opt = new OptMrc(annotate.nextUse, ids.size);
    await feed(src.source, new DenseIdsSink(new PageIds(), (chunk, n) => opt.feed(chunk, n)), limit);
    out.set("opt", {
      curve: opt.curve(),
      how: "exact one pass",
      seconds: seconds(t1) + firstPass - lruSeconds,
    });
  }
  return { curves: out, references: counts.references, distinct: ids.size };
}

/** Every policy's curve at `frames`, by the method each one gets. */
async function curvesOf(
  io: CliIo,
  src: OpenedSource,
  frames: readonly number[],
  n: number,
  onePass: Awaited<ReturnType<typeof onePassCurves>>["curves"],
  opts: MrcOptions,
): Promise<{ curves: CurveOut[]; runs: RunResult[] }> {
  const simulated = opts.policies.filter((pol) => opts.method === "sim" || onePassKind(pol) === null);
  const t0 = performance.now();
  const runs = simulated.length > 0 ? await simulatedRuns(io, src, simulated, frames, "mrc", opts.limit) : [];
  const simSeconds = seconds(t0);
  const curves: CurveOut[] = [];
  for (const pol of opts.policies) {
    const kind = opts.method === "sim" ? null : onePassKind(pol);
    if (kind === null) {
      const rs = frames.map((f) => runs.find((r) => r.policy === pol && r.frames === f)!);
      curves.push({
        policy: rs[0]?.policy ?? pol,
        method: "simulation",
        seconds: simSeconds,
        faults: rs.map((r) => r.faults),
        missRatio: rs.map((r) => r.missRatio),
      });
      continue;
    }
    const { curve, how, seconds: secs } = onePass.get(kind)!;
    const faults = frames.map((f) => Math.round(missesAt(curve, f)));
    curves.push({
      policy: pol,
      method: how,
      seconds: secs,
      faults,
      missRatio: faults.map((x) => (n === 0 ? 0 : x / n)),
      ...(curve.exact ? {} : { sampleRate: curve.sampleRate }),
    });
  }
  return { curves, runs };
}

function describeMethods(curves: readonly CurveOut[], sizes: number): string {
  const sim = curves.filter((c) => c.method === "simulation");
  const parts = curves
    .filter((c) => c.method !== "simulation")
    .map((c) => {
      const what =
        c.method === "SHARDS sample"
          ? `SHARDS estimate at rate ${Number(c.sampleRate?.toPrecision(3))}`
          : "exact, one pass for every size";
      return `${c.policy} ${what} in ${c.seconds.toFixed(2)} s`;
    });
  if (sim.length > 0)
    parts.push(
      `${sim.map((c) => c.policy).join(", ")} simulated at ${sizes} sizes in ${sim[0]!.seconds.toFixed(2)} s`,
    );
  return parts.join("; ");
}

export function registerMrc(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("mrc")
    .summary("miss-ratio curves: miss ratio against memory size")
    .description(
      "Miss ratio of each policy at each frame count. Without --frames, about --points counts spread\n" +
        "geometrically from 1 to the number of distinct pages (where every policy stops missing but for cold misses).\n" +
        "LRU and OPT curves come from ONE pass over the trace, whatever the number of frame counts;\n" +
        "other policies are simulated once per frame count.",
    );
  addWorkloadOptions(cmd, { manyTraces: true });
  cmd
    .addOption(
      new Option("--policies <ids>", "comma-separated policy specs")
        .argParser(parseList)
        .default(["fifo", "lru", "opt"], "fifo,lru,opt"),
    )
    .option(
      "--frames <list>",
      "frame counts: 4,8,16 or 1..100 or 4..1024:x2, sizes, or shares of the distinct pages 0.1%,1%,10%",
      parseSizeList,
    )
    .option("--points <n>", "number of frame counts when --frames is not given", parsePositiveInt, 16)
    .option("--all-sizes", "every frame count from 1 to the number of distinct pages")
    .option("--method <m>", "exact | shards | sim (see below)", parseMethod, "exact")
    .option("--sample-rate <r>", `SHARDS sampling rate in (0, 1] (default ${DEFAULT_SHARDS_RATE})`, parseRate)
    .option("--max-sampled-pages <n>", "fixed-size SHARDS: track at most n sampled pages", parsePositiveInt)
    .option("--report <file.html>", "also write an HTML report with the curves (simulates what it draws)")
    .option(
      "--baseline <policy>",
      `several traces: the policy each miss-ratio reduction is measured against (default ${DEFAULT_BASELINE}, as the S3-FIFO and SIEVE papers; run too when --policies leaves it out)`,
    );
  addOutputOptions(
    cmd,
    "workload, frames[], curves[{policy, method, seconds, faults[], missRatio[], sampleRate?}]; several traces: traces[], policies, sizes, baseline, rows[], aggregate[]",
    "frames,policy,faults,missRatio,method; several traces: trace,size,frames,policy,faults,missRatio,method,baseline,missRatioReduction",
  );
  cmd
    .addHelpText(
      "after",
      `
Methods (--method):
  exact   default. lru and opt: one pass gives the exact faults at EVERY frame count, equal to
          simulating each (LRU: stack distances, a move-to-front array over the top of the stack
          and a Fenwick tree below it, O(log n) per reference, memory O(distinct pages); OPT:
          Mattson's stack algorithm with next-use priority: a first pass annotates next uses,
          8 bytes a reference, a second runs the stack).
          Other policies (and lru/opt with parameters) are simulated, which is exact too.
  shards  lru estimated by SHARDS spatial sampling: only pages whose hash falls under the rate
          are followed (memory O(sampled pages)); the first 2/R frame counts (32 to 256) are
          exact (the top of the LRU stack is kept for every reference), and above them the
          miss ratio stays within 0.01 of the exact one on our real traces (BENCHMARKS.md);
          faults above the exact sizes are estimates. --sample-rate R, or
          --max-sampled-pages N for fixed-size SHARDS. opt stays exact; others are simulated.
  sim     every policy replayed once per frame count (the reference the other methods are tested against).
The method and time of each curve are printed on stderr (and in --json).

Examples:
  $ pagewise mrc --gen zipf:pages=1000,alpha=0.9,n=100000,seed=1
  $ pagewise mrc --trace test/fixtures/traces/run.pages --policies lru,opt --all-sizes --csv
  $ pagewise mrc --trace test/fixtures/traces/run.pages --policies lru --method shards --sample-rate 0.05
  $ pagewise mrc --trace test/fixtures/traces/ls.lackey --policies lru,clock,arc --frames 16..1024:x2 --csv
  $ pagewise mrc --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policies fifo,lru --frames 1..6 --report mrc.html
  $ pagewise mrc --trace "test/fixtures/traces/*.pwt" --policies lru,opt,clock --frames 1%,10% --limit 200000

--frames 1% is 1 % of each trace's distinct pages (floored, at least 1 frame).
Several traces (--trace repeated, a directory's files, a quoted glob): each trace's curves at the
sizes (default ${DEFAULT_SET_SIZES}), then the mean and percentiles over the traces of each policy's
miss-ratio reduction against --baseline (default ${DEFAULT_BASELINE}), as pagewise sweep prints them.`,
    )
    .action(async (all: MrcOptions) => {
      const mode = outputMode(all);
      if (all.method !== "shards" && (all.sampleRate !== undefined || all.maxSampledPages !== undefined))
        throw new UsageError("--sample-rate and --max-sampled-pages need --method shards");
      if (all.allSizes && all.frames) throw new UsageError("give --frames or --all-sizes, not both");
      for (const pol of all.policies) policyIdOf(pol);
      if (all.baseline !== undefined) policyIdOf(all.baseline);
      const traces = all.trace ? expandTraces(all.trace, io.cwd) : null;
      if (traces !== null && traces.length > 1) return mrcSet(io, all, traces, mode);
      const opts = { ...all, trace: traces?.[0] } as MrcOptions & WorkloadOptions;
      const src = await openSource(opts, io);
      let frames: number[];
      let result: { curves: CurveOut[]; runs: RunResult[] };
      let references: number;
      let distinct: number;
      try {
        const kinds = new Set(
          opts.method === "sim"
            ? []
            : opts.policies.map(onePassKind).filter((k): k is "lru" | "opt" => k !== null),
        );
        const one = await onePassCurves(io, src, kinds, opts);
        references = one.references;
        distinct = one.distinct;
        if (kinds.size === 0 && (!opts.frames || needsDistinctPages(opts.frames))) {
          // No one-pass curve: a pass to count the distinct pages the default frame counts need.
          const ids = new PageIds();
          await feed(
            src.source,
            new DenseIdsSink(ids, () => {}),
            opts.limit !== undefined ? { limit: opts.limit } : {},
          );
          distinct = ids.size;
        }
        frames = opts.frames
          ? framesList(opts.frames, src.pageSize, distinct)
          : opts.allSizes
            ? Array.from({ length: Math.max(1, distinct) }, (_, i) => i + 1)
            : defaultFrames(distinct, Math.max(2, opts.points));
        result = await curvesOf(io, src, frames, references, one.curves, opts);
      } finally {
        src.close();
      }
      const { curves, runs } = result;
      io.stderr.write(`mrc: ${describeMethods(curves, frames.length)}\n`);
      if (opts.report !== undefined) {
        const p = prepare(await workloadOf(opts, io), false);
        const data = await buildReport(io, p, { policies: opts.policies, frames, runs, curves });
        io.stderr.write(`report written to ${writeReportFile(opts.report, data, io.cwd)}\n`);
      }
      const workload = {
        name: src.name,
        source: src.sourceText,
        pageSize: src.pageSize,
        references,
        distinctPages: distinct,
      };
      if (mode === "json") {
        writeJson(io, { workload, frames, curves });
      } else if (mode === "csv") {
        writeCsv(
          io,
          ["frames", "policy", "faults", "missRatio", "method"],
          curves.flatMap((cv) =>
            frames.map((f, i) => ({
              frames: f,
              policy: cv.policy,
              faults: cv.faults[i],
              missRatio: cv.missRatio[i],
              method: cv.method,
            })),
          ),
        );
      } else printCurves(io, src.name, references, distinct, frames, curves);
    });
}

/** The CSV columns of a set's mrc. */
const MRC_SET_CSV = [
  "trace",
  "size",
  "frames",
  "policy",
  "faults",
  "missRatio",
  "method",
  "baseline",
  "missRatioReduction",
];

/** A set's cell of mrc: a curve's point at a (trace, policy, size). */
interface MrcCell extends SetCell {
  method: CurveHow;
}

/**
 * mrc over several traces: each trace's curves at the sizes (resolved per trace), then the
 * reductions against the baseline over the traces (cli/trace-set.ts).
 */
async function mrcSet(
  io: CliIo,
  all: MrcOptions,
  traces: readonly string[],
  mode: OutputMode,
): Promise<void> {
  checkSetOptions(all);
  if (all.allSizes)
    throw new UsageError("--all-sizes takes one trace: give --frames for a set (shares such as 1%)");
  const baseline = all.baseline ?? DEFAULT_BASELINE;
  const policies = withBaseline(all.policies, baseline);
  const sizes = setSizes(all.frames);
  const opts: MrcOptions & WorkloadOptions = { ...all, policies, trace: undefined };
  const kinds = new Set(
    opts.method === "sim" ? [] : policies.map(onePassKind).filter((k): k is "lru" | "opt" => k !== null),
  );
  const set: SetResults<MrcCell> = { traces: [], policies, sizes: sizes.map(sizeText), baseline, cells: [] };
  for (let t = 0; t < traces.length; t++) {
    const one = traceOptions(opts, traces[t]!);
    const src = await openSource(one, io);
    try {
      const pass = await onePassCurves(io, src, kinds, one);
      let distinct = pass.distinct;
      if (kinds.size === 0) distinct = await distinctPagesOfSource(src.source, one.limit);
      const frames = sizes.map((s) => framesFor(s, src.pageSize, distinct));
      const { curves } = await curvesOf(io, src, frames, pass.references, pass.curves, one);
      io.stderr.write(`mrc: ${traces[t]}: ${describeMethods(curves, frames.length)}\n`);
      set.traces.push({
        label: traces[t]!,
        workload: {
          name: src.name,
          source: src.sourceText,
          pageSize: src.pageSize,
          references: pass.references,
          distinctPages: distinct,
        },
      });
      curves.forEach((cv, j) => {
        frames.forEach((f, k) => {
          set.cells.push({
            trace: t,
            policy: j,
            size: k,
            frames: f,
            faults: cv.faults[k]!,
            missRatio: cv.missRatio[k]!,
            method: cv.method,
          });
        });
      });
    } finally {
      src.close();
    }
  }
  printSet(
    io,
    mode,
    set,
    (c) => ({
      frames: c.frames,
      policy: policies[c.policy],
      faults: c.faults,
      missRatio: c.missRatio,
      method: c.method,
    }),
    MRC_SET_CSV,
  );
}

/** The curves as a table, frame counts down, the best policy at each count in green. */
function printCurves(
  io: CliIo,
  name: string,
  references: number,
  pages: number,
  frames: number[],
  curves: CurveOut[],
): void {
  const c = colorsFor(io);
  io.stdout.write(`${name}: ${fmtInt(references)} references, ${fmtInt(pages)} distinct pages\n`);
  const rows = frames.map((f, i) => {
    const best = Math.min(...curves.map((cv) => cv.faults[i]!));
    return [
      fmtInt(f),
      ...curves.map((cv) => {
        const t = fmtPct(cv.missRatio[i]!);
        return cv.faults[i] === best && curves.length > 1 ? c.green(t) : t;
      }),
    ];
  });
  const head = curves.map((cv) => (cv.method === "SHARDS sample" ? `${cv.policy} (SHARDS)` : cv.policy));
  io.stdout.write(`${renderTable(c, ["frames", ...head], rows)}\n`);
}
