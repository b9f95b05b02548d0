// `pagewise belady`: Belady's anomaly: more frames, more faults. Searches random reference strings
// (seeded, so a search is reproducible) for one where the policy faults more with n + 1 frames than
// with n, and shows the fault counts frame by frame. With --refs it checks that string only. Stack
// algorithms (LRU, OPT) never show the anomaly: the search then reports none found and says why.

import type { Command } from "commander";
import { countFaults, policyIdOf, prepare } from "../engine.js";
import { UsageError } from "../errors.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { parseNonNegativeInt, parsePositiveIntUpTo } from "../units.js";
import { workloadFromRefs } from "../workload.js";
import { beladySteps, stepsHelp } from "./steps.js";

interface BeladyOptions {
  policy: string;
  refs?: string;
  pages: number;
  length: number;
  tries: number;
  seed: number;
  maxFrames?: number;
  json?: boolean;
  csv?: boolean;
  steps?: boolean;
}

export interface BeladyResult {
  policy: string;
  refs: number[];
  /** Faults with 1, 2, … maxFrames frames. */
  faults: { frames: number; faults: number }[];
  /** The first rise: faults(frames + 1) > faults(frames); null when none. */
  anomaly: { frames: number; faults: number; moreFrames: number; moreFaults: number } | null;
  /** Strings tried (1 with --refs). */
  tried: number;
  seed: number | null;
}

/** mulberry32: a small seeded generator, enough for reproducible searches. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Bounds of a search: its work grows with strings tried × length × frame counts, and shrinking a
 * string found replays it length² times more; the anomaly shows on strings of a dozen references.
 */
export const BELADY_MAX = {
  pages: 256,
  length: 256,
  maxFrames: 256,
  refs: 10_000,
  tries: 1_000_000,
} as const;

function profile(spec: string, refs: number[], maxFrames: number): BeladyResult["faults"] {
  const p = prepare(workloadFromRefs(refs.join(",")), false);
  const out: BeladyResult["faults"] = [];
  // From as many frames as distinct pages on, nothing is evicted: every count faults once a page.
  for (let f = 1; f <= maxFrames; f++)
    out.push({ frames: f, faults: f >= p.pageSpace ? p.pageSpace : countFaults(p, spec, f) });
  return out;
}

function firstRise(faults: BeladyResult["faults"]): BeladyResult["anomaly"] {
  for (let i = 0; i + 1 < faults.length; i++) {
    const a = faults[i]!;
    const b = faults[i + 1]!;
    if (b.faults > a.faults)
      return { frames: a.frames, faults: a.faults, moreFrames: b.frames, moreFaults: b.faults };
  }
  return null;
}

/** Removes references one at a time while the anomaly survives: a shorter string to read. */
function shrink(spec: string, refs: number[], maxFrames: number): number[] {
  let cur = refs;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < cur.length; i++) {
      const cand = cur.slice(0, i).concat(cur.slice(i + 1));
      if (firstRise(profile(spec, cand, maxFrames)) !== null) {
        cur = cand;
        changed = true;
        i--;
      }
    }
  }
  return cur;
}

/** Policies that are stack algorithms: the resident set with n frames is inside the one with n + 1. */
const STACK_ALGORITHMS = new Set(["lru", "opt", "lfu"]);

/** Searches (or checks `refs`) for an anomaly. */
export function searchBelady(opts: BeladyOptions): BeladyResult {
  const policy = opts.policy;
  if (opts.refs !== undefined) {
    const refs = [...workloadFromRefs(opts.refs).pages];
    if (refs.length > BELADY_MAX.refs)
      throw new UsageError(
        `--refs: ${refs.length} references; belady checks strings of at most ${BELADY_MAX.refs} (use run or sweep for traces)`,
      );
    const distinct = new Set(refs).size;
    const faults = profile(policy, refs, opts.maxFrames ?? Math.min(distinct, BELADY_MAX.maxFrames));
    return { policy: policyIdOf(policy), refs, faults, anomaly: firstRise(faults), tried: 1, seed: null };
  }
  const next = rng(opts.seed);
  const maxFrames = opts.maxFrames ?? opts.pages;
  let last: BeladyResult | null = null;
  for (let t = 1; t <= opts.tries; t++) {
    const refs = Array.from({ length: opts.length }, () => 1 + Math.floor(next() * opts.pages));
    const faults = profile(policy, refs, maxFrames);
    const anomaly = firstRise(faults);
    last = { policy: policyIdOf(policy), refs, faults, anomaly, tried: t, seed: opts.seed };
    if (anomaly) {
      const small = shrink(policy, refs, maxFrames);
      const f2 = profile(policy, small, maxFrames);
      return { ...last, refs: small, faults: f2, anomaly: firstRise(f2) };
    }
  }
  return { ...last!, anomaly: null };
}

