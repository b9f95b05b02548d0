// Miss counts on real program traces (test/fixtures/reference, see PROVENANCE.md) against
// libCacheSim's. LRU, FIFO and OPT are unique by definition; Clock is libCacheSim's exact form
// (a hand over a circle, new pages start with the bit clear). All four must match at every size,
// and so do the policies whose definitions agree with libCacheSim's (ARC, 2Q, SIEVE, LFU, and
// S3-FIFO where libCacheSim caches at all). LIRS differs on purpose (see lirs.ts): within 2 %.

import { describe, expect, it } from "vitest";
import { replay } from "../../src/index.js";
import { loadReferenceMisses, loadReferenceTrace, REFERENCE_TRACES } from "../helpers/reference-trace.js";

const misses = loadReferenceMisses();
const EXACT = ["lru", "fifo", "opt", "clock", "arc", "2q", "sieve", "lfu"] as const;
/** libCacheSim's S3FIFO caches nothing when its small queue holds under 2 pages. */
const S3FIFO_DEGENERATE = 1_000_000;

function faultsBySize(name: (typeof REFERENCE_TRACES)[number], policy: string, sizes: string[]) {
  const trace = loadReferenceTrace(name);
  const got: Record<string, number> = {};
  for (const s of sizes) got[s] = replay(trace, { policy, frames: Number(s) }).faults;
  return got;
}

describe.each(REFERENCE_TRACES)("%s", (name) => {
  const expected = misses[name]!;

  it("has the reference count of references", () => {
    expect(loadReferenceTrace(name).count).toBe(expected.references);
  });

  for (const policy of EXACT) {
    it(`${policy} matches libCacheSim at every size`, () => {
      const sizes = Object.keys(expected.misses[policy]!);
      expect(sizes.length).toBeGreaterThanOrEqual(7);
      expect(faultsBySize(name, policy, sizes)).toEqual(expected.misses[policy]);
    });
  }

  it("s3fifo matches libCacheSim wherever libCacheSim caches, and lies between OPT and FIFO elsewhere", () => {
    const ref = expected.misses.s3fifo!;
    const sizes = Object.keys(ref);
    const got = faultsBySize(name, "s3fifo", sizes);
    const degenerate = sizes.filter((s) => ref[s] === S3FIFO_DEGENERATE);
    expect(degenerate.length).toBeGreaterThan(0);
    for (const s of sizes) {
      if (ref[s] !== S3FIFO_DEGENERATE) expect(got[s], `${s} frames`).toBe(ref[s]);
      else {
        expect(got[s]).toBeGreaterThanOrEqual(expected.misses.opt![s]!);
        expect(got[s]).toBeLessThanOrEqual(expected.misses.fifo![s]!);
      }
    }
  });

  it("lirs is within 2 % of libCacheSim at every size (deliberate difference on HIR hits)", () => {
    const ref = expected.misses.lirs!;
    const got = faultsBySize(name, "lirs", Object.keys(ref));
    for (const [s, want] of Object.entries(ref)) {
      expect(Math.abs(got[s]! - want) / want, `${s} frames: ${got[s]} vs ${want}`).toBeLessThanOrEqual(0.02);
    }
  });
});
