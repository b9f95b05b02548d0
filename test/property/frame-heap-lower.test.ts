// FrameHeap.lower against update: OPT's sync re-keys with lower (a sift up only), and OPT's victims,
// ties among pages never used again included, depend on the heap's exact shape. Two heaps get the
// same random operations, one re-keying with update and the other with lower; their shapes must
// stay the same, whether the new keys fall (lower's sift up), rise (it hands over to update) or tie.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameHeap } from "../../src/policies/frame-heap.js";
import { runs } from "../helpers/property-runs.js";

const FRAMES = 24;
type Op = { t: "insert" | "rekey" | "remove"; f: number; a: number; b: number };

const key = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constant(Number.NEGATIVE_INFINITY));
const op: fc.Arbitrary<Op> = fc.record({
  t: fc.constantFrom("insert" as const, "rekey" as const, "rekey" as const, "remove" as const),
  f: fc.integer({ min: 0, max: FRAMES - 1 }),
  a: key,
  b: fc.integer({ min: 0, max: 3 }),
});

function shape(h: FrameHeap): number[] {
  return Array.from({ length: h.size }, (_, i) => h.at(i));
}

describe("FrameHeap.lower", () => {
  it("leaves the heap as update does, for falling, rising and equal keys", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const byUpdate = new FrameHeap(FRAMES);
        const byLower = new FrameHeap(FRAMES);
        for (const o of ops) {
          const has = byUpdate.has(o.f);
          if (o.t === "insert" && !has) {
            byUpdate.insert(o.f, o.a, o.b);
            byLower.insert(o.f, o.a, o.b);
          } else if (o.t === "rekey" && has) {
            byUpdate.update(o.f, o.a, o.b);
            byLower.lower(o.f, o.a, o.b);
          } else if (o.t === "remove" && has) {
            byUpdate.remove(o.f);
            byLower.remove(o.f);
          }
          expect(shape(byLower)).toEqual(shape(byUpdate));
          expect(byLower.k1[o.f]).toBe(byUpdate.k1[o.f]);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("sifts a lowered frame up to the top", () => {
    const h = new FrameHeap(4);
    for (let f = 0; f < 4; f++) h.insert(f, f, 0);
    h.lower(3, -1, 0);
    expect(h.top()).toBe(3);
    // A rise is handed to update: the frame sinks.
    h.lower(3, 10, 0);
    expect(h.top()).toBe(0);
    expect(shape(h).indexOf(3)).toBeGreaterThan(0);
  });
});
