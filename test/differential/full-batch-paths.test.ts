// Full mode's batch paths against one access() per reference. runMachine feeds a Machine runs of
// one process's references (Machine.accessRefs for decoded batches, Machine.accessCoded for a pwt
// dictionary block still encoded), whose fast loop makes the TLB lookup itself (the last slot,
// then a slot a set's scan found while the set is unchanged) and counts hits and kinds in locals.
// None of that may change anything: the same statistics, the same bytes in physical memory (page
// tables with their accessed and dirty bits, page contents) and the same TLB entries as the plain
// per-reference path, on a multi-process trace that takes turns between pages (the case the
// remembered slots serve), under small and flushing TLBs, local scope, kills when swap runs out,
// kswapd and policy ticks. And the sizing pass over a pwt stream (dictionary blocks read still
// encoded) sizes the Machine as the decoded references do.

import { describe, expect, it } from "vitest";
import {
  ACC_EXEC,
  ACC_READ,
  ACC_WRITE,
  type Access,
  decodeBytes,
  type Machine,
  type MachineRunOptions,
  machineForTrace,
  makeBatch,
  PwtDecoder,
  PwtEncoder,
  type ReferenceSource,
  runMachine,
  TracePages,
} from "../../src/index.js";

const PAGE = 4096;

/** A multi-process trace: runs of one pid, fetches and data accesses taking turns on a few pages. */
function trace(n: number, seed: number) {
  let x = seed >>> 0;
  const rnd = (m: number): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % m;
  };
  const pages = new Float64Array(n);
  const kinds = new Uint8Array(n);
  const pids = new Int32Array(n);
  let pid = 3;
  let code = 0;
  let data = 0;
  for (let i = 0; i < n; ) {
    const run = 1 + rnd(60);
    pid = [3, 9, 4][rnd(3)]!;
    for (let k = 0; k < run && i < n; k++, i++) {
      if (rnd(8) === 0) code = rnd(12);
      if (rnd(6) === 0) data = 100 + rnd(40) + (rnd(10) === 0 ? 5000 : 0);
      const fetch = rnd(3) !== 0;
      pages[i] = fetch ? code : data;
      kinds[i] = fetch ? 0 : 1 + rnd(3);
      pids[i] = pid;
    }
  }
  return { count: n, pages, kinds, pids };
}

type Refs = ReturnType<typeof trace>;

function pwtBytes(refs: Refs, version: number, blockRefs: number): Uint8Array {
  const enc = new PwtEncoder(PAGE, version, blockRefs);
  const b = makeBatch(refs.count);
  b.pages.set(refs.pages);
  b.kinds.set(refs.kinds);
  b.pids.set(refs.pids);
  b.count = refs.count;
  enc.add(b);
  const parts = [enc.header(), ...enc.take(), enc.finish()];
  return Buffer.concat(parts);
}

function pwtSource(raw: Uint8Array, chunk: number): ReferenceSource {
  return {
    kind: "pwt",
    name: "t.pwt",
    *chunks() {
      for (let i = 0; i < raw.length; i += chunk) yield raw.subarray(i, i + chunk);
    },
  };
}

function batchSource(refs: Refs, size: number): ReferenceSource {
  return {
    kind: "batches",
    name: "t",
    *batches() {
      const b = makeBatch(size);
      for (let i = 0; i < refs.count; i += size) {
        b.count = Math.min(size, refs.count - i);
        b.pages.set(refs.pages.subarray(i, i + b.count));
        b.kinds.set(refs.kinds.subarray(i, i + b.count));
        b.pids.set(refs.pids.subarray(i, i + b.count));
        yield b;
      }
    },
  };
}

const accessOf = (kind: number): Access => (kind >= 2 ? ACC_WRITE : kind === 0 ? ACC_EXEC : ACC_READ);

