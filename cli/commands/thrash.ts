// `pagewise thrash`: the thrashing curve. For N = 1 … --max it runs N copies of the workload (or of
// the processes of a mix) as processes in simulated time (src/system) and prints CPU utilization,
// disk faults per second and throughput against N; with --compare, once without and once with load
// control. Optionally an HTML report and the SVG figure.

import { type Command, Option } from "commander";
import { writeOutputFile } from "../../node/output-file.js";
import {
  ALLOCATION_MODES,
  type AllocationMode,
  DISK_PRESETS,
  type DiskPreset,
  formatDurationNs,
  type PreparedWorkload,
  parseDurationNs,
  prepareWorkload,
  renderThrashHtml,
  type SystemConfig,
  type ThrashPoint,
  type ThrashReportData,
  thrashCurveSvg,
  thrashPoint,
} from "../../src/index.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtPct, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { Progress, tick } from "../progress.js";
import { chartAssets } from "../report/write.js";
import { parsePositiveInt } from "../units.js";
import { packageVersion } from "../version.js";
import { addWorkloadOptions, loadWorkload, type Workload, type WorkloadOptions } from "../workload.js";
import { addOutputOptions } from "./common.js";

/** The workload when none is given: each process loops over 20 pages (a working set of 20). */
export const DEFAULT_THRASH_GEN = "loop:pages=20,n=100000";

interface ThrashOptions extends WorkloadOptions {
  max: number;
  frames: number;
  policy: string;
  scope: "local" | "global";
  alloc?: AllocationMode;
  priorities?: number[];
  quantum: number;
  disk: string;
  ioEvery: number;
  ioTime: number;
  io: boolean;
  tau: number;
  loadControl?: boolean;
  prepage?: boolean;
  rotate: number;
  compare?: boolean;
  warmup: number;
  measure: number;
  report?: string;
  svg?: string;
  title?: string;
  json?: boolean;
  csv?: boolean;
}

/** Longest simulated duration an option may state: one hour. */
export const MAX_DURATION_NS = 3600e9;

/** "10ms", "2s", "500us", "8000000ns" or a plain number of milliseconds → ns. */
export function parseDuration(text: string): number {
  const ns = parseDurationNs(text, "ms");
  if (ns === null)
    throw new UsageError(`invalid duration "${text}" (expected e.g. 10ms, 2s, 500us; a plain number is ms)`);
  if (!(ns > 0)) throw new UsageError(`invalid duration "${text}" (expected more than zero)`);
  // The run's wall time grows with the simulated time: an hour of it is more than any figure needs
  // (--warmup 99999999999s ran for ever).
  if (ns > MAX_DURATION_NS)
    throw new UsageError(
      `invalid duration "${text}" (expected at most ${MAX_DURATION_NS / 1e9} s of simulated time)`,
    );
  return ns;
}

function parsePriorities(text: string): number[] {
  const xs = text.split(",").map((t) => Number(t.trim()));
  if (xs.length === 0 || xs.some((x) => !(Number.isFinite(x) && x > 0)))
    throw new UsageError(`invalid priorities "${text}" (expected positive numbers such as 1,2,4)`);
  return xs;
}

/** An option of simulated time whose help shows its default with a unit ("10ms", not 10000000). */
function durationOption(flags: string, what: string, dfltNs: number, parse = parseDuration): Option {
  return new Option(flags, what).argParser(parse).default(dfltNs, formatDurationNs(dfltNs));
}

function parseDurationOrZero(text: string): number {
  return /^\s*0+\s*(ns|us|µs|ms|s)?\s*$/.test(text) ? 0 : parseDuration(text);
}

/** One prepared workload per process of the source (a mix has several pids). */
export function processWorkloads(w: Workload): PreparedWorkload[] {
  const pids = [...new Set(w.pids.subarray(0, w.count))].sort((a, b) => a - b);
  if (pids.length <= 1) return [prepareWorkload(w.name, w.pages, w.kinds, w.count)];
  return pids.map((pid) => {
    const idx: number[] = [];
    for (let i = 0; i < w.count; i++) if (w.pids[i] === pid) idx.push(i);
    return prepareWorkload(
      `${w.name}:pid${pid}`,
      idx.map((i) => w.pages[i]!),
      idx.map((i) => w.kinds[i]!),
    );
  });
}

