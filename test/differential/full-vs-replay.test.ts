// Full mode against replay mode ("two speeds, one truth"): the same real trace prefix, through the
// Machine (page tables in frames, TLB, real bytes, pager) and through the replay loop, must give
// the same faults, clean and dirty evictions and write-backs, for every policy that does not read
// a clock, at several frame counts. Page tables get frames of their own (runMachine's design:
// --frames counts page frames), so they never take a frame from a page. Both runs go through the
// engine's front door: simulate (replay) and runMachine (full) read the same workload as a source.
// Timer policies (nru, aging, nfu, wsclock) are left out on purpose: their clock is simulated time,
// and full mode's time also counts the TLB-miss walks that replay mode does not have.

import fs from "node:fs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { openTrace } from "../../node/trace-file.js";
import { runMachine, simulate, type Workload, WorkloadBuilder, workloadSource } from "../../src/index.js";

const POLICIES = [
  "fifo",
  "lru",
  "opt",
  "clock",
  "second-chance",
  "arc",
  "2q",
  "s3fifo",
  "sieve",
  "lirs",
  "car",
  "clock-pro",
  "lru-2list",
  "mglru",
  "lfu",
  "random",
];
const FRAMES = [16, 64, 150];

describe.each([
  ["py-dict", 300_000],
  ["sort500", 200_000],
])("full mode = replay mode on %s (first %i references)", (trace, limit) => {
  const load = async (): Promise<Workload> => {
    const t = await openTrace(`test/fixtures/traces/${trace}.pwt`);
    const b = new WorkloadBuilder();
    for await (const batch of t.batches())
      if (b.append(batch, limit - b.count) === 0 || b.count >= limit) break;
    return b.finish({ name: trace, source: trace, kind: "trace", pageSize: t.pageSize });
  };

  it.each(POLICIES)(
    "%s",
    async (spec) => {
      const w = await load();
      expect(w.count).toBe(limit);
      for (const frames of FRAMES) {
        const replay = await simulate(workloadSource(w), { policy: spec, frames });
        const run = await runMachine(workloadSource(w), { policy: spec, frames, pageSize: w.pageSize });
        const s = run.machine.stats();
        const where = `${spec} at ${frames} frames`;
        expect(s.references, where).toBe(replay.references);
        expect(run.references, where).toBe(limit);
        expect(run.distinctPages, where).toBe(replay.distinctPages);
        expect(s.faults.total, where).toBe(replay.faults);
        expect(s.evictions.clean, where).toBe(replay.evictions.clean);
        expect(s.evictions.dirty, where).toBe(replay.evictions.dirty);
        expect(s.writebacks, where).toBe(replay.writebacks);
        // The tables sat beside the pages: pages used at most `frames` frames, tables their own.
        expect(s.frames.user, where).toBeLessThanOrEqual(frames);
        expect(s.frames.pageTables, where).toBeGreaterThan(0);
        expect(s.frames.total, where).toBe(frames + s.frames.pageTables);
        expect(s.tlb.hits + s.tlb.misses, where).toBeGreaterThanOrEqual(s.references);
      }
    },
    60_000,
  );
});

describe("runMachine reads a pwt stream as it reads decoded batches", () => {
  it.each(["lru", "opt"])("%s on sort500, first 150,000 references", async (policy) => {
    const file = "test/fixtures/traces/sort500.pwt";
    const raw = zlib.gunzipSync(fs.readFileSync(file));
    const t = await openTrace(file);
    const opts = { policy, frames: 40, pageSize: t.pageSize, limit: 150_000 };
    const coded = await runMachine({ kind: "pwt", name: file, chunks: () => [raw] }, opts);
    const decoded = await runMachine({ kind: "batches", name: file, batches: () => t.batches() }, opts);
    expect(coded.references).toBe(150_000);
    expect(coded.distinctPages).toBe(decoded.distinctPages);
    const [a, b] = [coded.machine.stats(), decoded.machine.stats()];
    expect(a.faults).toEqual(b.faults);
    expect(a.evictions).toEqual(b.evictions);
    expect(a.tlb).toEqual(b.tlb);
    expect(a.faults.total).toBeGreaterThan(0);
  });
});
