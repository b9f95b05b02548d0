// `pagewise kswapd`: runs a workload in full mode with the background reclaimer (src/pager/kswapd.ts)
// and once without it; prints kswapd's counters beside the two runs' waits for write-backs, and
// optionally writes the timeline (free frames against the watermarks, kswapd's activity) as an SVG.

import type { Command } from "commander";
import { writeOutputFile } from "../../node/output-file.js";
import {
  type KswapdTimeline,
  kswapdReportHtml,
  kswapdTimelineSvg,
  PagewiseError,
  parseKswapdSpec,
  runKswapdTimeline,
} from "../../src/index.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtNs, outputMode, renderKeyValues, renderTable, writeCsv, writeJson } from "../output.js";
import { chartAssets } from "../report/write.js";
import type { FramesSpec } from "../units.js";
import { parsePositiveInt } from "../units.js";
import { addWorkloadOptions, type Workload, type WorkloadOptions } from "../workload.js";
import { addFramesOption, addOutputOptions, resolveFrames, workloadOf } from "./common.js";

interface KswapdCliOptions extends WorkloadOptions {
  frames?: FramesSpec;
  memory?: number;
  watermarks: string;
  policy: string;
  samples: number;
  svg?: string;
  report?: string;
  json?: boolean;
  csv?: boolean;
}

export function registerKswapd(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("kswapd")
    .summary("background reclaim with watermarks: timeline and waits for write-backs")
    .description(
      "Runs the workload in full mode with kswapd (woken below the low watermark, reclaiming to high,\n" +
        "direct reclaim below min, dirty pages cleaned ahead of eviction) and once without it, and reports\n" +
        "kswapd's wake-ups, pages scanned, reclaimed and cleaned, direct reclaims, and how many evictions\n" +
        "made a faulting process wait for a write in each run. --svg writes the timeline.",
    );
  addWorkloadOptions(cmd);
  addFramesOption(cmd, "page frames (page tables get frames of their own)");
  cmd
    .option(
      "--watermarks <spec>",
      "doc (min/low/high = 1/2/3 % of frames), linux (min_free_kbytes rule), min=2,low=4,high=6; " +
        "then options: batch=N, clean=on|off, clean-ahead=N, scan=TIME, wake=TIME (2us, 1ms; a plain number is ns)",
      parseWatermarks,
      "doc",
    )
    .option("--policy <spec>", "replacement policy kswapd asks for victims", "clock")
    .option("--samples <n>", "timeline samples over the run", parsePositiveInt, 400)
    .option("--svg <file.svg>", "write the timeline chart (free frames and watermarks; kswapd activity)")
    .option("--report <file.html>", "write an HTML page: the chart, kswapd's counters, both runs");
  addOutputOptions(
    cmd,
    "workload, frames, policy, marks, withKswapd, withoutKswapd, timeline{timeMs[], free[], lowestFree[], wakeups[], reclaimed[], cleaned[], directReclaimed[]}",
    TIMELINE_COLUMNS.join(","),
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise kswapd --trace test/fixtures/traces/sort500.pwt --frames 160 --svg kswapd.svg
  $ pagewise kswapd --trace test/fixtures/traces/sort500.pwt --frames 160 --watermarks linux,clean=off --report k.html
  $ pagewise kswapd --gen zipf:pages=2000,alpha=0.8,n=200000,seed=1,writes=0.3 --frames 1000 --json`,
    )
    .action(async (opts: KswapdCliOptions) => {
      const mode = outputMode(opts);
      const w = await workloadOf(opts, io);
      const frames = resolveFrames(opts, w.pageSize);
      const t = runKswapdTimeline(w, {
        frames,
        policy: opts.policy,
        kswapd: opts.watermarks,
        samples: Math.max(2, opts.samples),
      });
      const write = (file: string, text: string, what: string) => {
        const path = writeOutputFile(file, text, { cwd: io.cwd });
        io.stderr.write(`${what} written to ${path}\n`);
      };
      if (opts.svg !== undefined) write(opts.svg, kswapdTimelineSvg(t), "timeline");
      if (opts.report !== undefined) write(opts.report, kswapdReportHtml(t, chartAssets()), "report");
      const series = () => Object.fromEntries(TIMELINE_COLUMNS.map((k) => [k, t[k]]));
      if (mode === "json")
        writeJson(io, {
          workload: { name: w.name, source: w.source, pageSize: w.pageSize, references: w.count },
          frames,
          policy: t.policy,
          marks: t.marks,
          withKswapd: t.withKswapd,
          withoutKswapd: t.withoutKswapd,
          timeline: series(),
        });
      else if (mode === "csv")
        writeCsv(
          io,
          [...TIMELINE_COLUMNS],
          t.timeMs.map((_, i) => Object.fromEntries(TIMELINE_COLUMNS.map((k) => [k, t[k][i]]))),
        );
      else printKswapd(io, w, frames, t);
    });
}

/** The timeline's series, in the order of the CSV columns and the JSON's timeline object. */
const TIMELINE_COLUMNS = [
  "timeMs",
  "free",
  "lowestFree",
  "wakeups",
  "reclaimed",
  "cleaned",
  "directReclaimed",
] as const;

/** kswapd's counters, then the two runs side by side. */
function printKswapd(io: CliIo, w: Workload, frames: number, t: KswapdTimeline): void {
  const c = colorsFor(io);
  const { withKswapd: on, withoutKswapd: off } = t;
  const k = on.kswapd!;
  io.stdout.write(
    `${w.name}: ${fmtInt(w.count)} references, ${fmtInt(frames)} page frames, policy ${t.policy}, ` +
      `watermarks ${k.preset}: min ${k.min}, low ${k.low}, high ${k.high}\n`,
  );
  io.stdout.write(
    `${renderKeyValues(c, [
      ["kswapd wake-ups", fmtInt(k.wakeups)],
      ["kswapd runs", fmtInt(k.runs)],
      ["pages scanned", fmtInt(k.scanned)],
      ["pages reclaimed (of them dirty)", `${fmtInt(k.reclaimed)} (${fmtInt(k.reclaimedDirty)})`],
      ["pages cleaned ahead", fmtInt(k.cleaned)],
      ["direct reclaims (pages)", `${fmtInt(k.directReclaims)} (${fmtInt(k.directReclaimed)})`],
      ["kswapd busy (simulated)", fmtNs(k.busyNs)],
    ])}\n`,
  );
  const row = (name: string, r: typeof on) => [
    name,
    fmtInt(r.faults),
    fmtInt(r.faultEvictions.clean),
    fmtInt(r.faultEvictions.dirty),
    fmtInt(r.writebacks),
    fmtNs(r.timeNs),
  ];
  const head = [
    "run",
    "faults",
    "fault-path evictions, clean",
    "waited for a write",
    "write-backs",
    "process time",
  ];
  io.stdout.write(`${renderTable(c, head, [row("with kswapd", on), row("without", off)])}\n`);
}

/** --watermarks: a malformed spec is a usage error (exit 2), as run's --kswapd. */
function parseWatermarks(v: string): string {
  try {
    parseKswapdSpec(v);
  } catch (e) {
    if (e instanceof PagewiseError) throw new UsageError(`--watermarks: ${e.message}`);
    throw e;
  }
  return v;
}
