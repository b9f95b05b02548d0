// src/sim/run.ts: a reference source read pass by pass gives the same results as the whole trace in
// memory: the forward next-use annotation equals the backward one, simulate/simulateMany equal
// replay() for every policy (OPT included, its annotation from a first pass), from decoded
// batches and from pwt (dictionary blocks replayed encoded), and the chunked OPT stack equals
// optCurve. Real references: the bundled sort500 fixture's first 200,000.

import fs from "node:fs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  annotateNextUse,
  annotates,
  DenseIdsSink,
  densify,
  feed,
  makeBatch,
  NextUseSink,
  NO_NEXT_USE,
  OptMrc,
  optCurve,
  PageIds,
  PwtDecoder,
  PwtEncoder,
  type RefBatch,
  type ReferenceSource,
  replay,
  StreamReplay,
  simulate,
  simulateMany,
} from "../../src/index.js";

const LIMIT = 200_000;

function fixture(): RefBatch {
  const raw = zlib.gunzipSync(fs.readFileSync("test/fixtures/traces/sort500.pwt"));
  const dec = new PwtDecoder({ source: "sort500" });
  const all = makeBatch(LIMIT);
  dec.push(raw);
  dec.drain(all);
  return all;
}

const refs = fixture();
const dense = densify(refs.pages, refs.count);
const writes = new Uint8Array(refs.count);
for (let i = 0; i < refs.count; i++) writes[i] = refs.kinds[i]! >>> 1;

/** Decoded batches of 3,001 references (a size that splits nothing evenly). */
const batches: ReferenceSource = {
  kind: "batches",
  name: "sort500",
  *batches() {
    const b = makeBatch(3001);
    for (let i = 0; i < refs.count; i += 3001) {
      b.count = Math.min(3001, refs.count - i);
      b.pages.set(refs.pages.subarray(i, i + b.count));
      b.kinds.set(refs.kinds.subarray(i, i + b.count));
      b.pids.set(refs.pids.subarray(i, i + b.count));
      yield b;
    }
  },
};

/** The same references as a version-2 pwt stream (dictionary blocks), in 40,000-byte chunks. */
function pwtSource(): ReferenceSource {
  const enc = new PwtEncoder(4096, 2);
  enc.add(refs);
  const bytes = Buffer.concat([enc.header(), ...enc.take(), enc.finish()]);
  return {
    kind: "pwt",
    name: "sort500.v2",
    *chunks() {
      for (let i = 0; i < bytes.length; i += 40_000) yield bytes.subarray(i, i + 40_000);
    },
  };
}

describe("NextUseSink", () => {
  it("annotates forwards exactly what the backward pass over the whole trace gives", async () => {
    const s = new NextUseSink(16);
    const c = await feed(batches, s);
    expect(c.references).toBe(refs.count);
    const want = annotateNextUse(dense.ids, refs.count, dense.pageSpace);
    expect(Array.from(s.nextUse, (n) => (n === NO_NEXT_USE ? Number.POSITIVE_INFINITY : n))).toEqual(
      Array.from(want),
    );
    expect(want.some((n) => n === Number.POSITIVE_INFINITY)).toBe(true);
    // From pwt, the sink's own loop checks the entries (countsCoded) but counts no kinds: the
    // replay pass after it does, so this pass's writes and instructions are unknown (-1).
    const t = new NextUseSink(16);
    expect(await feed(pwtSource(), t)).toEqual({ references: c.references, writes: -1, instructions: -1 });
    expect(t.nextUse).toEqual(s.nextUse);
  });
});

describe("simulate over a source equals replay of the whole trace", () => {
  const trace = { count: refs.count, pages: dense.ids, writes, pageSpace: dense.pageSpace };
  for (const policy of [
    "lru",
    "fifo",
    "clock",
    "sieve",
    "s3fifo",
    "arc",
    "lirs",
    "opt",
    "aging:bits=4",
    "wsclock",
  ]) {
    it(policy, async () => {
      const want = replay(trace, { policy, frames: 24 });
      for (const source of [batches, pwtSource()]) {
        const got = await simulate(source, { policy, frames: 24 });
        expect(got.faults).toBe(want.faults);
        expect(got.evictions).toEqual(want.evictions);
        expect(got.timeNs).toBe(want.timeNs);
        expect(got.references).toBe(refs.count);
        expect(got.distinctPages).toBe(dense.pageSpace);
      }
    });
  }

  it("several runs in one pass, and a limit", async () => {
    const runs = [
      { policy: "lru", frames: 8 },
      { policy: "opt", frames: 8 },
      { policy: "fifo", frames: 64 },
    ];
    const { results } = await simulateMany(pwtSource(), runs, { limit: 123_457 });
    const short = { ...trace, count: 123_457 };
    runs.forEach((r, i) => {
      expect(results[i]!.faults).toBe(replay(short, r).faults);
      expect(results[i]!.references).toBe(123_457);
    });
  });
});

