// Each typed-array policy against a naive, obviously-correct version (test/differential/naive/:
// plain arrays and Maps over pages) on random reference strings: the same pages must be evicted
// in the same order. OPT is compared by the next use of each victim, since pages never used again
// tie and any of them is a correct choice.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annotateNextUse, type ReplayTrace, replay } from "../../src/index.js";
import { naiveArc } from "./naive/arc.js";
import { naiveClock } from "./naive/clock.js";
import { type Bits, type NaivePolicy, runNaive } from "./naive/common.js";
import { naiveFifo } from "./naive/fifo.js";
import { naiveLfu } from "./naive/lfu.js";
import { naiveLru } from "./naive/lru.js";
import { naiveOpt, nextUseAfter } from "./naive/opt.js";
import { naiveRandom } from "./naive/random.js";
import { naiveS3Fifo } from "./naive/s3fifo.js";
import { naiveSecondChance } from "./naive/second-chance.js";
import { naiveSieve } from "./naive/sieve.js";
import { naiveAging, naiveNfu, naiveNru } from "./naive/timer-policies.js";
import { naiveTwoQ } from "./naive/two-q.js";

const TICK = 20_000_000;

interface Case {
  readonly spec: string;
  readonly naive: (bits: Bits, frames: number, refs: readonly number[]) => NaivePolicy;
}

const CASES: Case[] = [
  { spec: "fifo", naive: () => naiveFifo() },
  { spec: "lru", naive: () => naiveLru() },
  { spec: "clock", naive: (b) => naiveClock(b) },
  { spec: "second-chance", naive: (b) => naiveSecondChance(b) },
  { spec: "lfu", naive: () => naiveLfu() },
  { spec: `nfu:interval=${TICK}`, naive: (b) => naiveNfu(b, TICK) },
  { spec: `nru:interval=${TICK}`, naive: (b) => naiveNru(b, TICK) },
  { spec: `aging:interval=${TICK}`, naive: (b) => naiveAging(b, 8, TICK, false) },
  { spec: `aging:bits=3,interval=${TICK}`, naive: (b) => naiveAging(b, 3, TICK, false) },
  { spec: "aging:preset=xinu", naive: (b) => naiveAging(b, 8, TICK, true) },
  { spec: "random:seed=7", naive: () => naiveRandom(7) },
  { spec: "sieve", naive: (b) => naiveSieve(b) },
  { spec: "s3fifo", naive: (_b, c) => naiveS3Fifo(c) },
  { spec: "s3fifo:small=0.3,threshold=1", naive: (_b, c) => naiveS3Fifo(c, 0.3, 0.9, 1) },
  { spec: "arc", naive: (_b, c) => naiveArc(c) },
  { spec: "2q", naive: (_b, c) => naiveTwoQ(c) },
];

const workload = fc.record({
  universe: fc.integer({ min: 1, max: 14 }),
  frames: fc.integer({ min: 1, max: 9 }),
  raw: fc.array(fc.tuple(fc.nat(), fc.boolean()), { minLength: 1, maxLength: 300 }),
});

function traceOf(refs: number[], writes: boolean[], universe: number): ReplayTrace {
  return {
    count: refs.length,
    pages: Int32Array.from(refs),
    writes: Uint8Array.from(writes, (w) => (w ? 1 : 0)),
    pageSpace: universe,
  };
}

function realVictims(spec: string, trace: ReplayTrace, frames: number): number[] {
  const victims: number[] = [];
  replay(trace, { policy: spec, frames, onEvict: (page) => victims.push(page) });
  return victims;
}

describe("typed-array policies evict the same pages as their naive versions", () => {
  for (const c of CASES) {
    it(c.spec, () => {
      fc.assert(
        fc.property(workload, ({ universe, frames, raw }) => {
          const refs = raw.map(([n]) => n % universe);
          const writes = raw.map(([, w]) => w);
          const real = realVictims(c.spec, traceOf(refs, writes, universe), frames);
          const naive = runNaive((b) => c.naive(b, frames, refs), refs, writes, frames);
          expect(real).toEqual(naive);
        }),
        { numRuns: 300 },
      );
    });
  }

  it("opt (victims compared by their next use)", () => {
    fc.assert(
      fc.property(workload, ({ universe, frames, raw }) => {
        const refs = raw.map(([n]) => n % universe);
        const writes = raw.map(() => false);
        const trace = traceOf(refs, writes, universe);
        const real: number[] = [];
        replay(trace, {
          policy: "opt",
          frames,
          nextUse: annotateNextUse(trace.pages, trace.count, universe),
          onEvict: (page, _f, at) => real.push(nextUseAfter(refs, page, at)),
        });
        const victims = runNaive(() => naiveOpt(refs), refs, writes, frames);
        const at = faultPositions(refs, victims, frames);
        const naive = victims.map((v, k) => nextUseAfter(refs, v, at[k]!));
        expect(real).toEqual(naive);
      }),
      { numRuns: 300 },
    );
  });
});

/** The reference index of each eviction, given the victims in order. */
function faultPositions(refs: readonly number[], victims: readonly number[], frames: number): number[] {
  const resident = new Set<number>();
  const at: number[] = [];
  let k = 0;
  refs.forEach((p, i) => {
    if (resident.has(p)) return;
    if (resident.size === frames) {
      resident.delete(victims[k++]!);
      at.push(i);
    }
    resident.add(p);
  });
  return at;
}
