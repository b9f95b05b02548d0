// The streaming decoder of pwt's uncompressed byte stream (binary-format.ts describes the format;
// docs/trace-formats.md gives it byte by byte): version 1 token blocks and version 2 and 3 token and
// dictionary blocks, into RefBatches (drain), straight into dense page ids (drainDense), or, for a
// dictionary block, handed over still encoded (takeCoded). Version 3's checksums (header, trailer,
// every block) are verified before any of the checked bytes is used: a block is checked once it is
// whole in the buffer, before its first reference is decoded. This file frames the stream (header,
// blocks, trailer); the token blocks' decode loop is in pwt-tokens.ts, the dictionary and its
// decode loops in pwt-dictionary.ts, the checks of the page size, block checksums and trailer in
// pwt-checks.ts.

import { ConfigError } from "../core/errors.js";
import type { PageIds } from "./page-ids.js";
import { DICT8_MAX, DICT16_MAX, ENC_DICT8, ENC_DICT16, ENC_TOKENS } from "./pwt-blocks.js";
import { checkPwtBlock, checkPwtTrailer, pwtPageDivisor } from "./pwt-checks.js";
import { warmPwtChecksum } from "./pwt-checksum.js";
import { addKinds, type CodedRefs, PwtDictionary } from "./pwt-dictionary.js";
import {
  binaryError,
  decodePwtHeader,
  PWT_BLOCK_CHECK,
  PWT_HEADER_SIZE,
  PWT_MAX_BLOCK_REFS,
  PWT_MAX_PAGE,
  type PwtHeader,
  pwtMaxBlockBytes,
} from "./pwt-header.js";
import { decodeTokenRun, TokenState } from "./pwt-tokens.js";
import type { RefBatch } from "./refs.js";
import { plainBytes } from "./trace-bytes.js";
import { checkPageSize, type DecodeOptions, makeStats, type TraceDecoder } from "./trace-decoder.js";

export { type CodedRefs, makeCodedRefs } from "./pwt-dictionary.js";

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
  /** A token block's previous pages and current pid. */
  private readonly tokens = new TokenState();
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
    into.buf = this.buf;
    into.pos = this.passCoded(n);
    into.count = n;
    into.width = dict.width;
    into.ids = ids;
    return n;
  }

  /** Moves past `n` references of the dictionary block (ending it after its last); returns where they start. */
  private passCoded(n: number): number {
    const start = this.pos;
    this.blockLeft -= n;
    this.pos = start + n * this.dict.width;
    if (this.blockLeft === 0) this.endBlock();
    return start;
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
    if (check && dict.countCoded(this.buf, this.pos, n, this.stats) < 0) throw this.pastDictionary(this.pos);
    into.buf = this.buf;
    into.pos = this.passCoded(n);
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

  /**
   * Counts `n` references taken by takeCodedUnchecked whose kinds the caller did not count (it
   * checked their entries): `stats.byKind` then lacks them, kindsKnown turns false, and the
   * trailer's kinds are not checked (its reference count still is). For a pass whose kinds
   * another pass over the same stream counts and checks (OPT's next-use pass, then the replay).
   */
  addCodedUncounted(n: number): void {
    this.stats.references += n;
    this.kindsKnown = false;
  }

  /** False once addCodedUncounted was called: stats.byKind is incomplete. */
  kindsKnown = true;

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
          if (this.wantPageSize !== undefined) this.divisor = pwtPageDivisor(h, this.wantPageSize);
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
          checkPwtTrailer(t, this.header, this.version, this.stats, this.source, at, this.kindsKnown);
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
    checkPwtBlock(this.buf, start, this.blockEnd, this.source, this.blocks, this.base + start);
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
      this.tokens.reset();
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

  /**
   * Keeps the unread bytes and reports input used up: in the decoder's own buffer (copied there
   * from the caller's chunk, which the caller may reuse; left where they are when they are in it
   * already), where push joins the next chunk to them. A new buffer each time cost OPT's two passes
   * over an 8 M-reference trace about 12 ms of copying into fresh memory, and its garbage.
   */
  private keep(): boolean {
    const left = this.buf.length - this.pos;
    this.base += this.pos;
    if (this.buf.buffer === this.own.buffer) this.buf = this.buf.subarray(this.pos);
    else {
      if (this.own.length < left) this.own = new Uint8Array(Math.max(left, 2 * this.own.length));
      this.own.set(this.buf.subarray(this.pos), 0);
      this.buf = this.own.subarray(0, left);
    }
    this.pos = 0;
    return false;
  }

  /** Decodes tokens of the current block into `out` until the block or `out` is exhausted. */
  private decodeTokens(out: RefBatch): void {
    // The first WARM_CALLS calls in the process decode a few tokens each. V8 allocates a
    // function's type feedback only after several calls; if the loop were compiled on the stack
    // (OSR) within the first, long, call, the code after it would have no feedback and every
    // later call would deoptimize there (Node 20: 40% slower).
    const n = Math.min(
      this.blockLeft,
      out.pages.length - out.count,
      warmCalls[0]! < WARM_CALLS ? 4 : Infinity,
    );
    warmCalls[0]!++;
    this.pos = decodeTokenRun(this.buf, this.pos, n, out, this.tokens, this.divisor, this.stats);
    this.blockLeft -= n;
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
}

/** A pwt decoder (the factory shape the format registry uses). */
export function pwtDecoder(opts: DecodeOptions = {}): PwtDecoder {
  return new PwtDecoder(opts);
}
