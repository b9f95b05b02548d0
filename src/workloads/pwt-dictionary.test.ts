import { describe, expect, it } from "vitest";
import { PwtDictionary } from "./pwt-dictionary.js";
import { makeStats } from "./trace-decoder.js";

/** countCoded's answer computed one reference at a time: the end, or -1, and the counts by kind. */
function naive(buf: Uint8Array, p: number, n: number, width: number, d: number) {
  const byKind = [0, 0, 0, 0];
  let bad = false;
  for (let k = 0; k < n; k++) {
    const v = width === 1 ? buf[p + k]! : buf[p + 2 * k]! | (buf[p + 2 * k + 1]! << 8);
    if (v >>> 2 >= d) bad = true;
    byKind[v & 3]!++;
  }
  return bad ? { end: -1, byKind: [0, 0, 0, 0] } : { end: p + n * width, byKind };
}

describe("PwtDictionary.countCoded", () => {
  it("counts kinds and finds an entry past the dictionary as one reference at a time does, at any alignment", () => {
    let x = 12345;
    const rnd = (m: number): number => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x % m;
    };
    const backing = new Uint8Array(4096 + 64);
    let bad = 0;
    for (let round = 0; round < 3000; round++) {
      const width = 1 + rnd(2);
      const max = width === 1 ? 64 : 16384;
      // Small dictionaries, any size, and the largest ones (the checks' edge).
      const d = round % 5 === 0 ? 1 + rnd(max) : round % 5 === 1 ? max - rnd(3) : 1 + rnd(Math.min(max, 40));
      const n = rnd(round % 7 === 0 ? 40 : 1500);
      const start = rnd(16);
      const buf = backing.subarray(start, start + 8 + width * n + rnd(8));
      const p = rnd(8);
      for (let k = 0; k < n; k++) {
        // Mostly valid entries; now and then one at or past d (a bad one: often d itself, the
        // first bad entry), anywhere in the run. With d = max every entry is valid.
        const e = d < max && rnd(50) === 0 ? (rnd(2) === 0 ? d : d + rnd(max - d)) : rnd(d);
        const v = (e << 2) | rnd(4);
        if (width === 1) buf[p + k] = v;
        else {
          buf[p + 2 * k] = v & 255;
          buf[p + 2 * k + 1] = v >>> 8;
        }
      }
      const dict = new PwtDictionary();
      dict.reset(d, width);
      const stats = makeStats();
      const end = dict.countCoded(buf, p, n, stats);
      const want = naive(buf, p, n, width, d);
      const where = `round ${round}: width ${width}, d ${d}, n ${n}, offset ${start + p}`;
      expect(end, where).toBe(want.end);
      expect(Array.from(stats.byKind), where).toEqual(want.byKind);
      if (end < 0) bad++;
    }
    // Both answers were exercised.
    expect(bad).toBeGreaterThan(100);
    expect(bad).toBeLessThan(2900);
  });
});
