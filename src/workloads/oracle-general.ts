// libCacheSim's `oracleGeneral` binary traces, the format the public cache datasets (CloudPhysics,
// MSR, Twitter, Alibaba...) are distributed in: 24 little-endian bytes a request,
//   u32 time | u64 object id | u32 object size (bytes) | i64 next access (request index, -1: none)
// with no header. Plain or compressed (the readers decompress first; zstd is the datasets' usual).
//
// Pages. An object is a page: by default each request is ONE reference to one page whatever its
// size (as `cachesim --ignore-obj-size 1` counts), so a trace moves to pagewise and back with the
// same miss counts. With `unitSize` U (bytes, a power of two, also the page size) a request of S
// bytes is ceil(S / U) references, one to each unit-sized page of the object, in order; an object
// seen again with a larger size gains pages.
// Ids. pagewise keys pages by doubles, exact below 2^53, and pwt files hold pages below 2^48.
// Without unitSize, an id below 2^48 is its own page number (so ids survive a round trip); each
// distinct id at or above 2^48 (hashed ids mostly are) gets its own page number counting down from
// 2^48 - 1, exactly, through a table of the 64-bit ids seen (memory grows with the distinct large
// ids, as any simulation of the trace does). Should a small id ever reach the range given out
// (ids within the count of remapped ids below 2^48),
// reading stops with an error rather than merging two objects. With unitSize every (object, unit)
// gets a dense page number 0, 1, 2... in order of first appearance.
// Records of size 0 are skipped, as libCacheSim skips them. Every reference is a load: the format
// has no operation. Browser-safe; nothing is allocated per record.

import { MAX_ASID, pageKey } from "../core/addr.js";
import { TraceParseError } from "../core/errors.js";
import { PageIds } from "./page-ids.js";
import { REF_LOAD, type RefBatch } from "./refs.js";
import { checkPageSize, type DecodeOptions, makeStats, type TraceDecoder } from "./trace-decoder.js";

/** Bytes of one oracleGeneral record. */
export const ORACLE_GENERAL_RECORD = 24;
/** Ids below this are their own page numbers; ids at or above it are remapped below it. */
export const REMAP_FROM = 2 ** 48;
const TWO32 = 4294967296;

export interface OracleGeneralOptions extends DecodeOptions {
  /**
   * Bytes a page of an object covers: a request of S bytes becomes ceil(S / unitSize) references
   * (one per unit). Unset: one reference per request. A power of two; it is then the page size.
   */
  readonly unitSize?: number;
}

/**
 * Exact map from (64-bit id as hi and lo words, unit) to a number, in typed arrays (open
 * addressing, doubling). `get` returns -1 for a key not yet added.
 */
export class WideIdTable {
  private cap = 1 << 10;
  private his = new Uint32Array(this.cap);
  private los = new Uint32Array(this.cap);
  private units = new Uint32Array(this.cap);
  private vals = new Float64Array(this.cap).fill(-1);
  size = 0;
  /** Slot found by the last `get` (where `set` puts a new key). */
  private slot = 0;

  get(hi: number, lo: number, unit: number): number {
    const mask = this.cap - 1;
    let h = mix(hi, lo, unit) & mask;
    for (;;) {
      const v = this.vals[h]!;
      if (v < 0 || (this.los[h] === lo && this.his[h] === hi && this.units[h] === unit)) {
        this.slot = h;
        return v;
      }
      h = (h + 1) & mask;
    }
  }

  /** Adds a key `get` just reported absent. */
  set(hi: number, lo: number, unit: number, value: number): void {
    const h = this.slot;
    this.his[h] = hi;
    this.los[h] = lo;
    this.units[h] = unit;
    this.vals[h] = value;
    this.size++;
    if (this.size * 2 > this.cap) this.grow();
  }

  private grow(): void {
    const { his, los, units, vals } = this;
    this.cap *= 2;
    const mask = this.cap - 1;
    this.his = new Uint32Array(this.cap);
    this.los = new Uint32Array(this.cap);
    this.units = new Uint32Array(this.cap);
    this.vals = new Float64Array(this.cap).fill(-1);
    for (let i = 0; i < vals.length; i++) {
      if (vals[i]! < 0) continue;
      let h = mix(his[i]!, los[i]!, units[i]!) & mask;
      while (this.vals[h]! >= 0) h = (h + 1) & mask;
      this.his[h] = his[i]!;
      this.los[h] = los[i]!;
      this.units[h] = units[i]!;
      this.vals[h] = vals[i]!;
    }
  }
}

