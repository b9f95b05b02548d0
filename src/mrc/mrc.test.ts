// One-pass curves against the reference implementation (replay, a full simulation per size) on
// random traces: the exact LRU and OPT curves must give the same faults at every frame count; the
// bounded window must stay O(distinct pages); SHARDS at rate 1 is the exact curve, and its
// fixed-size variant keeps at most s_max pages.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { densify } from "../sim/densify.js";
import { replay } from "../sim/replay-trace.js";
import { makeBatch } from "../workloads/refs.js";
import { curveError, missesAt, missesFromHistogram } from "./curve.js";
import { LruMrc, lruCurve } from "./lru.js";
import { optCurve } from "./opt.js";
import { ShardsMrc } from "./shards.js";
import { StackDistances } from "./stack-distance.js";
import { BatchMrc } from "./stream.js";

function dense(refs: readonly number[]): { ids: Int32Array; pageSpace: number } {
  const d = densify(Float64Array.from(refs), refs.length);
  return { ids: d.ids, pageSpace: d.pageSpace };
}

function faults(ids: Int32Array, pageSpace: number, policy: string, frames: number): number {
  return replay({ count: ids.length, pages: ids, pageSpace }, { policy, frames }).faults;
}

const traceArb = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 400 }))
  .chain(([pages, n]) => fc.array(fc.integer({ min: 0, max: pages - 1 }), { minLength: n, maxLength: n }));

