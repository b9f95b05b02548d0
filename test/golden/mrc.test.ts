// One-pass miss-ratio curves on the real reference traces (test/fixtures/reference, 1 M references
// each): the exact LRU and OPT curves equal libCacheSim's LRU and Belady miss counts at every frame
// count it reports, and replay's faults at sizes spread over the curve; SHARDS stays within a mean
// absolute error of 0.01 of the exact LRU curve (at the default rate, each of five hash seeds, and in fixed-size mode).
// These traces have only 196-448 distinct pages, so a 2 % sample holds a handful of pages: the
// error is dominated by which hot pages the hash happens to pick..

import { describe, expect, it } from "vitest";
import { curveError, lruCurve, missesAt, missRatioAt, optCurve, replay, ShardsMrc } from "../../src/index.js";
import { loadReferenceMisses, loadReferenceTrace, REFERENCE_TRACES } from "../helpers/reference-trace.js";

const want = loadReferenceMisses();

function ids(name: (typeof REFERENCE_TRACES)[number]): { ids: Int32Array; pageSpace: number } {
  const t = loadReferenceTrace(name);
  return { ids: t.pages as Int32Array, pageSpace: t.pageSpace };
}

describe.each(REFERENCE_TRACES)("%s", (name) => {
  it("exact LRU curve equals libCacheSim's LRU at every size it reports", () => {
    const c = lruCurve(ids(name).ids);
    const lru = want[name]!.misses.lru!;
    expect(Object.keys(lru).length).toBeGreaterThanOrEqual(7);
    for (const [f, m] of Object.entries(lru)) expect(missesAt(c, Number(f)), `${f} frames`).toBe(m);
  });

  it("exact OPT curve equals libCacheSim's Belady at every size it reports", () => {
    const { ids: d, pageSpace } = ids(name);
    const c = optCurve(d, d.length, pageSpace);
    for (const [f, m] of Object.entries(want[name]!.misses.opt!))
      expect(missesAt(c, Number(f)), `${f} frames`).toBe(m);
  });

  it("both curves equal replay at sizes spread over the curve", () => {
    const { ids: d, pageSpace } = ids(name);
    const lru = lruCurve(d);
    const opt = optCurve(d, d.length, pageSpace);
    for (const f of [1, 3, 7, 20, 50, 100, 150, 200, 300]) {
      const trace = { count: d.length, pages: d, pageSpace };
      expect(missesAt(lru, f), `lru ${f}`).toBe(replay(trace, { policy: "lru", frames: f }).faults);
      expect(missesAt(opt, f), `opt ${f}`).toBe(replay(trace, { policy: "opt", frames: f }).faults);
    }
  });

  it("SHARDS is within MAE 0.01 of the exact LRU curve (default rate with five seeds, fixed size)", () => {
    const d = ids(name).ids;
    const exact = lruCurve(d);
    const seeds = [0, 1, 2, 3, 4].map((seed) => ({ seed }));
    for (const opts of [...seeds, { rate: 1, maxPages: 64 }, { rate: 1, maxPages: 64, seed: 1 }]) {
      const s = new ShardsMrc(opts);
      s.feed(d);
      const c = s.curve();
      const e = curveError(c, exact);
      expect(e.mae, JSON.stringify(opts)).toBeLessThan(0.01);
      // At 1 frame only repeats hit: counted on every 7th reference, not estimated by page.
      expect(Math.abs(missRatioAt(c, 1) - missRatioAt(exact, 1)), JSON.stringify(opts)).toBeLessThan(0.01);
    }
  });

  it("SHARDS at its default rate is exact at small sizes (an exact top of the stack), and within 0.01 at each size above", () => {
    const d = ids(name).ids;
    const exact = lruCurve(d);
    for (const seed of [0, 1, 2]) {
      const s = new ShardsMrc({ seed });
      s.feed(d);
      const c = s.curve();
      expect(s.exactFrames).toBe(100);
      for (let k = 1; k <= s.exactFrames; k++)
        expect(missesAt(c, k), `seed ${seed}, ${k} frames`).toBe(missesAt(exact, k));
      let worst = 0;
      for (let k = s.exactFrames + 1; k <= exact.distinct; k++)
        worst = Math.max(worst, Math.abs(missRatioAt(c, k) - missRatioAt(exact, k)));
      expect(worst, `seed ${seed}`).toBeLessThan(0.01);
    }
  });
});
