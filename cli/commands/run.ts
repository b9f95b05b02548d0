// `pagewise run`: one workload, one policy, one frame count; prints every counter, or --json/--csv,
// and optionally writes an HTML report of the run.

import { type Command, Option } from "commander";
import {
  annotates,
  PagewiseError,
  parseKswapdSpec,
  type SimulateOptions,
  simulate,
  workloadSource,
} from "../../src/index.js";
import {
  ensureNextUse,
  type Mechanisms,
  needsFuture,
  policyIdOf,
  prepare,
  type RunResult,
  replayRunResult,
  simulate as simulatePrepared,
  workloadFacts,
} from "../engine.js";
// Full mode's module (the Machine) loads only for --mode full.
import type { FullOptions } from "../engine-full.js";
import { UsageError } from "../errors.js";
import { type CliIo, colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtNs, fmtPct, outputMode, renderKeyValues, writeCsv, writeJson } from "../output.js";
import { Progress, passLabel, replayProgress } from "../progress.js";
import { distinctPagesOfSource, type SizeSpec } from "../sizes.js";
import { type OpenedSwapFile, openSwapFile } from "../swap-file.js";
import { tlbCountsNote } from "../tlb-note.js";
import {
  addWorkloadOptions,
  inMemorySource,
  type OpenedSource,
  openSource,
  valuesText,
  type Workload,
  type WorkloadOptions,
} from "../workload.js";
import { addFramesOption, addOutputOptions, needsDistinct, resolveFrames, workloadOf } from "./common.js";
import {
  addMachineOptions,
  type MachineFlags,
  machineFlagValues,
  machineFullOptions,
  machinePairs,
  shapePageSize,
} from "./run-machine.js";
// Step mode's modules (the Machine among them) load only for --steps.
import { stepsHelp } from "./steps-help.js";

