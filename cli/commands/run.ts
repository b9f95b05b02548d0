// `pagewise run`: one workload, one policy, one frame count; prints every counter, or --json/--csv,
// and optionally writes an HTML report of the run.

import { type Command, Option } from "commander";
import {
  ensureNextUse,
  needsFuture,
  prepare,
  type RunResult,
  runFull,
  simulate,
  workloadFacts,
} from "../engine.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtNs, fmtPct, outputMode, renderKeyValues, writeCsv, writeJson } from "../output.js";
import { Progress } from "../progress.js";
import { buildReport } from "../report/collect.js";
import { writeReportFile } from "../report/write.js";
import type { FramesSpec } from "../units.js";
import { addWorkloadOptions, type WorkloadOptions } from "../workload.js";
import { addFramesOption, addOutputOptions, resolveFrames, workloadOf } from "./common.js";

interface RunOptions extends WorkloadOptions {
  policy: string;
  frames?: FramesSpec;
  memory?: number;
  report?: string;
  mode: string;
  tlb?: { entries: number; ways: number };
  json?: boolean;
  csv?: boolean;
}

/** CSV columns of a run, in order; also the flat field names in sweep CSV. */
export const RUN_CSV_FIELDS = [
  "policy",
  "frames",
  "pageSize",
  "references",
  "faults",
  "hits",
  "missRatio",
  "evictionsClean",
  "evictionsDirty",
  "writebacks",
  "tlbHits",
  "tlbMisses",
  "eatFormulaNs",
  "eatMeasuredNs",
] as const;

/** A run as a flat CSV record. */
export function runRecord(r: RunResult): Record<(typeof RUN_CSV_FIELDS)[number], number | string> {
  return {
    policy: r.policy,
    frames: r.frames,
    pageSize: r.pageSize,
    references: r.references,
    faults: r.faults,
    hits: r.hits,
    missRatio: r.missRatio,
    evictionsClean: r.evictions.clean,
    evictionsDirty: r.evictions.dirty,
    writebacks: r.writebacks,
    tlbHits: r.tlb.hits,
    tlbMisses: r.tlb.misses,
    eatFormulaNs: r.eat.formulaNs,
    eatMeasuredNs: r.eat.measuredNs,
  };
}

function printRun(io: CliIo, r: RunResult, workloadName: string, distinct: number): void {
  const c = colorsFor(io);
  io.stdout.write(
    `${c.bold(r.policy)} with ${c.bold(String(r.frames))} frames on ${workloadName} ` +
      `(${fmtInt(r.references)} references, ${fmtInt(distinct)} distinct pages)\n`,
  );
  const pairs: [string, string][] = [
    ["references", fmtInt(r.references)],
    ["faults", c.bold(fmtInt(r.faults))],
    ["hits", fmtInt(r.hits)],
    ["miss ratio", fmtPct(r.missRatio)],
    ["evictions (clean / dirty)", `${fmtInt(r.evictions.clean)} / ${fmtInt(r.evictions.dirty)}`],
    ["write-backs", fmtInt(r.writebacks)],
    ...(r.pageTableFrames !== undefined
      ? ([["page-table frames (beside --frames)", fmtInt(r.pageTableFrames)]] as [string, string][])
      : []),
    [
      "TLB hits / misses",
      r.tlb.mode === "replay"
        ? c.dim("— (replay mode has no TLB)")
        : `${fmtInt(r.tlb.hits)} / ${fmtInt(r.tlb.misses)}`,
    ],
    ["EAT by the formula", fmtNs(r.eat.formulaNs)],
    ["EAT measured", fmtNs(r.eat.measuredNs)],
  ];
  for (const [k, v] of Object.entries(r.policyCounters ?? {})) pairs.push([`${r.policy}: ${k}`, fmtInt(v)]);
  io.stdout.write(`${renderKeyValues(c, pairs)}\n`);
}

