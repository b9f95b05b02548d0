// Streaming trace decoding: the contract every trace reader implements, the line machinery the text
// formats share, and drivers that run a decoder over whole bytes or an async stream of chunks.
// A decoder takes input in chunks of any size (a line may span chunks), fills caller-owned
// RefBatches and keeps only the current chunk and one partial line, so a file of a billion
// references is read in constant memory. Nothing is allocated per reference or per line.

import { ConfigError, TraceParseError } from "../core/errors.js";
import { makeBatch, type RefBatch } from "./refs.js";
import { WorkloadBuilder } from "./workload.js";

/** One malformed line: where (1-based line and column) and what was expected. */
export interface TraceIssue {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

/** Counters a decoder keeps while it reads; live, so a progress display may poll them. */
export interface TraceStats {
  /** References produced (after splitting page-straddling accesses). */
  references: number;
  /** References by kind, indexed by REF_INSTR..REF_MODIFY. */
  readonly byKind: Float64Array;
  /** Extra references made by splitting accesses that straddle a page boundary. */
  splits: number;
  /** Lines read (text formats), including comments and skipped lines; 0 for binary. */
  lines: number;
  /** Malformed lines skipped (only with skipBad). */
  skipped: number;
  /** The first issues met when skipping (at most MAX_KEPT_ISSUES). */
  readonly issues: TraceIssue[];
}

/** How many skipped-line issues a decoder keeps for its report. */
export const MAX_KEPT_ISSUES = 20;

/** Options every decoder accepts. */
export interface DecodeOptions {
  /** Name used in error messages (a file path); "input" by default. */
  readonly source?: string;
  /** Page size in bytes for the references produced; each format has a default (usually 4096). */
  readonly pageSize?: number;
  /** Count and skip malformed lines instead of throwing TraceParseError at the first. */
  readonly skipBad?: boolean;
}

/**
 * A streaming reader of one trace format. Call `push` with each chunk, then `drain` until it returns
 * false; after the last chunk call `end` and drain again. Not reentrant; one input per instance.
 */
export interface TraceDecoder {
  readonly format: string;
  /** Page size of the references produced. */
  readonly pageSize: number;
  readonly stats: TraceStats;
  /** Supplies the next chunk. Precondition: `drain` has returned false since the last push. */
  push(chunk: Uint8Array): void;
  /**
   * Appends references to `out` from `out.count` on. Returns true when it stopped because `out` is
   * full (consume it, reset `out.count`, call again), false when the pushed input is used up.
   * Throws TraceParseError on malformed input unless skipBad.
   */
  drain(out: RefBatch): boolean;
  /** No more input follows: the last line may lack its newline; a truncated binary record throws. */
  end(): void;
}

export function makeStats(): TraceStats {
  return { references: 0, byKind: new Float64Array(4), splits: 0, lines: 0, skipped: 0, issues: [] };
}

/** Default batch size of the drivers: large enough to amortise calls, small enough for caches. */
export const DEFAULT_BATCH = 65536;

/** Runs a decoder over one in-memory input; yields the same reused batch each time it fills. */
export function* decodeBytes(dec: TraceDecoder, bytes: Uint8Array, batch = makeBatch(DEFAULT_BATCH)) {
  batch.count = 0;
  dec.push(bytes);
  while (dec.drain(batch)) {
    yield batch;
    batch.count = 0;
  }
  dec.end();
  while (dec.drain(batch)) {
    yield batch;
    batch.count = 0;
  }
  if (batch.count > 0) yield batch;
}

/**
 * Runs a decoder over an async stream of chunks. Yields one reused batch whenever it fills (and
 * once more, partial, at the end): consume it before asking for the next.
 */
export async function* decodeChunks(
  dec: TraceDecoder,
  chunks: AsyncIterable<Uint8Array>,
  batch = makeBatch(DEFAULT_BATCH),
): AsyncGenerator<RefBatch> {
  batch.count = 0;
  for await (const chunk of chunks) {
    dec.push(chunk);
    while (dec.drain(batch)) {
      yield batch;
      batch.count = 0;
    }
  }
  dec.end();
  while (dec.drain(batch)) {
    yield batch;
    batch.count = 0;
  }
  if (batch.count > 0) yield batch;
}

/** All references of a whole input, in typed arrays sized to fit. */
export interface DecodedRefs {
  readonly count: number;
  readonly pages: Float64Array;
  readonly kinds: Uint8Array;
  readonly pids: Int32Array;
}

/** The result of reading a whole input with every problem collected. */
export type DecodeResult =
  | { readonly ok: true; readonly refs: DecodedRefs; readonly stats: TraceStats; readonly issues?: never }
  | { readonly ok: false; readonly issues: readonly TraceIssue[]; readonly refs?: never };

/**
 * Decodes a whole input held in memory, collecting malformed lines (up to MAX_KEPT_ISSUES) instead
 * of stopping at the first. `make` builds the decoder with skipBad set. A binary input that is
 * corrupt still throws TraceParseError.
 */
export function decodeAll(
  make: (opts: DecodeOptions) => TraceDecoder,
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): DecodeResult {
  const dec = make({ ...opts, skipBad: true });
  const acc = new WorkloadBuilder();
  for (const b of decodeBytes(dec, bytes)) acc.append(b);
  if (dec.stats.skipped > 0 && !opts.skipBad) return { ok: false, issues: dec.stats.issues };
  return { ok: true, refs: acc.refs(), stats: dec.stats };
}

/** Like decodeAll, but throws the first issue as a TraceParseError. */
export function decodeAllOrThrow(
  make: (opts: DecodeOptions) => TraceDecoder,
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): DecodedRefs {
  const r = decodeAll(make, bytes, opts);
  if (!r.ok) {
    const i = r.issues[0]!;
    throw new TraceParseError(i.source, i.line, i.column, i.problem);
  }
  return r.refs;
}

/**
 * Validates a page size and returns it: a power of two in [1, 2^30]. The engine's narrower limits
 * (256 B to 64 KiB) apply when a machine is built, not here: replay accepts any power of two.
 */
export function checkPageSize(pageSize: number, key = "pageSize"): number {
  if (
    !Number.isInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > 2 ** 30 ||
    (pageSize & (pageSize - 1)) !== 0
  ) {
    throw new ConfigError(key, pageSize, "a power of two number of bytes, such as 4096");
  }
  return pageSize;
}

/**
 * The divisor turning page numbers at `sourcePageSize` into pages at `pageSize`: pages can only be
 * coarsened (several source pages per page). Throws ConfigError for a smaller page size.
 */
export function coarsenFactor(sourcePageSize: number, pageSize: number, format: string): number {
  if (pageSize < sourcePageSize) {
    throw new ConfigError(
      "pageSize",
      pageSize,
      `at least ${sourcePageSize}: a ${format} trace of ${sourcePageSize}-byte page numbers cannot be split into smaller pages`,
    );
  }
  return pageSize / sourcePageSize;
}

const NL = 10;
/** Longest line a text decoder accepts; the partial line kept between chunks is bounded by it. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * The machinery of line-oriented formats: chunk joining, line numbers, skip-or-throw on a bad line,
 * and emitting an access that spans pages [first, last] into batches, resuming across calls when a
 * batch fills mid-access. Subclasses parse one line in `parseLine`.
 */
export abstract class LineDecoder implements TraceDecoder {
  abstract readonly format: string;
  readonly stats = makeStats();
  readonly source: string;
  readonly skipBad: boolean;