describe("OPT with a frame for every page", () => {
  const trace = { count: refs.count, pages: dense.ids, writes, pageSpace: dense.pageSpace };
  const distinct = dense.pageSpace;

  it("skips the next-use pass when a header's count says nothing can be evicted, with the same result", async () => {
    for (const frames of [distinct, distinct + 5]) {
      const phases: string[] = [];
      const got = await simulate(
        pwtSource(),
        { policy: "opt", frames },
        {
          distinctPages: distinct,
          onPhase: (p) => phases.push(p),
        },
      );
      expect(phases).toEqual(["replay"]);
      const want = replay(trace, { policy: "opt", frames });
      expect(got.faults).toBe(want.faults);
      expect(got.hits).toBe(want.hits);
      expect(got.evictions).toEqual(want.evictions);
      expect(got.timeNs).toBe(want.timeNs);
    }
  });

  it("still annotates with one frame fewer than the pages, or when the count is not known", async () => {
    const runs = [{ policy: "opt", frames: distinct - 1 }];
    expect(annotates(runs, { distinctPages: distinct })).toBe(true);
    expect(annotates([{ policy: "opt", frames: distinct }], {})).toBe(true);
    expect(annotates([{ policy: "opt", frames: distinct }], { distinctPages: distinct })).toBe(false);
    expect(annotates([{ policy: "lru", frames: 1 }], {})).toBe(false);
    const phases: string[] = [];
    const got = await simulate(pwtSource(), runs[0]!, {
      distinctPages: distinct,
      onPhase: (p) => phases.push(p),
    });
    expect(phases).toEqual(["annotate", "replay"]);
    expect(got.faults).toBe(replay(trace, runs[0]!).faults);
  });

  it("refuses a header that counts fewer distinct pages than the trace has, instead of a result", async () => {
    await expect(
      simulate(pwtSource(), { policy: "opt", frames: distinct - 1 }, { distinctPages: distinct - 1 }),
    ).rejects.toThrow(new RegExp(`header counts ${distinct - 1} distinct pages, but ${distinct} were read`));
  });
});

describe("OptMrc fed in chunks", () => {
  it("equals optCurve of the whole trace, with forward (Int32) next uses", async () => {
    const s = new NextUseSink();
    await feed(batches, s);
    const m = new OptMrc(s.nextUse, 4);
    await feed(batches, new DenseIdsSink(new PageIds(), (ids, n) => m.feed(ids, n)));
    const want = optCurve(dense.ids, refs.count, dense.pageSpace);
    expect(m.curve()).toEqual(want);
  });
});

describe("stamp LRU (last-reference stamps, a scan at each fault) equals the list's LRU", () => {
  /** Random pages, most faulting: the scans exceed their budget and the list takes over mid-stream. */
  function random(n: number, pages: number, seed: number): RefBatch {
    const b = makeBatch(n);
    let x = seed;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      b.pages[i] = (x >>> 8) % (i % 3 === 0 ? 40 : pages);
      b.kinds[i] = x & 3;
    }
    b.count = n;
    return b;
  }
  for (const [frames, pages] of [
    [3000, 20_000],
    [64, 300],
    [4096, 5000],
  ] as const) {
    it(`${frames} frames over ${pages} pages: same faults, evictions and eviction order`, async () => {
      const b = random(300_000, pages, frames);
      const d = densify(b.pages, b.count);
      const w = new Uint8Array(b.count);
      for (let i = 0; i < b.count; i++) w[i] = b.kinds[i]! >>> 1;
      const evicted: number[] = [];
      const want = replay(
        { count: b.count, pages: d.ids, writes: w, pageSpace: d.pageSpace },
        { policy: "lru", frames, onEvict: (page, _f, at) => evicted.push(page, at) },
      );
      const source: ReferenceSource = { kind: "batches", name: "random", batches: () => [b] };
      const got = await simulate(source, { policy: "lru", frames });
      expect(got.faults).toBe(want.faults);
      expect(got.evictions).toEqual(want.evictions);
      const order: number[] = [];
      const sr = new StreamReplay({ policy: "lru", frames, onEvict: (page, _f, at) => order.push(page, at) });
      await feed(source, sr);
      expect(order).toEqual(evicted);
    });
  }
});
