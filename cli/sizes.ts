// Memory sizes relative to each trace: `--frames 0.1%,1%,10%` means those fractions of the trace's
// distinct pages (its footprint), as libCacheSim's cachesim takes fractions of the working set,
// besides absolute counts (64) and byte sizes (256KiB) and their ranges (cli/units.ts). A
// percentage resolves per trace: floor(p% × distinct pages), computed exactly from the digits
// written (29% of 100 pages is 29, where 0.29 × 100 in doubles is 28.999...), and at least 1 frame.
// The distinct-page count comes from the pwt header when it has one, else from one pass.
// For a command's --frames: parse with parseSizeList instead of parseFramesList, then per trace
// resolveFrames(spec, pageSize, distinctPages) (a loaded workload knows its distinct pages; a
// streamed one asks distinctPagesOf only when needsDistinctPages says a percentage was given).

import { InvalidArgumentError } from "commander";
import { type OpenTraceOptions, openTrace } from "../node/trace-file.js";
import { DenseIdsSink, feed, PageIds, type ReferenceSource } from "../src/index.js";
import { type FramesSpec, framesOf, parseFramesList, parseFramesSpec } from "./units.js";

/** A frame count, a byte size, or a percentage of the trace's distinct pages. */
export type SizeSpec = FramesSpec | { kind: "percent"; text: string; digits: bigint; scale: bigint };

/** One `p%` item: a decimal percentage above 0 and at most 100 (`0.1%`, `1%`, `12.5%`). */
export function parsePercent(text: string): SizeSpec {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*%\s*$/.exec(text);
  if (!m) throw new InvalidArgumentError(`"${text}" is not a percentage such as 0.1% or 10%`);
  const frac = m[2] ?? "";
  const digits = BigInt(m[1]! + frac);
  const scale = 10n ** BigInt(frac.length);
  if (digits === 0n) throw new InvalidArgumentError(`"${text}": a percentage must be above 0`);
  if (digits > 100n * scale) throw new InvalidArgumentError(`"${text}": a percentage must be at most 100%`);
  return { kind: "percent", text: text.trim(), digits, scale };
}

/** One size: `p%` of the trace's distinct pages, a count (64) or a byte size (256KiB). */
export function parseSizeSpec(text: string): SizeSpec {
  return text.trim().endsWith("%") ? parsePercent(text) : parseFramesSpec(text);
}

/** How a size was written, for tables and CSV: "1%", "64", "256KiB". */
export function sizeText(spec: SizeSpec): string {
  return spec.kind === "count" ? String(spec.frames) : spec.text;
}

/**
 * A `--frames` list with percentages: items ending in `%` are fractions of each trace's distinct
 * pages; the others are what parseFramesList reads (counts, sizes, ranges). Throws
 * InvalidArgumentError (a usage error naming the item).
 */
export function parseSizeList(text: string): SizeSpec[] {
  const out: SizeSpec[] = [];
  let plain: string[] = [];
  const flush = () => {
    if (plain.length > 0) out.push(...parseFramesList(plain.join(",")));
    plain = [];
  };
  for (const part of text.split(",")) {
    if (part.trim().endsWith("%")) {
      flush();
      out.push(parsePercent(part));
    } else {
      plain.push(part);
    }
  }
  flush();
  return out;
}

/** True when any size of the list depends on the trace (a percentage). */
export function needsDistinctPages(specs: readonly SizeSpec[]): boolean {
  return specs.some((s) => s.kind === "percent");
}

/** Frames for a size at `pageSize` for a trace of `distinctPages` distinct pages. */
export function resolveFrames(spec: SizeSpec, pageSize: number, distinctPages: number): number {
  if (spec.kind !== "percent") return framesOf(spec, pageSize);
  const n = (BigInt(distinctPages) * spec.digits) / (100n * spec.scale);
  return Math.max(1, Number(n));
}

/**
 * The number of distinct (pid, page) pairs of a trace file: from a pwt header with final counts
 * (at the header's page size), else from one pass over the file. Memory grows with the pages.
 */
export async function distinctPagesOf(path: string, opts: OpenTraceOptions = {}): Promise<number> {
  const t = await openTrace(path, opts);
  if (t.header?.countsKnown && t.header.pageSize === t.pageSize) return t.header.distinctPages;
  const ids = new PageIds();
  for await (const b of t.batches()) {
    for (let i = 0; i < b.count; i++) ids.idOf(b.pages[i]!, b.pids[i]!);
  }
  return ids.size;
}

/** The distinct (pid, page) pairs of the first `limit` references of a source: one pass that only decodes. */
export async function distinctPagesOfSource(source: ReferenceSource, limit?: number): Promise<number> {
  const ids = new PageIds();
  await feed(source, new DenseIdsSink(ids, () => {}), limit !== undefined ? { limit } : {});
  return ids.size;
}