describe("exact LRU curve", () => {
  it("equals replay('lru') at every frame count on random traces", () => {
    fc.assert(
      fc.property(traceArb, (refs) => {
        const { ids, pageSpace } = dense(refs);
        const c = lruCurve(ids);
        expect(c.distinct).toBe(pageSpace);
        expect(missesAt(c, 0)).toBe(refs.length);
        for (let f = 1; f <= pageSpace + 1; f++)
          expect(missesAt(c, f)).toBe(faults(ids, pageSpace, "lru", f));
      }),
      { numRuns: 150 },
    );
  });

  it("gives replay's faults whatever the size of the move-to-front array, fed whole or one by one", () => {
    fc.assert(
      fc.property(traceArb, fc.constantFrom(1, 2, 3, 16), fc.boolean(), (refs, top, single) => {
        const { ids, pageSpace } = dense(refs);
        const sd = new StackDistances(top);
        if (single) for (const p of ids) sd.access(p);
        else sd.feed(ids);
        const misses = missesFromHistogram(sd.hist, sd.maxLive, sd.cold);
        for (let f = 1; f <= pageSpace; f++) expect(misses[f]).toBe(faults(ids, pageSpace, "lru", f));
      }),
      { numRuns: 150 },
    );
  });

  it("forgets a removed page, wherever it is on the stack", () => {
    fc.assert(
      fc.property(
        traceArb,
        fc.constantFrom(1, 2, 4),
        fc.integer({ min: 0, max: 39 }),
        (refs, top, victim) => {
          // Removing page v, then replaying the rest, matches a stack that never saw v before.
          const { ids } = dense(refs);
          const cut = Math.floor(ids.length / 2);
          const sd = new StackDistances(top);
          sd.feed(ids.subarray(0, cut));
          sd.remove(victim);
          const ref: number[] = []; // naive LRU stack, most recent first
          for (const p of ids.subarray(0, cut)) {
            const j = ref.indexOf(p);
            if (j >= 0) ref.splice(j, 1);
            ref.unshift(p);
          }
          const j = ref.indexOf(victim);
          if (j >= 0) ref.splice(j, 1);
          for (const p of ids.subarray(cut)) {
            const k = ref.indexOf(p);
            expect(sd.access(p)).toBe(k + 1);
            if (k >= 0) ref.splice(k, 1);
            ref.unshift(p);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is the same fed in batches of any size", () => {
    fc.assert(
      fc.property(traceArb, fc.integer({ min: 1, max: 50 }), (refs, batch) => {
        const { ids } = dense(refs);
        const m = new LruMrc();
        for (let i = 0; i < ids.length; i += batch) m.feed(ids.subarray(i, i + batch));
        expect(m.curve().misses).toEqual(lruCurve(ids).misses);
      }),
    );
  });

  it("keeps its window O(distinct pages) over a long stream, compacting as it goes", () => {
    const sd = new StackDistances();
    const naive: number[] = []; // LRU stack, most recent first
    let x = 12345;
    for (let i = 0; i < 200_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const p = (x >>> 8) % 3000;
      const d = sd.access(p);
      const at = i % 997 === 0 ? naive.indexOf(p) : -2;
      if (at !== -2) expect(d).toBe(at + 1); // spot checks against a list (0 = absent)
      const j = naive.indexOf(p);
      if (j >= 0) naive.splice(j, 1);
      naive.unshift(p);
    }
    expect(sd.compactions).toBeGreaterThan(10);
    expect(sd.window).toBeLessThanOrEqual(8192);
  });

  it("fed in batches through many compactions, equals replay('lru') at sampled sizes", () => {
    const n = 300_000;
    const ids = new Int32Array(n);
    let x = 7;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const u = (x >>> 8) / 16777216;
      ids[i] = i % 3 === 0 && i > 0 ? ids[i - 1]! : Math.floor(5000 * u * u); // skewed, with repeats
    }
    const m = new LruMrc();
    for (let i = 0; i < n; i += 4096) m.feed(ids.subarray(i, Math.min(n, i + 4096)));
    const c = m.curve();
    const pageSpace = c.distinct;
    for (const f of [1, 2, 10, 100, 1000, 3000, pageSpace])
      expect(missesAt(c, f)).toBe(faults(ids, pageSpace, "lru", f));
  });

  it("rejects ids that are not dense integers", () => {
    expect(() => new LruMrc().feed(Int32Array.of(-1))).toThrow(ConfigError);
  });
});

describe("exact OPT curve", () => {
  it("equals replay('opt') at every frame count on random traces", () => {
    fc.assert(
      fc.property(traceArb, (refs) => {
        const { ids, pageSpace } = dense(refs);
        const c = optCurve(ids);
        expect(c.distinct).toBe(pageSpace);
        for (let f = 1; f <= pageSpace + 1; f++)
          expect(missesAt(c, f)).toBe(faults(ids, pageSpace, "opt", f));
      }),
      { numRuns: 150 },
    );
  });

  it("is never above the LRU curve", () => {
    fc.assert(
      fc.property(traceArb, (refs) => {
        const { ids } = dense(refs);
        const o = optCurve(ids);
        const l = lruCurve(ids);
        for (let f = 0; f < l.misses.length; f++) expect(missesAt(o, f)).toBeLessThanOrEqual(missesAt(l, f));
      }),
    );
  });
});

describe("SHARDS", () => {
  it("at rate 1 is the exact LRU curve", () => {
    fc.assert(
      fc.property(traceArb, (refs) => {
        const { ids } = dense(refs);
        const s = new ShardsMrc({ rate: 1 });
        s.feed(ids);
        const e = lruCurve(ids);
        const c = s.curve();
        for (let f = 0; f <= e.distinct + 1; f++) expect(missesAt(c, f)).toBeCloseTo(missesAt(e, f), 6);
      }),
    );
  });

  it("fixed-size keeps at most s_max pages, lowering the rate, and stays close on a skewed trace", () => {
    const n = 400_000;
    const ids = new Int32Array(n);
    let x = 99;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      const u = (x >>> 8) / 16777216;
      ids[i] = Math.floor(20000 * u ** 3); // skewed over 20000 pages
    }
    const s = new ShardsMrc({ rate: 1, maxPages: 2000 });
    s.feed(ids);
    expect(s.rate).toBeLessThan(0.2);
    expect(s.rate).toBeGreaterThan(0.05);
    const err = curveError(s.curve(), lruCurve(ids));
    expect(err.mae).toBeLessThan(0.01);
  });

  it("rejects ids that are not dense integers, in a group of four or alone", () => {
    expect(() => new ShardsMrc().feed(Int32Array.of(1, 2, -3, 4))).toThrow(ConfigError);
    expect(() => new ShardsMrc().feed(Int32Array.of(1, 2, 3, 4, -5))).toThrow(ConfigError);
    expect(() => new ShardsMrc({ maxPages: 4 }).feed(Int32Array.of(-1))).toThrow(ConfigError);
  });

  it("fed in batches of any size, gives the same curve as fed whole (fixed rate and fixed size)", () => {
    fc.assert(
      fc.property(
        traceArb,
        fc.integer({ min: 1, max: 13 }),
        fc.constantFrom(0.3, 1),
        fc.constantFrom(0, 3),
        (refs, batch, rate, maxPages) => {
          const { ids } = dense(refs);
          const opts = maxPages > 0 ? { rate, maxPages } : { rate };
          const whole = new ShardsMrc(opts);
          whole.feed(ids);
          const parts = new ShardsMrc(opts);
          for (let i = 0; i < ids.length; i += batch) parts.feed(ids.subarray(i, i + batch));
          expect(parts.curve().misses).toEqual(whole.curve().misses);
        },
      ),
    );
  });

  it("rejects a rate outside (0, 1]", () => {
    expect(() => new ShardsMrc({ rate: 0 })).toThrow(ConfigError);
    expect(() => new ShardsMrc({ rate: 1.5 })).toThrow(ConfigError);
  });
});

describe("BatchMrc", () => {
  it("numbers raw page numbers per process and gives the curve of the dense trace", () => {
    const refs = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 97) * 4096 + 2 ** 33);
    const pids = refs.map((_, i) => (i % 5 === 0 ? 3 : 0));
    const keyed = refs.map((p, i) => p + pids[i]! * 2 ** 40); // any injective key will do for the reference
    const want = lruCurve(dense(keyed).ids);
    const m = new BatchMrc();
    const b = makeBatch(512);
    for (let i = 0; i < refs.length; i += 512) {
      b.count = Math.min(512, refs.length - i);
      for (let k = 0; k < b.count; k++) {
        b.pages[k] = refs[i + k]!;
        b.pids[k] = pids[i + k]!;
      }
      m.push(b);
    }
    expect(m.distinct).toBe(want.distinct);
    expect(m.curve().misses).toEqual(want.misses);
  });
});
