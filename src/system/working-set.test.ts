// WS(t, τ) in memory per page, whatever τ is: a τ of 2^40 references (or 99999999999 from the
// command line) is the whole history so far, and used to allocate a ring of τ entries.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { naiveWorkingSet, WorkingSet } from "./working-set.js";

describe("the working set with any τ", () => {
  it("a τ far beyond the references is every page referenced so far, most recent first", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(1, 2, 7, 2 ** 40, 99999999999, Number.MAX_SAFE_INTEGER),
        (refs, tau) => {
          const ws = new WorkingSet(tau, 32);
          refs.forEach((pg, i) => {
            ws.ref(pg);
            expect(ws.size).toBe(naiveWorkingSet(refs, i + 1, tau).size);
          });
          const m = ws.members();
          expect(new Set(m)).toEqual(naiveWorkingSet(refs, refs.length, tau));
          for (let i = 1; i < m.length; i++)
            expect(ws.lastRef[m[i - 1]!]!).toBeGreaterThan(ws.lastRef[m[i]!]!);
        },
      ),
    );
  });

  it("refuses a τ that is not a safe whole number", () => {
    expect(() => new WorkingSet(2 ** 53, 4)).toThrow(/tau/);
    expect(() => new WorkingSet(0, 4)).toThrow(/tau/);
  });
});
