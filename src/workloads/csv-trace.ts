// CSV traces with a header line naming the columns, and libCacheSim's csv traces.
// Columns are recognised by name (case-insensitive); others (time, latency...) are ignored:
//   page:  page, vpn, page_number, obj_id        (a page number)      exactly one of page and
//   addr:  addr, address, va, vaddr              (a byte address)     addr must be present
//   size:  size, bytes, len                      (bytes accessed at addr: a straddling access is split)
//   kind:  kind, op, type, rw, access            (R W I L S M, or read/load/get, write/store/set/put,
//                                                 fetch/instr, modify; empty means a load)
//   pid:   pid, process, asid                    (a decimal process id; empty means 0)
// Numbers are decimal or 0x-prefixed hex. Fields are separated by commas, with optional blanks
// around them; quoted fields are not supported. Lines starting with '#' and blank lines are skipped.
// "libcachesim-csv" is the csv libCacheSim reads and writes: a header with obj_id (the page) and
// usually obj_size, which is the object's size, not an access size, and is ignored: every row is
// one request.

import type { RefBatch } from "./refs.js";
import { REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE } from "./refs.js";
import { kindOfLetter } from "./text-trace.js";
import { checkPageSize, type DecodeOptions, isBlank, LineDecoder, printable } from "./trace-decoder.js";

const COL_IGNORE = 0;
const COL_PAGE = 1;
const COL_ADDR = 2;
const COL_SIZE = 3;
const COL_KIND = 4;
const COL_PID = 5;

const COLUMN_NAMES: Readonly<Record<string, number>> = {
  page: COL_PAGE,
  vpn: COL_PAGE,
  page_number: COL_PAGE,
  obj_id: COL_PAGE,
  addr: COL_ADDR,
  address: COL_ADDR,
  va: COL_ADDR,
  vaddr: COL_ADDR,
  size: COL_SIZE,
  bytes: COL_SIZE,
  len: COL_SIZE,
  kind: COL_KIND,
  op: COL_KIND,
  type: COL_KIND,
  rw: COL_KIND,
  access: COL_KIND,
  pid: COL_PID,
  process: COL_PID,
  asid: COL_PID,
};

const KIND_WORDS: readonly [string, number][] = [
  ["read", REF_LOAD],
  ["load", REF_LOAD],
  ["get", REF_LOAD],
  ["write", REF_STORE],
  ["store", REF_STORE],
  ["set", REF_STORE],
  ["put", REF_STORE],
  ["fetch", REF_INSTR],
  ["instr", REF_INSTR],
  ["modify", REF_MODIFY],
];
const KIND_WORD_BYTES = KIND_WORDS.map(
  ([w, k]) => [Uint8Array.from(w, (ch) => ch.charCodeAt(0)), k] as const,
);

const C_NL = 10;
const C_CR = 13;
const C_COMMA = 44;
const C_HASH = 35;

/** Decoder of csv and libcachesim-csv traces. */
export class CsvDecoder extends LineDecoder {
  readonly format: "csv" | "libcachesim-csv";
  readonly pageSize: number;
  private readonly inv: number;
  /** Column roles, set from the header; empty until it is read. */
  private roles: Uint8Array = new Uint8Array(0);
  private byAddress = false;

  constructor(opts: DecodeOptions = {}, format: "csv" | "libcachesim-csv" = "csv") {
    super(opts);
    this.format = format;
    this.pageSize = checkPageSize(opts.pageSize ?? 4096);
    this.inv = 1 / this.pageSize;
  }

  /** The header's column names, once it has been read. */
  columns: readonly string[] = [];

