// Step mode's output (`run --steps`, `belady --steps`): one line per reference from the engine's
// Stepper (src/sim/steps.ts), as a student writes it on paper, at 80 columns; or, with --json, the
// same records as JSON Lines. This file only formats: the stepping is the engine's.

import {
  type FullStepRecord,
  fullSteps,
  MAX_STEP_REFERENCES,
  type StepList,
  type StepRecord,
  type StepSource,
  steps,
} from "../../src/index.js";
import { UsageError } from "../errors.js";
import type { CliIo } from "../io.js";

/** Line width of the human output: a terminal's 80 columns, whatever the terminal says. */
export const STEP_WIDTH = 80;

/** A page as shown: "5", or "2:5" for page 5 of process 2 when several processes run. */
function pageText(pid: number, page: number, multi: boolean): string {
  return multi ? `${pid}:${page}` : String(page);
}

/** One list's entries as tokens, "3", ">4[R=1]", "(5)": ghosts in parentheses, hands as X> before their entry. */
export function listTokens(l: StepList, multi: boolean): string[] {
  const handAt = new Map<number, string>();
  for (const [name, i] of Object.entries(l.hands ?? {}))
    handAt.set(i, (handAt.get(i) ?? "") + (name === "hand" ? "" : name.charAt(0).toUpperCase()));
  return l.entries.map((e, i) => {
    const hands = handAt.get(i);
    const mark = hands === undefined ? "" : `${hands}>`;
    const body = `${pageText(e.pid, e.page, multi)}${e.note !== undefined ? `[${e.note}]` : ""}`;
    return `${mark}${e.frame < 0 ? `(${body})` : body}`;
  });
}

/** The state column's tokens: a lone list as its entries, several as "T1 1 2 | T2 3". */
function stateTokens(rec: StepRecord, multi: boolean): string[] {
  const out: string[] = [];
  for (const l of rec.lists) {
    if (out.length > 0) out.push("|");
    if (rec.lists.length > 1) out.push(l.name);
    const t = listTokens(l, multi);
    out.push(...(t.length === 0 && rec.lists.length > 1 ? ["-"] : t));
  }
  for (const [k, v] of Object.entries(rec.values ?? {}))
    out.push("|", `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`);
  return out;
}

const HEAD = ["#", "ref", "result", "victim", "h/m"] as const;
/** Column widths: the ref and victim columns grow with the widest page (`pageWidth`). */
function widths(pageWidth: number): number[] {
  return [4, Math.max(6, pageWidth + 2), 15, Math.max(7, pageWidth + 3), 6];
}

/** Left columns of one line. */
function leftColumns(rec: StepRecord, multi: boolean): string[] {
  const tlb = (rec as Partial<FullStepRecord>).tlb;
  const result = rec.hit
    ? tlb === undefined
      ? "hit"
      : tlb === "hit"
        ? "hit tlb"
        : "hit walk"
    : `miss ${rec.cause}`;
  const victim =
    rec.victim === undefined
      ? "-"
      : `${pageText(rec.victim.pid, rec.victim.page, multi)}${rec.victim.writtenBack ? " wb" : ""}`;
  return [
    String(rec.step),
    `${pageText(rec.pid, rec.page, multi)} ${rec.access}`,
    result,
    victim,
    `${rec.hits}/${rec.misses}`,
  ];
}

function pad(cols: readonly string[], w: readonly number[]): string {
  return cols.map((c, i) => (i === 0 ? c.padStart(w[i]! - 1).padEnd(w[i]!) : c.padEnd(w[i]!))).join(" ");
}

