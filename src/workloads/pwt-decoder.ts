// The streaming decoder of pwt's uncompressed byte stream (binary-format.ts describes the format;
// docs/trace-formats.md gives it byte by byte): version 1 token blocks and version 2 and 3 token and
// dictionary blocks, into RefBatches (drain), straight into dense page ids (drainDense), or, for a
// dictionary block, handed over still encoded (takeCoded). Version 3's checksums (header, trailer,
// every block) are verified before any of the checked bytes is used: a block is checked once it is
// whole in the buffer, before its first reference is decoded. The dictionary and its decode loops
// are in pwt-dictionary.ts.

import { ConfigError } from "../core/errors.js";
import type { PageIds } from "./page-ids.js";
import { DICT8_MAX, DICT16_MAX, ENC_DICT8, ENC_DICT16, ENC_TOKENS } from "./pwt-blocks.js";
import { getU32, pwtChecksum, warmPwtChecksum } from "./pwt-checksum.js";
import { addKinds, fillRun, PwtDictionary } from "./pwt-dictionary.js";
import {
  binaryError,
  decodePwtHeader,
  PWT_BLOCK_CHECK,
  PWT_HEADER_SIZE,
  PWT_MAX_BLOCK_REFS,
  PWT_MAX_PAGE,
  PwtChecksumError,
  type PwtHeader,
  pwtMaxBlockBytes,
} from "./pwt-header.js";
import type { RefBatch } from "./refs.js";
import {
  checkPageSize,
  copyBytes,
  type DecodeOptions,
  makeStats,
  plainBytes,
  type TraceDecoder,
} from "./trace-decoder.js";

/** References of a dictionary block still encoded, as PwtDecoder.takeCoded hands them over. */
export interface CodedRefs {
  /** The bytes: reference k is at pos + k × width, little endian, entry × 4 + kind. */
  buf: Uint8Array;
  pos: number;
  count: number;
  width: number;
  /** Dense page id of each dictionary entry. */
  ids: Int32Array;
}

/**
 * References of a dictionary block still encoded, with the block's dictionary itself (its entries'
 * pages and pids) instead of dense ids: what PwtDecoder.takeCodedBlock hands over.
 */
export interface CodedBlock {
  /** The bytes: reference k is at pos + k × dict.width, little endian, entry × 4 + kind. */
  buf: Uint8Array;
  pos: number;
  count: number;
  dict: PwtDictionary;
}

/** An empty CodedBlock for takeCodedBlock to fill. */
export function makeCodedBlock(): CodedBlock {
  return { buf: new Uint8Array(0), pos: 0, count: 0, dict: new PwtDictionary() };
}

/** An empty CodedRefs for takeCoded to fill. */
export function makeCodedRefs(): CodedRefs {
  return { buf: new Uint8Array(0), pos: 0, count: 0, width: 1, ids: new Int32Array(0) };
}

/** Calls of decodeTokens, process-wide, that decode only a few tokens (see there). */
const WARM_CALLS = 32;
/** Calls so far of decodeTokens [0], decodeDictionaryRefs [1] and decodeDictionaryDense [2]: each warms up on its own. */
const warmCalls = [0, 0, 0];

const ST_HEADER = 0;
const ST_BLOCK = 1;
const ST_PAYLOAD = 2;
const ST_TRAILER = 3;
const ST_DONE = 4;
const ST_DICT = 5;

/**
 * Streaming decoder of the uncompressed pwt stream. With `pageSize` larger than the file's, pages
 * are coarsened (page * fileSize / pageSize, rounded down); smaller throws ConfigError at the
 * header. Corrupt or truncated input throws TraceParseError (skipBad does not apply); a version-3
 * checksum that does not match, PwtChecksumError (naming the block and its offset). Versions 1 and
 * 2 carry no checksum: their damage is found only when it breaks the structure.
 */
