// Machine.accessRefs (a batch of trace references in one call, full mode's loop) against one
// access() per reference: the same statistics, the same process killed at the same reference.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACC_EXEC, ACC_READ, ACC_WRITE, type Access } from "../../src/mmu/mmu.js";
import { FAULT_KILLED } from "../../src/pager/pager.js";
import { NEVER } from "../../src/policies/policy.js";
import { Machine } from "../../src/sim/machine.js";
import { NO_NEXT_USE } from "../../src/sim/replay.js";
import { annotateNextUse } from "../../src/workloads/oracle.js";
import { REF_INSTR, REF_STORE } from "../../src/workloads/refs.js";

const PS = 256;
/** Processes killed out of swap in the property's runs (so it is known to cover kills). */
let killsSeen = 0;

interface Refs {
  pages: Float64Array;
  kinds: Uint8Array;
  pids: Int32Array;
}

function machine(policy: string, swapSlots: number): { m: Machine; pids: number[] } {
  const m = new Machine({ pageSize: PS, vaBits: 16, frames: 6, tableFrames: 12, swapSlots, policy });
  return { m, pids: [m.spawn({ trace: true }), m.spawn({ trace: true })] };
}

function accOf(kind: number): Access {
  return kind >= REF_STORE ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
}

/** Replays refs one access() at a time, skipping a killed process's references. */
function oneByOne(policy: string, swapSlots: number, r: Refs, nu: Int32Array | null) {
  const { m, pids } = machine(policy, swapSlots);
  const killedAt: number[] = [];
  for (let i = 0; i < r.pages.length; i++) {
    const pid = pids[r.pids[i]!]!;
    // Out of swap may kill another process than the faulting one.
    if (!m.isAlive(pid)) continue;
    const n = nu === null || nu[i] === NO_NEXT_USE ? NEVER : nu[i]!;
    if (m.access(pid, r.pages[i]! * PS, accOf(r.kinds[i]!), n) === FAULT_KILLED) killedAt.push(i);
  }
  return { stats: m.stats(), killedAt };
}

/** The same through accessRefs, one call per run of one process's references. */
function batched(policy: string, swapSlots: number, r: Refs, nu: Int32Array | null) {
  const { m, pids } = machine(policy, swapSlots);
  const killedAt: number[] = [];
  const n = r.pages.length;
  for (let k = 0; k < n; ) {
    let e = k + 1;
    while (e < n && r.pids[e] === r.pids[k]) e++;
    const pid = pids[r.pids[k]!]!;
    if (m.isAlive(pid)) {
      const stop = m.accessRefs(pid, r.pages, r.kinds, k, e, nu, 0);
      if (stop < e) killedAt.push(stop);
    }
    k = e;
  }
  return { stats: m.stats(), killedAt };
}

const refsArb = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 })),
    {
      minLength: 1,
      maxLength: 400,
    },
  )
  .map(
    (xs): Refs => ({
      pages: Float64Array.from(xs, (x) => x[0]),
      kinds: Uint8Array.from(xs, (x) => x[1]),
      pids: Int32Array.from(xs, (x) => x[2]),
    }),
  );

describe("Machine.accessRefs", () => {
  for (const policy of ["lru", "fifo", "clock", "arc", "nru", "opt"]) {
    it(`${policy}: the same as one access() per reference, kills included`, () => {
      fc.assert(
        fc.property(refsArb, fc.constantFrom(1, 4, 1000), (r, slots) => {
          let nu: Int32Array | null = null;
          if (policy === "opt") {
            // Next uses of the (pid, page) keys, as the run's annotation gives them.
            const keys = Float64Array.from(r.pages, (p, i) => r.pids[i]! * 1000 + p);
            const f = annotateNextUse(keys, keys.length, 2000);
            nu = Int32Array.from(f, (x) => (x === Number.POSITIVE_INFINITY ? NO_NEXT_USE : x));
          }
          const got = batched(policy, slots, r, nu);
          killsSeen += got.stats.outOfSwapKills;
          expect(got).toEqual(oneByOne(policy, slots, r, nu));
        }),
        { numRuns: 60 },
      );
    });
  }

  it("the runs above include processes killed out of swap", () => {
    expect(killsSeen).toBeGreaterThan(0);
  });
});
