// A pwt version-2 dictionary block's dictionary and the loops that decode its references (one or
// two bytes each, little endian: entry × 4 + kind; docs/trace-formats.md). PwtDecoder parses the
// block header and fills `pages`/`pids`; the loops here turn references into page numbers, into
// dense page ids, or only count their kinds (for references handed over still encoded). Each loop
// returns the position after the references it read, or -1 when one names an entry past the
// dictionary (the decoder then throws with the stream offset). CodedRefs is the shape references
// handed over still encoded take (PwtDecoder.takeCoded).
// The loops are written out per width (and, for page numbers, per single or several pids): a
// branch per reference on the width or the pid showed in the decoder's profile.

import type { PageIds } from "./page-ids.js";
import { DICT16_MAX } from "./pwt-blocks.js";
import type { RefBatch } from "./refs.js";
import type { TraceStats } from "./trace-decoder.js";

/** Calls in small pieces (WARM_PIECE references) before whole blocks, per width (see countCoded). */
const WARM_CALLS = 8;
const WARM_PIECE = 256;
const countWarmCalls = [0, 0];

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

/** An empty CodedRefs for takeCoded to fill. */
export function makeCodedRefs(): CodedRefs {
  return { buf: new Uint8Array(0), pos: 0, count: 0, width: 1, ids: new Int32Array(0) };
}

export class PwtDictionary {
  /** Entries: page (already coarsened) and pid. */
  readonly pages = new Float64Array(DICT16_MAX);
  readonly pids = new Int32Array(DICT16_MAX);
  size = 0;
  /** Bytes per reference: 1 (at most 64 entries) or 2. */
  width = 1;
  /** True when every entry has the same pid, `pid`. */
  onePid = true;
  pid = 0;
  /** Dense ids of the entries (valid when idsFor is the PageIds they came from); past size: -1. */
  readonly ids = new Int32Array(DICT16_MAX);
  private idsFor: PageIds | null = null;

  /** Sets the dictionary's size and width after `pages` and `pids` were filled. */
  reset(size: number, width: number): void {
    this.size = size;
    this.width = width;
    this.pid = this.pids[0]!;
    let same = true;
    for (let e = 1; e < size; e++) same &&= this.pids[e] === this.pid;
    this.onePid = same;
    this.idsFor = null;
  }

  /** Dense ids of the entries from `pageIds` (computed once per block and PageIds). */
  mapIds(pageIds: PageIds): Int32Array {
    if (this.idsFor === pageIds) return this.ids;
    const d = this.size;
    for (let e = 0; e < d; e++) this.ids[e] = pageIds.idOf(this.pages[e]!, this.pids[e]!);
    // Entries past the dictionary map to -1, which decodeDense catches.
    this.ids.fill(-1, d);
    this.idsFor = pageIds;
    return this.ids;
  }

  /** Counts the kinds of the `n` references at `p` and checks their entries; returns the end or -1. */
  countCoded(buf: Uint8Array, p: number, n: number, stats: TraceStats): number {
    // One function per width, and the first calls in the process in small pieces: a loop compiled
    // while still in its first call (on-stack replacement) has no type feedback for the code after
    // it, and deoptimized there at every call, hundreds of times over a real trace.
    const count = this.width === 1 ? countCoded1 : countCoded2;
    if (countWarmCalls[this.width - 1]! < WARM_CALLS) {
      countWarmCalls[this.width - 1]!++;
      for (let k = 0; k < n; k += WARM_PIECE) {
        p = count(buf, p, Math.min(WARM_PIECE, n - k), this.size, stats);
        if (p < 0) return -1;
      }
      return p;
    }
    return count(buf, p, n, this.size, stats);
  }

  /**
   * Decodes `n` references at `p` into dense ids (`mapIds` done) and write flags at [i, i + n);
   * returns the end or -1.
   */
  decodeDense(
    buf: Uint8Array,
    p: number,
    n: number,
    ids: Int32Array,
    writes: Uint8Array,
    i: number,
    stats: TraceStats,
  ): number {
    const dictIds = this.ids;
    const stop = i + n;
    let odd = 0;
    let high = 0;
    let both = 0;
    let bad = 0;
    if (this.width === 1) {
      for (; i < stop; i++) {
        const v = buf[p++]!;
        const id = dictIds[v >>> 2]!;
        const kind = v & 3;
        bad |= id;
        ids[i] = id;
        writes[i] = kind >>> 1;
        odd += kind & 1;
        high += kind >>> 1;
        both += kind & (kind >>> 1);
      }
    } else {
      for (; i < stop; i++) {
        const v = buf[p]! | (buf[p + 1]! << 8);
        p += 2;
        const id = dictIds[v >>> 2]!;
        const kind = v & 3;
        bad |= id;
        ids[i] = id;
        writes[i] = kind >>> 1;
        odd += kind & 1;
        high += kind >>> 1;
        both += kind & (kind >>> 1);
      }
    }
    if (bad < 0) return -1;
    addKinds(stats, n, odd, high, both);
    return p;
  }