export class PwtDecoder implements TraceDecoder {
  readonly format = "pwt";
  readonly stats = makeStats();
  readonly source: string;
  /** The header once read; the trailer's counts replace it at the end. */
  header: PwtHeader | null = null;
  private readonly wantPageSize: number | undefined;
  private divisor = 1;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Offset in the whole stream of buf[0], for error messages. */
  private base = 0;
  private state = ST_HEADER;
  private blockLeft = 0;
  private blockEnd = 0;
  /** Previous page of instruction fetches [0] and of data accesses [1]. */
  private readonly prev = new Float64Array(2);
  private curPid = 0;
  /** The file's version (1, 2 or 3), once the header is read. */
  private version = 1;
  /** Bytes after a block's payload: its checksum in version 3, else none. */
  private checkBytes = 0;
  /** Blocks begun so far (for error messages: block k counts from 1). */
  private blocks = 0;
  /** The current version-2 dictionary block's dictionary. */
  private readonly dict = new PwtDictionary();
  /** drainDense's outputs while it runs, else null. */
  private denseIds: Int32Array | null = null;
  private denseWrites: Uint8Array = new Uint8Array(0);
  private pageIds: PageIds | null = null;
  /** drainDenseUntilCoded: drain stops at a dictionary block instead of decoding it. */
  private stopAtDict = false;

  constructor(opts: DecodeOptions = {}) {
    this.source = opts.source ?? "input";
    this.wantPageSize = opts.pageSize === undefined ? undefined : checkPageSize(opts.pageSize);
  }

  /** The page size of the references produced (the file's until the header is read, then the chosen one). */
  get pageSize(): number {
    if (this.wantPageSize !== undefined) return this.wantPageSize;
    return this.header?.pageSize ?? 4096;
  }

  push(chunk: Uint8Array): void {
    chunk = plainBytes(chunk);
    const left = this.buf.length - this.pos;
    if (left === 0) {
      this.base += this.buf.length;
      this.buf = chunk;
    } else {
      // The rest of the last chunk and the new one, in a buffer of the decoder's own reused from
      // push to push (a new buffer each time was a tenth of OPT's two passes, allocation and GC).
      const need = left + chunk.length;
      let own = this.own;
      if (own.length < need) {
        const b = new Uint8Array(Math.max(need, 2 * own.length));
        b.set(this.buf.subarray(this.pos), 0);
        own = this.own = b;
      } else if (this.buf.buffer === own.buffer) {
        const at = this.buf.byteOffset + this.pos;
        own.copyWithin(0, at, at + left);
      } else own.set(this.buf.subarray(this.pos), 0);
      own.set(chunk, left);
      this.base += this.pos;
      this.buf = own.subarray(0, need);
    }
    this.pos = 0;
  }

  /** The buffer push joins a chunk's rest and the next chunk in (see push). */
  private own = new Uint8Array(0);

  end(): void {
    if (this.state !== ST_DONE) {
      const what =
        this.state === ST_HEADER
          ? "the header"
          : this.state === ST_TRAILER
            ? "the trailer"
            : "the end marker";
      throw binaryError(this.source, this.base + this.pos, `truncated pwt stream: expected ${what}`);
    }
    if (this.pos < this.buf.length)
      throw binaryError(this.source, this.base + this.pos, "expected nothing after the trailer");
  }

  /**
   * Like drain, but writes dense page ids (from `pageIds`) to `ids` and write flags (S, M) to
   * `writes` at the indexes [out.count, ...) it fills, instead of page numbers, kinds and pids:
   * a dictionary block costs one table lookup per reference. `out` is scratch for token blocks
   * (its pages, kinds and pids are then filled too); `ids` and `writes` must be as long as it.
   */
  drainDense(out: RefBatch, ids: Int32Array, writes: Uint8Array, pageIds: PageIds): boolean {
    if (ids.length < out.pages.length || writes.length < out.pages.length)
      throw new ConfigError("ids", ids.length, `at least the batch's ${out.pages.length} entries`);
    this.denseIds = ids;
    this.denseWrites = writes;
    this.pageIds = pageIds;
    try {
      return this.drain(out);
    } finally {
      this.denseIds = null;
    }
  }

  /**
   * drainDense that stops (returning true) on reaching a dictionary block, for takeCoded to hand
   * it over still encoded; returns false when it needs more input.
   */
  drainDenseUntilCoded(out: RefBatch, ids: Int32Array, writes: Uint8Array, pageIds: PageIds): boolean {
    this.stopAtDict = true;
    try {
      return this.drainDense(out, ids, writes, pageIds);
    } finally {
      this.stopAtDict = false;
    }
  }

