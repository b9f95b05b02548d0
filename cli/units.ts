// Parsers for option values: sizes with binary units, frame counts, frame-count ranges, integer
// lists and reference strings. Each throws InvalidArgumentError, which commander turns into a usage
// error (exit code 2) that names the option.

import { InvalidArgumentError } from "commander";
import { PagewiseError } from "../src/index.js";

const UNIT: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Bytes from a size such as `4096`, `4KiB`, `4k`, `64MiB` or `1.5GiB`. Units are binary: K, KB
 * and KiB all mean 1024 bytes. Returns an integer ≥ 0.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNIT[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new InvalidArgumentError(`"${text}" is not a size (examples: 4096, 4KiB, 64MiB)`);
  }
  const bytes = Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes))
    throw new InvalidArgumentError(`"${text}" is not a whole number of bytes`);
  return bytes;
}

/** A page size: a size (parseSize) that is a power of two. */
export function parsePageSize(text: string): number {
  const bytes = parseSize(text);
  if (bytes > 2 ** 30) throw new InvalidArgumentError(`"${text}" is too large for a page (at most 1GiB)`);
  if (bytes < 1 || (bytes & (bytes - 1)) !== 0)
    throw new InvalidArgumentError(
      `"${text}" is not a power of two number of bytes (examples: 4096, 4KiB, 64KiB)`,
    );
  return bytes;
}

/** True when `text` carries a unit (so it is a size, not a count). */
export function hasUnit(text: string): boolean {
  return /[a-zA-Z]\s*$/.test(text.trim());
}

/** A positive integer. */
export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${text}" is not a positive integer`);
  }
  return n;
}

/** A parser of positive integers up to `max` (for options whose work grows with the value). */
export function parsePositiveIntUpTo(max: number): (text: string) => number {
  return (text: string) => {
    const n = parsePositiveInt(text);
    if (n > max) throw new InvalidArgumentError(`"${text}" is more than ${max}, the most this option allows`);
    return n;
  };
}

/**
 * Most references a command holds in memory at once (13 bytes each, and the arrays a replay derives
 * from them: about 2 GiB in all): a generator asked for 10^10 references, or a longer trace read
 * whole, is refused with the way round, instead of growing until the allocation fails.
 */
export const MAX_LOADED_REFS = 2 ** 27;

/** Throws a PagewiseError (code TOO_LARGE, exit 1) when a workload would hold more than MAX_LOADED_REFS references. */
export function checkLoadedRefs(count: number): void {
  if (count > MAX_LOADED_REFS) {
    throw new PagewiseError(
      "TOO_LARGE",
      `the workload has more than ${MAX_LOADED_REFS} references, more than this command holds in memory: give --limit N (or replay without --report, which streams the trace)`,
      { count },
    );
  }
}

/** A non-negative integer. */
export function parseNonNegativeInt(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`"${text}" is not a non-negative integer`);
  }
  return n;
}

/** A frame count as written: a plain count (`64`) or a memory size (`256KiB`) to divide by the page size. */
export type FramesSpec = { kind: "count"; frames: number } | { kind: "bytes"; bytes: number; text: string };

export function parseFramesSpec(text: string): FramesSpec {
  if (hasUnit(text)) return { kind: "bytes", bytes: parseSize(text), text };
  return { kind: "count", frames: parsePositiveInt(text) };
}

/**
 * Frame counts for a sweep: a list `4,8,16`, a range `1..10` (every count), a stepped range
 * `0..100:10`, a doubling range `4..256:x2`, or sizes with units in any of these (`64KiB..1MiB:x2`).
 */
