// src/sim/run.ts: a reference source read pass by pass gives the same results as the whole trace in
// memory: the forward next-use annotation equals the backward one, simulate/simulateMany equal
// replay() for every policy (OPT included, its annotation from a first pass), from decoded
// batches and from pwt (dictionary blocks replayed encoded), and the chunked OPT stack equals
// optCurve. Real references: the bundled sort500 fixture's first 200,000.

import fs from "node:fs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { OptMrc, optCurve } from "../../src/mrc/opt.js";
import { densify, replay } from "../../src/sim/replay.js";
import {
  DenseIdsSink,
  feed,
  NextUseSink,
  type ReferenceSource,
  simulate,
  simulateMany,
} from "../../src/sim/run.js";
import { PwtDecoder, PwtEncoder } from "../../src/workloads/binary-format.js";
import { annotateNextUse } from "../../src/workloads/oracle.js";
import { PageIds } from "../../src/workloads/page-ids.js";
import { makeBatch, type RefBatch } from "../../src/workloads/refs.js";

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
    expect(s.nextUse).toEqual(annotateNextUse(dense.ids, refs.count, dense.pageSpace));
    const t = new NextUseSink(16);
    await feed(pwtSource(), t);
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

describe("OptMrc fed in chunks", () => {
  it("equals optCurve of the whole trace, with forward (Float64) next uses", async () => {
    const s = new NextUseSink();
    await feed(batches, s);
    const m = new OptMrc(s.nextUse, 4);
    await feed(batches, new DenseIdsSink(new PageIds(), (ids, n) => m.feed(ids, n)));
    const want = optCurve(dense.ids, refs.count, dense.pageSpace);
    expect(m.curve()).toEqual(want);
  });
});