interface RunOptions extends WorkloadOptions, MachineFlags {
  policy: string;
  frames?: SizeSpec;
  memory?: number;
  report?: string;
  mode: string;
  colors?: { colors: number; mode: "prefer" | "strict" };
  readAhead?: number;
  kswapd?: string;
  swapSlots?: number;
  json?: boolean;
  csv?: boolean;
  steps?: boolean;
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

function printRun(
  io: CliIo,
  r: RunResult,
  workloadName: string,
  distinct: number,
  disk?: MachineFlags["disk"],
): void {
  const c = colorsFor(io);
  io.stdout.write(
    `${c.bold(r.policy)} with ${c.bold(String(r.frames))} frames on ${workloadName} ` +
      `(${fmtInt(r.references)} references, ${fmtInt(distinct)} distinct pages)\n`,
  );
  const pairs: [string, string][] = [
    ...(r.values !== undefined
      ? ([["trace values", valuesText(r.values, r.pageSize)]] as [string, string][])
      : []),
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
    ...faultCausePairs(r),
    ["EAT by the formula", fmtNs(r.eat.formulaNs)],
    ["EAT measured", fmtNs(r.eat.measuredNs)],
  ];
  for (const [k, v] of Object.entries(r.policyCounters ?? {})) pairs.push([`${r.policy}: ${k}`, fmtInt(v)]);
  if (r.mechanisms) pairs.push(...mechanismPairs(r.mechanisms));
  if (r.mechanisms?.machine || r.mechanisms?.swapFile)
    pairs.push(...machinePairs(r.mechanisms.machine, disk, r.mechanisms.swapFile));
  io.stdout.write(`${renderKeyValues(c, pairs)}\n`);
  const tlbNote = r.tlb.mode === "full" ? tlbCountsNote(r.references, r.tlb.hits, r.tlb.misses) : "";
  if (tlbNote !== "") io.stdout.write(c.dim(tlbNote));
  if (r.faultCauses !== undefined)
    io.stdout.write(
      c.dim(
        `EAT: the formula charges every fault ${r.mechanisms?.machine?.costs ? `its service time (${fmtNs(r.mechanisms.machine.costs.faultServiceNs)})` : "a disk read (8 ms)"}; the measured value charges only the faults\n` +
          "that read the disk, plus a disk write per write-back and the TLB walks (a zero-fill fault costs no I/O).\n",
      ),
    );
  // Reasons are long: one line each below the table.
  for (const k of r.mechanisms?.swap?.killed ?? []) {
    io.stdout.write(
      `${c.bold(`killed: process ${k.machinePid}`)} (pid ${k.pid} in the workload): ${k.reason}\n`,
    );
  }
}

/**
 * A run in which processes were killed (out of swap) finished, but not as a plain success: the
 * human table lists them; with --json or --csv, whose stdout a script reads, a warning on stderr
 * says so too (the document has them under mechanisms.swap.killed).
 */
function warnKilled(io: CliIo, r: RunResult, mode: string): void {
  if (mode === "human") return;
  for (const k of r.mechanisms?.swap?.killed ?? [])
    io.stderr.write(
      `pagewise: warning: process ${k.machinePid} (pid ${k.pid} in the workload) was killed: ${k.reason}; the counts cover what ran\n`,
    );
}

/**
 * Full mode: the faults by cause, and how many of them read the disk: the measured EAT charges a
 * disk read for those (and a disk write per write-back), the formula for every fault.
 */
function faultCausePairs(r: RunResult): [string, string][] {
  const k = r.faultCauses;
  if (k === undefined) return [];
  const causes = [
    ["zero-fill", k.zeroFill],
    ["from swap", k.fromSwap],
    ["from the image", k.fromImage],
    ["from a shared object", k.fromObject],
    ["minor", k.minor],
  ] as const;
  const shown = causes.filter(([, n]) => n > 0).map(([name, n]) => `${name} ${fmtInt(n)}`);
  const disk = k.fromSwap + k.fromImage + k.fromObject;
  return [
    ["faults by cause", shown.length > 0 ? shown.join(", ") : "—"],
    ["faults that read the disk", fmtInt(disk)],
  ];
}

/** Text lines for full mode's mechanisms, only those that were on. */
function mechanismPairs(m: Mechanisms): [string, string][] {
  const pairs: [string, string][] = [];
  if (m.coloring) {
    const k = m.coloring;
    pairs.push(["page colors", `${k.colors} (${k.mode})`]);
    if (k.mode === "prefer") pairs.push(["color conflicts (frame of another color)", fmtInt(k.conflicts)]);
    else pairs.push(["color evictions (to free a frame of the color)", fmtInt(k.colorEvictions)]);
  }
  if (m.readAhead) {
    const a = m.readAhead;
    pairs.push(
      ["read-ahead (pages)", fmtInt(a.pages)],
      ["pages prefetched / referenced", `${fmtInt(a.prefetched)} / ${fmtInt(a.prefetchHits)}`],
    );
  }
  if (m.kswapd) {
    const k = m.kswapd;
    pairs.push(
      ["kswapd watermarks", `${k.preset}: min ${k.min}, low ${k.low}, high ${k.high}`],
      ["kswapd wake-ups / runs", `${fmtInt(k.wakeups)} / ${fmtInt(k.runs)}`],
      [
        "kswapd scanned / reclaimed (dirty)",
        `${fmtInt(k.scanned)} / ${fmtInt(k.reclaimed)} (${fmtInt(k.reclaimedDirty)})`,
      ],
      ["kswapd cleaned ahead", fmtInt(k.cleaned)],
      ["direct reclaims (pages)", `${fmtInt(k.directReclaims)} (${fmtInt(k.directReclaimed)})`],
      [
        "fault-path evictions clean / waited for a write",
        `${fmtInt(k.faultEvictions.clean)} / ${fmtInt(k.faultEvictions.dirty)}`,
      ],
      ["kswapd busy (simulated)", fmtNs(k.busyNs)],
    );
  }
  if (m.swap) {
    const w = m.swap;
    pairs.push(
      ["swap slots (in use at the end)", `${fmtInt(w.slots)} (${fmtInt(w.slotsInUse)})`],
      ["out-of-swap kills / fatal faults", `${fmtInt(w.outOfSwapKills)} / ${fmtInt(w.outOfSwapFaults)}`],
    );
    pairs.push(["processes killed", fmtInt(w.killed.length)]);
    if (w.skippedReferences > 0)
      pairs.push(["references skipped (killed processes)", fmtInt(w.skippedReferences)]);
  }
  return pairs;
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
  addFramesOption(cmd, undefined, true);
  cmd.addOption(
    new Option(
      "--mode <mode>",
      "replay: page numbers into frames and the policy; full: the Machine with page tables in frames, a TLB and real bytes (--frames counts the frames for pages; the page tables get frames of their own, reported as pageTableFrames, so both modes give the same faults)",
    )
      .choices(["replay", "full"])
      .default("replay"),
  );
  cmd.option(
    "--colors <n[:mode]>",
    "full mode's page coloring: n colors (a power of two; a page's color is its VPN's low bits, a frame's its PFN's) and the allocator's mode, prefer (the default: another color when none of the page's is free, a conflict) or strict (evict until a frame of the color is free), e.g. 8 or 8:strict",
    parseColors,
  );
  cmd.option(
    "--read-ahead <pages>",
    "full mode's sequential read-ahead: a fault that reads a page from swap also reads up to this many following pages of the same store (0 to 1024; 0: off)",
    parseReadAhead,
  );
  cmd.option(
    "--kswapd <spec>",
    "full mode's background reclaimer: doc (min/low/high = 1/2/3 % of frames), linux, or min=N,low=N,high=N; then batch=N, clean=on|off, clean-ahead=N, scan=TIME, wake=TIME (2us, 1ms; a plain number is ns) (see pagewise kswapd)",
    parseKswapd,
  );
  cmd.option(
    "--swap-slots <n>",
    "full mode's swap size in page slots (default unbounded): when a dirty victim finds no slot the process with the largest resident set is killed",
    parseSwapSlots,
  );
  addMachineOptions(cmd);
  cmd.option("--report <file.html>", "also write an HTML report of this run");
  cmd.option("--steps", stepsHelp("run"));
  addOutputOptions(
    cmd,
    "values{unit, how, why} (text traces), references, faults, hits, missRatio, evictions{clean,dirty}, writebacks, tlb{hits,misses,mode}, policy, frames, pageSize, eat{formulaNs,measuredNs}, pageTableFrames (full mode), mechanisms{coloring, readAhead, kswapd, swap} (full mode, those on; see cli/README.md)",
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
  $ pagewise run --trace test/fixtures/traces/addresses.txt --frames 3 --addresses
  $ pagewise run --trace test/fixtures/traces/py-dict.pwt --policy lru --frames 1024 --mode full --tlb 2048,8
  $ pagewise run --trace test/fixtures/traces/sort500.pwt --policy lru --frames 10%
  $ pagewise run --refs 0,2,4,6,8,10,12,14,0,2,4,6 --frames 8 --mode full --colors 2:strict
  $ pagewise run --gen loop:pages=64,n=2000,writes=1 --frames 32 --mode full --read-ahead 8
  $ pagewise run --trace test/fixtures/traces/sort500.pwt --frames 160 --mode full --kswapd linux,clean=off
  $ pagewise run --gen "seq:n=30,writes=1 + loop:pages=20,n=200,writes=0" --frames 40 --mode full --swap-slots 5
  $ pagewise run --gen "loop:pages=12,n=1200 + loop:pages=4,n=400" --frames 12 --mode full --scope local
  $ pagewise run --gen "loop:pages=12,n=1200 + loop:pages=4,n=400" --frames 12 --mode full --tlb 8,2,flush
  $ pagewise run --refs 1,2,3,4,1,2,5,1,2,3,4,5 --frames 3 --mode full --shape x86-64
  $ pagewise run --refs 0,1,2,300,0,1,2,300 --frames 2 --mode full --shape 6/6/8
  $ pagewise run --gen loop:pages=64,n=2000,writes=1 --frames 32 --mode full --swap-file swap.bin
  $ pagewise run --gen zipf:pages=200,alpha=0.8,n=5000,seed=4 --policy fifo --frames 40 --mode full --switch-at 2500:lru
  $ pagewise run --gen loop:pages=64,n=2000,writes=1 --frames 32 --mode full --disk hdd --fault-cost 20us --switch-cost 5us

--frames 10% is 10 % of the trace's distinct pages (floored, at least 1), counted by a pass over it.
In full mode --frames (or --memory) counts the frames that hold pages, as in replay mode; the page
tables the workload needs get frames of their own on top, shown as "page-table frames". A progress
bar appears on stderr for runs longer than a second (only on a terminal, never with --json/--csv).
--colors, --read-ahead, --kswapd and --swap-slots (full mode only) turn on the Machine's page
coloring, read-ahead, background reclaim and a bounded swap; their counters follow the others (and
go in --json under "mechanisms"). A process killed when swap runs out runs no further: the rest of
its references are skipped and counted.
--scope, --shape, --tlb, --switch-at and the costs (--fault-cost, --switch-cost, --disk) set up the
Machine itself; what they set is shown after the counters (--json: mechanisms.machine), and
--swap-file's file under mechanisms.swapFile. A fault's service time is the documents' three parts:
the handler (--fault-cost), the disk read (--disk: latency + seek + transfer) and the switch back
to the process (--switch-cost); the formula's EAT then uses their sum instead of 8 ms.`,
    )
    .action(async (opts: RunOptions) => {
      const mode = outputMode(opts);
      checkFullOnly(opts);
      // A shape fixes the page size: a trace or reference string is read at it.
      if (opts.shape !== undefined) {
        const ps = shapePageSize(opts.shape);
        if (opts.pageSize !== undefined && opts.pageSize !== ps)
          throw new UsageError(
            `--shape ${opts.shape} has ${ps}-byte pages; --page-size says ${opts.pageSize}`,
          );
        if (opts.gen === undefined) opts.pageSize = ps;
      }
      if (opts.steps) {
        for (const [flag, v] of machineFlagValues(opts))
          if (v !== undefined && flag !== "--tlb") throw new UsageError(`--steps does not take ${flag}`);
        // Step mode prints every reference (at most 100,000): the workload is read whole.
        const w = await workloadOf(opts, io);
        const frames = await framesOfLoaded(opts, w);
        checkModeOptions(opts, frames);
        return (await import("./steps.js")).runSteps(io, w, opts.policy, frames, opts);
      }
      if (opts.report === undefined) {
        return opts.mode === "full" ? runFullStreaming(io, opts, mode) : runStreaming(io, opts, mode);
      }
      const w = await workloadOf(opts, io);
      const frames = await framesOfLoaded(opts, w);
      checkModeOptions(opts, frames);
      const p = prepare(w, false);
      // The bar is for people reading text: never with --json or --csv (nor off a terminal).
      const future = needsFuture(opts.policy);
      const replaying = `replaying${opts.mode === "full" ? " in full mode" : ""}`;
      const bar = new Progress(io, passLabel(opts.policy, replaying, 1, 1), w.count, { unit: "references" });
      if (future) {
        if (mode === "human") bar.phase(`${opts.policy}: annotating next uses`, null);
        ensureNextUse(p);
        if (mode === "human") bar.phase(passLabel(opts.policy, replaying, 1, 1), w.count);
      }
      const onProgress =
        mode === "human" ? (done: number, total: number) => bar.update(done, total) : undefined;
      let r: RunResult;
      const swap = opts.mode === "full" ? openRunSwap(io, opts, w.pageSize) : undefined;
      try {
        r =
          opts.mode === "full"
            ? (
                await (
                  await import("../engine-full.js")
                ).runFull(
                  workloadSource(w),
                  opts.policy,
                  frames,
                  w.pageSize,
                  fullOptions(opts, onProgress, swap),
                )
              ).result
            : simulatePrepared(p, opts.policy, frames, onProgress);
      } finally {
        bar.stop();
        r = withValues(withSwapFile(r!, swap), w.values);
      }
      if (opts.report !== undefined) {
        // The report's modules load only when a report is asked for.
        const { buildReport } = await import("../report/collect.js");
        const { writeReportFile } = await import("../report/write.js");
        const path = writeReportFile(
          opts.report,
          await buildReport(io, p, { policies: [opts.policy], frames: [frames], focusFrames: frames }),
          io.cwd,
        );
        io.stderr.write(`report written to ${path}\n`);
      }
      if (mode === "json") writeJson(io, r);
      else if (mode === "csv") writeCsv(io, RUN_CSV_FIELDS, [runRecord(r)]);
      else printRun(io, r, w.name, workloadFacts(p).distinctPages, opts.disk);
      warnKilled(io, r, mode);
      warnSwitches(io, r);
    });
}

/** A --switch-at beyond the run's last reference changed nothing: said on stderr, whatever the output. */
function warnSwitches(io: CliIo, r: RunResult): void {
  for (const s of r.mechanisms?.machine?.switches ?? [])
    if (!s.applied)
      io.stderr.write(
        `pagewise: warning: --switch-at ${s.at}:${s.policy} was not reached: the run had ${r.references} references\n`,
      );
}

/** --frames (a percentage too) or --memory for a workload in memory. */
async function framesOfLoaded(opts: RunOptions, w: Workload): Promise<number> {
  const distinct = needsDistinct(opts) ? await distinctPagesOfSource(inMemorySource(w).source) : undefined;
  return resolveFrames(opts, w.pageSize, distinct);
}

/** --frames (a percentage too: one pass counts the distinct pages) or --memory for a streamed source. */
async function framesOfSource(opts: RunOptions, src: OpenedSource): Promise<number> {
  const distinct = needsDistinct(opts) ? await distinctPagesOfSource(src.source, opts.limit) : undefined;
  return resolveFrames(opts, src.pageSize, distinct);
}

/** Replay mode without a report: the trace streams through the replay in constant memory. */
async function runStreaming(io: CliIo, opts: RunOptions, mode: ReturnType<typeof outputMode>): Promise<void> {
  const src = await openSource(opts, io);
  let r: RunResult;
  let distinct: number;
  try {
    const frames = await framesOfSource(opts, src);
    checkModeOptions(opts, frames);
    policyIdOf(opts.policy);
    // The bar names each pass (OPT annotates next uses, then replays) and counts references; a
    // trace of unknown length shows a count and a rate.
    const known: SimulateOptions = {
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      ...(src.expected !== null ? { expectedReferences: src.expected } : {}),
      ...(src.distinct !== null ? { distinctPages: src.distinct } : {}),
    };
    const spec = { policy: opts.policy, frames };
    const { bar, onPhase, onProgress } = replayProgress(
      io,
      opts.policy,
      src.expected,
      annotates([spec], known),
    );
    try {
      const s = await simulate(src.source, spec, {
        ...known,
        ...(mode === "human" ? { onProgress, onPhase } : {}),
      });
      r = withValues(replayRunResult(s, frames, src.pageSize), src.values);
      distinct = s.distinctPages;
    } finally {
      bar.stop();
    }
  } finally {
    src.close();
  }
  if (mode === "json") writeJson(io, r);
  else if (mode === "csv") writeCsv(io, RUN_CSV_FIELDS, [runRecord(r)]);
  else printRun(io, r, src.name, distinct);
  warnKilled(io, r, mode);
}

/** Full mode without a report: the trace is read pass by pass (engine-full.ts runFull). */
async function runFullStreaming(
  io: CliIo,
  opts: RunOptions,
  mode: ReturnType<typeof outputMode>,
): Promise<void> {
  // A pwt file comes as its stream: runMachine takes its dictionary blocks still encoded.
  const src = await openSource(opts, io);
  let r: RunResult;
  let distinct: number;
  try {
    const frames = await framesOfSource(opts, src);
    checkModeOptions(opts, frames);
    if (opts.shape !== undefined && shapePageSize(opts.shape) !== src.pageSize)
      throw new UsageError(
        `--shape ${opts.shape} has ${shapePageSize(opts.shape)}-byte pages; the workload's are ${src.pageSize} bytes`,
      );
    const swap = openRunSwap(io, opts, src.pageSize);
    // Passes: find the pages (to size the Machine), annotate next uses (OPT), replay.
    const passes = needsFuture(opts.policy) ? 3 : 2;
    const what = `${opts.policy} (full mode)`;
    const bar = new Progress(io, passLabel(what, "finding the pages", 1, passes), src.expected ?? 0, {
      unit: "references",
      counter: src.expected === null,
    });
    const onProgress =
      mode === "human" ? (done: number, total: number) => bar.update(done, total) : undefined;
    const phases = {
      size: "finding the pages",
      annotate: "annotating next uses",
      replay: "replaying",
    } as const;
    const onPhase =
      mode === "human"
        ? (phase: keyof typeof phases, total: number | null) =>
            bar.phase(
              passLabel(
                what,
                phases[phase],
                phase === "size" ? 1 : phase === "annotate" ? 2 : passes,
                passes,
              ),
              total,
            )
        : undefined;
    try {
      const { runFull } = await import("../engine-full.js");
      ({ result: r, distinctPages: distinct } = await runFull(src.source, opts.policy, frames, src.pageSize, {
        ...fullOptions(opts, onProgress, swap),
        ...(onPhase ? { onPhase } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        ...(src.expected !== null ? { expected: src.expected } : {}),
      }));
    } finally {
      bar.stop();
      r = withValues(withSwapFile(r!, swap), src.values);
    }
  } finally {
    src.close();
  }
  if (mode === "json") writeJson(io, r);
  else if (mode === "csv") writeCsv(io, RUN_CSV_FIELDS, [runRecord(r)]);
  else printRun(io, r, src.name, distinct, opts.disk);
  warnKilled(io, r, mode);
  warnSwitches(io, r);
}

/** Refuses full-mode options in replay mode. */
function checkFullOnly(opts: RunOptions): void {
  const fullOnly: [string, unknown][] = [
    ["--tlb", opts.tlb],
    ["--colors", opts.colors],
    ["--read-ahead", opts.readAhead],
    ["--kswapd", opts.kswapd],
    ["--swap-slots", opts.swapSlots],
    ...machineFlagValues(opts),
  ];
  for (const [flag, v] of fullOnly) {
    if (v === undefined || opts.mode === "full") continue;
    const why = flag === "--tlb" ? "replay mode has no TLB" : "replay mode has no Machine to give it to";
    throw new UsageError(`${flag} is for --mode full (${why})`);
  }
}

/** The swap file of --swap-file, opened for pages of `pageSize` bytes (undefined without it). */
function openRunSwap(io: CliIo, opts: RunOptions, pageSize: number): OpenedSwapFile | undefined {
  if (opts.swapFile === undefined) return undefined;
  return openSwapFile(opts.swapFile, io.cwd, pageSize, opts.swapSlots);
}

/** The result with what a text trace's values were read as (nothing for other workloads). */
function withValues(r: RunResult, values: RunResult["values"]): RunResult {
  return values === undefined || r === undefined ? r : { ...r, values };
}

/** Closes and removes the run's swap file (if any), adding its figures to the result. */
function withSwapFile(r: RunResult | undefined, swap: OpenedSwapFile | undefined): RunResult {
  const figures = swap?.finish();
  if (r === undefined || figures === undefined) return r as RunResult;
  return { ...r, mechanisms: { ...r.mechanisms, swapFile: figures } };
}

/** Refuses full-mode options in replay mode, and more colors than frames. */
function checkModeOptions(opts: RunOptions, frames: number): void {
  checkFullOnly(opts);
  if (opts.colors !== undefined && opts.colors.colors > frames) {
    throw new UsageError(
      `--colors ${opts.colors.colors}: more colors than the ${frames} page frames (some colors would have no frame)`,
    );
  }
}

/** Full-mode options from the command line. */
function fullOptions(
  opts: RunOptions,
  onProgress?: (done: number, total: number) => void,
  swap?: OpenedSwapFile,
): FullOptions {
  for (const s of opts.switchAt ?? []) policyIdOf(s.policy);
  return {
    ...machineFullOptions(opts),
    ...(swap !== undefined ? { swap: swap.store } : {}),
    ...(onProgress ? { onProgress } : {}),
    ...(opts.colors ? { coloring: opts.colors } : {}),
    ...(opts.readAhead !== undefined ? { readAhead: opts.readAhead } : {}),
    ...(opts.kswapd !== undefined ? { kswapd: opts.kswapd } : {}),
    ...(opts.swapSlots !== undefined ? { swapSlots: opts.swapSlots } : {}),
  };
}

/** Parses --colors "n[:prefer|strict]": n a power of two from 1 to 2^20 (the engine checks n ≤ frames). */
export function parseColors(v: string): { colors: number; mode: "prefer" | "strict" } {
  const m = /^(\d+)(?::(prefer|strict))?$/.exec(v.trim());
  const n = m === null ? Number.NaN : Number(m[1]);
  if (m === null || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 20 || (n & (n - 1)) !== 0) {
    throw new UsageError(
      `--colors: expected a power of two with an optional :prefer or :strict, such as 8:strict, got "${v}"`,
    );
  }
  return { colors: n, mode: (m[2] as "prefer" | "strict" | undefined) ?? "prefer" };
}

/** Parses --read-ahead: a whole number of pages from 0 to 1024. */
export function parseReadAhead(v: string): number {
  const n = Number(v.trim());
  if (!/^\d+$/.test(v.trim()) || n > 1024) {
    throw new UsageError(`--read-ahead: expected a whole number of pages from 0 to 1024, got "${v}"`);
  }
  return n;
}

/** Parses --swap-slots: a positive whole number of page slots. */
export function parseSwapSlots(v: string): number {
  const n = Number(v.trim());
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--swap-slots: expected a positive whole number of slots, got "${v}"`);
  }
  return n;
}

/** Checks a --kswapd spec's syntax now (the watermarks against the frame count are the Machine's to check). */
export function parseKswapd(v: string): string {
  try {
    parseKswapdSpec(v);
  } catch (e) {
    if (e instanceof PagewiseError) throw new UsageError(`--kswapd: ${e.message}`);
    throw e;
  }
  return v;
}

export { parseTlb } from "./run-machine.js";
