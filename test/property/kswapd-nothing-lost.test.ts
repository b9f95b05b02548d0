// Nothing lost with kswapd: random reads and writes of private and shared pages by two processes,
// with kswapd reclaiming and cleaning in the background (random watermarks' batch size, scan cost,
// wake-up delay, cleaning on or off, global or local replacement, read-ahead) and advanced to random times
// between references, for every policy. Every read must return the last write (checked against Maps), and after both processes
// exit no frame, mapping or swap slot may be left in use (cleaned pages keep slots: they must be
// freed with their pages).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policyIds } from "../../src/policies/registry.js";
import { Machine } from "../../src/sim/machine.js";
import { MemoryStore } from "../../src/stores/memory-store.js";
import { runs, shrinkFor } from "../helpers/property-runs.js";

const PS = 256;
const PROCS = 2;
const PAGES = 12;
const SHARED_PAGES = 3;
const FRAMES = 18;

type Op =
  | { t: "write"; p: number; page: number; off: number; v: number }
  | { t: "read"; p: number; page: number; off: number }
  | { t: "swrite"; p: number; page: number; off: number; v: number }
  | { t: "sread"; p: number; page: number; off: number }
  | { t: "advance"; ns: number };

const proc = fc.integer({ min: 0, max: PROCS - 1 });
const off = fc.integer({ min: 0, max: PS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("write" as const),
      p: proc,
      page: fc.integer({ min: 0, max: PAGES - 1 }),
      off,
      v: fc.nat(255),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("read" as const),
      p: proc,
      page: fc.integer({ min: 0, max: PAGES - 1 }),
      off,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("swrite" as const),
      p: proc,
      page: fc.integer({ min: 0, max: SHARED_PAGES - 1 }),
      off,
      v: fc.nat(255),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("sread" as const),
      p: proc,
      page: fc.integer({ min: 0, max: SHARED_PAGES - 1 }),
      off,
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("advance" as const), ns: fc.nat(40_000_000) }) },
);

const kswapdArb = fc.record({
  min: fc.integer({ min: 0, max: 2 }),
  gapLow: fc.integer({ min: 1, max: 2 }),
  gapHigh: fc.integer({ min: 0, max: 3 }),
  batch: fc.integer({ min: 1, max: 4 }),
  scanNs: fc.constantFrom(0, 200, 5_000_000),
  wakeDelayNs: fc.constantFrom(0, 1_000_000, 30_000_000),
  clean: fc.boolean(),
  local: fc.boolean(),
  readAhead: fc.constantFrom(0, 0, 2),
});

const totals = { reclaimed: 0, cleaned: 0, direct: 0 };

type KswapdCase = typeof kswapdArb extends fc.Arbitrary<infer T> ? T : never;

function run(policy: string, k: KswapdCase, ops: Op[]): void {
  const swap = new MemoryStore(PS);
  const low = k.min + k.gapLow;
  const m = new Machine({
    frames: FRAMES,
    pageSize: PS,
    vaBits: 16,
    policy,
    scope: k.local ? "local" : "global",
    readAhead: k.readAhead,
    swap,
    tlb: { entries: 8, ways: 2 },
    kswapd: {
      watermarks: { min: k.min, low, high: low + k.gapHigh },
      batch: k.batch,
      scanNs: k.scanNs,
      wakeDelayNs: k.wakeDelayNs,
      clean: k.clean,
    },
  });
  const pids = Array.from({ length: PROCS }, () => m.spawn({ stackPages: 2 }));
  const bases = pids.map((pid) => m.mmap(pid, PAGES * PS));
  const obj = m.shmCreate(SHARED_PAGES);
  const sbases = pids.map((pid) => m.mmap(pid, SHARED_PAGES * PS, { shared: obj }));
  m.shmUnlink(obj);
  const model = pids.map(() => new Map<number, number>());
  const shared = new Map<number, number>();
  for (const op of ops) {
    switch (op.t) {
      case "write":
        m.writeU8(pids[op.p]!, bases[op.p]! + op.page * PS + op.off, op.v);
        model[op.p]!.set(op.page * PS + op.off, op.v);
        break;
      case "read":
        expect(m.readU8(pids[op.p]!, bases[op.p]! + op.page * PS + op.off)).toBe(
          model[op.p]!.get(op.page * PS + op.off) ?? 0,
        );
        break;
      case "swrite":
        m.writeU8(pids[op.p]!, sbases[op.p]! + op.page * PS + op.off, op.v);
        shared.set(op.page * PS + op.off, op.v);
        break;
      case "sread":
        expect(m.readU8(pids[op.p]!, sbases[op.p]! + op.page * PS + op.off)).toBe(
          shared.get(op.page * PS + op.off) ?? 0,
        );
        break;
      case "advance":
        m.kswapd!.advance(m.now() + op.ns);
        break;
    }
  }
  // Everything written is still there, page by page.
  pids.forEach((pid, i) => {
    for (const [a, v] of model[i]!) expect(m.readU8(pid, bases[i]! + a)).toBe(v);
    for (const [a, v] of shared) expect(m.readU8(pid, sbases[i]! + a)).toBe(v);
  });
  const ks = m.stats().reclaim.kswapd!;
  totals.reclaimed += ks.reclaimed;
  totals.cleaned += ks.cleaned;
  totals.direct += ks.directReclaimed;
  for (const pid of pids) m.exit(pid);
  const s = m.stats();
  expect(s.frames.free).toBe(FRAMES);
  expect(m.frames.mappingCount).toBe(0);
  expect(swap.slotsInUse).toBe(0);
}