export function registerRun(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("run")
    .summary("simulate one policy with one frame count")
    .description(
      "Replay a workload under one replacement policy and frame count and report every counter.\n" +
        "Any policy works on any workload, opt included: next uses are computed from the workload itself.",
    );
  addWorkloadOptions(cmd);
  cmd.option("--policy <spec>", "replacement policy, with parameters: lru, fifo, opt, aging:bits=8", "lru");
  addFramesOption(cmd);
  cmd.addOption(
    new Option(
      "--mode <mode>",
      "replay: page numbers into frames and the policy; full: the Machine with page tables in frames, a TLB and real bytes (--frames counts the frames for pages; the page tables get frames of their own, reported as pageTableFrames, so both modes give the same faults)",
    )
      .choices(["replay", "full"])
      .default("replay"),
  );
  cmd.option(
    "--tlb <entries/ways>",
    "full mode's TLB: entries (a power of two, 0 for none) and ways, e.g. 64/4 (the default) or 2048/8",
    parseTlb,
  );
  cmd.option("--report <file.html>", "also write an HTML report of this run");
  addOutputOptions(
    cmd,
    "references, faults, hits, missRatio, evictions{clean,dirty}, writebacks, tlb{hits,misses,mode}, policy, frames, pageSize, eat{formulaNs,measuredNs}, pageTableFrames (full mode)",
    RUN_CSV_FIELDS.join(","),
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise run --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policy fifo --frames 3
  $ pagewise run --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policy opt --frames 3 --json
  $ pagewise run --trace test/fixtures/traces/ls.lackey --policy clock --memory 256KiB --page-size 4KiB
  $ pagewise run --gen zipf:pages=1000,alpha=0.9,n=100000,seed=1 --policy arc --frames 100 --csv
  $ pagewise run --trace test/fixtures/traces/py-dict.pwt --policy lru --frames 1024 --mode full --tlb 2048/8

In full mode --frames (or --memory) counts the frames that hold pages, as in replay mode; the page
tables the workload needs get frames of their own on top, shown as "page-table frames". A progress
bar appears on stderr for runs longer than a second (only on a terminal, never with --json/--csv).`,
    )
    .action(async (opts: RunOptions) => {
      const mode = outputMode(opts);
      const w = await workloadOf(opts, io);
      const frames = resolveFrames(opts, w.pageSize);
      const p = prepare(w, false);
      if (needsFuture(opts.policy)) ensureNextUse(p);
      if (opts.tlb !== undefined && opts.mode !== "full") {
        throw new UsageError("--tlb is for --mode full (replay mode has no TLB)");
      }
      // The bar is for people reading text: never with --json or --csv (nor off a terminal).
      const bar = new Progress(io, `${opts.policy} (${opts.mode})`, w.count);
      const onProgress =
        mode === "human" ? (done: number, total: number) => bar.update(done, total) : undefined;
      let r: RunResult;
      try {
        r =
          opts.mode === "full"
            ? runFull(p, opts.policy, frames, {
                ...(onProgress ? { onProgress } : {}),
                ...(opts.tlb ? { tlb: opts.tlb } : {}),
              }).result
            : simulate(p, opts.policy, frames, onProgress);
      } finally {
        bar.stop();
      }
      if (opts.report !== undefined) {
        const path = writeReportFile(
          opts.report,
          await buildReport(io, p, { policies: [opts.policy], frames: [frames], focusFrames: frames }),
          io.cwd,
        );
        io.stderr.write(`report written to ${path}\n`);
      }
      if (mode === "json") writeJson(io, r);
      else if (mode === "csv") writeCsv(io, RUN_CSV_FIELDS, [runRecord(r)]);
      else printRun(io, r, w.name, workloadFacts(p).distinctPages);
    });
}

/** Parses --tlb "entries/ways" (or "entries": fully associative up to 255 ways, else 4-way). */
export function parseTlb(v: string): { entries: number; ways: number } {
  const m = /^(\d+)(?:\/(\d+))?$/.exec(v.trim());
  if (m === null) throw new UsageError(`--tlb: expected entries/ways such as 64/4, got "${v}"`);
  const entries = Number(m[1]);
  const ways = m[2] !== undefined ? Number(m[2]) : entries <= 255 ? Math.max(1, entries) : 4;
  return { entries, ways };
}
