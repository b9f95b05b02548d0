import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { generateBatches, parseGenerator } from "../workloads/generators.js";
import { makeBatch, REF_INSTR, REF_LOAD, REF_MODIFY, REF_STORE } from "../workloads/refs.js";
import { TraceAnalyzer, zipfFit } from "./analyzer.js";

/** A batch from (pid, page, kind) triples. */
function batch(refs: [number, number, number][]) {
  const b = makeBatch(refs.length);
  refs.forEach(([pid, page, kind], i) => {
    b.pids[i] = pid;
    b.pages[i] = page;
    b.kinds[i] = kind;
  });
  b.count = refs.length;
  return b;
}

/** Stack distances the slow way: distinct pages since the last reference, itself included. */
function naiveDistances(pages: number[]): number[] {
  return pages.map((p, i) => {
    const j = pages.lastIndexOf(p, i - 1);
    return j < 0 ? 0 : new Set(pages.slice(j, i)).size;
  });
}

describe("trace analyzer", () => {
  it("counts kinds, one-hit wonders, processes and the top pages of a small trace", () => {
    const L = REF_LOAD;
    const a = new TraceAnalyzer({ window: 4, top: 2 });
    a.add(
      batch([
        [0, 1, L],
        [0, 2, REF_STORE],
        [0, 1, REF_INSTR],
        [3, 1, REF_MODIFY], // another process's page 1: a page of its own
        [0, 1, L],
        [0, 5, L],
      ]),
    );
    const r = a.result();
    expect(r.references).toBe(6);
    expect(r.distinctPages).toBe(4);
    expect(r.byKind).toEqual({ instructions: 1, loads: 3, stores: 1, modifies: 1 });
    expect(r.reads).toBe(4);
    expect(r.writes).toBe(2);
    expect(r.writeFraction).toBeCloseTo(2 / 6);
    expect(r.popularity.oneHitWonders).toEqual({ pages: 3, fraction: 0.75 });
    expect(r.popularity.top).toEqual([
      { pid: 0, page: 1, references: 3, share: 0.5 },
      { pid: 0, page: 2, references: 1, share: 1 / 6 },
    ]);
    expect(r.processes).toEqual([
      { pid: 0, references: 5, writes: 1, pages: 3 },
      { pid: 3, references: 1, writes: 1, pages: 1 },
    ]);
    // Windows of 4: references 0-3 touch 3 pages; the partial window 4-5 is not a point.
    expect(r.workingSet.points).toEqual([{ end: 4, pages: 3 }]);
  });

  it("gives the stack distances a naive count gives, bucketed by powers of two", () => {
    let x = 7;
    const pages: number[] = [];
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      pages.push((x >> 8) % (i < 1500 ? 40 : 300));
    }
    const a = new TraceAnalyzer();
    for (let i = 0; i < pages.length; i += 700)
      a.add(batch(pages.slice(i, i + 700).map((p) => [0, p, REF_LOAD])));
    const r = a.result();
    const d = naiveDistances(pages);
    expect(r.reuse.cold).toBe(d.filter((v) => v === 0).length);
    for (const b of r.reuse.buckets)
      expect(b.references, `${b.from}-${b.to}`).toBe(d.filter((v) => v >= b.from && v <= b.to).length);
    expect(r.reuse.buckets.reduce((s, b) => s + b.references, 0) + r.reuse.cold).toBe(3000);
    const warm = d.filter((v) => v > 0).sort((p, q) => p - q);
    expect(r.reuse.median).toBe(warm[Math.ceil(warm.length / 2) - 1]);
  });

  it("tracks the working set over disjoint windows, halving its resolution to stay bounded", () => {
    // Phase 1: 10 pages in a loop; phase 2: 50 pages.
    const refs: [number, number, number][] = [];
    for (let i = 0; i < 4000; i++) refs.push([0, i % 10, REF_LOAD]);
    for (let i = 0; i < 4000; i++) refs.push([0, 100 + (i % 50), REF_LOAD]);
    const a = new TraceAnalyzer({ window: 100, maxPoints: 10 });
    a.add(batch(refs));
    const ws = a.result().workingSet;
    expect(ws.points.length).toBeLessThan(20);
    expect(ws.stride).toBeGreaterThan(1);
    for (const p of ws.points) {
      expect(p.end % (100 * ws.stride)).toBe(100);
      expect(p.pages).toBe(p.end <= 4000 ? 10 : 50);
    }
    expect(ws.max).toBe(50);
  });

  it("fits the Zipf exponent of a Zipf stream", () => {
    for (const alpha of [0.6, 1.0]) {
      const a = new TraceAnalyzer();
      const spec = parseGenerator(`zipf:pages=5000,alpha=${alpha},n=400000,seed=3`);
      for (const b of generateBatches(spec)) a.add(b);
      const z = a.result().popularity.zipf!;
      expect(Math.abs(z.alpha - alpha), `alpha ${alpha}: fitted ${z.alpha}`).toBeLessThan(0.1);
      expect(z.r2).toBeGreaterThan(0.9);
    }
    expect(zipfFit(Float64Array.of(5, 5))).toBeNull();
    // Exact power law: counts 1000/rank.
    const exact = Float64Array.from({ length: 1000 }, (_, i) => 1000 / (i + 1));
    expect(zipfFit(exact)!.alpha).toBeCloseTo(1, 6);
  });

  it("refuses a bad window", () => {
    expect(() => new TraceAnalyzer({ window: 0 })).toThrow(ConfigError);
  });
});

describe("LRU misses from the analysis", () => {
  it("equal a replay of LRU at every size", async () => {
    const { densify } = await import("../sim/replay.js");
    const { replay } = await import("../sim/replay-trace.js");
    const spec = parseGenerator("zipf:pages=300,alpha=0.8,n=20000,seed=9");
    const a = new TraceAnalyzer();
    const pages: number[] = [];
    for (const b of generateBatches(spec)) {
      a.add(b);
      for (let i = 0; i < b.count; i++) pages.push(b.pages[i]!);
    }
    const sizes = [1, 2, 5, 17, 64, 150, 299, 300, 1000];
    const got = a.lruMisses(sizes);
    const d = densify(pages, pages.length);
    sizes.forEach((n, i) => {
      const r = replay(
        { count: pages.length, pages: d.ids, pageSpace: d.pageSpace },
        { policy: "lru", frames: n },
      );
      expect(got[i], `${n} frames`).toBe(r.faults);
    });
  });
});