export function registerThrash(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("thrash")
    .summary("the thrashing curve: CPU utilization against the degree of multiprogramming")
    .description(
      "Runs N = 1 … --max copies of the workload as processes in simulated time: round robin on one CPU, a\n" +
        "paging disk with a FIFO queue (a faulting process sleeps until its page arrives, then retries the\n" +
        "reference), ordinary I/O every --io-every references. Measures, after --warmup, CPU utilization,\n" +
        "disk faults per second and throughput over --measure. With --load-control a process is suspended\n" +
        "(swapped out whole) when the working sets do not fit, and resumed when they do.\n" +
        `Without a workload option, each process loops over 20 pages (--gen ${DEFAULT_THRASH_GEN}).`,
    );
  addWorkloadOptions(cmd);
  addThrashOptions(cmd);
  addOutputOptions(
    cmd,
    "settings, variants[{label, points[{degree, cpuUtilization, faultsPerSecond, throughput, thrashing, ...}]}]",
    CSV_COLUMNS.join(","),
  );
  cmd
    .addHelpText(
      "after",
      `
Times (--quantum, --io-time, --rotate, --warmup, --measure) are simulated time with a unit: 10ms,
2s, 500us, 100ns; a plain number is milliseconds.

Examples:
  $ pagewise thrash --max 10 --compare
  $ pagewise thrash --gen phases:pages=200,ws=20,phases=2,locality=1,n=4000000 --scope global --policy fifo
  $ pagewise thrash --trace test/fixtures/traces/sort500.pwt --frames 1000 --max 8 --compare --prepage --tau 2000000 --warmup 15s --measure 2s
  $ pagewise thrash --max 10 --compare --svg docs/figures/thrashing.svg --report thrash.html`,
    )
    .action(async (opts: ThrashOptions) => {
      const mode = outputMode(opts);
      const given = [opts.refs, opts.trace, opts.gen].some((x) => x !== undefined);
      const w = await loadWorkload(given ? opts : { ...opts, gen: DEFAULT_THRASH_GEN }, io);
      const workloads = processWorkloads(w);
      const alloc = checkCombinations(opts);
      const results = await runVariants(io, opts, workloads, alloc);
      warnKills(io, results, opts.frames);
      const settings = describeSettings(opts, w, workloads.length, alloc);
      writeFiles(io, opts, {
        title: opts.title ?? "Thrashing: CPU utilization against the degree of multiprogramming",
        generatedAt: new Date().toISOString(),
        generator: `pagewise ${packageVersion()}`,
        command: `pagewise thrash ${process.argv.slice(3).join(" ")}`.trim(),
        settings,
        variants: results,
      });
      if (mode === "json") writeJson(io, { settings: Object.fromEntries(settings), variants: results });
      else if (mode === "csv")
        writeCsv(
          io,
          CSV_COLUMNS,
          results.flatMap((r) => r.points.map((p) => ({ variant: r.label, ...p }))),
        );
      else printTables(io, settings, results);
    });
}

const CSV_COLUMNS = [
  "variant",
  "degree",
  "cpuUtilization",
  "faultsPerSecond",
  "faultRate",
  "throughput",
  "thrashing",
  "suspended",
  "diskUtilization",
  "killed",
];

/** One curve: a label and a point per degree of multiprogramming. */
interface Curve {
  label: string;
  points: ThrashPoint[];
}

