// The "pages" text format: one reference per line, `K PAGE`, where K is Valgrind lackey's kind
// (I instruction fetch, L load, S store, M modify = one reference that loads then stores) and PAGE
// the page number in hex (address >> 12 for 4 KiB pages). The reference traces in
// shared/reference/traces (*.pages.gz) and shared/traces (*.pages.zst) use it.
//   I 401a
//   S 1fff000
// Blank lines are skipped; a line may end in CRLF; anything else is a TraceParseError naming the
// source, line and column. Browser-safe: no Node imports. The streaming parser takes text or bytes
// in chunks of any size, a line may span chunks, and nothing is allocated per line.

import { TraceParseError } from "../core/errors.js";
import { makeBatch, REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE, type RefBatch } from "./refs.js";
import { printable } from "./trace-bytes.js";

const SP = 32;
const TAB = 9;
const CR = 13;
const NL = 10;
/** Longest page number accepted: 13 hex digits (52 bits) keeps every value an exact double. */
const MAX_HEX_DIGITS = 13;

function kindOf(c: number): number {
  switch (c) {
    case 73: // I
      return REF_INSTR;
    case 76: // L
      return REF_LOAD;
    case 83: // S
      return REF_STORE;
    case 77: // M
      return REF_MODIFY;
    default:
      return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Streaming parser: `push` text (or `pushBytes` ASCII bytes) in chunks, then `end`. Each full batch
 * is handed to `onBatch` (the same RefBatch object, reused: consume it before returning), and the
 * last partial one at `end`.
 */
export class PagesTextParser {
  /** References parsed so far. */
  references = 0;
  /** Lines read so far (including blank ones). */
  lines = 0;
  private readonly batch: RefBatch;
  private readonly lineBuf: Uint8Array = new Uint8Array(256);
  private lineLen = 0;
  private overlong = false;

  constructor(
    private readonly source: string,
    private readonly onBatch: (batch: RefBatch) => void,
    batchSize = 65536,
  ) {
    this.batch = makeBatch(batchSize);
  }

  /** Parses the complete lines in `chunk`; keeps a trailing partial line for the next call. */
  push(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NL) this.finishLine();
      else this.addChar(Math.min(c, 255));
    }
  }

  /** As `push`, for ASCII bytes. */
  pushBytes(chunk: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== NL) continue;
      if (this.lineLen === 0 && i - start <= this.lineBuf.length) {
        this.lines++;
        this.parseLine(chunk, start, i);
      } else {
        for (let j = start; j < i; j++) this.addChar(chunk[j]!);
        this.finishLine();
      }
      start = i + 1;
    }
    for (let j = start; j < chunk.length; j++) this.addChar(chunk[j]!);
  }

  /** No more input: parses a last line without a newline and flushes the final batch. */
  end(): void {
    if (this.lineLen > 0 || this.overlong) this.finishLine();
    if (this.batch.count > 0) {
      this.onBatch(this.batch);
      this.batch.count = 0;
    }
  }

  private addChar(c: number): void {
    if (this.lineLen < this.lineBuf.length) this.lineBuf[this.lineLen++] = c;
    else this.overlong = true;
  }

  private finishLine(): void {
    this.lines++;
    if (this.overlong) this.fail(this.lineBuf.length + 1, "line too long");
    this.parseLine(this.lineBuf, 0, this.lineLen);
    this.lineLen = 0;
  }

  /** Parses bytes [from, to) of `buf` as one line (without its newline). */
  private parseLine(buf: Uint8Array, from: number, to: number): void {
    let p = from;
    while (p < to && (buf[p] === SP || buf[p] === TAB)) p++;
    if (to > p && buf[to - 1] === CR) to--;
    if (p >= to) return;
    const kind = kindOf(buf[p]!);
    if (kind < 0)
      this.fail(
        p - from + 1,
        `expected a kind I, L, S or M, got "${printable(String.fromCharCode(buf[p]!))}"`,
      );
    p++;
    const sep = p;
    while (p < to && (buf[p] === SP || buf[p] === TAB)) p++;
    if (p === sep) this.fail(p - from + 1, "expected a space after the kind");
    const digits = p;
    let page = 0;
    for (; p < to; p++) {
      const v = hexValue(buf[p]!);
      if (v < 0) break;
      page = page * 16 + v;
    }
    if (p === digits) this.fail(p - from + 1, "expected a hex page number");
    if (p - digits > MAX_HEX_DIGITS)
      this.fail(digits - from + 1, `page number longer than ${MAX_HEX_DIGITS} hex digits`);
    while (p < to && (buf[p] === SP || buf[p] === TAB)) p++;
    if (p < to) this.fail(p - from + 1, "unexpected text after the page number");
    this.emit(kind, page);
  }

  private emit(kind: number, page: number): void {
    const b = this.batch;
    b.pages[b.count] = page;
    b.kinds[b.count] = kind;
    b.pids[b.count] = 0;
    this.references++;
    if (++b.count === b.pages.length) {
      this.onBatch(b);
      b.count = 0;
    }
  }

  private fail(column: number, problem: string): never {
    throw new TraceParseError(this.source, this.lines, column, problem);
  }
}

/**
 * Parses a whole text into one RefBatch sized to fit (or into `batch`, which must be large enough).
 * Throws TraceParseError on a malformed line.
 */
export function parsePagesText(text: string, source = "input", batch?: RefBatch): RefBatch {
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  const out = batch ?? makeBatch(lines);
  out.count = 0;
  const parser = new PagesTextParser(source, (b) => appendBatch(out, b, source), 65536);
  parser.push(text);
  parser.end();
  return out;
}

function appendBatch(out: RefBatch, b: RefBatch, source: string): void {
  if (out.count + b.count > out.pages.length) {
    throw new TraceParseError(source, 0, 0, `more than ${out.pages.length} references for the batch given`);
  }
  out.pages.set(b.pages.subarray(0, b.count), out.count);
  out.kinds.set(b.kinds.subarray(0, b.count), out.count);
  out.pids.set(b.pids.subarray(0, b.count), out.count);
  out.count += b.count;
}