  protected buf: Uint8Array = new Uint8Array(0);
  /** Next unread byte of `buf`. */
  protected pos = 0;
  /** End of the complete lines in `buf` (one past the last newline). */
  protected limit = 0;
  /** Start of the line being parsed, for columns. */
  protected lineStart = 0;
  private carry: Uint8Array = new Uint8Array(0);
  private ended = false;
  private readonly bom = new BomStripper();

  /** A pending access split across batches: pages pendNext..pendLast still to emit. */
  private pendNext = 0;
  private pendLast = -1;
  private pendKind = 0;
  private pendPid = 0;

  constructor(opts: DecodeOptions) {
    this.source = opts.source ?? "input";
    this.skipBad = opts.skipBad ?? false;
  }

  abstract get pageSize(): number;

  push(chunk: Uint8Array): void {
    chunk = this.bom.strip(plainBytes(chunk));
    let buf = chunk;
    if (this.carry.length > 0) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry, 0);
      buf.set(chunk, this.carry.length);
    }
    const lastNl = buf.lastIndexOf(NL);
    if (lastNl < 0 && buf.length > MAX_LINE_BYTES) {
      this.lineStart = 0;
      this.stats.lines++;
      throw new TraceParseError(
        this.source,
        this.stats.lines,
        1,
        `expected a line of at most ${MAX_LINE_BYTES} bytes (is this a text trace?)`,
      );
    }
    this.limit = lastNl + 1;
    this.carry = copyBytes(buf, this.limit, buf.length);
    this.buf = buf;
    this.pos = 0;
  }

  end(): void {
    if (this.ended) return;
    const held = this.bom.flush();
    if (held.length > 0) this.push(held);
    this.ended = true;
    if (this.carry.length > 0) {
      const buf = new Uint8Array(this.carry.length + 1);
      buf.set(this.carry, 0);
      buf[this.carry.length] = NL;
      this.carry = new Uint8Array(0);
      this.buf = buf;
      this.pos = 0;
      this.limit = buf.length;
    }
  }

  drain(out: RefBatch): boolean {
    const cap = out.pages.length;
    if (this.pendLast >= this.pendNext && !this.flushPending(out)) return true;
    const buf = this.buf;
    const limit = this.limit;
    let p = this.pos;
    while (p < limit) {
      if (out.count >= cap) {
        this.pos = p;
        return true;
      }
      this.lineStart = p;
      this.stats.lines++;
      const next = this.parseLine(buf, p, out);
      if (next < 0) {
        p = buf.indexOf(NL, p) + 1;
      } else {
        p = next;
      }
      if (this.pendLast >= this.pendNext) {
        this.pos = p;
        if (!this.flushPending(out)) return true;
      }
    }
    this.pos = p;
    return false;
  }

  /**
   * Parses the line starting at `p` (a newline is guaranteed before `limit`), emits its
   * references, and returns the index just past its newline; or reports it through `bad` and
   * returns -1. `out` has room for at least one reference.
   */
  protected abstract parseLine(buf: Uint8Array, p: number, out: RefBatch): number;

  /**
   * Records a malformed line: throws TraceParseError, or with skipBad counts it and keeps the
   * first few issues. `at` is the offending byte; returns -1 for parseLine to return.
   */
  protected bad(at: number, problem: string): number {
    const column = at - this.lineStart + 1;
    const line = this.stats.lines;
    if (!this.skipBad) throw new TraceParseError(this.source, line, column, problem);
    this.stats.skipped++;
    if (this.stats.issues.length < MAX_KEPT_ISSUES) {
      this.stats.issues.push({ source: this.source, line, column, problem });
    }
    return -1;
  }

  /** Emits one reference per page in [first, last]; what does not fit in `out` waits for the next drain. */
  protected emit(out: RefBatch, first: number, last: number, kind: number, pid: number): void {
    const s = this.stats;
    s.byKind[kind]! += last - first + 1;
    s.references += last - first + 1;
    s.splits += last - first;
    const i = out.count;
    out.pages[i] = first;
    out.kinds[i] = kind;
    out.pids[i] = pid;
    out.count = i + 1;
    if (last > first) {
      this.pendNext = first + 1;
      this.pendLast = last;
      this.pendKind = kind;
      this.pendPid = pid;
    }
  }

  /** The number scanned by the last successful scan* call. */
  protected value = 0;

  /**
   * Scans hex digits from `p` into `value`; returns the index after them, or `p` when there are
   * none, or -1 past MAX_TRACE_VALUE.
   */
  protected scanHex(buf: Uint8Array, p: number): number {
    let v = 0;
    const start = p;
    for (;;) {
      const d = hexDigit(buf[p]!);
      if (d < 0) break;
      v = v * 16 + d;
      p++;
    }
    if (v > MAX_TRACE_VALUE) return -1;
    this.value = v;
    return p === start ? start : p;
  }

  /** Scans decimal digits from `p` into `value`; like scanHex. */
  protected scanDec(buf: Uint8Array, p: number): number {
    let v = 0;
    const start = p;
    for (;;) {
      const c = buf[p]! - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      p++;
    }
    if (v > MAX_TRACE_VALUE) return -1;
    this.value = v;
    return p === start ? start : p;
  }

  /** Scans `0x`-prefixed hex or plain decimal from `p` into `value`; like scanHex. */
  protected scanNumber(buf: Uint8Array, p: number): number {
    if (buf[p] === 48 && (buf[p + 1]! | 0x20) === 120) {
      const e = this.scanHex(buf, p + 2);
      return e === p + 2 ? p : e;
    }
    return this.scanDec(buf, p);
  }

  /** Index of the first byte at or after `p` that is not a blank. */
  protected skipBlanks(buf: Uint8Array, p: number): number {
    while (isBlank(buf[p]!)) p++;
    return p;
  }

  /** Emits the rest of a split access; returns false if `out` filled before it was done. */
  private flushPending(out: RefBatch): boolean {
    const cap = out.pages.length;
    let i = out.count;
    let pg = this.pendNext;
    const last = this.pendLast;
    while (pg <= last) {
      if (i >= cap) {
        out.count = i;
        this.pendNext = pg;
        return false;
      }
      out.pages[i] = pg;
      out.kinds[i] = this.pendKind;
      out.pids[i] = this.pendPid;
      i++;
      pg++;
    }
    out.count = i;
    this.pendNext = 0;
    this.pendLast = -1;
    return true;
  }
}