  /**
   * When the decoder stands in a dictionary block: maps the block's entries to dense ids of
   * `pageIds`, counts the kinds of up to `max` of its references and checks them, fills `into`
   * with them still encoded (one or two bytes each: entry × 4 + kind, into.ids giving each entry's
   * dense id) and moves past them; returns how many. Returns 0 anywhere else (drainDense goes
   * there). Consume `into` before the next call: it points into the decoder's buffer.
   */
  takeCoded(max: number, pageIds: PageIds, into: CodedRefs): number {
    if (this.state !== ST_DICT || max <= 0) return 0;
    const dict = this.dict;
    const ids = dict.mapIds(pageIds);
    const n = Math.min(this.blockLeft, max);
    const start = this.pos;
    const end = dict.countCoded(this.buf, start, n, this.stats);
    if (end < 0) throw this.pastDictionary(start);
    this.blockLeft -= n;
    this.pos = end;
    if (this.blockLeft === 0) this.endBlock();
    into.buf = this.buf;
    into.pos = start;
    into.count = n;
    into.width = dict.width;
    into.ids = ids;
    return n;
  }

  /**
   * takeCoded without its pass over the references: they are neither counted nor checked here, so
   * the caller must do both in its own pass: check every entry (the id of an entry past the
   * dictionary is -1 in `into.ids`) and throw `badEntry(into.pos + k * into.width)` at the first
   * bad one, else add the kinds with `addCodedKinds`, before the next push or take.
   */
  takeCodedUnchecked(max: number, pageIds: PageIds, into: CodedRefs): number {
    if (this.state !== ST_DICT || max <= 0) return 0;
    const dict = this.dict;
    const ids = dict.mapIds(pageIds);
    const n = Math.min(this.blockLeft, max);
    const start = this.pos;
    this.blockLeft -= n;
    this.pos = start + n * dict.width;
    if (this.blockLeft === 0) this.endBlock();
    into.buf = this.buf;
    into.pos = start;
    into.count = n;
    into.width = dict.width;
    into.ids = ids;
    return n;
  }

  /**
   * takeCodedUnchecked handing over the block's dictionary (its entries' pages and pids, as the
   * file gives them, pages coarsened) instead of mapping the entries to dense ids: the caller
   * looks up what it needs of the entries its references use. The same duties as there: check
   * every entry (below `into.dict.size`), throw badEntry at the first bad one, add the kinds;
   * unless `check`, with which the decoder does both itself (as takeCoded does).
   */
  takeCodedBlock(max: number, into: CodedBlock, check = false): number {
    if (this.state !== ST_DICT || max <= 0) return 0;
    const dict = this.dict;
    const n = Math.min(this.blockLeft, max);
    const start = this.pos;
    if (check) {
      if (dict.countCoded(this.buf, start, n, this.stats) < 0) throw this.pastDictionary(start);
    }
    this.blockLeft -= n;
    this.pos = start + n * dict.width;
    if (this.blockLeft === 0) this.endBlock();
    into.buf = this.buf;
    into.pos = start;
    into.count = n;
    into.dict = dict;
    return n;
  }

  /** drain that stops (returning true) on reaching a dictionary block, for takeCodedBlock to hand it over. */
  drainUntilCoded(out: RefBatch): boolean {
    this.stopAtDict = true;
    try {
      return this.drain(out);
    } finally {
      this.stopAtDict = false;
    }
  }

  /** Adds the kinds of `n` references taken by takeCodedUnchecked (odd: kind bit 0 set; high: bit 1; both). */
  addCodedKinds(n: number, odd: number, high: number, both: number): void {
    addKinds(this.stats, n, odd, high, both);
  }

  /** The error for an entry past the dictionary at `at` in the buffer takeCodedUnchecked handed over. */
  badEntry(at: number): Error {
    return this.pastDictionary(at);
  }

