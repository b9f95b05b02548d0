// Full mode against replay mode ("two speeds, one truth"): the same real trace prefix, through the
// Machine (page tables in frames, TLB, real bytes, pager) and through the replay loop, must give
// the same faults, clean and dirty evictions and write-backs, for every policy that does not read
// a clock, at several frame counts. Page tables get frames of their own (runFull's design:
// --frames counts page frames), so they never take a frame from a page.
// Timer policies (nru, aging, nfu, wsclock) are left out on purpose: their clock is simulated time,
// and full mode's time also counts the TLB-miss walks that replay mode does not have.

import { describe, expect, it } from "vitest";
import { prepare, simulate } from "../../cli/engine.js";
import { runFull } from "../../cli/engine-full.js";
import { bufferIo } from "../../cli/io.js";
import { loadWorkload } from "../../cli/workload.js";

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
  const load = async () => {
    const w = await loadWorkload({ trace: `test/fixtures/traces/${trace}.pwt`, limit }, bufferIo());
    return prepare(w, false);
  };

  it.each(POLICIES)(
    "%s",
    async (spec) => {
      const p = await load();
      expect(p.workload.count).toBe(limit);
      for (const frames of FRAMES) {
        const replay = simulate(p, spec, frames);
        const { result: full, machine } = runFull(p, spec, frames);
        const where = `${spec} at ${frames} frames`;
        expect(full.references, where).toBe(replay.references);
        expect(full.faults, where).toBe(replay.faults);
        expect(full.evictions, where).toEqual(replay.evictions);
        expect(full.writebacks, where).toBe(replay.writebacks);
        // The tables sat beside the pages: pages used at most `frames` frames, tables their own.
        const s = machine.stats();
        expect(s.frames.user, where).toBeLessThanOrEqual(frames);
        expect(s.frames.pageTables, where).toBe(full.pageTableFrames);
        expect(s.frames.total, where).toBe(frames + full.pageTableFrames!);
        expect(full.tlb.hits + full.tlb.misses, where).toBeGreaterThanOrEqual(full.references);
      }
    },
    60_000,
  );
});
