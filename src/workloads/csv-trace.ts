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
// one request. Its column parameters, as libCacheSim's `-t` takes them ("obj-id-col=2,
// obj-size-col=3,time-col=1,op-col=4,delimiter=;,has-header=false"; 1-based columns), read a csv
// with no header naming the columns (see parseCsvParams); has-header unset skips a first line whose
// object id is not a number. Rows may then have any number of fields past those named.

import { ConfigError } from "../core/errors.js";
import { hexDigit, isBlank, LineDecoder } from "./line-decoder.js";
import { u64Text, WideIdPages } from "./oracle-general.js";
import type { RefBatch } from "./refs.js";
import { MAX_ACCESS_BYTES, REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE } from "./refs.js";
import { kindOfLetter } from "./text-trace.js";
import { printable } from "./trace-bytes.js";
import { checkPageSize, type DecodeOptions } from "./trace-decoder.js";

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
const C_HASH = 35;

export interface LibCacheSimCsvOptions extends DecodeOptions {
  /** libcachesim-csv only: libCacheSim's reader parameters, e.g. "obj-id-col=2,has-header=false". */
  readonly csvParams?: string;
}

/** libCacheSim csv reader parameters, parsed. Columns are 0-based here. */
export interface CsvParams {
  readonly objIdCol: number;
  readonly objSizeCol?: number;
  readonly timeCol?: number;
  readonly opCol?: number;
  /** undefined: a first line whose object id is not a number is a header. */
  readonly hasHeader?: boolean;
  readonly delimiter: string;
}

const PARAM_KEYS = [
  "obj-id-col",
  "obj-size-col",
  "time-col",
  "op-col",
  "op-type-col",
  "delimiter",
  "has-header",
  "header",
  "obj-id-is-num",
];

/**
 * Parses libCacheSim's csv parameters: comma-separated key=value pairs, keys obj-id-col (required),
 * obj-size-col, time-col, op-col (or op-type-col), with 1-based column numbers; delimiter (one
 * character, which may itself be a comma; or "tab"); has-header (or header) true/false;
 * obj-id-is-num must be true if given (string ids are not read). Throws ConfigError("csvParams").
 */
export function parseCsvParams(text: string): CsvParams {
  const fail = (why: string): never => {
    throw new ConfigError(
      "csvParams",
      text,
      `libCacheSim csv parameters such as "obj-id-col=2,obj-size-col=3,has-header=false": ${why}`,
    );
  };
  const got = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf("=", i);
    if (eq < 0) fail(`"${text.slice(i)}" has no '='`);
    const key = text.slice(i, eq).trim().toLowerCase();
    if (!PARAM_KEYS.includes(key)) fail(`unknown key "${key}" (known: ${PARAM_KEYS.join(", ")})`);
    let value: string;
    if (key === "delimiter") {
      const rest = text.slice(eq + 1);
      const word = /^(tab|\\t)(,|$)/i.exec(rest);
      value = word ? "\t" : rest.slice(0, 1);
      i = eq + 1 + (word ? word[1]!.length : 1);
      if (value === "" || value === "\n" || value === "\r") fail("the delimiter must be one character");
    } else {
      const end = text.indexOf(",", eq + 1);
      value = text.slice(eq + 1, end < 0 ? text.length : end).trim();
      i = end < 0 ? text.length : end;
    }
    if (got.has(key)) fail(`"${key}" given twice`);
    got.set(key, value);
    if (text[i] === ",") i++;
    else if (i < text.length) fail(`expected ',' after ${key}=${value}`);
  }
  const col = (key: string): number | undefined => {
    const v = got.get(key);
    if (v === undefined) return undefined;
    if (!/^[1-9]\d{0,3}$/.test(v)) fail(`${key} must be a column number from 1`);
    return Number(v) - 1;
  };
  const bool = (key: string): boolean | undefined => {
    const v = got.get(key)?.toLowerCase();
    if (v === undefined) return undefined;
    if (v === "true" || v === "1") return true;
    if (v === "false" || v === "0") return false;
    return fail(`${key} must be true or false`);
  };
  const objIdCol = col("obj-id-col");
  if (objIdCol === undefined) fail("obj-id-col is required");
  if (got.has("header") && got.has("has-header")) fail("give has-header or header, not both");
  if (got.has("op-col") && got.has("op-type-col")) fail("give op-col or op-type-col, not both");
  if (bool("obj-id-is-num") === false)
    fail("string object ids (obj-id-is-num=false) are not supported: ids must be numbers");
  const p: CsvParams = {
    objIdCol: objIdCol!,
    objSizeCol: col("obj-size-col"),
    timeCol: col("time-col"),
    opCol: col("op-col") ?? col("op-type-col"),
    hasHeader: bool("has-header") ?? bool("header"),
    delimiter: got.get("delimiter") ?? ",",
  };
  const cols = [p.objIdCol, p.objSizeCol, p.timeCol, p.opCol].filter((c) => c !== undefined);
  if (new Set(cols).size !== cols.length) fail("two roles name the same column");
  return p;
}

