// vmalloc, vfree and sbrk interleaved at random, with the payloads written and checked, the
// process's own sbrk memory written and checked, and (in the second property) random words
// scribbled over the heap. The heap's headers live in paged memory (6 frames for dozens of pages),
// so every walk goes through faults and evictions. fast-check prints the seed and the shrunk
// sequence of a failure; replay it with fc.assert(..., { seed, path }).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeapError, OutOfMemoryError, PagewiseError } from "../../src/core/errors.js";
import { Machine } from "../../src/sim/machine.js";
import { runs } from "../helpers/property-runs.js";

const PS = 256;
/** PW_SOAK=100 runs 100 times as many cases (by hand, outside CI; test/helpers/property-runs.ts). */
const RUNS = runs(150);

type Op =
  | { t: "alloc"; size: number }
  | { t: "free"; which: number }
  | { t: "grow"; bytes: number }
  | { t: "shrink"; bytes: number }
  | { t: "scribble"; at: number; v: number; header: boolean };

const base: fc.Arbitrary<Op>[] = [
  fc.record({
    t: fc.constant("alloc" as const),
    size: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 3 * PS })),
  }),
  fc.record({ t: fc.constant("free" as const), which: fc.nat() }),
  fc.record({ t: fc.constant("grow" as const), bytes: fc.integer({ min: 0, max: 2 * PS }) }),
  fc.record({ t: fc.constant("shrink" as const), bytes: fc.integer({ min: 1, max: 3 * PS }) }),
];
const scribble = fc.record({
  t: fc.constant("scribble" as const),
  at: fc.nat(),
  v: fc.oneof(fc.nat(), fc.constant(0), fc.integer({ min: 0, max: 4 * PS })),
  header: fc.boolean(),
});

interface Span {
  va: number;
  len: number;
  fill: number;
}

/** Runs `ops`; returns the number of HeapErrors met. Checks every live block and sbrk span byte for byte. */
function run(ops: Op[]): number {
  const m = new Machine({ frames: 6, pageSize: PS, vaBits: 20, policy: "lru" });
  const pid = m.spawn();
  const start = m.sbrk(pid, 0);
  const blocks: Span[] = []; // live vmalloc payloads
  const own: Span[] = []; // memory the process took with sbrk itself
  let fill = 1;
  let heapErrors = 0;
  let scribbled = false;
  const paint = (s: Span) => {
    m.write(pid, s.va, new Uint8Array(s.len).fill(s.fill));
  };
  const check = (s: Span) => {
    if (scribbled) return; // a scribble may have hit a payload: only the heap's own answers count then
    const got = new Uint8Array(s.len);
    m.read(pid, s.va, got);
    expect(got.every((b) => b === s.fill)).toBe(true);
  };
  for (const op of ops) {
    try {
      switch (op.t) {
        case "alloc": {
          const va = m.vmalloc(pid, op.size);
          const s = { va, len: op.size, fill: fill++ & 0xff || 1 };
          for (const o of scribbled ? [] : [...blocks, ...own]) {
            expect(va + op.size <= o.va || o.va + o.len <= va - 8).toBe(true);
          }
          paint(s);
          blocks.push(s);
          break;
        }
        case "free": {
          if (blocks.length === 0) break;
          const i = op.which % blocks.length;
          check(blocks[i]!);
          m.vfree(pid, blocks[i]!.va);
          blocks.splice(i, 1);
          break;
        }
        case "grow": {
          const va = m.sbrk(pid, op.bytes);
          if (op.bytes > 0) {
            const s = { va, len: op.bytes, fill: fill++ & 0xff || 1 };
            paint(s);
            own.push(s);
          }
          break;
        }
        case "shrink": {
          const brk = m.sbrk(pid, 0);
          const to = Math.max(start, brk - op.bytes);
          // the rule: a block wholly below the new break stays; one the break cuts keeps the
          // whole 8-byte units left below it if they hold a header and a payload, else goes
          const sizes = scribbled ? [] : blocks.map((b) => m.readU32(pid, b.va - 8));
          m.brk(pid, to);
          if (scribbled) break;
          for (let i = blocks.length - 1; i >= 0; i--) {
            const b = blocks[i]!;
            const h = b.va - 8;
            if (h + sizes[i]! <= to) continue;
            const keep = Math.floor((to - h) / 8) * 8;
            if (keep >= 16) b.len = Math.min(b.len, keep - 8);
            else blocks.splice(i, 1);
          }
          for (let i = own.length - 1; i >= 0; i--) {
            const s = own[i]!;
            if (s.va >= to) own.splice(i, 1);
            else s.len = Math.min(s.len, to - s.va);
          }
          break;
        }
        case "scribble": {
          const brk = m.sbrk(pid, 0);
          if (brk - start < 4) break;
          const b = blocks[op.at % Math.max(1, blocks.length)];
          const at =
            op.header && b !== undefined
              ? b.va - 8 + (op.at & 4) // a block's size or tag
              : start + (op.at % Math.floor((brk - start) / 4)) * 4;
          if (at + 4 > brk) break; // a block the break has cut since
          m.writeU32(pid, at, op.v);
          scribbled = true;
          break;
        }
      }
    } catch (e) {
      if (e instanceof HeapError && scribbled) {
        heapErrors++;
        continue;
      }
      if (e instanceof OutOfMemoryError) continue; // the heap ran into the stack gap: allowed
      throw e;
    }
  }
  for (const s of [...blocks, ...own]) check(s);
  m.exit(pid);
  expect(m.stats().frames.free).toBe(6);
  return heapErrors;
}

describe("vmalloc, vfree and sbrk interleaved", () => {
  it("never lose a byte, never overlap, never hang (no scribbles: no HeapError at all)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(...base), { minLength: 1, maxLength: 60 }), (ops) => {
        expect(run(ops)).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it("with words scribbled over the heap: every call ends, either well or with a HeapError", () => {
    let corrupt = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(...base, scribble), { minLength: 1, maxLength: 60 }), (ops) => {
        corrupt += run(ops) > 0 ? 1 : 0;
      }),
      { numRuns: RUNS },
    );
    expect(corrupt).toBeGreaterThan(0);
  });

  it("HeapError is a PagewiseError with its code", () => {
    const m = new Machine({ frames: 6, pageSize: PS, vaBits: 20 });
    const pid = m.spawn();
    const a = m.vmalloc(pid, 8);
    m.writeU32(pid, a - 8, 3);
    try {
      m.vmalloc(pid, 8);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PagewiseError);
      expect((e as HeapError).code).toBe("HEAP_MISUSE");
    }
  });
});
