// Plain text traces: one reference per line, the simplest thing a person or a script writes.
//   17            a load of page 17          0x7ffd1a2c W    with unit "address": a store to 0x7ffd1a2c
//   17 W          a store to page 17         W 17            the same as "17 W"
//   3 17 R        process 3 loads page 17
// Fields are separated by spaces or tabs. A number is decimal or 0x-prefixed hex. One number is the
// value; two are pid then value. At most one kind letter may appear anywhere on the line: R or L
// (load), W or S (store), I (instruction fetch), M (modify: one reference that dirties the page);
// upper or lower case; no letter means a load. The value is a page number (unit "page", the
// default) or a byte address (unit "address", turned into a page at the page size). Blank lines
// and everything from a '#' on are ignored.

import { ConfigError } from "../core/errors.js";
import { isBlank, LineDecoder } from "./line-decoder.js";
import type { RefBatch } from "./refs.js";
import { REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE } from "./refs.js";
import { checkPageSize, type DecodeOptions } from "./trace-decoder.js";

const C_NL = 10;
const C_HASH = 35;

/** What the numbers of a text trace are. */
export type TextUnit = "page" | "address";

export interface TextDecodeOptions extends DecodeOptions {
  /** "page" (default): values are page numbers; "address": byte addresses. */
  readonly unit?: TextUnit;
}

/** Kind of a one-letter field (either case), or -1. */
export function kindOfLetter(c: number): number {
  switch (c | 0x20) {
    case 114: // r
    case 108: // l
      return REF_LOAD;
    case 119: // w
    case 115: // s
      return REF_STORE;
    case 105: // i
      return REF_INSTR;
    case 109: // m
      return REF_MODIFY;
    default:
      return -1;
  }
}

/** Decoder of the plain text format. */
export class PlainTextDecoder extends LineDecoder {
  readonly format = "text";
  readonly pageSize: number;
  private readonly inv: number;

  constructor(opts: TextDecodeOptions = {}) {
    super(opts);
    this.pageSize = checkPageSize(opts.pageSize ?? 4096);
    const unit = opts.unit ?? "page";
    if (unit !== "page" && unit !== "address") throw new ConfigError("unit", unit, '"page" or "address"');
    this.inv = unit === "address" ? 1 / this.pageSize : 1;
  }

  protected parseLine(buf: Uint8Array, p: number, out: RefBatch): number {
    let kind = -1;
    let nums = 0;
    let a = 0;
    let b = 0;
    for (;;) {
      p = this.skipBlanks(buf, p);
      const c = buf[p]!;
      if (c === C_NL || c === C_HASH) break;
      const e = this.scanNumber(buf, p);
      if (e > p) {
        if (!this.endsField(buf[e]!))
          return this.bad(e, "expected a space or the end of the line after the number");
        if (nums === 2) return this.bad(p, "expected at most two numbers: [pid] value");
        if (nums === 0) a = this.value;
        else b = this.value;
        nums++;
        p = e;
        continue;
      }
      if (e < 0) return this.bad(p, "number too large (beyond 2^53)");
      const k = kindOfLetter(c);
      if (k >= 0 && this.endsField(buf[p + 1]!)) {
        if (kind >= 0) return this.bad(p, "expected one kind letter per line");
        kind = k;
        p++;
        continue;
      }
      return this.bad(p, "expected a number (decimal or 0x hex) or a kind letter (R, W, I, L, S, M)");
    }
    const lineEnd = buf.indexOf(C_NL, p) + 1;
    if (nums === 0) {
      if (kind >= 0) return this.bad(p, "expected a page number or address after the kind");
      return lineEnd;
    }
    const pid = nums === 2 ? a : 0;
    const value = nums === 2 ? b : a;
    if (pid > 0x7fffffff) return this.bad(this.lineStart, "pid too large (beyond 2^31-1)");
    const page = this.inv === 1 ? value : Math.floor(value * this.inv);
    this.emit(out, page, page, kind < 0 ? REF_LOAD : kind, pid);
    return lineEnd;
  }

  private endsField(c: number): boolean {
    return isBlank(c) || c === C_NL || c === C_HASH;
  }
}

/** A text decoder (the factory shape the format registry uses). */
export function textDecoder(opts: TextDecodeOptions = {}): PlainTextDecoder {
  return new PlainTextDecoder(opts);
}
