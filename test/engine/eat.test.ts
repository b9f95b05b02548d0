// Effective access time: measured simulated time per reference against the documents' formula
// EAT = (1 - p) x 200 ns + p x 8 ms, where its assumptions hold (read-only pages, no walk cost)
// and where they do not (dirty victims: a fault costs a write-back and a read).

import { describe, expect, it } from "vitest";
import { runEat } from "../../src/sim/eat-experiment.js";

describe("effective access time", () => {
  it("read-only: measured EAT is the formula's at the measured fault rate, within p x 200 ns", () => {
    for (const [frames, visit] of [
      [32, 10],
      [32, 100],
      [16, 1000],
      [32, 10000],
    ] as const) {
      const r = runEat({ frames, pages: 64, visit, references: 100_000 });
      expect(r.faults).toBeGreaterThan(0);
      expect(r.dirtyEvictions).toBe(0);
      // The only difference: the formula folds the restarted access into the 8 ms, the machine
      // charges it as one more memory access, so measured - formula = p x 200 ns exactly.
      expect(r.measuredNs - r.formulaNs).toBeCloseTo(r.faultRate * 200, 6);
      expect(Math.abs(r.measuredNs / r.formulaNs - 1)).toBeLessThan(1e-3);
    }
  });

  it("the fault rate moves EAT as the formula says: 1 fault in 1000 is 40 times slower than memory", () => {
    const r = runEat({ frames: 32, pages: 64, visit: 500, references: 200_000 });
    // p ~ (1 - 32/64) / 500 = 1e-3: EAT ~ 200 + 8000 ns.
    expect(r.faultRate).toBeGreaterThan(0.5e-3);
    expect(r.faultRate).toBeLessThan(1.5e-3);
    expect(r.measuredNs).toBeCloseTo(200 + r.faultRate * 8_000_000, 6);
  });

  it("dirty victims break the formula's assumption: EAT about doubles, and 16 ms per fault explains it", () => {
    const r = runEat({ frames: 32, pages: 64, visit: 100, references: 100_000, dirty: true });
    expect(r.dirtyEvictions).toBe(r.faults); // every fault wrote its victim back
    expect(r.measuredNs / r.formulaNs).toBeGreaterThan(1.9);
    expect(r.measuredNs - r.formulaDirtyNs).toBeCloseTo(r.faultRate * 200, 6);
  });
});