/** Value of an ASCII hex digit, or -1. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** True for space, tab and carriage return. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** Largest integer a trace value may hold: beyond it doubles lose precision. */
export const MAX_TRACE_VALUE = 2 ** 53 - 1;

/**
 * A plain Uint8Array view of `b` (a Node Buffer is a subclass: mixing the two makes the hot loops'
 * element accesses polymorphic).
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A copy of b[start, end) in fresh memory (Buffer#slice would share it). */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  const c = new Uint8Array(end - start);
  c.set(b.subarray(start, end));
  return c;
}

const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Drops a UTF-8 byte order mark (EF BB BF, which some editors write) at the very start of a
 * stream, even when it arrives split across chunks; every text format accepts one.
 */
export class BomStripper {
  /** Bytes of the mark matched so far; -1 once the start of the stream has been decided. */
  private matched = 0;

  /** `chunk` without the mark's bytes (an empty array while a split mark may still be forming). */
  strip(chunk: Uint8Array): Uint8Array {
    if (this.matched < 0) return chunk;
    const before = this.matched;
    let i = 0;
    while (this.matched < 3 && i < chunk.length) {
      if (chunk[i] !== BOM[this.matched]) {
        this.matched = -1;
        if (before === 0) return chunk;
        const out = new Uint8Array(before + chunk.length);
        out.set(BOM.slice(0, before), 0);
        out.set(chunk, before);
        return out;
      }
      this.matched++;
      i++;
    }
    if (this.matched === 3) {
      this.matched = -1;
      return chunk.subarray(i);
    }
    return new Uint8Array(0);
  }

  /** At the end of the stream: the bytes of an incomplete mark, which were data after all. */
  flush(): Uint8Array {
    const held = this.matched > 0 ? Uint8Array.from(BOM.slice(0, this.matched)) : new Uint8Array(0);
    this.matched = -1;
    return held;
  }
}

/**
 * Text from a file for an error message: printable ASCII kept, anything else (control bytes,
 * binary, non-ASCII) written as \xNN, and cut to `max` characters, so a message never carries a
 * file's raw bytes to the terminal.
 */
export function printable(text: string, max = 60): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out +=
      c >= 0x20 && c < 0x7f
        ? ch
        : c <= 0xff
          ? `\\x${c.toString(16).padStart(2, "0")}`
          : `\\u{${c.toString(16)}}`;
    if (out.length >= max) return `${out.slice(0, max)}…`;
  }
  return out;
}
