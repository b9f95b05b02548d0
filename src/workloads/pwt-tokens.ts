// The decode loop of pwt's token blocks (version 1's only kind; versions 2 and 3 have them beside
// dictionary blocks, whose loops are in pwt-dictionary.ts). A token is a varint: kind in bits 0-1,
// a pid follows when bit 2 is set, and the rest is the zigzag delta from the previous page of its
// class (instruction fetches or data accesses); docs/trace-formats.md gives it byte by byte.
// PwtDecoder (pwt-decoder.ts) frames the blocks and calls decodeTokenRun.

import { addKinds, fillRun } from "./pwt-dictionary.js";
import type { RefBatch } from "./refs.js";
import type { TraceStats } from "./trace-decoder.js";

/** Where a token block's decoding stands between calls: the previous pages and the current pid. */
export class TokenState {
  /** Previous page of instruction fetches [0] and of data accesses [1]. */
  readonly prev = new Float64Array(2);
  pid = 0;

  /** The state at the start of a version-2 or 3 token block. */
  reset(): void {
    this.prev[0] = 0;
    this.prev[1] = 0;
    this.pid = 0;
  }
}

/**
 * Decodes `n` tokens from `buf` at `p` into `out` (at out.count on, which it advances), pages
 * divided by `divisor`, the kinds added to `stats`; returns the position after them. The caller
 * guarantees the tokens are there and that one byte follows them.
 */
export function decodeTokenRun(
  buf: Uint8Array,
  p: number,
  n: number,
  out: RefBatch,
  state: TokenState,
  divisor: number,
  stats: TraceStats,
): number {
  const pages = out.pages;
  const kinds = out.kinds;
  const pids = out.pids;
  let i = out.count;
  const stop = i + n;
  const prev = state.prev;
  let pid = state.pid;
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
  addKinds(stats, n, odd, high, both);
  out.count = i;
  state.pid = pid;
  return p;
}