export function parseFramesList(text: string): FramesSpec[] {
  const out: FramesSpec[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*([^.:]+)\.\.([^.:]+)(?::(x?)(\d+(?:\.\d+)?))?\s*$/.exec(part);
    if (!m) {
      out.push(parseFramesSpec(part));
      continue;
    }
    const end = (t: string): FramesSpec =>
      hasUnit(t) ? parseFramesSpec(t) : { kind: "count", frames: parseNonNegativeInt(t) };
    const lo = end(m[1]!);
    const hi = end(m[2]!);
    if (lo.kind !== hi.kind)
      throw new InvalidArgumentError(`"${part}": both ends must be counts, or both sizes`);
    const a = lo.kind === "count" ? lo.frames : lo.bytes;
    const b = hi.kind === "count" ? hi.frames : (hi as { bytes: number }).bytes;
    const geometric = m[3] === "x";
    const step = m[4] === undefined ? (geometric ? 2 : 1) : Number(m[4]);
    if (a > b) throw new InvalidArgumentError(`"${part}": the range is empty`);
    if ((geometric && step <= 1) || (!geometric && step <= 0)) {
      throw new InvalidArgumentError(`"${part}": the step must ${geometric ? "exceed 1" : "be positive"}`);
    }
    for (let v = a, i = 0; v <= b; i++) {
      const n = Math.round(v);
      if (n >= 1)
        out.push(
          lo.kind === "count" ? { kind: "count", frames: n } : { kind: "bytes", bytes: n, text: `${n}B` },
        );
      if (out.length > 10_000) throw new InvalidArgumentError(`"${part}": more than 10000 frame counts`);
      v = geometric ? a * step ** (i + 1) : a + step * (i + 1);
    }
  }
  if (out.length === 0) throw new InvalidArgumentError(`"${text}" names no frame count`);
  return out;
}

/** Frames for a spec at a page size; throws InvalidArgumentError if a size is not a multiple of pages. */
export function framesOf(spec: FramesSpec, pageSize: number): number {
  if (spec.kind === "count") return spec.frames;
  const n = Math.floor(spec.bytes / pageSize);
  if (n < 1) throw new InvalidArgumentError(`${spec.text} holds no ${pageSize}-byte frame`);
  return n;
}

/** A comma-separated list of ids. */
export function parseList(text: string): string[] {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) throw new InvalidArgumentError(`"${text}" is an empty list`);
  return items;
}

/** A reference string: page numbers separated by commas or spaces; a `w` suffix marks a write (`3w`). */
export interface RefString {
  readonly pages: number[];
  readonly writes: boolean[];
}

export function parseRefString(text: string): RefString {
  const pages: number[] = [];
  const writes: boolean[] = [];
  for (const tok of text.split(/[\s,]+/)) {
    if (tok === "") continue;
    const m = /^(0x[0-9a-fA-F]+|\d+)([wWrR]?)$/.exec(tok);
    if (!m)
      throw new InvalidArgumentError(`"${tok}" is not a page number (examples: 7, 0x1f, 3w for a write)`);
    const n = Number(m[1]);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${tok}" is too large`);
    pages.push(n);
    writes.push(m[2]!.toLowerCase() === "w");
  }
  if (pages.length === 0) throw new InvalidArgumentError("the reference string is empty");
  return { pages, writes };
}

/** An integer written in decimal or hex (0x…), e.g. a virtual address. */
export function parseAddress(text: string): number {
  const t = text.trim().replace(/_/g, "");
  const n = /^0x[0-9a-f]+$/i.test(t)
    ? Number.parseInt(t.slice(2), 16)
    : /^\d+$/.test(t)
      ? Number(t)
      : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(`"${text}" is not an address (examples: 0x4ED, 1261)`);
  return n;
}

/** Bytes as a short human string: 4 KiB, 1.5 MiB. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/**
 * Most references a generator may produce for a streamed run: 2^30, minutes of replay and about a
 * minute a 16 M of full mode. A stream needs no memory per reference, but a spec such as
 * `n=99999999999` is almost always a slip, and would run for hours before saying anything.
 */
export const MAX_GENERATED_REFS = 2 ** 30;

/** Throws a PagewiseError (code TOO_LARGE, exit 1) for a generator of more than MAX_GENERATED_REFS references. */
export function checkGeneratedRefs(count: number): void {
  if (count > MAX_GENERATED_REFS) {
    throw new PagewiseError(
      "TOO_LARGE",
      `--gen: the generator makes ${count} references, more than ${MAX_GENERATED_REFS} (hours of simulation): give --limit N`,
      { count },
    );
  }
}
