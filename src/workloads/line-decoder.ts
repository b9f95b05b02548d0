// The line machinery the text trace formats share (lackey, the text trace, CSV): chunks joined into
// whole lines with a bounded partial line between them, line numbers and columns for errors,
// skip-or-throw on a bad line, the number readers, and accesses spanning several pages emitted
// across batches. A format's decoder subclasses LineDecoder and parses one line in parseLine.

import { TraceParseError } from "../core/errors.js";
import type { RefBatch } from "./refs.js";
import { BomStripper, copyBytes, plainBytes } from "./trace-bytes.js";
import { type DecodeOptions, MAX_KEPT_ISSUES, makeStats, type TraceDecoder } from "./trace-decoder.js";

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