/** Joins `tokens` with spaces into lines of at most `width` characters (a longer token gets its own line). */
function wrap(tokens: readonly string[], width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of tokens) {
    if (line !== "" && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  out.push(line);
  return out;
}

/** The human lines of records (after a legend and a header when `first` is given); `pageWidth`: the widest page's text. */
export function formatSteps(
  records: Iterable<StepRecord>,
  multi: boolean,
  first: StepRecord | null,
  pageWidth = 1,
): string[] {
  const out: string[] = [];
  const w = widths(pageWidth);
  const indent = w.reduce((a, b) => a + b + 1, 0);
  const stateWidth = Math.max(16, STEP_WIDTH - indent);
  if (first !== null) {
    if (multi) out.push("  pages as pid:page (pages of different processes are different pages)");
    for (const l of first.lists) {
      const hands = Object.keys(l.hands ?? {}).filter((h) => h !== "hand");
      const handText = hands.map((h) => `${h.charAt(0).toUpperCase()}> hand ${h}`).join(", ");
      const ghosts = l.ghost ? " (ghosts, not resident, in parentheses)" : "";
      out.push(`  ${l.name}: ${l.order}${ghosts}${hands.length > 0 ? ` (${handText})` : ""}`);
    }
    out.push(`${pad(HEAD, w)} ${first.lists.length === 1 ? first.lists[0]!.name : "lists"}`);
  }
  for (const rec of records) {
    const [head, ...rest] = wrap(stateTokens(rec, multi), stateWidth);
    out.push(`${pad(leftColumns(rec, multi), w)} ${head}`.trimEnd());
    for (const r of rest) out.push(`${" ".repeat(indent)}${r}`);
  }
  return out;
}

/**
 * Steps `src` under `policy` with `frames` frames and writes one line per reference (after a title
 * and a legend), or with `json` one JSON object per line; `extra` fields go in every JSON object.
 * `full` steps the Machine (sim/steps-full.ts) instead of the replay driver.
 */
export function writeSteps(
  io: CliIo,
  src: StepSource,
  policy: string,
  frames: number,
  opts: {
    json: boolean;
    title?: string;
    extra?: Record<string, unknown>;
    full?: { pageSize: number; tlb?: { entries: number; ways: number } };
  },
): void {
  let multi = false;
  for (let i = 0; i < src.count && !multi; i++) multi = (src.pids?.[i] ?? 0) !== (src.pids?.[0] ?? 0);
  let pageWidth = 1;
  for (let i = 0; i < src.count; i++)
    pageWidth = Math.max(pageWidth, pageText(src.pids?.[i] ?? 0, src.pages[i]!, multi).length);
  const it: Iterator<StepRecord> = opts.full
    ? fullSteps(src, { policy, frames, ...opts.full })
    : steps(src, { policy, frames });
  if (opts.json) {
    for (let r = it.next(); !r.done; r = it.next())
      io.stdout.write(`${JSON.stringify({ ...opts.extra, ...r.value })}\n`);
    return;
  }
  if (opts.title !== undefined) io.stdout.write(`${opts.title}\n`);
  const first = it.next();
  if (first.done) {
    io.stdout.write("(no references)\n");
    return;
  }
  // The header names the lists, which the first record has; the records are then streamed.
  io.stdout.write(`${formatSteps([], multi, first.value, pageWidth).join("\n")}\n`);
  let last: StepRecord = first.value;
  io.stdout.write(`${formatSteps([last], multi, null, pageWidth).join("\n")}\n`);
  for (let r = it.next(); !r.done; r = it.next()) {
    io.stdout.write(`${formatSteps([r.value], multi, null, pageWidth).join("\n")}\n`);
    last = r.value;
  }
  const tlb = last as Partial<FullStepRecord>;
  io.stdout.write(
    `${last.hits} hits, ${last.misses} misses in ${last.step} references (miss ratio ${((100 * last.misses) / last.step).toFixed(1)} %)` +
      `${tlb.tlbHits !== undefined ? `; TLB ${tlb.tlbHits} hits, ${tlb.tlbMisses} misses` : ""}\n`,
  );
}

export { stepsHelp } from "./steps-help.js";

/** `run --steps`: checks the options step mode cannot honour, then steps the workload. */
export function runSteps(
  io: CliIo,
  w: {
    name: string;
    pageSize: number;
    count: number;
    pages: ArrayLike<number>;
    kinds: ArrayLike<number>;
    pids: ArrayLike<number>;
  },
  policy: string,
  frames: number,
  opts: {
    mode: string;
    json?: boolean;
    csv?: boolean;
    report?: string;
    pageSize?: number;
    tlb?: { entries: number; ways: number };
    colors?: unknown;
    readAhead?: unknown;
    kswapd?: unknown;
    swapSlots?: unknown;
  },
): void {
  for (const [flag, v] of [
    ["--colors", opts.colors],
    ["--read-ahead", opts.readAhead],
    ["--kswapd", opts.kswapd],
    ["--swap-slots", opts.swapSlots],
  ] as const)
    if (v !== undefined)
      throw new UsageError(`--steps does not take ${flag} (full mode steps run the Machine without it)`);
  if (opts.csv) throw new UsageError("--steps prints lines or, with --json, JSON Lines; not --csv");
  if (opts.report !== undefined) throw new UsageError("--steps does not write a report; leave out --report");
  if (w.count > MAX_STEP_REFERENCES)
    throw new UsageError(
      `--steps prints a line per reference: at most ${MAX_STEP_REFERENCES} references, this workload has ${w.count} (use --limit N)`,
    );
  const full = opts.mode === "full";
  writeSteps(io, w, policy, frames, {
    json: opts.json === true,
    title: `${policy} with ${frames} frame${frames === 1 ? "" : "s"} on ${w.name}${full ? " (full mode: the Machine)" : ""}`,
    ...(full ? { full: { pageSize: w.pageSize, ...(opts.tlb ? { tlb: opts.tlb } : {}) } } : {}),
  });
}

/**
 * `belady --steps`: the string stepped with the anomaly's two frame counts, after the usual
 * summary line; with --json, JSON Lines (each record with its `frames`), none when no anomaly.
 */
export function beladySteps(
  io: CliIo,
  r: {
    policy: string;
    refs: readonly number[];
    anomaly: { frames: number; faults: number; moreFrames: number; moreFaults: number } | null;
  },
  mode: "human" | "json" | "csv",
): void {
  if (mode === "csv") throw new UsageError("--steps prints lines or, with --json, JSON Lines; not --csv");
  const src = { count: r.refs.length, pages: r.refs };
  const a = r.anomaly;
  if (a === null) {
    if (mode === "human")
      io.stdout.write(`No anomaly for ${r.policy} on ${r.refs.join(" ")}: nothing to step.\n`);
    else io.stderr.write(`no anomaly for ${r.policy}: no steps\n`);
    return;
  }
  if (mode === "human")
    io.stdout.write(
      `Belady's anomaly with ${r.policy}: ${a.frames} frames → ${a.faults} faults, ${a.moreFrames} frames → ${a.moreFaults} faults.\n`,
    );
  for (const frames of [a.frames, a.moreFrames]) {
    if (mode === "human") io.stdout.write("\n");
    writeSteps(io, src, r.policy, frames, {
      json: mode === "json",
      title: `${r.policy} with ${frames} frames on ${r.refs.join(",")}`,
      extra: { frames },
    });
  }
}