describe("nothing is lost with kswapd reclaiming and cleaning", () => {
  for (const policy of policyIds()) {
    it(`${policy}: every read returns the last write`, () => {
      fc.assert(
        fc.property(
          kswapdArb,
          fc.array(opArb, { minLength: 30, maxLength: 150 }),
          shrinkFor((k: KswapdCase, ops: Op[]) => run(policy, k, ops)),
        ),
        { numRuns: runs(20) },
      );
    });
  }

  // Found by this property on a fresh clone (fast-check seed -1815472367, path "4"), shrunk: a
  // write fault under local scope read its page from swap and restarted the store, whose D bit was
  // then set; read-ahead of the next pages allocated frames, which woke kswapd, whose cleaning wrote
  // the page back and cleared D before the caller stored its byte. The page was later dropped as
  // clean and read back as 0. The pager now restarts the access after read-ahead.
  it("second-chance, regression: kswapd cleaning during read-ahead does not lose the faulting store", () => {
    const k: KswapdCase = {
      min: 2,
      gapLow: 1,
      gapHigh: 2,
      batch: 1,
      scanNs: 0,
      wakeDelayNs: 0,
      clean: true,
      local: true,
      readAhead: 2,
    };
    const ops = JSON.parse(REGRESSION_OPS) as Op[];
    for (const policy of policyIds()) run(policy, k, ops);
  });

  it("the runs really reclaimed, cleaned and reclaimed directly", () => {
    expect(totals.reclaimed).toBeGreaterThan(0);
    expect(totals.cleaned).toBeGreaterThan(0);
    expect(totals.direct).toBeGreaterThan(0);
  });
});

// The shrunk counterexample of the lost write above (p: process, page, off: byte, v: value).
const REGRESSION_OPS = `[{"t":"write","p":1,"page":0,"off":0,"v":0},{"t":"read","p":0,"page":2,"off":0},
{"t":"read","p":0,"page":3,"off":0},{"t":"read","p":1,"page":9,"off":0},{"t":"read","p":1,"page":10,"off":0},
{"t":"write","p":0,"page":4,"off":0,"v":0},{"t":"write","p":0,"page":5,"off":0,"v":0},
{"t":"write","p":1,"page":2,"off":0,"v":0},{"t":"write","p":0,"page":1,"off":0,"v":0},
{"t":"sread","p":0,"page":0,"off":0},{"t":"advance","ns":0},{"t":"write","p":0,"page":0,"off":0,"v":0},
{"t":"write","p":0,"page":6,"off":0,"v":0},{"t":"read","p":0,"page":0,"off":0},
{"t":"swrite","p":1,"page":1,"off":0,"v":0},{"t":"write","p":1,"page":1,"off":0,"v":0},
{"t":"read","p":0,"page":4,"off":0},{"t":"write","p":1,"page":9,"off":0,"v":0},
{"t":"write","p":1,"page":10,"off":0,"v":0},{"t":"advance","ns":0},
{"t":"swrite","p":0,"page":1,"off":0,"v":0},{"t":"sread","p":0,"page":0,"off":0},
{"t":"read","p":1,"page":4,"off":0},{"t":"sread","p":0,"page":0,"off":0},{"t":"read","p":1,"page":3,"off":0},
{"t":"write","p":1,"page":9,"off":0,"v":1},{"t":"read","p":0,"page":0,"off":0},
{"t":"write","p":0,"page":0,"off":0,"v":0},{"t":"write","p":1,"page":0,"off":0,"v":0},
{"t":"sread","p":0,"page":0,"off":0},{"t":"write","p":0,"page":0,"off":0,"v":0},
{"t":"write","p":0,"page":0,"off":0,"v":0},{"t":"read","p":0,"page":0,"off":0},
{"t":"write","p":0,"page":0,"off":0,"v":0},{"t":"write","p":0,"page":0,"off":0,"v":0},
{"t":"sread","p":0,"page":0,"off":0},{"t":"sread","p":1,"page":1,"off":0},{"t":"read","p":0,"page":0,"off":0},
{"t":"swrite","p":1,"page":2,"off":0,"v":0}]`;
