// `pagewise info`: what a workload is made of, with no simulation: references, distinct pages,
// reads, writes, instruction fetches, processes, and the working-set size W(t, τ) over time.

import type { Command } from "commander";
import { DenseIdsSink, feed, PageIds, samplePoints } from "../../src/index.js";
import { UsageError } from "../errors.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, outputMode, renderKeyValues, renderTable, writeCsv, writeJson } from "../output.js";
import { formatBytes, parsePositiveInt } from "../units.js";
import {
  addWorkloadOptions,
  type OpenedSource,
  openSource,
  valuesText,
  type WorkloadOptions,
} from "../workload.js";
import { addOutputOptions } from "./common.js";

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
    "name, source, pageSize, references, distinctPages, footprintBytes, reads, writes, instructions, processes, splits (extra references from accesses split at page boundaries; null for pwt), values{unit, how, why} (text traces), workingSet{tau, at[], size[]}",
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
      const src = await openSource(opts, io, { kinds: true });
      let facts: InfoFacts;
      let splits: number | null;
      let tau: number;
      let at: number[];
      let size: number[];
      try {
        facts = await infoFacts(src, opts.limit);
        splits = src.splits();
        tau = opts.tau ?? Math.max(10, Math.round(facts.references / 100));
        at = samplePoints(facts.references, opts.samples);
        size = await workingSet(src, opts.limit, tau, at);
      } finally {
        src.close();
      }
      const { pageSize } = src;
      const f = {
        references: facts.references,
        distinctPages: facts.distinctPages,
        reads: facts.references - facts.writes - facts.instructions,
        writes: facts.writes,
        instructions: facts.instructions,
        processes: facts.processes,
        splits,
      };
      const w = { name: src.name, source: src.sourceText, pageSize };
      const doc = {
        name: w.name,
        source: w.source,
        pageSize: w.pageSize,
        ...f,
        footprintBytes: f.distinctPages * w.pageSize,
        ...(src.values !== undefined ? { values: src.values } : {}),
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
          [
            "splits (page-straddling accesses)",
            f.splits === null ? c.dim("— (split at capture; pwt keeps no count)") : fmtInt(f.splits),
          ],
          ...(src.values !== undefined
            ? ([["values", valuesText(src.values, pageSize)]] as [string, string][])
            : []),
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

interface InfoFacts {
  references: number;
  distinctPages: number;
  writes: number;
  instructions: number;
  processes: number;
}

/** One pass: references, distinct pages, writes, instruction fetches and processes. */
async function infoFacts(src: OpenedSource, limit: number | undefined): Promise<InfoFacts> {
  const pids = new Set<number>();
  const source = src.source;
  if (source.kind !== "batches") throw new Error("info reads decoded batches");
  const ids = new PageIds();
  const wrapped = {
    ...source,
    async *batches() {
      for await (const b of source.batches()) {
        let last = Number.NaN;
        for (let i = 0; i < b.count; i++) {
          const pid = b.pids[i]!;
          if (pid !== last) pids.add(pid);
          last = pid;
        }
        yield b;
      }
    },
  };
  const c = await feed(wrapped, new DenseIdsSink(ids, () => {}), limit !== undefined ? { limit } : {});
  return {
    references: c.references,
    distinctPages: ids.size,
    writes: c.writes,
    instructions: c.instructions,
    processes: pids.size,
  };
}

/**
 * Working-set size W(t, τ), the distinct pages among the last τ references, at each position of
 * `at` (1-based counts, ascending): one pass keeping each page's last reference; at a sample the
 * pages last referenced within the window are counted (O(distinct pages) per sample).
 */
async function workingSet(
  src: OpenedSource,
  limit: number | undefined,
  tau: number,
  at: readonly number[],
): Promise<number[]> {
  const ids = new PageIds();
  let last = new Float64Array(1024).fill(Number.NEGATIVE_INFINITY);
  let i = 0;
  let next = 0;
  const out: number[] = [];
  const count = (end: number): number => {
    let n = 0;
    for (let id = 0; id < ids.size; id++) if (last[id]! >= end - tau) n++;
    return n;
  };
  await feed(
    src.source,
    new DenseIdsSink(ids, (chunk, n) => {
      if (ids.size > last.length) {
        const l = new Float64Array(Math.max(ids.size, 2 * last.length)).fill(Number.NEGATIVE_INFINITY);
        l.set(last);
        last = l;
      }
      for (let k = 0; k < n; k++, i++) {
        last[chunk[k]!] = i;
        while (next < at.length && at[next] === i + 1) {
          out.push(count(i + 1));
          next++;
        }
      }
    }),
    limit !== undefined ? { limit } : {},
  );
  while (out.length < at.length) out.push(count(i));
  return out;
}
