// OPT's replay loops over coded references (replay-coded.ts hands them over): its hits write marks
// (policies/opt.ts OptMarks) instead of calling touch, and its faults are taken outside the hit
// loop. The references are encoded as replay-coded.ts's header says, and the loops are written
// out per width for the reason it gives (one specialised loop ran 1.3-2x faster than a generic one).

import type { OptMarks } from "../policies/opt.js";
import type { Replayer } from "./replay.js";

/**
 * OPT with marks (Replayer.marks, policies/opt.ts OptMarks): a hit stores its index and marks the
 * frame, without a call and without reading the next use (OPT reads it once per marked frame when
 * a victim is wanted). Unlike the other loops, the hits run in a function of their own that
 * returns at the first miss, and the fault is taken here: OPT's misses are few, and a loop with
 * the fault path inlined in it (selectVictim, sync, the heap) was compiled five times in one run of
 * sqlite6k-8m, 5-10 ms of compiling each, as the rare paths (the first eviction, the first page
 * never used again) deoptimized it one after another.
 */
export function marks1(
  r: Replayer,
  marks: OptMarks,
  buf: Uint8Array,
  pos: number,
  count: number,
  dictIds: Int32Array,
  offset: number,
): void {
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  while (k < count) {
    const stop = markHits1(r, marks, buf, pos, k, count, dictIds, offset);
    odd += markKinds[0]!;
    high += markKinds[1]!;
    both += markKinds[2]!;
    k = stop;
    if (stop === count) break;
    const v = buf[pos + stop]!;
    const p = dictIds[v >>> 2]!;
    if (p < 0) break;
    misses++;
    r.fault(p, (v >>> 1) & 1, offset + stop);
    k++;
  }
  r.countedCoded(k, count, misses, odd, high, both);
}

/** marks1 over two-byte references (codedWords). */
export function marks2(
  r: Replayer,
  marks: OptMarks,
  words: Uint16Array,
  count: number,
  dictIds: Int32Array,
  offset: number,
): void {
  let misses = 0;
  let odd = 0;
  let high = 0;
  let both = 0;
  let k = 0;
  while (k < count) {
    const stop = markHits2(r, marks, words, k, count, dictIds, offset);
    odd += markKinds[0]!;
    high += markKinds[1]!;
    both += markKinds[2]!;
    k = stop;
    if (stop === count) break;
    const v = words[stop]!;
    const p = dictIds[v >>> 2]!;
    if (p < 0) break;
    misses++;
    r.fault(p, (v >>> 1) & 1, offset + stop);
    k++;
  }
  r.countedCoded(k, count, misses, odd, high, both);
}

/** The kinds (odd, high, both) markHits1/2 counted in their last call, the stopping reference's included. */
const markKinds = new Int32Array(3);

/**
 * marks1's hits from reference `k`: returns the index of the first reference not resident (a miss,
 * or an entry past the dictionary), or `count`. The accessed bit is left alone: the fault set it,
 * and OPT neither reads nor clears it.
 */
function markHits1(
  r: Replayer,
  marks: OptMarks,
  buf: Uint8Array,
  pos: number,
  k: number,
  count: number,
  dictIds: Int32Array,
  offset: number,
): number {
  const frameOf = r.frameOf;
  const dirtyBit = r.bits.dirtyBit;
  const { last, stale, marked, count: marks0 } = marks;
  let odd = 0;
  let high = 0;
  let both = 0;
  for (; k < count; k++) {
    const v = buf[pos + k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f < 0) break;
    dirtyBit[f] |= w;
    last[f] = offset + k;
    if (stale[f] === 0) {
      stale[f] = 1;
      marked[marks0[0]!++] = f;
    }
  }
  markKinds[0] = odd;
  markKinds[1] = high;
  markKinds[2] = both;
  return k;
}

/** markHits1 over two-byte references. */
function markHits2(
  r: Replayer,
  marks: OptMarks,
  words: Uint16Array,
  k: number,
  count: number,
  dictIds: Int32Array,
  offset: number,
): number {
  const frameOf = r.frameOf;
  const dirtyBit = r.bits.dirtyBit;
  const { last, stale, marked, count: marks0 } = marks;
  let odd = 0;
  let high = 0;
  let both = 0;
  for (; k < count; k++) {
    const v = words[k]!;
    const p = dictIds[v >>> 2]!;
    const w = (v >>> 1) & 1;
    odd += v & 1;
    high += w;
    both += v & w;
    const f = p < 0 ? -1 : frameOf[p]!;
    if (f < 0) break;
    dirtyBit[f] |= w;
    last[f] = offset + k;
    if (stale[f] === 0) {
      stale[f] = 1;
      marked[marks0[0]!++] = f;
    }
  }
  markKinds[0] = odd;
  markKinds[1] = high;
  markKinds[2] = both;
  return k;
}
