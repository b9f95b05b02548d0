// `pagewise demo`: the main job in one command. Replays a bundled trace of a real program under
// every policy at a range of frame counts, prints the policies × frames table (faults and miss
// ratio, best per column marked) and writes the HTML report. Meant to finish well under 30 s on
// two cores; --quick trims it further for tests.

import { existsSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import type { Command } from "commander";
import { bundledTracePath, DEFAULT_TRACE } from "../../node/bundled-traces.js";
import { allPolicies, prepare, workloadFacts } from "../engine.js";
import { IoError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, outputMode, writeCsv, writeJson } from "../output.js";
import { buildReport } from "../report/collect.js";
import { systemFigures } from "../report/system.js";
import { writeFigures, writeReportFile } from "../report/write.js";
import { type FramesSpec, formatBytes, parseFramesList, parseList } from "../units.js";
import { addWorkloadOptions, type WorkloadOptions } from "../workload.js";
import { addOutputOptions, workloadOf } from "./common.js";
import { RUN_CSV_FIELDS, runRecord } from "./run.js";
import {
  defaultFrames,
  framesList,
  isOracle,
  renderSweepTable,
  type SweepResult,
  sweepResult,
  sweepRuns,
  tableWidth,
  workloadInfo,
  wrapText,
} from "./sweep.js";

export const DEFAULT_REPORT = "pagewise-report.html";

interface DemoOptions extends WorkloadOptions {
  policies?: string[];
  frames?: FramesSpec[];
  report: string | false;
  quick?: boolean;
  system: boolean;
  figures?: string;
  json?: boolean;
  csv?: boolean;
}

/** Absolute path of the bundled demo trace; IoError if the package ships without it. */
export function demoTracePath(): string {
  const p = bundledTracePath(DEFAULT_TRACE.name);
  if (p === undefined || !existsSync(p)) {
    throw new IoError(`the bundled demo trace ${DEFAULT_TRACE.file} is missing: give one with --trace FILE`);
  }
  return p;
}

export function registerDemo(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("demo")
    .summary("every policy on a bundled real trace: a table and an HTML report")
    .description(
      "Replay a bundled trace of a real program under every policy at a range of frame\n" +
        `counts: ${DEFAULT_TRACE.summary}, captured with Valgrind lackey.\n` +
        "Prints the faults per policy and frame count (★ the best policy that can be\n" +
        "built; OPT, an oracle, shown as the bound), writes a self-contained HTML\n" +
        `report (default ./${DEFAULT_REPORT}) and says where to go next.`,
    );
  addWorkloadOptions(cmd);
  cmd
    .option("--policies <ids>", "policies to compare (default: every registered policy)", parseList)
    .option("--frames <list>", "frame counts (default: 8 from 1 to the distinct pages)", parseFramesList)
    .option("--report <file.html>", "where to write the HTML report", DEFAULT_REPORT)
    .option("--no-report", "do not write the report")
    .option(
      "--figures <dir>",
      "also write the README's SVG figures (miss-ratio curves, faults, working set, heat map) into dir",
    )
    .option(
      "--no-system",
      "leave out the report's whole-system figures (the thrashing curve and the kswapd timeline, from short runs of bundled workloads, a few seconds)",
    )
    .option("--quick", "a smaller run (first 20000 references, 5 frame counts), for tests");
  addOutputOptions(
    cmd,
    "as sweep --json, plus report (path or null), figures[] and elapsedMs",
    RUN_CSV_FIELDS.join(","),
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise demo                                   writes ./${DEFAULT_REPORT}
  $ pagewise demo --report /tmp/r.html --policies fifo,lru,clock,opt
  $ pagewise demo --trace test/fixtures/traces/ls.lackey --frames 4..64:x2 --no-report`,
    )
    .action(async (opts: DemoOptions) => {
      const t0 = Date.now();
      const mode = outputMode(opts);
      if (opts.refs === undefined && opts.trace === undefined && opts.gen === undefined)
        opts.trace = demoTracePath();
      if (opts.quick && opts.limit === undefined) opts.limit = 20_000;
      const w = await workloadOf(opts, io);
      const p = prepare(w, false);
      const policies = opts.policies ?? allPolicies();
      const frames = opts.frames
        ? framesList(opts.frames, w.pageSize)
        : demoFrames(p.pageSpace, opts.quick ? 5 : 8);
      const runs = await sweepRuns(io, p, policies, frames, "demo");
      const s = sweepResult(workloadInfo(w, p), policies, frames, runs);
      let reportPath: string | null = null;
      let svgs: string[] = [];
      if (opts.report !== false || opts.figures !== undefined) {
        const figures = opts.report !== false && opts.system ? await systemFigures(io, !!opts.quick) : [];
        const data = await buildReport(io, p, {
          policies,
          frames,
          runs,
          title: `pagewise demo: ${w.name}`,
          figures,
        });
        if (opts.report !== false) reportPath = writeReportFile(opts.report, data, io.cwd);
        if (opts.figures !== undefined) svgs = writeFigures(opts.figures, data, io.cwd);
      }
      const elapsedMs = Date.now() - t0;
      if (mode === "json") return writeJson(io, { ...s, report: reportPath, figures: svgs, elapsedMs });
      if (mode === "csv") return writeCsv(io, RUN_CSV_FIELDS, runs.map(runRecord));
      const c = colorsFor(io);
      const f = workloadFacts(p);
      const width = tableWidth(io);
      io.stdout.write(
        `${c.bold(`pagewise demo: ${w.name}`)}\n${wrapText(
          `${fmtInt(f.references)} references (${fmtInt(f.reads)} reads, ${fmtInt(f.writes)} writes, ${fmtInt(f.instructions)} instruction fetches), ` +
            `${fmtInt(f.distinctPages)} distinct ${formatBytes(w.pageSize)} pages; ${policies.length} policies × ${frames.length} frame counts`,
          Math.min(width, 100) - 1,
        )}\n\n`,
      );
      io.stdout.write(renderSweepTable(io, s, width));
      if (reportPath !== null)
        io.stdout.write(`\nReport: ${c.bold(reportPath)} (open it in a browser; it works offline)\n`);
      for (const fig of svgs) io.stdout.write(`Figure: ${fig}\n`);
      io.stdout.write(c.dim(`done in ${(elapsedMs / 1000).toFixed(1)} s\n`));
      io.stdout.write(`\n${whereNext(io, opts, s, reportPath)}`);
    });
}

/** A word of a command line, quoted for a POSIX shell when it needs to be. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * Where to go next, printed at the end of the demo: the report, and commands to try on the same
 * workload (a run with every counter, miss-ratio curves), step mode on a textbook string, Belady's
 * anomaly and the help. Each command runs as printed (a test runs them).
 */
export function whereNext(io: CliIo, opts: DemoOptions, s: SweepResult, reportPath: string | null): string {
  const c = colorsFor(io);
  const trace = opts.trace !== undefined ? relative(io.cwd, opts.trace) : undefined;
  const source =
    trace !== undefined
      ? `--trace ${shellWord(trace.startsWith("..") || isAbsolute(trace) ? opts.trace! : trace)}`
      : opts.gen !== undefined
        ? `--gen ${shellWord(opts.gen)}`
        : `--refs ${shellWord(opts.refs!)}`;
  const limit = opts.limit !== undefined ? ` --limit ${opts.limit}` : "";
  // The frame count where the buildable policies' faults spread widest: where the choice matters.
  const spread = s.frames.map((f) => {
    const col = s.runs.filter((r) => r.frames === f && !isOracle(r)).map((r) => r.faults);
    return col.length > 0 ? Math.max(...col) / Math.max(1, Math.min(...col)) : 0;
  });
  const frames = s.frames[spread.indexOf(Math.max(...spread))] ?? s.frames[0]!;
  const lines: [string, string][] = [
    ...(reportPath !== null
      ? ([["report", `open ${shellWord(reportPath)} in a browser`]] as [string, string][])
      : []),
    ["one run", `pagewise run ${source}${limit} --policy lru --frames ${frames}`],
    ["curves", `pagewise mrc ${source}${limit}`],
    ["by hand", "pagewise run --refs 1,2,3,4,1,2,5,1,2,3,4,5 --frames 3 --steps"],
    ["anomaly", "pagewise belady"],
    ["more", "pagewise --help, then pagewise COMMAND --help"],
  ];
  // A command too long for the line goes on a line of its own (never wrapped: it is to be copied).
  const width = tableWidth(io);
  const oneLine = lines.every(([, cmd]) => 2 + 10 + cmd.length < width);
  return `${c.bold("Where next:")}\n${lines
    .map(([what, cmd]) => (oneLine ? `  ${what.padEnd(9)} ${cmd}\n` : `  ${what}:\n    ${cmd}\n`))
    .join("")}`;
}

/** Frame counts for the demo: geometric from a few frames to just under the footprint, where policies differ. */
export function demoFrames(distinct: number, points: number): number[] {
  const all = defaultFrames(Math.max(2, Math.floor(distinct * 0.9)), points + 2);
  return all.filter((f) => f >= 2).slice(-points);
}