  drain(out: RefBatch): boolean {
    for (;;) {
      const avail = this.buf.length - this.pos;
      switch (this.state) {
        case ST_HEADER: {
          if (avail < PWT_HEADER_SIZE) return this.keep();
          const h = decodePwtHeader(
            this.buf.subarray(this.pos, this.pos + PWT_HEADER_SIZE),
            this.source,
            this.base + this.pos,
          );
          this.header = h;
          this.version = h.version;
          this.checkBytes = h.version === 3 ? PWT_BLOCK_CHECK : 0;
          if (h.version === 3) warmPwtChecksum();
          if (this.wantPageSize !== undefined) {
            if (this.wantPageSize < h.pageSize) {
              throw new ConfigError(
                "pageSize",
                this.wantPageSize,
                `at least ${h.pageSize}: this pwt file holds ${h.pageSize}-byte pages, which cannot be split`,
              );
            }
            this.divisor = this.wantPageSize / h.pageSize;
          }
          this.pos += PWT_HEADER_SIZE;
          this.state = ST_BLOCK;
          break;
        }
        case ST_BLOCK: {
          const start = this.pos;
          const n = this.readVarint();
          if (n < 0) return this.keep();
          const len = this.readVarint();
          if (len < 0) {
            this.pos = start;
            return this.keep();
          }
          if (n === 0) {
            if (len !== PWT_HEADER_SIZE)
              throw binaryError(
                this.source,
                this.base + start,
                `expected a ${PWT_HEADER_SIZE}-byte trailer, found ${len}`,
              );
            this.state = ST_TRAILER;
            break;
          }
          if (n > PWT_MAX_BLOCK_REFS)
            throw binaryError(this.source, this.base + start, `corrupt block: ${n} references`);
          if (len > pwtMaxBlockBytes(n))
            throw binaryError(
              this.source,
              this.base + start,
              `corrupt block: ${len} bytes for ${n} references (at most ${pwtMaxBlockBytes(n)})`,
            );
          // One byte past the payload (the checksum, the next block or the end marker) lets the
          // token loop read two bytes at a time without a bounds check.
          if (this.buf.length - this.pos < len + Math.max(1, this.checkBytes)) {
            this.pos = start;
            return this.keep();
          }
          this.blocks++;
          this.blockLeft = n;
          this.blockEnd = this.pos + len;
          if (this.checkBytes !== 0) this.checkBlock(start);
          this.state = ST_PAYLOAD;
          if (this.version >= 2) this.startBlockV2(start, n, len);
          break;
        }
        case ST_DICT: {
          if (this.stopAtDict || out.count >= out.pages.length) return true;
          if (this.denseIds === null) this.decodeDictionaryRefs(out);
          else this.decodeDictionaryDense(out, this.denseIds, this.denseWrites);
          if (this.blockLeft === 0) this.endBlock();
          break;
        }
        case ST_PAYLOAD: {
          if (out.count >= out.pages.length) return true;
          const from = out.count;
          this.decodeTokens(out);
          if (this.denseIds !== null)
            this.pageIds!.map(
              out.pages,
              out.kinds,
              out.pids,
              from,
              out.count,
              this.denseIds,
              this.denseWrites,
            );
          if (this.blockLeft > 0) break;
          if (this.pos !== this.blockEnd) {
            throw binaryError(
              this.source,
              this.base + this.pos,
              "corrupt block: its tokens do not fill its payload exactly",
            );
          }
          this.endBlock();
          break;
        }
        case ST_TRAILER: {
          if (avail < PWT_HEADER_SIZE) return this.keep();
          const at = this.base + this.pos;
          const t = decodePwtHeader(
            this.buf.subarray(this.pos, this.pos + PWT_HEADER_SIZE),
            this.source,
            at,
            "trailer",
          );
          const s = this.stats;
          if (t.version !== this.version)
            throw binaryError(
              this.source,
              at + 4,
              `trailer of version ${t.version} in a version ${this.version} file`,
            );
          if (t.references !== s.references || t.byKind.some((c, k) => c !== s.byKind[k])) {
            throw binaryError(
              this.source,
              at,
              `trailer counts ${t.references} references, decoded ${s.references}`,
            );
          }
          // Version 3: a header with final counts must give the trailer's (both are checksummed,
          // so this catches only a writer that patched one and not the other).
          const h = this.header;
          if (this.version === 3 && h !== null && h.countsKnown && !sameCounts(h, t))
            throw binaryError(this.source, at, "the header's counts differ from the trailer's");
          this.header = t;
          this.pos += PWT_HEADER_SIZE;
          this.state = ST_DONE;
          break;
        }
        default:
          if (avail > 0)
            throw binaryError(this.source, this.base + this.pos, "expected nothing after the trailer");
          return false;
      }
    }
  }