/** Decoder of csv and libcachesim-csv traces. */
export class CsvDecoder extends LineDecoder {
  readonly format: "csv" | "libcachesim-csv";
  readonly pageSize: number;
  private readonly inv: number;
  /** Column roles, set from the header; empty until it is read. */
  private roles: Uint8Array = new Uint8Array(0);
  private byAddress = false;
  /** The field separator (a comma unless csvParams say otherwise). */
  private readonly delim: number = 44;
  /** Columns come from csvParams: rows may have more fields than roles. */
  private readonly byParams: boolean = false;
  /** With csvParams: 1 skip the first line, 2 skip it if its object id is not a number, 0 no header. */
  private headerMode = 0;

  constructor(opts: LibCacheSimCsvOptions = {}, format: "csv" | "libcachesim-csv" = "csv") {
    super(opts);
    this.format = format;
    this.wide = format === "libcachesim-csv" ? new WideIdPages() : null;
    this.pageSize = checkPageSize(opts.pageSize ?? 4096);
    this.inv = 1 / this.pageSize;
    if (opts.csvParams !== undefined) {
      if (format !== "libcachesim-csv")
        throw new ConfigError(
          "csvParams",
          opts.csvParams,
          "csv parameters with the libcachesim-csv format only",
        );
      const p = parseCsvParams(opts.csvParams);
      const n = Math.max(p.objIdCol, p.opCol ?? 0) + 1;
      const roles = new Uint8Array(n);
      roles[p.objIdCol] = COL_PAGE;
      if (p.opCol !== undefined) roles[p.opCol] = COL_KIND;
      const names = Array.from({ length: n }, (_, i) => `column ${i + 1}`);
      names[p.objIdCol] = "obj-id-col";
      this.roles = roles;
      this.columns = names;
      this.delim = p.delimiter.charCodeAt(0);
      this.byParams = true;
      this.headerMode = p.hasHeader === undefined ? 2 : p.hasHeader ? 1 : 0;
    }
  }

  /** libcachesim-csv: exact numbering of 64-bit object ids (null for csv). */
  private readonly wide: WideIdPages | null;
  private wideHi = 0;
  private wideLo = 0;

  /** The header's column names, once it has been read. */
  columns: readonly string[] = [];

