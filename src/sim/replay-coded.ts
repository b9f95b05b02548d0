// Replay loops over references still encoded as pwt's dictionary blocks hold them (CodedRefs from
// PwtDecoder.takeCoded or takeCodedUnchecked): reference k is the `width`-byte little-endian value
// at pos + k × width, entry × 4 + kind; its page is dictIds[entry] (-1 for an entry past the
// dictionary), a write when kind ≥ 2. Each loop decodes, counts the kinds and checks the entries in
// its own pass, so the decoder makes none of its own (Replayer.countsCoded); it stops at the first
// entry past the dictionary (Replayer.badAt). Written out per width and per kind of policy (no
// hits; hits without the future; hits with the future; stamp LRU; OPT's marks, in replay-marks.ts)
// so the hot loop has no branch but the hit test: decoding inside the loop saves the store and reload of a page id and a write flag
// per reference, and each specialised loop ran 1.3-2x faster than one generic loop on py50k-50m.
// Policies with a timer (tick) use Replayer's generic loop instead (the decoder counts for them).

import type { Replayer } from "./replay.js";
import { marks1, marks2 } from "./replay-marks.js";

/** Never used again, in an Int32 next-use annotation (re-exported by replay.ts; mrc/opt.ts uses the same value). */
export const NO_NEXT_USE = 0x7fffffff;

const INF = Number.POSITIVE_INFINITY;

/** True on a little-endian host (typed arrays use the host's byte order). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
let scratch = new Uint16Array(1 << 16);

/**
 * The `count` two-byte little-endian values at `pos` as a Uint16Array: a view of `buf` when it is
 * aligned on a little-endian host, else a copy in a reused buffer (byte-swapped on a big-endian
 * one). One load per reference instead of two and a shift in the two-byte loops. Valid until the
 * next call.
 */
export function codedWords(buf: Uint8Array, pos: number, count: number): Uint16Array {
  const at = buf.byteOffset + pos;
  if (LITTLE_ENDIAN && (at & 1) === 0) return new Uint16Array(buf.buffer, at, count);
  if (scratch.length < count) scratch = new Uint16Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(scratch.buffer, 0, 2 * count).set(buf.subarray(pos, pos + 2 * count));
  else for (let k = 0, q = pos; k < count; k++, q += 2) scratch[k] = buf[q]! | (buf[q + 1]! << 8);
  return scratch.subarray(0, count);
}

/** Replays `count` coded references at `pos` with the loop for `r`'s policy (see the file's note). */
export function replayCoded(
  r: Replayer,
  buf: Uint8Array,
  pos: number,
  count: number,
  width: number,
  dictIds: Int32Array,
  offset: number,
): void {
  if (r.stamp !== null) {
    if (width === 1) stamp1(r, buf, pos, count, dictIds, offset);
    else stamp2(r, codedWords(buf, pos, count), count, dictIds, offset);
  } else if (!r.wantsHits) {
    if (width === 1) noHits1(r, buf, pos, count, dictIds, offset);
    else noHits2(r, codedWords(buf, pos, count), count, dictIds, offset);
  } else if (r.nextUse === null) {
    if (width === 1) hits1(r, buf, pos, count, dictIds, offset);
    else hits2(r, codedWords(buf, pos, count), count, dictIds, offset);
  } else if (r.marks !== null) {
    if (width === 1) marks1(r, r.marks, buf, pos, count, dictIds, offset);
    else marks2(r, r.marks, codedWords(buf, pos, count), count, dictIds, offset);
  } else if (width === 1) future1(r, buf, pos, count, dictIds, offset);
  else future2(r, codedWords(buf, pos, count), count, dictIds, offset);
}