  protected parseLine(buf: Uint8Array, p: number, out: RefBatch): number {
    const q = this.skipBlanks(buf, p);
    if (buf[q] === C_NL || buf[q] === C_HASH) return buf.indexOf(C_NL, q) + 1;
    if (this.roles.length === 0) return this.parseHeader(buf, p);
    const roles = this.roles;
    let page = -1;
    let addr = -1;
    let size = 1;
    let kind = REF_LOAD;
    let pid = 0;
    for (let col = 0; col < roles.length; col++) {
      p = this.skipBlanks(buf, p);
      const role = roles[col]!;
      const start = p;
      if (role === COL_IGNORE || role === COL_KIND) {
        while (buf[p] !== C_COMMA && buf[p] !== C_NL) p++;
        if (role === COL_KIND) {
          let e = p;
          while (e > start && isBlank(buf[e - 1]!)) e--;
          if (e > start) {
            kind = matchKind(buf, start, e);
            if (kind < 0)
              return this.bad(start, "expected a kind: R, W, I, L, S, M, read, write, fetch or modify");
          }
        }
      } else {
        const e = this.scanNumber(buf, p);
        if (e < 0) return this.bad(p, "number too large (beyond 2^53)");
        if (e === p) {
          if (role === COL_PID && (buf[p] === C_COMMA || buf[p] === C_NL || buf[p] === C_CR)) {
            // an empty pid means 0
          } else {
            return this.bad(
              p,
              `expected a number (decimal or 0x hex) in column ${printable(this.columns[col] ?? "")}`,
            );
          }
        } else {
          const v = this.value;
          if (role === COL_PAGE) page = v;
          else if (role === COL_ADDR) addr = v;
          else if (role === COL_SIZE) size = v;
          else if (v > 0x7fffffff) return this.bad(p, "pid too large (beyond 2^31-1)");
          else pid = v;
        }
        p = this.skipBlanks(buf, Math.max(e, p));
      }
      const c = buf[p];
      if (col < roles.length - 1) {
        if (c !== C_COMMA) return this.bad(p, `expected ',' and ${roles.length} fields as in the header`);
        p++;
      } else if (c !== C_NL) {
        return this.bad(
          p,
          c === C_COMMA
            ? `expected ${roles.length} fields as in the header`
            : "expected ',' or the end of the line",
        );
      }
    }
    if (this.byAddress) {
      const first = Math.floor(addr * this.inv);
      const last = size > 1 ? Math.floor((addr + size - 1) * this.inv) : first;
      this.emit(out, first, last, kind, pid);
    } else {
      this.emit(out, page, page, kind, pid);
    }
    return p + 1;
  }

  private parseHeader(buf: Uint8Array, p: number): number {
    const end = buf.indexOf(C_NL, p);
    let text = "";
    for (let i = p; i < end; i++) text += String.fromCharCode(buf[i]!);
    const names = text.split(",").map((s) => s.trim().toLowerCase());
    const roles = names.map((n) => COLUMN_NAMES[n] ?? COL_IGNORE);
    const count = (r: number) => roles.filter((x) => x === r).length;
    for (const r of [COL_PAGE, COL_ADDR, COL_SIZE, COL_KIND, COL_PID]) {
      if (count(r) > 1) {
        return this.bad(
          p,
          `expected one column of each role, found several of: ${printable(names.filter((_, i) => roles[i] === r).join(", "))}`,
        );
      }
    }
    if (count(COL_PAGE) + count(COL_ADDR) !== 1) {
      return this.bad(
        p,
        `expected a header naming exactly one of a page column (page, vpn, obj_id) or an address column (addr, address, va); found: ${printable(names.join(","))}`,
      );
    }
    if (this.format === "libcachesim-csv") {
      if (!names.includes("obj_id"))
        return this.bad(p, "expected a libCacheSim header with an obj_id column");
      roles[names.indexOf("obj_size")] = COL_IGNORE;
    }
    this.byAddress = count(COL_ADDR) === 1;
    this.columns = names;
    this.roles = Uint8Array.from(roles);
    return end + 1;
  }
}

/** Kind named by the token buf[s, e), or -1. */
function matchKind(buf: Uint8Array, s: number, e: number): number {
  if (e - s === 1) return kindOfLetter(buf[s]!);
  for (const [w, k] of KIND_WORD_BYTES) {
    if (w.length !== e - s) continue;
    let i = 0;
    while (i < w.length && (buf[s + i]! | 0x20) === w[i]) i++;
    if (i === w.length) return k;
  }
  return -1;
}

/** A csv decoder (the factory shape the format registry uses). */
export function csvDecoder(opts: DecodeOptions = {}): CsvDecoder {
  return new CsvDecoder(opts, "csv");
}

/** A libCacheSim csv decoder. */
export function libCacheSimCsvDecoder(opts: DecodeOptions = {}): CsvDecoder {
  return new CsvDecoder(opts, "libcachesim-csv");
}