  /**
   * Version 3: checks the checksum of the block that starts at `start` (its payload whole in the
   * buffer, up to blockEnd, the checksum after it) before anything of the block is decoded.
   */
  private checkBlock(start: number): void {
    const stored = getU32(this.buf, this.blockEnd);
    const computed = pwtChecksum(this.buf, start, this.blockEnd);
    if (stored !== computed)
      throw new PwtChecksumError(this.source, `block ${this.blocks}`, this.base + start, stored, computed);
  }

  /** Moves past the end of the block just decoded (and its checksum) to the next. */
  private endBlock(): void {
    this.pos += this.checkBytes;
    this.state = ST_BLOCK;
  }

  /** Reads a version-2 or 3 block's encoding byte and, for a dictionary block, its dictionary. */
  private startBlockV2(start: number, n: number, len: number): void {
    const at = this.base + start;
    if (len < 1) throw binaryError(this.source, at, "corrupt block: no encoding byte");
    const enc = this.buf[this.pos++]!;
    if (enc === ENC_TOKENS) {
      this.prev[0] = 0;
      this.prev[1] = 0;
      this.curPid = 0;
      return;
    }
    if (enc !== ENC_DICT8 && enc !== ENC_DICT16)
      throw binaryError(this.source, at, `corrupt block: unknown encoding ${enc}`);
    const d = this.readVarint();
    const max = enc === ENC_DICT8 ? DICT8_MAX : DICT16_MAX;
    if (d < 1 || d > max) throw binaryError(this.source, at, `corrupt block: dictionary of ${d} entries`);
    const dict = this.dict;
    let page = 0;
    let pid = 0;
    for (let e = 0; e < d; e++) {
      const v = this.readVarint();
      if (v < 0 || this.pos > this.blockEnd)
        throw binaryError(this.source, at, "corrupt block: short dictionary");
      const zz = Math.floor(v / 2);
      page += zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
      if (v % 2 === 1) {
        const z = this.readVarint();
        if (z < 0) throw binaryError(this.source, at, "corrupt block: short dictionary");
        pid = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      if (!(page >= 0 && page < PWT_MAX_PAGE))
        throw binaryError(this.source, at, `corrupt block: dictionary page ${page}`);
      dict.pages[e] = this.divisor === 1 ? page : Math.floor(page / this.divisor);
      dict.pids[e] = pid;
    }
    dict.reset(d, enc === ENC_DICT8 ? 1 : 2);
    if (this.pos + n * dict.width !== this.blockEnd)
      throw binaryError(this.source, at, "corrupt block: its references do not fill its payload exactly");
    this.state = ST_DICT;
  }

  /** Decodes references of a dictionary block as dense ids and write flags (see drainDense). */
  private decodeDictionaryDense(out: RefBatch, ids: Int32Array, writes: Uint8Array): void {
    this.dict.mapIds(this.pageIds!);
    const i = out.count;
    // See decodeTokens: the first calls in the process decode a few references each.
    const n = Math.min(this.blockLeft, out.pages.length - i, warmCalls[2]! < WARM_CALLS ? 4 : Infinity);
    warmCalls[2]!++;
    const end = this.dict.decodeDense(this.buf, this.pos, n, ids, writes, i, this.stats);
    if (end < 0) throw this.pastDictionary(this.pos);
    this.blockLeft -= n;
    out.count = i + n;
    this.pos = end;
  }

  /** Decodes references of a dictionary block into `out`: a table lookup each. */
  private decodeDictionaryRefs(out: RefBatch): void {
    const i = out.count;
    const n = Math.min(this.blockLeft, out.pages.length - i, warmCalls[1]! < WARM_CALLS ? 4 : Infinity);
    warmCalls[1]!++;
    const end = this.dict.decodeRefs(this.buf, this.pos, n, out, i, this.stats);
    if (end < 0) throw this.pastDictionary(this.pos);
    this.blockLeft -= n;
    out.count = i + n;
    this.pos = end;
  }

  private pastDictionary(at: number): Error {
    return binaryError(
      this.source,
      this.base + at,
      `corrupt block: an entry past the dictionary of ${this.dict.size}`,
    );
  }

  /** Keeps the unread bytes (copied, so the caller may reuse its chunk) and reports input used up. */
  private keep(): boolean {
    this.base += this.pos;
    this.buf = copyBytes(this.buf, this.pos, this.buf.length);
    this.pos = 0;
    return false;
  }

  /** Reads a varint at pos, or returns -1 (pos unchanged) if the buffer ends first. */
  private readVarint(): number {
    const buf = this.buf;
    let p = this.pos;
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= buf.length) return -1;
      const b = buf[p++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
      if (mul > 2 ** 56) throw binaryError(this.source, this.base + p, "corrupt varint");
    }
    this.pos = p;
    return v;
  }