function addThrashOptions(cmd: Command): void {
  cmd
    .option("--max <n>", "largest degree of multiprogramming", parsePositiveInt, 10)
    .option("--frames <n>", "physical frames (page tables included)", parsePositiveInt, 128)
    .option("--policy <spec>", "replacement policy", "lru")
    .addOption(
      new Option("--scope <scope>", "replacement scope").choices(["local", "global"]).default("local"),
    )
    .addOption(
      new Option("--alloc <mode>", "frame allocation under local scope (default equal)").choices([
        ...ALLOCATION_MODES,
      ]),
    )
    .option(
      "--priorities <list>",
      "priorities of processes 1, 2, … for --alloc priority (repeated: 1,2 gives 1,2,1,2,…)",
      parsePriorities,
    )
    .addOption(durationOption("--quantum <time>", "round-robin quantum", 10e6))
    .addOption(new Option("--disk <preset>", "paging disk").choices(Object.keys(DISK_PRESETS)).default("hdd"))
    .option("--io-every <refs>", "ordinary I/O every this many references", parsePositiveInt, 20_000)
    .addOption(durationOption("--io-time <time>", "length of each ordinary I/O", 8e6))
    .option("--no-io", "no ordinary I/O (processes only compute and page)")
    .option("--tau <refs>", "working-set window τ in references", parsePositiveInt, 20_000)
    .option("--load-control", "suspend a process when the working sets do not fit")
    .option("--prepage", "with --load-control: read a resumed process's last working set back at once")
    .addOption(
      durationOption(
        "--rotate <time>",
        "with load control: swap a process suspended this long for the one active longest (0: never)",
        1e9,
        parseDurationOrZero,
      ),
    )
    .option(
      "--compare",
      "run without and with load control (and with prepaging too if --prepage), and show all",
    )
    .addOption(durationOption("--warmup <time>", "simulated time before measuring", 2e9))
    .addOption(durationOption("--measure <time>", "simulated time measured", 1e9))
    .option("--report <file.html>", "also write an HTML report with the curves")
    .option("--svg <file.svg>", "also write the CPU-utilization chart as SVG")
    .option("--title <text>", "title of the report and the figure");
}

/** Refuses options that do not go together; returns the allocation mode (local scope only). */
function checkCombinations(opts: ThrashOptions): AllocationMode | undefined {
  if (opts.prepage && !opts.loadControl && !opts.compare)
    throw new UsageError("--prepage applies with --load-control or --compare (it acts on resume)");
  if (opts.alloc !== undefined && opts.scope !== "local")
    throw new UsageError("--alloc applies with --scope local (quotas are per process)");
  const alloc = opts.scope === "local" ? (opts.alloc ?? "equal") : undefined;
  if (opts.priorities !== undefined && alloc !== "priority")
    throw new UsageError("--priorities applies with --alloc priority");
  return alloc;
}

/** The curves to draw: one, or with --compare without and with load control (and prepaging). */
function variantsOf(opts: ThrashOptions): { label: string; loadControl: boolean; prepage: boolean }[] {
  const lcLabel = (pre: boolean) => (pre ? "LC + prepaging" : "load control");
  if (!opts.compare)
    return [
      {
        label: opts.loadControl ? lcLabel(!!opts.prepage) : "no load control",
        loadControl: !!opts.loadControl,
        prepage: !!opts.prepage,
      },
    ];
  return [
    { label: "no load control", loadControl: false, prepage: false },
    { label: lcLabel(false), loadControl: true, prepage: false },
    ...(opts.prepage ? [{ label: lcLabel(true), loadControl: true, prepage: true }] : []),
  ];
}

/** Runs every variant at N = 1 … --max, with a progress bar over all the points. */
async function runVariants(
  io: CliIo,
  opts: ThrashOptions,
  workloads: PreparedWorkload[],
  alloc: AllocationMode | undefined,
): Promise<Curve[]> {
  const base: SystemConfig = {
    quantumNs: opts.quantum,
    disk: opts.disk as DiskPreset,
    tau: opts.tau,
    rotateNs: opts.rotate,
    ...(alloc ? { allocation: alloc } : {}),
    ...(opts.io ? { io: { everyRefs: opts.ioEvery, ns: opts.ioTime } } : {}),
  };
  const variants = variantsOf(opts);
  const progress = new Progress(io, "thrash", opts.max * variants.length, { unit: "points" });
  const results: Curve[] = [];
  let done = 0;
  for (const v of variants) {
    const points: ThrashPoint[] = [];
    for (let n = 1; n <= opts.max; n++) {
      const config = {
        workloads,
        frames: opts.frames,
        policy: opts.policy,
        scope: opts.scope,
        system: { ...base, loadControl: v.loadControl, prepage: v.prepage },
        ...(opts.priorities ? { priorities: opts.priorities } : {}),
        warmupNs: opts.warmup,
        measureNs: opts.measure,
      };
      points.push(thrashPoint(config, n));
      progress.update(++done);
      await tick();
    }
    results.push({ label: v.label, points });
  }
  progress.stop();
  return results;
}

