// `pagewise info`: what a workload is made of, with no simulation: references, distinct pages,
// reads, writes, instruction fetches, processes, and the working-set size W(t, τ) over time.

import type { Command } from "commander";
import { samplePoints, workingSetSizes } from "../../src/report/series.js";
import { prepare, workloadFacts } from "../engine.js";
import { UsageError } from "../errors.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, outputMode, renderKeyValues, renderTable, writeCsv, writeJson } from "../output.js";
import { formatBytes, parsePositiveInt } from "../units.js";
import { addWorkloadOptions, type WorkloadOptions } from "../workload.js";
import { addOutputOptions, workloadOf } from "./common.js";

interface InfoOptions extends WorkloadOptions {
  tau?: number;
  samples: number;
  json?: boolean;
  csv?: boolean;
}

export function registerInfo(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("info")
    .summary("describe a workload: references, pages, reads/writes, working set")
    .description(
      "Describe a workload without simulating it: references, distinct pages, reads, writes, instruction\n" +
        "fetches, processes, and the working-set size W(t, τ) (distinct pages in the last τ references) over time.",
    )
    .argument("[file]", "a trace file (same as --trace FILE)");
  addWorkloadOptions(cmd);
  cmd
    .option(
      "--tau <n>",
      "working-set window τ in references (default: 1% of the trace, at least 10)",
      parsePositiveInt,
    )
    .option("--samples <n>", "points of the working-set curve", parsePositiveInt, 10);
  addOutputOptions(
    cmd,
    "name, source, pageSize, references, distinctPages, footprintBytes, reads, writes, instructions, processes, workingSet{tau, at[], size[]}",
    "at,workingSet",
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise info test/fixtures/traces/ls.lackey
  $ pagewise info --gen zipf:pages=1000,alpha=0.9,n=100000,seed=1 --tau 1000 --json
  $ pagewise info --refs 1,2,3,4,1,2,5,1,2,3,4,5 --tau 4 --samples 12 --csv`,
    )
    .action(async (file: string | undefined, opts: InfoOptions) => {
      const mode = outputMode(opts);
      if (file !== undefined) {
        if (opts.trace !== undefined) throw new UsageError("give the file once: info FILE or --trace FILE");
        opts.trace = file;
      }
      const w = await workloadOf(opts, io);
      const p = prepare(w, false);
      const f = workloadFacts(p);
      const tau = opts.tau ?? Math.max(10, Math.round(w.count / 100));
      const at = samplePoints(w.count, opts.samples);
      const size = workingSetSizes(p.dense, w.count, p.pageSpace, tau, at);
      const doc = {
        name: w.name,
        source: w.source,
        pageSize: w.pageSize,
        ...f,
        footprintBytes: f.distinctPages * w.pageSize,
        workingSet: { tau, at, size },
      };
      if (mode === "json") return writeJson(io, doc);
      if (mode === "csv")
        return writeCsv(
          io,
          ["at", "workingSet"],
          at.map((a, i) => ({ at: a, workingSet: size[i] })),
        );
      const c = colorsFor(io);
      io.stdout.write(`${c.bold(w.name)}: ${w.source}\n`);
      io.stdout.write(
        `${renderKeyValues(c, [
          ["references", fmtInt(f.references)],
          ["distinct pages", fmtInt(f.distinctPages)],
          ["footprint", `${formatBytes(doc.footprintBytes)} at ${formatBytes(w.pageSize)} pages`],
          ["reads", fmtInt(f.reads)],
          ["writes", fmtInt(f.writes)],
          ["instruction fetches", fmtInt(f.instructions)],
          ["processes", fmtInt(f.processes)],
        ])}\n`,
      );
      const max = Math.max(1, ...size);
      const rows = at.map((a, i) => [
        fmtInt(a),
        fmtInt(size[i]!),
        c.cyan("█".repeat(Math.round((size[i]! / max) * 30))),
      ]);
      io.stdout.write(`working-set size, τ = ${fmtInt(tau)} references:\n`);
      io.stdout.write(`${renderTable(c, ["after refs", "pages", ""], rows, ["right", "right", "left"])}\n`);
    });
}
