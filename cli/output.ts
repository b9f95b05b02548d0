// Output in the three forms every command offers: a human table (cli-table3, coloured only on a TTY),
// `--json` (one JSON document on stdout and nothing else there) and `--csv` (a header row, then one
// row per record, RFC 4180 quoting). Commands build plain records; this file decides how they look.

import { createRequire } from "node:module";
import type TableType from "cli-table3";
import { groupDigits } from "../src/index.js";
import { UsageError } from "./errors.js";
import { type CliIo, type Colors, colorsFor } from "./io.js";

/** cli-table3, loaded at the first table (a --json or --csv run prints none: 8 ms of start-up). */
let tableClass: typeof TableType | null = null;
function Table(): typeof TableType {
  tableClass ??= createRequire(import.meta.url)("cli-table3") as typeof TableType;
  return tableClass;
}

export type OutputMode = "human" | "json" | "csv";

/** The output options every command accepts. */
export interface OutputOptions {
  json?: boolean;
  csv?: boolean;
}

/** The mode chosen by --json / --csv; both at once is a usage error. */
export function outputMode(opts: OutputOptions): OutputMode {
  if (opts.json && opts.csv) throw new UsageError("--json and --csv cannot be used together");
  return opts.json ? "json" : opts.csv ? "csv" : "human";
}

/** Writes one JSON document followed by a newline. */
export function writeJson(io: CliIo, doc: unknown): void {
  io.stdout.write(`${JSON.stringify(doc, jsonReplacer, 2)}\n`);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return value > 0 ? "Infinity" : null;
  return value;
}

export type Cell = string | number | boolean | null | undefined;

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? formatCsvNumber(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function formatCsvNumber(v: number): string {
  if (!Number.isFinite(v)) return "";
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

/** Writes CSV: `fields` is the header and the key order; each record is read by field name. */
export function writeCsv(
  io: CliIo,
  fields: readonly string[],
  records: readonly Record<string, Cell>[],
): void {
  const lines = [fields.map(csvCell).join(",")];
  for (const r of records) lines.push(fields.map((f) => csvCell(r[f])).join(","));
  io.stdout.write(`${lines.join("\n")}\n`);
}

/** Box characters without a rule between body rows. */
const COMPACT = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };

/** Column alignment for a human table. */
export type Align = "left" | "right" | "center";

/** Renders a table; header cells are bold on a TTY. Cells must already be strings. */
export function renderTable(
  c: Colors,
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
  opts: { ruled?: boolean } = {},
): string {
  const t = new (Table())({
    ...(opts.ruled ? {} : { chars: COMPACT }),
    head: head.map((h) => c.bold(h)),
    style: { head: [], border: [], compact: false },
    colAligns: head.map((_, i) => align[i] ?? (i === 0 ? "left" : "right")),
  });
  for (const r of rows) t.push([...r]);
  return t.toString();
}

/** Two-column key/value table for counters. */
export function renderKeyValues(c: Colors, pairs: readonly (readonly [string, string])[]): string {
  const t = new (Table())({ chars: COMPACT, style: { head: [], border: [] }, colAligns: ["left", "right"] });
  for (const [k, v] of pairs) t.push([c.dim(k), v]);
  return t.toString();
}

/** A number with thousands separators. */
export function fmtInt(n: number): string {
  return Number.isFinite(n) ? groupDigits(n) : "—";
}

/**
 * A ratio in [0, 1] as a percentage with `digits` decimals, or more for small values, so that
 * 0.04 % does not print as 0.0 %.
 */
export function fmtPct(r: number, digits = 2): string {
  if (!Number.isFinite(r)) return "—";
  const pct = r * 100;
  let d = digits;
  while (pct !== 0 && Math.abs(pct) < 10 ** (1 - d) && d < 4) d++;
  return `${pct.toFixed(d)} %`;
}

/** Nanoseconds as a readable duration. */
export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(3)} µs`;
  return `${ns.toFixed(1)} ns`;
}

export { colorsFor };