/** The plain path: a Machine sized the same way, one access() per reference of a live process. */
function perReference(refs: Refs, opts: MachineRunOptions): { machine: Machine; skipped: number } {
  const { machine, pidOf } = machineForTrace(TracePages.of(refs), opts);
  let skipped = 0;
  for (let i = 0; i < refs.count; i++) {
    const pid = pidOf.get(refs.pids[i]!)!;
    if (!machine.isAlive(pid)) {
      skipped++;
      continue;
    }
    machine.access(pid, refs.pages[i]! * PAGE, accessOf(refs.kinds[i]!));
  }
  return { machine, skipped };
}

/** Everything the runs must agree on: statistics, physical memory, the TLB's entries. */
function state(m: Machine) {
  return {
    stats: m.stats(),
    memory: Buffer.from(m.mem.bytes).toString("base64"),
    tlb: {
      vpn: Array.from(m.tlb.vpn),
      asid: Array.from(m.tlb.asid),
      frame: Array.from(m.tlb.frame),
      flags: Array.from(m.tlb.flags),
    },
  };
}

const CASES: [string, Omit<MachineRunOptions, "pageSize">][] = [
  ["lru, 8-entry 2-way TLB", { policy: "lru", frames: 24, tlb: { entries: 8, ways: 2 } }],
  ["lru, flushing TLB", { policy: "lru", frames: 24, tlb: { entries: 16, ways: 4, mode: "flush" } }],
  ["lru, direct-mapped TLB", { policy: "lru", frames: 40, tlb: { entries: 4, ways: 1 } }],
  ["arc, default TLB", { policy: "arc", frames: 20 }],
  ["lfu, fully associative TLB", { policy: "lfu", frames: 30, tlb: { entries: 8, ways: 8 } }],
  ["clock (no hits)", { policy: "clock", frames: 16, tlb: { entries: 8, ways: 2 } }],
  ["fifo, no TLB", { policy: "fifo", frames: 16, tlb: { entries: 0, ways: 1 } }],
  ["lru, local scope", { policy: "lru", frames: 30, scope: "local", allocation: "proportional" }],
  ["aging (a tick per reference)", { policy: "aging:bits=4", frames: 20 }],
  ["lru with kswapd", { policy: "lru", frames: 32, kswapd: "min=2,low=4,high=8" }],
  ["lru, swap runs out", { policy: "lru", frames: 8, swapSlots: 40, tlb: { entries: 8, ways: 2 } }],
  ["sieve, read-ahead", { policy: "sieve", frames: 24, readAhead: 4 }],
];

describe("full mode's batch paths = one access() per reference", () => {
  const refs = trace(60_000, 7);

  it.each(CASES)("%s", async (_name, o) => {
    const opts: MachineRunOptions = { ...o, pageSize: PAGE };
    const want = perReference(refs, opts);
    const wantState = state(want.machine);
    // The trace must exercise what the paths handle: faults, TLB misses and hits.
    expect(wantState.stats.faults.total).toBeGreaterThan(40);
    if (o.tlb?.entries !== 0) expect(wantState.stats.tlb.hits).toBeGreaterThan(wantState.stats.tlb.misses);
    if (o.swapSlots !== undefined) expect(want.skipped).toBeGreaterThan(0);
    const sources: [string, ReferenceSource][] = [
      ["decoded batches", batchSource(refs, 4099)],
      // 5,000-reference blocks: two-byte references; 40: one-byte, a third of the blocks one pid's.
      ["pwt v3, large dictionary blocks", pwtSource(pwtBytes(refs, 3, 5000), 30_001)],
      ["pwt v3, small dictionary blocks", pwtSource(pwtBytes(refs, 3, 40), 4097)],
      ["pwt v1, token blocks", pwtSource(pwtBytes(refs, 1, 7000), 65_536)],
    ];
    for (const [how, source] of sources) {
      const run = await runMachine(source, opts);
      expect(run.references, how).toBe(refs.count);
      expect(run.skippedReferences, how).toBe(want.skipped);
      expect(state(run.machine), how).toEqual(wantState);
    }
  });

  it("a pwt stream and its decoded references give the same run, OPT and a policy switch included", async () => {
    const raw = pwtBytes(refs, 3, 3000);
    for (const o of [
      { policy: "opt", frames: 24 },
      { policy: "lru", frames: 24, switches: [{ at: 20_001, policy: "opt" }] },
      { policy: "clock", frames: 24, limit: 31_337 },
    ]) {
      const opts: MachineRunOptions = { ...o, pageSize: PAGE };
      const a = await runMachine(pwtSource(raw, 10_000), opts);
      const b = await runMachine(batchSource(refs, 2048), opts);
      expect(a.references, o.policy).toBe(o.limit ?? refs.count);
      expect(a.distinctPages, o.policy).toBe(b.distinctPages);
      expect(a.switchesApplied, o.policy).toBe(b.switchesApplied);
      expect(state(a.machine), o.policy).toEqual(state(b.machine));
    }
  });
});