  /** Decodes `n` references at `p` into `out` (pages, kinds, pids) at [i, i + n); returns the end or -1. */
  decodeRefs(buf: Uint8Array, p: number, n: number, out: RefBatch, i: number, stats: TraceStats): number {
    const { pages, kinds, pids } = out;
    const dp = this.pages;
    const dpid = this.pids;
    const d = this.size;
    const stop = i + n;
    let odd = 0;
    let high = 0;
    let both = 0;
    let bad = 0;
    const onePid = this.onePid;
    if (onePid) fillRun(pids, this.pid, i, stop);
    if (this.width === 1 && onePid) {
      for (; i < stop; i++) {
        const v = buf[p++]!;
        const e = v >>> 2;
        const kind = v & 3;
        bad |= d - 1 - e;
        pages[i] = dp[e]!;
        kinds[i] = kind;
        odd += kind & 1;
        high += kind >>> 1;
        both += kind & (kind >>> 1);
      }
    } else if (this.width === 2 && onePid) {
      for (; i < stop; i++) {
        const v = buf[p]! | (buf[p + 1]! << 8);
        p += 2;
        const e = v >>> 2;
        const kind = v & 3;
        bad |= d - 1 - e;
        pages[i] = dp[e]!;
        kinds[i] = kind;
        odd += kind & 1;
        high += kind >>> 1;
        both += kind & (kind >>> 1);
      }
    } else if (this.width === 1) {
      for (; i < stop; i++) {
        const v = buf[p++]!;
        const e = v >>> 2;
        const kind = v & 3;
        bad |= d - 1 - e;
        pages[i] = dp[e]!;
        pids[i] = dpid[e]!;
        kinds[i] = kind;
        odd += kind & 1;
        high += kind >>> 1;
        both += kind & (kind >>> 1);
      }
    } else {
      for (; i < stop; i++) {
        const v = buf[p]! | (buf[p + 1]! << 8);
        p += 2;
        const e = v >>> 2;
        const kind = v & 3;
        bad |= d - 1 - e;
        pages[i] = dp[e]!;
        pids[i] = dpid[e]!;
        kinds[i] = kind;
        odd += kind & 1;
        high += kind >>> 1;
        both += kind & (kind >>> 1);
      }
    }
    // An entry past the dictionary made d - 1 - e negative (its pages read garbage: refuse the block).
    if (bad < 0) return -1;
    addKinds(stats, n, odd, high, both);
    return p;
  }
}

/**
 * Adds `n` references to the counts by kind, given how many had the low kind bit set (odd: loads
 * and modifies), the high one (high: stores and modifies) and both (modifies).
 */
export function addKinds(stats: TraceStats, n: number, odd: number, high: number, both: number): void {
  const byKind = stats.byKind;
  byKind[0]! += n - odd - high + both;
  byKind[1]! += odd - both;
  byKind[2]! += high - both;
  byKind[3]! += both;
  stats.references += n;
}

/** Sets a[from, to) to v (a plain loop: TypedArray#fill in the decode loop made V8 deoptimize it). */
export function fillRun(a: Int32Array, v: number, from: number, to: number): void {
  for (let i = from; i < to; i++) a[i] = v;
}

/**
 * countCoded over one-byte references (d: the dictionary's size). Four references at a time from
 * a 32-bit little-endian load: each kind bit summed over the word's bytes by one multiplication
 * (the bytes' bits add up in the top byte), and each entry e checked by adding 64 - d to it in its
 * own byte (at most 126: no carry) and testing bit 6, which is set exactly when e >= d.
 */
function countCoded1(buf: Uint8Array, p: number, n: number, d: number, stats: TraceStats): number {
  let odd = 0;
  let high = 0;
  let both = 0;
  let over = 0;
  const end = p + n;
  if (n >= 16) {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const bias = Math.imul(64 - Math.min(d, 64), 0x01010101);
    let bad = 0;
    for (const stop = end - 3; p < stop; p += 4) {
      const w = view.getUint32(p, true);
      odd += Math.imul(w & 0x01010101, 0x01010101) >>> 24;
      high += Math.imul((w >>> 1) & 0x01010101, 0x01010101) >>> 24;
      both += Math.imul(w & (w >>> 1) & 0x01010101, 0x01010101) >>> 24;
      bad |= (((w >>> 2) & 0x3f3f3f3f) + bias) & 0x40404040;
    }
    if (bad !== 0) over = -1;
  }
  for (; p < end; p++) {
    const v = buf[p]!;
    const kind = v & 3;
    over |= d - 1 - (v >>> 2);
    odd += kind & 1;
    high += kind >>> 1;
    both += kind & (kind >>> 1);
  }
  if (over < 0) return -1;
  addKinds(stats, n, odd, high, both);
  return p;
}

/**
 * countCoded over two-byte references, two at a time from a 32-bit load (as countCoded1: the
 * kind bits summed by a multiplication; an entry checked by adding 16384 - d in its own 16 bits,
 * at most 32766, and testing bit 14).
 */
function countCoded2(buf: Uint8Array, p: number, n: number, d: number, stats: TraceStats): number {
  let odd = 0;
  let high = 0;
  let both = 0;
  let over = 0;
  const end = p + 2 * n;
  if (n >= 8) {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const bias = Math.imul(16384 - Math.min(d, 16384), 0x00010001);
    let bad = 0;
    for (const stop = end - 3; p < stop; p += 4) {
      const w = view.getUint32(p, true);
      odd += Math.imul(w & 0x00010001, 0x00010001) >>> 16;
      high += Math.imul((w >>> 1) & 0x00010001, 0x00010001) >>> 16;
      both += Math.imul(w & (w >>> 1) & 0x00010001, 0x00010001) >>> 16;
      bad |= (((w >>> 2) & 0x3fff3fff) + bias) & 0x40004000;
    }
    if (bad !== 0) over = -1;
  }
  for (; p < end; p += 2) {
    const v = buf[p]! | (buf[p + 1]! << 8);
    const kind = v & 3;
    over |= d - 1 - (v >>> 2);
    odd += kind & 1;
    high += kind >>> 1;
    both += kind & (kind >>> 1);
  }
  if (over < 0) return -1;
  addKinds(stats, n, odd, high, both);
  return p;
}
