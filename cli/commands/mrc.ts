// `pagewise mrc`: miss-ratio curves: for each policy, the miss ratio at each frame count, as a table
// with one row per frame count (or --json/--csv), and optionally the HTML report with the chart.

import type { Command } from "commander";
import { prepare } from "../engine.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtPct, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { buildReport } from "../report/collect.js";
import { writeReportFile } from "../report/write.js";
import { type FramesSpec, parseFramesList, parseList, parsePositiveInt } from "../units.js";
import { addWorkloadOptions, type WorkloadOptions } from "../workload.js";
import { addOutputOptions, workloadOf } from "./common.js";
import { defaultFrames, framesList, sweepRuns } from "./sweep.js";

interface MrcOptions extends WorkloadOptions {
  policies: string[];
  frames?: FramesSpec[];
  points: number;
  report?: string;
  json?: boolean;
  csv?: boolean;
}

export function registerMrc(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("mrc")
    .summary("miss-ratio curves: miss ratio against memory size")
    .description(
      "Miss ratio of each policy at each frame count. Without --frames, about --points counts spread\n" +
        "geometrically from 1 to the number of distinct pages (where every policy stops missing but for cold misses).",
    );
  addWorkloadOptions(cmd);
  cmd
    .option("--policies <ids>", "comma-separated policy specs", parseList, ["fifo", "lru", "opt"])
    .option("--frames <list>", "frame counts: 4,8,16 or 1..100 or 4..1024:x2 or sizes", parseFramesList)
    .option("--points <n>", "number of frame counts when --frames is not given", parsePositiveInt, 16)
    .option("--report <file.html>", "also write an HTML report with the curves");
  addOutputOptions(
    cmd,
    "workload, frames[], curves[{policy, faults[], missRatio[]}]",
    "frames,policy,faults,missRatio",
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise mrc --gen zipf:pages=1000,alpha=0.9,n=100000,seed=1
  $ pagewise mrc --trace test/fixtures/traces/ls.lackey --policies lru,clock,arc --frames 16..1024:x2 --csv
  $ pagewise mrc --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policies fifo,lru --frames 1..6 --report mrc.html`,
    )
    .action(async (opts: MrcOptions) => {
      const mode = outputMode(opts);
      const w = await workloadOf(opts, io);
      const p = prepare(w, false);
      const frames = opts.frames
        ? framesList(opts.frames, w.pageSize)
        : defaultFrames(p.pageSpace, Math.max(2, opts.points));
      const runs = await sweepRuns(io, p, opts.policies, frames, "mrc");
      const curves = opts.policies.map((pol) => {
        const rs = frames.map((f) => runs.find((r) => r.policy === pol && r.frames === f)!);
        return {
          policy: rs[0]?.policy ?? pol,
          faults: rs.map((r) => r.faults),
          missRatio: rs.map((r) => r.missRatio),
        };
      });
      if (opts.report !== undefined) {
        const data = await buildReport(io, p, { policies: opts.policies, frames, runs });
        io.stderr.write(`report written to ${writeReportFile(opts.report, data, io.cwd)}\n`);
      }
      if (mode === "json") {
        writeJson(io, {
          workload: {
            name: w.name,
            source: w.source,
            pageSize: w.pageSize,
            references: w.count,
            distinctPages: p.pageSpace,
          },
          frames,
          curves,
        });
      } else if (mode === "csv") {
        writeCsv(
          io,
          ["frames", "policy", "faults", "missRatio"],
          curves.flatMap((cv) =>
            frames.map((f, i) => ({
              frames: f,
              policy: cv.policy,
              faults: cv.faults[i],
              missRatio: cv.missRatio[i],
            })),
          ),
        );
      } else {
        const c = colorsFor(io);
        io.stdout.write(`${w.name}: ${fmtInt(w.count)} references, ${fmtInt(p.pageSpace)} distinct pages\n`);
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
        io.stdout.write(`${renderTable(c, ["frames", ...curves.map((cv) => cv.policy)], rows)}\n`);
      }
    });
}
