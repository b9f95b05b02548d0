// Nothing lost: random reads, writes, heap allocations and frees, shared mappings, context
// switches and policy switches across several processes, with far fewer frames than pages, for
// every policy and both swap stores, checked byte for byte against a plain model (Maps). After all
// processes exit, no frame, page table, mapping or swap slot may be left in use.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FileSwapStore } from "../../node/file-swap-store.js";
import { policyIds } from "../../src/policies/registry.js";
import { Machine } from "../../src/sim/machine.js";
import { MemoryStore } from "../../src/stores/memory-store.js";
import type { BackingStore } from "../../src/stores/store.js";
import { runs, shrinkFor } from "../helpers/property-runs.js";

const PS = 256;
const PROCS = 3;
const PAGES = 12; // anonymous pages per process
const SHARED_PAGES = 4;
const FRAMES = 14; // 3 processes hold up to 9 page tables (root, heap leaf, top leaf), leaving 5 or more user frames

type Op =
  | { t: "write"; p: number; page: number; off: number; len: number; seed: number }
  | { t: "read"; p: number; page: number; off: number; len: number }
  | { t: "swrite"; p: number; page: number; off: number; v: number }
  | { t: "sread"; p: number; page: number; off: number }
  | { t: "alloc"; p: number; size: number; v: number }
  | { t: "free"; p: number; which: number }
  | { t: "policy"; which: number };

const proc = fc.integer({ min: 0, max: PROCS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant("write" as const),
      p: proc,
      page: fc.integer({ min: 0, max: PAGES - 1 }),
      off: fc.integer({ min: 0, max: PS - 1 }),
      len: fc.integer({ min: 1, max: 300 }),
      seed: fc.nat(255),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant("read" as const),
      p: proc,
      page: fc.integer({ min: 0, max: PAGES - 1 }),
      off: fc.integer({ min: 0, max: PS - 1 }),
      len: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("swrite" as const),
      p: proc,
      page: fc.integer({ min: 0, max: SHARED_PAGES - 1 }),
      off: fc.integer({ min: 0, max: PS - 4 }),
      v: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("sread" as const),
      p: proc,
      page: fc.integer({ min: 0, max: SHARED_PAGES - 1 }),
      off: fc.integer({ min: 0, max: PS - 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("alloc" as const),
      p: proc,
      size: fc.integer({ min: 4, max: 600 }),
      v: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("free" as const), p: proc, which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("policy" as const), which: fc.nat() }) },
);

/** Evictions seen over all property runs: the workload must really page, or the test proves nothing. */
const seen = { clean: 0, dirty: 0 };

function run(policy: string, swap: BackingStore, ops: Op[]): void {
  const ids = policyIds();
  const m = new Machine({
    frames: FRAMES,
    pageSize: PS,
    vaBits: 16,
    policy,
    swap,
    tlb: { entries: 8, ways: 2 },
  });
  const pids = Array.from({ length: PROCS }, () => m.spawn({ stackPages: 4 }));
  const bases = pids.map((pid) => m.mmap(pid, PAGES * PS));
  const obj = m.shmCreate(SHARED_PAGES);
  const sbases = pids.map((pid) => m.mmap(pid, SHARED_PAGES * PS, { shared: obj }));
  m.shmUnlink(obj);
  const model = pids.map(() => new Map<number, number>()); // private byte address → value
  const shared = new Map<number, number>(); // shared offset → u32
  const heaps = pids.map(() => [] as Array<{ va: number; v: number }>);
  for (const op of ops) {
    const pid = pids["p" in op ? op.p : 0]!;
    switch (op.t) {
      case "write": {
        const start = bases[op.p]! + op.page * PS + op.off;
        const len = Math.min(op.len, bases[op.p]! + PAGES * PS - start);
        const bytes = new Uint8Array(len).map((_, i) => (op.seed + i * 13) & 0xff);
        m.write(pid, start, bytes);
        for (let i = 0; i < len; i++) model[op.p]!.set(start + i, bytes[i]!);
        break;
      }
      case "read": {
        const start = bases[op.p]! + op.page * PS + op.off;
        const len = Math.min(op.len, bases[op.p]! + PAGES * PS - start);
        const got = new Uint8Array(len);
        m.read(pid, start, got);
        for (let i = 0; i < len; i++) expect(got[i]).toBe(model[op.p]!.get(start + i) ?? 0);
        break;
      }
      case "swrite":
        m.writeU32(pid, sbases[op.p]! + op.page * PS + op.off, op.v);
        for (let i = 0; i < 4; i++) shared.set(op.page * PS + op.off + i, (op.v >>> (8 * i)) & 0xff);
        break;
      case "sread":
        for (let i = 0; i < 4; i++) {
          expect(m.readU8(pid, sbases[op.p]! + op.page * PS + op.off + i)).toBe(
            shared.get(op.page * PS + op.off + i) ?? 0,
          );
        }
        break;
      case "alloc": {
        const va = m.vmalloc(pid, op.size);
        m.writeU32(pid, va, op.v);
        heaps[op.p]!.push({ va, v: op.v });
        break;
      }
      case "free": {
        const list = heaps[op.p]!;
        if (list.length === 0) break;
        const [blk] = list.splice(op.which % list.length, 1);
        expect(m.readU32(pid, blk!.va)).toBe(blk!.v >>> 0);
        m.vfree(pid, blk!.va);
        break;
      }
      case "policy":
        m.setPolicy(ids[op.which % ids.length]!);
        break;
    }
  }
  heaps.forEach((list, i) => {
    for (const blk of list) expect(m.readU32(pids[i]!, blk.va)).toBe(blk.v >>> 0);
  });
  const before = m.stats();
  seen.clean += before.evictions.clean;
  seen.dirty += before.evictions.dirty;
  for (const pid of pids) m.exit(pid);
  const s = m.stats();
  expect(s.frames.free).toBe(FRAMES);
  expect(s.frames.pageTables).toBe(0);
  expect(m.frames.mappingCount).toBe(0);
  expect(swap.slotsInUse).toBe(0);
  expect(s.faults.total).toBe(
    s.faults.zeroFill + s.faults.fromSwap + s.faults.fromObject + s.faults.minor + s.faults.fromImage,
  );
  m.close();
}

describe("nothing is lost", () => {
  for (const policy of policyIds()) {
    it(`${policy}: every read returns the last write, with a memory swap and a swap file`, () => {
      fc.assert(
        fc.property(
          fc.array(opArb, { minLength: 20, maxLength: 120 }),
          shrinkFor((ops: Op[]) => {
            run(policy, new MemoryStore(PS), ops);
            run(policy, new FileSwapStore(PS, { capacity: 4096 }), ops);
          }),
        ),
        { numRuns: runs(25) },
      );
      expect(seen.dirty).toBeGreaterThan(0);
      expect(seen.clean).toBeGreaterThan(0);
    });
  }

  it("a workload that forces them shows clean and dirty evictions", () => {
    const m = new Machine({ frames: FRAMES, pageSize: PS, vaBits: 16, policy: "fifo" });
    const pid = m.spawn();
    const va = m.mmap(pid, 3 * PAGES * PS);
    for (let i = 0; i < 3 * PAGES; i++) m.writeU8(pid, va + i * PS, i);
    for (let r = 0; r < 2; r++)
      for (let i = 0; i < 3 * PAGES; i++) expect(m.readU8(pid, va + i * PS)).toBe(i);
    const s = m.stats();
    expect(s.evictions.dirty).toBeGreaterThan(0);
    expect(s.evictions.clean).toBeGreaterThan(0);
  });
});