/** A warning per curve in which processes were killed for lack of frames. */
function warnKills(io: CliIo, results: Curve[], frames: number): void {
  for (const r of results) {
    const hit = r.points.filter((p) => p.killed > 0);
    if (hit.length === 0) continue;
    const first = hit[0]!;
    io.stderr.write(
      `warning (${r.label}): processes were killed for lack of frames at N = ${hit.map((p) => p.degree).join(", ")} ` +
        `(at N = ${first.degree}: ${first.killed}; ${first.killReason}). Those points measure fewer processes: ` +
        `give more --frames (now ${frames}).\n`,
    );
  }
}

function describeSettings(
  opts: ThrashOptions,
  w: Workload,
  processes: number,
  alloc: AllocationMode | undefined,
): [string, string][] {
  const scope =
    opts.scope +
    (alloc ? `, ${alloc} allocation` : "") +
    (opts.priorities ? ` (priorities ${opts.priorities.join(",")})` : "");
  return [
    ["workload", `${w.name} (${w.source})`],
    ["processes' workloads", String(processes)],
    ["frames", fmtInt(opts.frames)],
    ["policy", opts.policy],
    ["scope", scope],
    ["quantum", `${opts.quantum / 1e6} ms`],
    ["disk", opts.disk],
    ["ordinary I/O", opts.io ? `${fmtInt(opts.ioEvery)} refs then ${opts.ioTime / 1e6} ms` : "none"],
    ["τ", fmtInt(opts.tau)],
    ["rotation", opts.rotate > 0 ? `${opts.rotate / 1e9} s` : "none"],
    ["warm-up / measured", `${opts.warmup / 1e9} s / ${opts.measure / 1e9} s`],
  ];
}

/** --report and --svg. */
function writeFiles(io: CliIo, opts: ThrashOptions, report: ThrashReportData): void {
  const write = (file: string, text: string, what: string) => {
    const abs = writeOutputFile(file, text, { cwd: io.cwd, mkdir: true });
    io.stderr.write(`${what} written to ${abs}\n`);
  };
  if (opts.report !== undefined) write(opts.report, renderThrashHtml(report, chartAssets()), "report");
  if (opts.svg !== undefined) write(opts.svg, thrashCurveSvg(report), "figure");
}

/** The settings line and one table per curve; a "killed" column only where a process was killed. */
function printTables(io: CliIo, settings: [string, string][], results: Curve[]): void {
  const c = colorsFor(io);
  io.stdout.write(`${settings.map(([k, v]) => `${k}: ${v}`).join(" · ")}\n`);
  for (const r of results) {
    io.stdout.write(`\n${c.bold(r.label)}\n`);
    const kills = r.points.some((p) => p.killed > 0);
    const rows = r.points.map((p) => [
      String(p.degree),
      fmtPct(p.cpuUtilization, 1),
      p.faultsPerSecond.toFixed(1),
      fmtInt(p.throughput),
      p.thrashing ? c.red("yes") : "no",
      String(p.suspended),
      ...(kills ? [p.killed > 0 ? c.red(String(p.killed)) : "0"] : []),
    ]);
    const head = [
      "N",
      "CPU util",
      "disk faults/s",
      "refs/s",
      "thrashing",
      "suspended",
      ...(kills ? ["killed"] : []),
    ];
    io.stdout.write(`${renderTable(c, head, rows)}\n`);
  }
}
