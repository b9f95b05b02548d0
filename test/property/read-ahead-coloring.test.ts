// Nothing lost with read-ahead, page coloring and memmove: random writes, reads and moves over
// anonymous memory, an executable image (code and data) and a shared object, in two processes
// with few frames, checked byte for byte against a plain model. Read-ahead from 0 to 4 pages,
// 1, 2 or 4 colors, "prefer" and "strict", several policies. After exit nothing is left in use.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Machine } from "../../src/sim/machine.js";
import { runs, shrinkFor } from "../helpers/property-runs.js";

const PS = 256;
const ANON = 10;
const CODE = 3;
const DATA = 4;
const SHARED = 4;

type Op =
  | { t: "write"; p: number; at: number; len: number; seed: number }
  | { t: "read"; p: number; at: number; len: number }
  | { t: "move"; p: number; dst: number; src: number; len: number }
  | { t: "dwrite"; p: number; at: number; v: number }
  | { t: "dread"; p: number; at: number }
  | { t: "code"; p: number; at: number }
  | { t: "swrite"; p: number; at: number; v: number }
  | { t: "sread"; p: number; at: number };

const proc = fc.nat(1);
const anonAt = fc.nat(ANON * PS - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("write" as const),
      p: proc,
      at: anonAt,
      len: fc.integer({ min: 1, max: 400 }),
      seed: fc.nat(255),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("read" as const),
      p: proc,
      at: anonAt,
      len: fc.integer({ min: 1, max: 400 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("move" as const),
      p: proc,
      dst: anonAt,
      src: anonAt,
      len: fc.integer({ min: 1, max: PS }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("dwrite" as const),
      p: proc,
      at: fc.nat(DATA * PS - 1),
      v: fc.nat(255),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("dread" as const), p: proc, at: fc.nat(DATA * PS - 1) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("code" as const), p: proc, at: fc.nat(CODE * PS - 4) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("swrite" as const),
      p: proc,
      at: fc.nat(SHARED * PS - 1),
      v: fc.nat(255),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("sread" as const), p: proc, at: fc.nat(SHARED * PS - 1) }),
  },
);

const cfgArb = fc.record({
  readAhead: fc.nat(4),
  colors: fc.constantFrom(1, 2, 4),
  coloring: fc.constantFrom("prefer" as const, "strict" as const),
  policy: fc.constantFrom("fifo", "lru", "clock", "arc", "aging"),
});

type Cfg = typeof cfgArb extends fc.Arbitrary<infer T> ? T : never;

const seen = { prefetched: 0, hits: 0, conflicts: 0, colorEvictions: 0 };

function image(name: string, salt: number) {
  const code = new Uint8Array(CODE * PS).map((_, i) => (i * 31 + salt) & 0xff);
  const data = new Uint8Array(DATA * PS).map((_, i) => (i * 17 + salt) & 0xff);
  return { name, code, data, bssBytes: 0 };
}

function run(
  cfg: { readAhead: number; colors: number; coloring: "prefer" | "strict"; policy: string },
  ops: Op[],
) {
  const m = new Machine({ pageSize: PS, vaBits: 16, frames: 12, tableFrames: 12, ...cfg });
  const imgs = [image("a", 1), image("b", 2)];
  const pids = imgs.map((img) => m.spawn({ image: img, stackPages: 4 }));
  const anon = pids.map((pid) => m.mmap(pid, ANON * PS));
  const obj = m.shmCreate(SHARED);
  const shm = pids.map((pid) => m.mmap(pid, SHARED * PS, { shared: obj }));
  m.shmUnlink(obj);
  const codeVa = PS; // code starts at page 1, data follows it
  const dataVa = (1 + CODE) * PS;
  const anonModel = pids.map(() => new Uint8Array(ANON * PS));
  const dataModel = imgs.map((img) => img.data.slice());
  const shared = new Uint8Array(SHARED * PS);
  for (const op of ops) {
    const pid = pids[op.p]!;
    switch (op.t) {
      case "write": {
        const len = Math.min(op.len, ANON * PS - op.at);
        const bytes = new Uint8Array(len).map((_, i) => (op.seed + i * 7) & 0xff);
        m.write(pid, anon[op.p]! + op.at, bytes);
        anonModel[op.p]!.set(bytes, op.at);
        break;
      }
      case "read": {
        const len = Math.min(op.len, ANON * PS - op.at);
        const got = new Uint8Array(len);
        m.read(pid, anon[op.p]! + op.at, got);
        expect(got).toEqual(anonModel[op.p]!.subarray(op.at, op.at + len));
        break;
      }
      case "move": {
        const len = Math.min(op.len, ANON * PS - op.dst, ANON * PS - op.src);
        m.memmove(pid, anon[op.p]! + op.dst, anon[op.p]! + op.src, len);
        anonModel[op.p]!.copyWithin(op.dst, op.src, op.src + len);
        break;
      }
      case "dwrite":
        m.writeU8(pid, dataVa + op.at, op.v);
        dataModel[op.p]![op.at] = op.v;
        break;
      case "dread":
        expect(m.readU8(pid, dataVa + op.at)).toBe(dataModel[op.p]![op.at]);
        break;
      case "code": {
        const c = imgs[op.p]!.code;
        const want = (c[op.at]! | (c[op.at + 1]! << 8) | (c[op.at + 2]! << 16) | (c[op.at + 3]! << 24)) >>> 0;
        expect(m.fetchU32(pid, codeVa + op.at)).toBe(want);
        break;
      }
      case "swrite":
        m.writeU8(pid, shm[op.p]! + op.at, op.v);
        shared[op.at] = op.v;
        break;
      case "sread":
        expect(m.readU8(pid, shm[op.p]! + op.at)).toBe(shared[op.at]);
        break;
    }
  }
  // Everything read back at the end, in order (sequential: read-ahead's best case).
  for (let p = 0; p < pids.length; p++) {
    const got = new Uint8Array(ANON * PS);
    m.read(pids[p]!, anon[p]!, got);
    expect(got).toEqual(anonModel[p]);
    const data = new Uint8Array(DATA * PS);
    m.read(pids[p]!, dataVa, data);
    expect(data).toEqual(dataModel[p]);
  }
  const s = m.stats();
  expect(s.frames.pinned).toBe(0);
  expect(s.prefetchHits).toBeLessThanOrEqual(s.prefetched);
  if (cfg.coloring === "strict") expect(s.colorConflicts).toBe(0);
  seen.prefetched += s.prefetched;
  seen.hits += s.prefetchHits;
  seen.conflicts += s.colorConflicts;
  seen.colorEvictions += s.colorEvictions;
  for (const pid of pids) m.exit(pid);
  const e = m.stats();
  expect(e.frames.user).toBe(0);
  expect(m.frames.mappingCount).toBe(0);
  expect(e.swap.slotsInUse).toBe(0);
}

describe("nothing is lost with read-ahead, coloring and memmove", () => {
  it("every read returns the last write", () => {
    fc.assert(
      fc.property(
        cfgArb,
        fc.array(opArb, { minLength: 10, maxLength: 80 }),
        shrinkFor((cfg: Cfg, ops: Op[]) => run(cfg, ops)),
      ),
      { numRuns: runs(60) },
    );
    // The runs really prefetched, hit, conflicted and evicted for color, or they prove little.
    expect(seen.prefetched).toBeGreaterThan(0);
    expect(seen.hits).toBeGreaterThan(0);
    expect(seen.conflicts).toBeGreaterThan(0);
    expect(seen.colorEvictions).toBeGreaterThan(0);
  });
});