function mix(hi: number, lo: number, unit: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(unit, 0x7feb352d), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A TraceParseError at byte `offset` of the (uncompressed) oracleGeneral stream. */
function oracleError(source: string, offset: number, problem: string): TraceParseError {
  return new TraceParseError(
    source,
    0,
    offset + 1,
    `${problem} (at byte ${offset} of the oracleGeneral stream)`,
  );
}

/** The decimal text of the unsigned 64-bit number hi:lo (for messages). */
export function u64Text(hi: number, lo: number): string {
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/**
 * Page numbers for 64-bit ids (hi and lo 32-bit words): an id below 2^48 is its own page; each
 * distinct id at or above 2^48 gets 2^48 - 1, 2^48 - 2, ... in order of first appearance. Exact:
 * `pageOf` returns -1 rather than give two ids one page (a direct id reaching the numbers given
 * out, or the reverse).
 */
export class WideIdPages {
  private readonly table = new WideIdTable();
  /** Largest id below 2^48 taken as its own page number (-1: none). */
  private maxDirect = -1;
  /** Ids at or above 2^48 renumbered so far. */
  remapped = 0;

  pageOf(hi: number, lo: number): number {
    if (hi < 0x10000) {
      const id = hi * TWO32 + lo;
      if (this.remapped > 0 && id >= REMAP_FROM - this.remapped) return -1;
      if (id > this.maxDirect) this.maxDirect = id;
      return id;
    }
    const t = this.table;
    const v = t.get(hi, lo, 0);
    if (v >= 0) return v;
    const page = REMAP_FROM - 1 - this.remapped;
    if (page <= this.maxDirect) return -1;
    this.remapped++;
    t.set(hi, lo, 0, page);
    return page;
  }
}

/** Streaming decoder of oracleGeneral records. */
export class OracleGeneralDecoder implements TraceDecoder {
  readonly format = "oracleGeneral";
  readonly pageSize: number;
  readonly stats = makeStats();
  readonly source: string;
  /** Records of size 0, skipped. */
  zeroSized = 0;
  private readonly unitSize: number;
  private readonly table = new WideIdTable();
  private readonly wide = new WideIdPages();

  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private pos = 0;
  private carry = new Uint8Array(ORACLE_GENERAL_RECORD);
  private carryLen = 0;
  /** Offset in the stream of buf[0]. */
  private base = 0;
  private ended = false;
  /** A request split across batches: units pendUnit..pendUnits-1 of object pendHi:pendLo. */
  private pendHi = 0;
  private pendLo = 0;
  private pendUnit = 0;
  private pendUnits = 0;

  constructor(opts: OracleGeneralOptions = {}) {
    this.source = opts.source ?? "input";
    if (opts.unitSize !== undefined) {
      this.unitSize = checkPageSize(opts.unitSize, "unitSize");
      this.pageSize = this.unitSize;
    } else {
      this.unitSize = 0;
      this.pageSize = checkPageSize(opts.pageSize ?? 4096);
    }
  }

  push(chunk: Uint8Array): void {
    this.base += this.buf.length;
    let b = chunk;
    if (this.carryLen > 0) {
      b = new Uint8Array(this.carryLen + chunk.length);
      b.set(this.carry.subarray(0, this.carryLen), 0);
      b.set(chunk, this.carryLen);
      this.base -= this.carryLen;
      this.carryLen = 0;
    }
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.pos = 0;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.carryLen > 0) {
      throw oracleError(
        this.source,
        this.base + this.buf.length - this.carryLen,
        `truncated record: ${this.carryLen} of ${ORACLE_GENERAL_RECORD} bytes (the size is not a multiple of 24)`,
      );
    }
  }

  drain(out: RefBatch): boolean {
    const cap = out.pages.length;
    if (this.pendUnit < this.pendUnits && !this.flushPending(out)) return true;
    const view = this.view;
    const n = this.buf.length;
    let p = this.pos;
    const s = this.stats;
    while (p + ORACLE_GENERAL_RECORD <= n) {
      if (out.count >= cap) {
        this.pos = p;
        return true;
      }
      const lo = view.getUint32(p + 4, true);
      const hi = view.getUint32(p + 8, true);
      const size = view.getUint32(p + 12, true);
      p += ORACLE_GENERAL_RECORD;
      if (size === 0) {
        this.zeroSized++;
        continue;
      }
      if (this.unitSize === 0) {
        const i = out.count;
        out.pages[i] = this.pageOf(hi, lo, p - ORACLE_GENERAL_RECORD);
        out.kinds[i] = REF_LOAD;
        out.pids[i] = 0;
        out.count = i + 1;
        s.references++;
        s.byKind[REF_LOAD]!++;
      } else {
        const units = Math.ceil(size / this.unitSize);
        s.splits += units - 1;
        this.pendHi = hi;
        this.pendLo = lo;
        this.pendUnit = 0;
        this.pendUnits = units;
        if (!this.flushPending(out)) {
          this.pos = p;
          return true;
        }
      }
    }
    this.pos = p;
    if (p < n) {
      this.carryLen = n - p;
      this.carry.set(this.buf.subarray(p, n), 0);
      this.pos = n;
    }
    return false;
  }

  /** Page number of object hi:lo without units; `at` is the record's offset in the buffer. */
  private pageOf(hi: number, lo: number, at: number): number {
    const page = this.wide.pageOf(hi, lo);
    if (page < 0) this.collision(hi, lo, at);
    return page;
  }

  private collision(hi: number, lo: number, at: number): never {
    throw oracleError(
      this.source,
      this.base + at,
      `object id ${u64Text(hi, lo)} (record ${(this.base + at) / ORACLE_GENERAL_RECORD}): ids below 2^48 and ` +
        `the ${this.wide.remapped} ids at or above 2^48 renumbered below it would meet: two objects would share a page; ` +
        "read it with a unit size (--unit-size), which numbers every object densely",
    );
  }

  /** Emits units pendUnit.. of the pending request; false if `out` filled first. */
  private flushPending(out: RefBatch): boolean {
    const cap = out.pages.length;
    const t = this.table;
    const s = this.stats;
    let i = out.count;
    while (this.pendUnit < this.pendUnits) {
      if (i >= cap) {
        out.count = i;
        return false;
      }
      const u = this.pendUnit++;
      let page = t.get(this.pendHi, this.pendLo, u);
      if (page < 0) {
        page = t.size;
        t.set(this.pendHi, this.pendLo, u, page);
      }
      out.pages[i] = page;
      out.kinds[i] = REF_LOAD;
      out.pids[i] = 0;
      i++;
      s.references++;
      s.byKind[REF_LOAD]!++;
    }
    out.count = i;
    return true;
  }
}

/** An oracleGeneral decoder (the factory shape the format registry uses). */
export function oracleGeneralDecoder(opts: OracleGeneralOptions = {}): OracleGeneralDecoder {
  return new OracleGeneralDecoder(opts);
}

/**
 * True when `head` (the start of an uncompressed file) reads as oracleGeneral records: at least
 * one whole record, binary (a zero byte in it), and in every whole record of the head the next
 * access is -1 (or INT64_MAX) or a later request index below 2^48, and no size is beyond 2^31.
 */
export function looksOracleGeneral(head: Uint8Array): boolean {
  const n = Math.min(Math.floor(head.length / ORACLE_GENERAL_RECORD), 512);
  if (n === 0 || !head.subarray(0, n * ORACLE_GENERAL_RECORD).includes(0)) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (let r = 0; r < n; r++) {
    const p = r * ORACLE_GENERAL_RECORD;
    const nlo = v.getUint32(p + 16, true);
    const nhi = v.getInt32(p + 20, true);
    if (v.getUint32(p + 12, true) > 0x80000000) return false;
    if (nhi === -1 && nlo === 0xffffffff) continue;
    if (nhi === 0x7fffffff && nlo === 0xffffffff) continue; // INT64_MAX: "none" to newer libCacheSim
    if (nhi < 0 || nhi >= 0x10000) return false;
    if (nhi === 0 && nlo <= r) return false;
  }
  return true;
}

/**
 * Writes the references [from, to) of `b` as oracleGeneral records into `out` from byte `at`:
 * time 0 (pagewise traces have no clock), the page as object id (with its process folded in as
 * the engine keys pages: pageKey(pid, page); pid 0 keeps the page number), size `pageSize`, next
 * access -1 (NextAccessFiller fills it in afterwards). `out` must hold 24 bytes a reference.
 */
export function writeOracleGeneralRecords(
  b: RefBatch,
  from: number,
  to: number,
  pageSize: number,
  out: Uint8Array,
  at = 0,
): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = from; i < to; i++, at += ORACLE_GENERAL_RECORD) {
    const pid = b.pids[i]!;
    const id = pid === 0 ? b.pages[i]! : pageKey(pid & MAX_ASID, b.pages[i]!);
    v.setUint32(at, 0, true);
    v.setUint32(at + 4, id >>> 0, true);
    v.setUint32(at + 8, Math.floor(id / TWO32), true);
    v.setUint32(at + 12, pageSize, true);
    v.setInt32(at + 16, -1, true);
    v.setInt32(at + 20, -1, true);
  }
}