  /** Decodes tokens of the current block into `out` until the block or `out` is exhausted. */
  private decodeTokens(out: RefBatch): void {
    const buf = this.buf;
    const pages = out.pages;
    const kinds = out.kinds;
    const pids = out.pids;
    const divisor = this.divisor;
    let i = out.count;
    // The first WARM_CALLS calls in the process decode a few tokens each. V8 allocates a
    // function's type feedback only after several calls; if the loop were compiled on the stack
    // (OSR) within the first, long, call, the code after it would have no feedback and every
    // later call would deoptimize there (Node 20: 40% slower).
    const n = Math.min(this.blockLeft, pages.length - i, warmCalls[0]! < WARM_CALLS ? 4 : Infinity);
    warmCalls[0]!++;
    const stop = i + n;
    let p = this.pos;
    const prev = this.prev;
    let pid = this.curPid;
    // Kind counts without a memory increment per reference: with kind = 2h + o, sum(o) counts
    // L + M, sum(h) S + M, sum(o & h) M.
    let odd = 0;
    let high = 0;
    let both = 0;
    // pids are written in runs, when the pid changes and at the end.
    let runStart = i;
    while (i < stop) {
      // Fast path, branch-free: a token of one or two bytes without a pid. The byte after the
      // token always exists (drain waits for one byte past the block).
      const b0 = buf[p]!;
      const b1 = buf[p + 1]!;
      let kind: number;
      let d: number;
      if ((b0 & 4) === 0 && (b0 & b1 & 0x80) === 0) {
        const m = b0 >>> 7;
        const v = (b0 & 0x7f) | ((b1 << 7) & -m);
        p += 1 + m;
        kind = v & 3;
        const zz = v >>> 3;
        d = (zz >>> 1) ^ -(zz & 1);
      } else {
        let v = 0;
        let mul = 1;
        let b: number;
        do {
          b = buf[p++]!;
          v += (b & 0x7f) * mul;
          mul *= 128;
        } while (b >= 0x80 && mul < 2 ** 63);
        kind = v & 3;
        if ((v & 4) !== 0) {
          let z = 0;
          mul = 1;
          do {
            b = buf[p++]!;
            z += (b & 0x7f) * mul;
            mul *= 128;
          } while (b >= 0x80 && mul < 2 ** 40);
          fillRun(pids, pid, runStart, i);
          runStart = i;
          pid = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
        }
        const zz = Math.floor(v / 8);
        d = zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
      }
      // Class 0 for instruction fetches, 1 for data: branch-free, as the two interleave at random.
      const cls = (kind + 3) >>> 2;
      const page = prev[cls]! + d;
      prev[cls] = page;
      pages[i] = divisor === 1 ? page : Math.floor(page / divisor);
      kinds[i] = kind;
      odd += kind & 1;
      high += kind >>> 1;
      both += kind & (kind >>> 1);
      i++;
    }
    fillRun(pids, pid, runStart, i);
    addKinds(this.stats, n, odd, high, both);
    this.blockLeft -= n;
    out.count = i;
    this.pos = p;
    this.curPid = pid;
  }
}

function sameCounts(a: PwtHeader, b: PwtHeader): boolean {
  return (
    a.references === b.references &&
    a.byKind.every((c, k) => c === b.byKind[k]) &&
    a.distinctPages === b.distinctPages &&
    a.pids === b.pids
  );
}

/** A pwt decoder (the factory shape the format registry uses). */
export function pwtDecoder(opts: DecodeOptions = {}): PwtDecoder {
  return new PwtDecoder(opts);
}