  protected parseLine(buf: Uint8Array, p: number, out: RefBatch): number {
    const q = this.skipBlanks(buf, p);
    if (buf[q] === C_NL || buf[q] === C_HASH) return buf.indexOf(C_NL, q) + 1;
    if (this.roles.length === 0) return this.parseHeader(buf, p);
    if (this.headerMode !== 0) {
      const mode = this.headerMode;
      this.headerMode = 0;
      if (mode === 1 || !this.idIsNumber(buf, p)) return buf.indexOf(C_NL, p) + 1;
    }
    const roles = this.roles;
    const C_COMMA = this.delim;
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
      } else if (role === COL_PAGE && this.wide !== null) {
        // libCacheSim object ids are 64-bit: read exactly, numbered as oracleGeneral numbers them.
        const e = this.scanWide(buf, p);
        if (e < 0) return this.bad(p, "object id too large (beyond 2^64 - 1)");
        if (e === p)
          return this.bad(p, `expected a number (decimal or 0x hex) in column ${this.columns[col]}`);
        page = this.wide.pageOf(this.wideHi, this.wideLo);
        if (page < 0)
          return this.bad(
            p,
            `object id ${u64Text(this.wideHi, this.wideLo)}: ids below 2^48 and the ${this.wide.remapped} ids at or above 2^48 renumbered below it would meet (two objects would share a page)`,
          );
        p = this.skipBlanks(buf, e);
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
      if (this.byParams && col === roles.length - 1) {
        if (c !== C_COMMA && c !== C_NL)
          return this.bad(p, `expected '${String.fromCharCode(C_COMMA)}' or the end of the line`);
        p = c === C_NL ? p : buf.indexOf(C_NL, p);
      } else if (col < roles.length - 1) {
        if (c === C_NL && this.byParams)
          return this.bad(
            p,
            `expected at least ${roles.length} fields (the columns the csv parameters name)`,
          );
        if (c !== C_COMMA)
          return this.bad(
            p,
            `expected '${String.fromCharCode(C_COMMA)}' and ${roles.length} fields as in the header`,
          );
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
      if (size > MAX_ACCESS_BYTES)
        return this.bad(
          this.lineStart,
          `size ${size} too large (an access is at most ${MAX_ACCESS_BYTES} bytes)`,
        );
      if (addr + size > 2 ** 53) return this.bad(this.lineStart, "address + size beyond 2^53");
      const first = Math.floor(addr * this.inv);
      const last = size > 1 ? Math.floor((addr + size - 1) * this.inv) : first;
      this.emit(out, first, last, kind, pid);
    } else {
      this.emit(out, page, page, kind, pid);
    }
    return p + 1;
  }

  /**
   * Scans a decimal or 0x-hex unsigned 64-bit number from `p` into wideHi:wideLo; returns the index
   * after it, `p` when there is none, -1 beyond 2^64 - 1.
   */
  private scanWide(buf: Uint8Array, p: number): number {
    let base = 10;
    let q = p;
    if (buf[q] === 48 && (buf[q + 1]! | 0x20) === 120 && hexDigit(buf[q + 2]!) >= 0) {
      base = 16;
      q += 2;
    }
    let hi = 0;
    let lo = 0;
    const start = q;
    for (;;) {
      const d = base === 16 ? hexDigit(buf[q]!) : buf[q]! - 48;
      if (d < 0 || d >= base) break;
      const l = lo * base + d;
      const carry = Math.floor(l / 4294967296);
      lo = l - carry * 4294967296;
      hi = hi * base + carry;
      if (hi >= 4294967296) return -1;
      q++;
    }
    if (q === start) return p;
    this.wideHi = hi;
    this.wideLo = lo;
    return q;
  }

  /** Blanks around fields; a tab is not one when it is the delimiter. */
  protected override skipBlanks(buf: Uint8Array, p: number): number {
    if (this.delim !== 9) return super.skipBlanks(buf, p);
    while (buf[p] === 32 || buf[p] === C_CR) p++;
    return p;
  }

  /** True when the object-id field of the line at `p` starts with a number (csvParams only). */
  private idIsNumber(buf: Uint8Array, p: number): boolean {
    const col = this.roles.indexOf(COL_PAGE);
    for (let c = 0; c < col; c++) {
      while (buf[p] !== this.delim && buf[p] !== C_NL) p++;
      if (buf[p] === C_NL) return false;
      p++;
    }
    p = this.skipBlanks(buf, p);
    const e = this.scanWide(buf, p);
    // A number too large is still a number: the row is data, and its error is reported there.
    return e > p || e < 0;
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

/** A libCacheSim csv decoder; `csvParams` gives the columns instead of a header. */
export function libCacheSimCsvDecoder(opts: LibCacheSimCsvOptions = {}): CsvDecoder {
  return new CsvDecoder(opts, "libcachesim-csv");
}