describe("a pwt stream that changes between the passes", () => {
  it("is refused when the run's pass finds it cut short", async () => {
    const raw = pwtBytes(trace(20_000, 3), 3, 5000);
    let passes = 0;
    const source: ReferenceSource = {
      kind: "pwt",
      name: "cut.pwt",
      *chunks() {
        // The first pass reads the whole stream, the second one stops inside the last block.
        const bytes = passes++ === 0 ? raw : raw.subarray(0, raw.length - 200);
        for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
      },
    };
    await expect(runMachine(source, { policy: "lru", frames: 24, pageSize: PAGE })).rejects.toThrow(
      /^cut\.pwt:.*truncated pwt stream/,
    );
    expect(passes).toBe(2);
  });
});

describe("the sizing pass over a pwt stream", () => {
  // Pages 5, 5, 6 by pid 0, all loads: a dictionary block of two entries (5 and 6).
  const enc = () => {
    const refs = {
      count: 3,
      pages: Float64Array.of(5, 5, 6),
      kinds: Uint8Array.of(1, 1, 1),
      pids: new Int32Array(3),
    };
    return Buffer.from(pwtBytes(refs, 2, 100));
  };

  it("counts only the dictionary entries the references use", async () => {
    const raw = enc();
    expect(Array.from(raw.subarray(66, 73))).toEqual([1, 2, 20, 4, 1, 1, 5]);
    // The third reference names entry 0 (page 5) instead of 1: page 6 stays in the dictionary, unused.
    raw[72] = (0 << 2) | 1;
    const opts = { policy: "lru", frames: 4, pageSize: PAGE };
    const coded = await runMachine(pwtSource(raw, 1000), opts);
    const decoded = await runMachine(
      {
        kind: "batches",
        name: "u.pwt",
        batches: () => decodeBytes(new PwtDecoder({ source: "u.pwt" }), raw),
      },
      opts,
    );
    expect(decoded.distinctPages).toBe(1);
    expect(coded.distinctPages).toBe(1);
    expect(state(coded.machine)).toEqual(state(decoded.machine));
  });

  it("counts a (pid, page) once when two entries of a dictionary name it", async () => {
    const raw = enc();
    // Entry 1 becomes page 5 too (a delta of 0): the references use entries 0, 0, 1.
    raw[69] = 0;
    const opts = { policy: "lru", frames: 4, pageSize: PAGE };
    const coded = await runMachine(pwtSource(raw, 1000), opts);
    expect(coded.distinctPages).toBe(1);
    const s = coded.machine.stats();
    expect(s.faults.total).toBe(1);
    expect(s.frames.pageTables).toBe(
      (
        await runMachine(
          { kind: "batches", name: "u.pwt", batches: () => decodeBytes(new PwtDecoder(), raw) },
          opts,
        )
      ).machine.stats().frames.pageTables,
    );
  });

  it("names the byte of a reference to an entry past the dictionary", async () => {
    const raw = enc();
    raw[72] = (5 << 2) | 1;
    await expect(
      runMachine(pwtSource(raw, 1000), { policy: "lru", frames: 4, pageSize: PAGE }),
    ).rejects.toThrow(/^t\.pwt:.*past the dictionary of 2 \(at byte 72 /);
  });
});
