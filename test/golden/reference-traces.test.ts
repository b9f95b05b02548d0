// Miss counts on real program traces (test/fixtures/reference, see PROVENANCE.md) against
// libCacheSim's. LRU, FIFO and OPT are unique by definition; Clock is libCacheSim's exact form
// (a hand over a circle, new pages start with the bit clear). All four must match at every size.

import { describe, expect, it } from "vitest";
import { replay } from "../../src/sim/replay.js";
import { loadReferenceMisses, loadReferenceTrace, REFERENCE_TRACES } from "../helpers/reference-trace.js";

const misses = loadReferenceMisses();
const EXACT = ["lru", "fifo", "opt", "clock"] as const;

describe.each(REFERENCE_TRACES)("%s", (name) => {
  const expected = misses[name]!;
  for (const policy of EXACT) {
    it(`${policy} matches libCacheSim at every size`, () => {
      const trace = loadReferenceTrace(name);
      expect(trace.count).toBe(expected.references);
      const sizes = Object.keys(expected.misses[policy]!);
      expect(sizes.length).toBeGreaterThanOrEqual(7);
      const got: Record<string, number> = {};
      for (const s of sizes) got[s] = replay(trace, { policy, frames: Number(s) }).faults;
      expect(got).toEqual(expected.misses[policy]);
    });
  }
});