export function registerBelady(program: Command, { io }: CommandContext): void {
  program
    .command("belady")
    .summary("search for Belady's anomaly (more frames, more faults)")
    .description(
      "Search random reference strings for one where a policy faults more with more frames (Belady's\n" +
        "anomaly), shorten it while the anomaly stays, and show its faults frame by frame. FIFO shows it;\n" +
        "stack algorithms (LRU, OPT) never do.",
    )
    .option("--policy <spec>", "replacement policy", "fifo")
    .option("--refs <pages>", "check this reference string instead of searching (1,2,3,4,1,2,5,1,2,3,4,5)")
    .option(
      "--pages <n>",
      `distinct pages in the random strings (at most ${BELADY_MAX.pages})`,
      parsePositiveIntUpTo(BELADY_MAX.pages),
      5,
    )
    .option(
      "--length <n>",
      `length of the random strings (at most ${BELADY_MAX.length})`,
      parsePositiveIntUpTo(BELADY_MAX.length),
      20,
    )
    .option(
      "--tries <n>",
      `most strings to try (at most ${BELADY_MAX.tries})`,
      parsePositiveIntUpTo(BELADY_MAX.tries),
      20_000,
    )
    .option("--seed <n>", "random seed (the same seed finds the same string)", parseNonNegativeInt, 1)
    .option(
      "--max-frames <n>",
      `highest frame count to try (default: the number of distinct pages; at most ${BELADY_MAX.maxFrames})`,
      parsePositiveIntUpTo(BELADY_MAX.maxFrames),
    )
    .option(
      "--json",
      "print one JSON document (fields: policy, refs[], faults[{frames, faults}], anomaly, tried, seed)",
    )
    .option("--csv", "print the fault profile as CSV (frames,faults)")
    .option("--steps", stepsHelp("belady"))
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise belady                                   search with FIFO
  $ pagewise belady --refs 1,2,3,4,1,2,5,1,2,3,4,5    the textbook string: 9 faults with 3 frames, 10 with 4
  $ pagewise belady --policy lru --tries 2000         a stack algorithm: none found
  $ pagewise belady --pages 6 --length 20 --seed 7 --json`,
    )
    .action((opts: BeladyOptions) => {
      const mode = outputMode(opts);
      const r = searchBelady(opts);
      if (opts.steps) return beladySteps(io, r, mode);
      if (mode === "json") return writeJson(io, r);
      if (mode === "csv") return writeCsv(io, ["frames", "faults"], r.faults);
      const c = colorsFor(io);
      if (r.anomaly) {
        const a = r.anomaly;
        io.stdout.write(
          `${c.bold(c.red("Belady's anomaly"))} with ${r.policy}${r.seed !== null ? ` (found after ${fmtInt(r.tried)} tries, seed ${r.seed})` : ""}:\n` +
            `  references ${r.refs.join(" ")}\n` +
            `  ${a.frames} frames → ${c.bold(String(a.faults))} faults, but ${a.moreFrames} frames → ${c.bold(c.red(String(a.moreFaults)))} faults\n`,
        );
      } else if (r.seed !== null) {
        io.stdout.write(
          `No anomaly for ${r.policy} in ${fmtInt(r.tried)} random strings (${opts.pages} pages, length ${opts.length}, seed ${r.seed}).\n` +
            (STACK_ALGORITHMS.has(r.policy)
              ? `${r.policy} is a stack algorithm: the pages resident with n frames are always resident with n + 1,\nso it can never show the anomaly. Try --policy fifo.\n`
              : "Not finding one proves nothing: try more --tries, a longer --length or more --pages.\n") +
            `Last string tried: ${r.refs.join(" ")}\n`,
        );
      } else {
        io.stdout.write(
          `No anomaly for ${r.policy} on ${r.refs.join(" ")}: faults never rise with more frames.\n`,
        );
      }
      const rows = r.faults.map((f, i) => {
        const rise = i > 0 && f.faults > r.faults[i - 1]!.faults;
        return [String(f.frames), rise ? c.red(`${f.faults} ▲`) : String(f.faults)];
      });
      io.stdout.write(`${renderTable(c, ["frames", "faults"], rows)}\n`);
    });
}
