// Valgrind lackey traces (`valgrind --tool=lackey --trace-mem=yes`): one access per line,
//   "I  0401a2b0,3"   instruction fetch        " L 1ffefff8a8,8"  load
//   " S 1ffefff8a0,8" store                    " M 0061e0c8,4"    modify (load then store)
// with a hex address and a decimal size in bytes. Valgrind's own messages ("==123== ..." and
// "--123-- ...") and blank lines are skipped. An access that straddles a page boundary becomes one
// reference per page it touches; an M line is ONE reference, of kind REF_MODIFY, that dirties its
// page (as libCacheSim and the reference figures count it). Lackey traces are single-process: pid 0.

import { LineDecoder } from "./line-decoder.js";
import type { RefBatch } from "./refs.js";
import { MAX_ACCESS_BYTES, REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE } from "./refs.js";
import { checkPageSize, type DecodeOptions } from "./trace-decoder.js";

const C_I = 73;
const C_L = 76;
const C_S = 83;
const C_M = 77;
const C_SP = 32;
const C_COMMA = 44;
const C_CR = 13;
const C_NL = 10;

/** Decoder of lackey text; page size 4096 unless given. */
export class LackeyDecoder extends LineDecoder {
  readonly format = "lackey";
  readonly pageSize: number;
  private readonly inv: number;
  private readonly pid: number;

  /** `pid` is the process id given to every reference (lackey traces one process). */
  constructor(opts: DecodeOptions & { readonly pid?: number } = {}) {
    super(opts);
    this.pageSize = checkPageSize(opts.pageSize ?? 4096);
    this.inv = 1 / this.pageSize;
    this.pid = opts.pid ?? 0;
  }

  protected parseLine(buf: Uint8Array, p: number, out: RefBatch): number {
    const c0 = buf[p]!;
    let kind: number;
    let q: number;
    if (c0 === C_I) {
      kind = REF_INSTR;
      q = p + 1;
      if (buf[q] !== C_SP) return this.bad(q, "expected a space after I");
      while (buf[q] === C_SP) q++;
    } else if (c0 === C_SP) {
      const c1 = buf[p + 1]!;
      if (c1 === C_L) kind = REF_LOAD;
      else if (c1 === C_S) kind = REF_STORE;
      else if (c1 === C_M) kind = REF_MODIFY;
      else
        return this.isBlankLine(buf, p) ? p + this.lineLength(buf, p) : this.bad(p + 1, "expected L, S or M");
      q = p + 2;
      if (buf[q] !== C_SP) return this.bad(q, "expected a space after the kind");
      while (buf[q] === C_SP) q++;
    } else if (c0 === 61 || c0 === 45 || c0 === C_NL || c0 === C_CR) {
      // "==pid== ..." / "--pid-- ..." messages and blank lines.
      return buf.indexOf(C_NL, p) + 1;
    } else {
      return this.bad(p, "expected a lackey line: 'I  ADDR,SIZE' or ' L|S|M ADDR,SIZE'");
    }
    const e = this.scanHex(buf, q);
    if (e === q) return this.bad(q, "expected a hex address");
    if (e < 0) return this.bad(q, "address too large (beyond 2^53)");
    const addr = this.value;
    if (buf[e] !== C_COMMA) return this.bad(e, "expected ',' after the address");
    const f = this.scanDec(buf, e + 1);
    if (f === e + 1) return this.bad(e + 1, "expected a decimal size");
    if (f < 0) return this.bad(e + 1, "size too large");
    const size = this.value;
    if (size > MAX_ACCESS_BYTES)
      return this.bad(e + 1, `size ${size} too large (a lackey access is at most ${MAX_ACCESS_BYTES} bytes)`);
    if (addr + size > 2 ** 53) return this.bad(q, "address + size beyond 2^53");
    let g = f;
    if (buf[g] === C_CR) g++;
    if (buf[g] !== C_NL) return this.bad(g, "expected the end of the line after the size");
    const inv = this.inv;
    const first = Math.floor(addr * inv);
    const last = size > 1 ? Math.floor((addr + size - 1) * inv) : first;
    this.emit(out, first, last, kind, this.pid);
    return g + 1;
  }

  private isBlankLine(buf: Uint8Array, p: number): boolean {
    while (buf[p] === C_SP || buf[p] === 9 || buf[p] === C_CR) p++;
    return buf[p] === C_NL;
  }

  private lineLength(buf: Uint8Array, p: number): number {
    return buf.indexOf(C_NL, p) + 1 - p;
  }
}

/** A lackey decoder (the factory shape the format registry uses). */
export function lackeyDecoder(opts: DecodeOptions = {}): LackeyDecoder {
  return new LackeyDecoder(opts);
}