/**
 * Fills in the next-access fields of oracleGeneral records, visiting the file from its end: give
 * it chunks of whole records in reverse order (the last chunk of the file first). The next access
 * is the 1-based index of the object's next request (as libCacheSim's traceConv writes it), -1
 * when there is none. Keeps one entry per distinct object id.
 */
export class NextAccessFiller {
  /** Dense index of each object id (ids of written files are page keys, below 2^53). */
  private readonly ids = new PageIds();
  /** 1-based index of each dense id's next request seen so far (0: none). */
  private next = new Float64Array(1024);

  /** Fills `records`, whose first record is request `firstIndex` (0-based) of the file. */
  fill(records: Uint8Array, firstIndex: number): void {
    const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
    const n = Math.floor(records.length / ORACLE_GENERAL_RECORD);
    const ids = this.ids;
    for (let r = n - 1; r >= 0; r--) {
      const p = r * ORACLE_GENERAL_RECORD;
      const id = v.getUint32(p + 8, true) * TWO32 + v.getUint32(p + 4, true);
      const k = ids.idOf(id, 0);
      if (k >= this.next.length) {
        const g = new Float64Array(this.next.length * 2);
        g.set(this.next);
        this.next = g;
      }
      const nx = this.next[k]!;
      if (nx === 0) {
        v.setInt32(p + 16, -1, true);
        v.setInt32(p + 20, -1, true);
      } else {
        v.setUint32(p + 16, nx >>> 0, true);
        v.setUint32(p + 20, Math.floor(nx / TWO32), true);
      }
      this.next[k] = firstIndex + r + 1;
    }
  }
}
