// `pagewise demo`: the main job in one command. Replays a bundled trace of a real program under
// every policy at a range of frame counts, prints the policies × frames table (faults and miss
// ratio, best per column marked) and writes the HTML report. Meant to finish well under 30 s on
// two cores; --quick trims it further for tests.

import { existsSync } from "node:fs";
import type { Command } from "commander";
import { bundledTracePath, DEFAULT_TRACE } from "../../node/bundled-traces.js";
import { allPolicies, prepare, workloadFacts } from "../engine.js";
import { IoError } from "../errors.js";
import { colorsFor } from "../io.js";
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
  renderSweepTable,
  sweepResult,
  sweepRuns,
  workloadInfo,
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
        "Prints faults and miss ratio per policy and frame count, the best in each\n" +
        "column marked, and writes a self-contained HTML report\n" +
        `(default ./${DEFAULT_REPORT}).`,
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
      io.stdout.write(
        `${c.bold(`pagewise demo: ${w.name}`)}\n` +
          `${fmtInt(f.references)} references (${fmtInt(f.reads)} reads, ${fmtInt(f.writes)} writes, ${fmtInt(f.instructions)} instruction fetches), ` +
          `${fmtInt(f.distinctPages)} distinct ${formatBytes(w.pageSize)} pages; ${policies.length} policies × ${frames.length} frame counts\n\n`,
      );
      io.stdout.write(renderSweepTable(io, s));
      if (reportPath !== null)
        io.stdout.write(`\nReport: ${c.bold(reportPath)} (open it in a browser; it works offline)\n`);
      for (const fig of svgs) io.stdout.write(`Figure: ${fig}\n`);
      io.stdout.write(c.dim(`done in ${(elapsedMs / 1000).toFixed(1)} s\n`));
    });
}

/** Frame counts for the demo: geometric from a few frames to just under the footprint, where policies differ. */
export function demoFrames(distinct: number, points: number): number[] {
  const all = defaultFrames(Math.max(2, Math.floor(distinct * 0.9)), points + 2);
  return all.filter((f) => f >= 2).slice(-points);
}