/** Policies that see neither hits nor time (FIFO, Clock, SIEVE, ...): a hit only sets the frame's bits. */
function noHits1(
  r: Replayer,
  buf: Uint8Array,
  pos: number,
  count: number,
  dictIds: Int32Array,
  offset: number,
): void {
  const frameOf = r.frameOf;
  const ref = r.bits.ref;
  const dirtyBit = r.bits.dirtyBit;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = buf[pos + k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      if (ref[f] === 0) ref[f] = 1;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
    } else {
      if (p < 0) break;
      misses++;
      r.fault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
}

/** noHits1 over two-byte references (codedWords). */
function noHits2(r: Replayer, words: Uint16Array, count: number, dictIds: Int32Array, offset: number): void {
  const frameOf = r.frameOf;
  const ref = r.bits.ref;
  const dirtyBit = r.bits.dirtyBit;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = words[k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      if (ref[f] === 0) ref[f] = 1;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
    } else {
      if (p < 0) break;
      misses++;
      r.fault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
}

/**
 * Plain LRU by last-reference stamps (Replayer.useStampLru): a hit is one store of the reference's
 * index (and the dirty bit on a write: not the accessed bit, which LRU never reads); a miss scans
 * the frames for the oldest stamp. ARC runs here too, the stamps being its own (Replayer.stampFault
 * then asks the policy for the victim; ARC never reads the accessed bit either).
 */
function stamp1(
  r: Replayer,
  buf: Uint8Array,
  pos: number,
  count: number,
  dictIds: Int32Array,
  offset: number,
): void {
  const frameOf = r.frameOf;
  const dirtyBit = r.bits.dirtyBit;
  const stamp = r.stamp!;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = buf[pos + k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      stamp[f] = offset + k;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
    } else {
      if (p < 0) break;
      misses++;
      r.stampFault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
  if (k === count) r.checkStampBudget(offset + count);
}

/** stamp1 over two-byte references (codedWords). */
function stamp2(r: Replayer, words: Uint16Array, count: number, dictIds: Int32Array, offset: number): void {
  const frameOf = r.frameOf;
  const dirtyBit = r.bits.dirtyBit;
  const stamp = r.stamp!;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = words[k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      stamp[f] = offset + k;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
    } else {
      if (p < 0) break;
      misses++;
      r.stampFault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
  if (k === count) r.checkStampBudget(offset + count);
}

/**
 * Policies that see hits but not the future nor time (LRU lists, ARC, LIRS, S3-FIFO, ...): a hit
 * sets the frame's bits and calls touch, unless the policy said touching the same frame again
 * right away changes nothing (repeatTouchIsNoop, or touch returned true).
 */
function hits1(
  r: Replayer,
  buf: Uint8Array,
  pos: number,
  count: number,
  dictIds: Int32Array,
  offset: number,
): void {
  const frameOf = r.frameOf;
  const ref = r.bits.ref;
  const dirtyBit = r.bits.dirtyBit;
  const policy = r.policy;
  const skipRepeat = r.skipRepeatTouch;
  let touched = -1;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = buf[pos + k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      if (ref[f] === 0) ref[f] = 1;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
      if (f !== touched) {
        const again = policy.touch!(f, INF);
        touched = skipRepeat || again === true ? f : -1;
      }
    } else {
      if (p < 0) break;
      misses++;
      touched = -1;
      r.fault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
}

/** hits1 over two-byte references (codedWords). */
function hits2(r: Replayer, words: Uint16Array, count: number, dictIds: Int32Array, offset: number): void {
  const frameOf = r.frameOf;
  const ref = r.bits.ref;
  const dirtyBit = r.bits.dirtyBit;
  const policy = r.policy;
  const skipRepeat = r.skipRepeatTouch;
  let touched = -1;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = words[k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      if (ref[f] === 0) ref[f] = 1;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
      if (f !== touched) {
        const again = policy.touch!(f, INF);
        touched = skipRepeat || again === true ? f : -1;
      }
    } else {
      if (p < 0) break;
      misses++;
      touched = -1;
      r.fault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
}

/** hits1 for a policy that reads the future (OPT): every touch carries the reference's next use. */
function future1(
  r: Replayer,
  buf: Uint8Array,
  pos: number,
  count: number,
  dictIds: Int32Array,
  offset: number,
): void {
  const frameOf = r.frameOf;
  const ref = r.bits.ref;
  const dirtyBit = r.bits.dirtyBit;
  const policy = r.policy;
  const nextUse = r.nextUse!;
  const skipRepeat = r.skipRepeatTouch;
  let touched = -1;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = buf[pos + k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      if (ref[f] === 0) ref[f] = 1;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
      if (f !== touched) {
        const n = nextUse[offset + k]!;
        const again = policy.touch!(f, n === NO_NEXT_USE ? INF : n);
        touched = skipRepeat || again === true ? f : -1;
      }
    } else {
      if (p < 0) break;
      misses++;
      touched = -1;
      r.fault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
}

/** future1 over two-byte references (codedWords). */
function future2(r: Replayer, words: Uint16Array, count: number, dictIds: Int32Array, offset: number): void {
  const frameOf = r.frameOf;
  const ref = r.bits.ref;
  const dirtyBit = r.bits.dirtyBit;
  const policy = r.policy;
  const nextUse = r.nextUse!;
  const skipRepeat = r.skipRepeatTouch;
  let touched = -1;
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  for (; k < count; k++) {
    const v = words[k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f >= 0) {
      if (ref[f] === 0) ref[f] = 1;
      if (w > dirtyBit[f]!) dirtyBit[f] = 1;
      if (f !== touched) {
        const n = nextUse[offset + k]!;
        const again = policy.touch!(f, n === NO_NEXT_USE ? INF : n);
        touched = skipRepeat || again === true ? f : -1;
      }
    } else {
      if (p < 0) break;
      misses++;
      touched = -1;
      r.fault(p, w, offset + k);
    }
  }
  r.countedCoded(k, count, misses, odd, high, both);
}
