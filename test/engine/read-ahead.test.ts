// Sequential read-ahead: a worked sequential scan with exact faults, prefetches, hits and
// simulated time against pure demand paging; hits that never come; what is never read ahead.

import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { DEFAULT_COSTS } from "../../src/core/time.js";
import { Machine } from "../../src/sim/machine.js";

const PS = 256;
const READ = DEFAULT_COSTS.diskReadNs;
const WRITE = DEFAULT_COSTS.diskWriteNs;
const XFER = DEFAULT_COSTS.diskTransferNs;

/** 8 pages written (so 0-3 go to swap, 4-7 stay dirty in the 4 frames), then read in order. */
function scan(readAhead: number) {
  const m = new Machine({
    pageSize: PS,
    vaBits: 16,
    frames: 4,
    tableFrames: 4,
    policy: "fifo",
    readAhead,
    costs: { walkPerLevelNs: 0 },
  });
  const pid = m.spawn();
  const va = m.mmap(pid, 8 * PS);
  for (let i = 0; i < 8; i++) m.writeU8(pid, va + i * PS, i + 1);
  const before = m.stats();
  const got: number[] = [];
  for (let i = 0; i < 8; i++) got.push(m.readU8(pid, va + i * PS));
  const after = m.stats();
  return { m, pid, va, got, before, after };
}

describe("sequential read-ahead", () => {
  it("a sequential scan: 2 faults instead of 8, one latency per request", () => {
    const d = scan(0);
    const r = scan(3);
    expect(d.got).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.got).toEqual(d.got);
    // Demand paging: every page faults; the first four evict the dirty pages 4-7 (4 writes).
    expect(d.after.faults.fromSwap - d.before.faults.fromSwap).toBe(8);
    expect(d.after.timeNs - d.before.timeNs).toBe(8 * 200 + 8 * READ + 4 * WRITE);
    // Read-ahead 3: page 0 faults and brings 1-3 (evicting 4-7, dirty), page 4 faults and brings 5-7.
    expect(r.after.faults.fromSwap - r.before.faults.fromSwap).toBe(2);
    expect(r.after.prefetched).toBe(6);
    expect(r.after.prefetchHits).toBe(6);
    expect(r.after.pageIns - r.before.pageIns).toBe(8);
    expect(r.after.writebacks - r.before.writebacks).toBe(4);
    expect(r.after.timeNs - r.before.timeNs).toBe(8 * 200 + 2 * READ + 6 * XFER + 4 * WRITE);
  });

  it("counts a prefetched page as a hit only once it is referenced", () => {
    const m = new Machine({
      pageSize: PS,
      vaBits: 16,
      frames: 4,
      tableFrames: 4,
      policy: "fifo",
      readAhead: 3,
    });
    const pid = m.spawn();
    const va = m.mmap(pid, 8 * PS);
    for (let i = 0; i < 8; i++) m.writeU8(pid, va + i * PS, i + 1);
    m.readU8(pid, va); // brings 1, 2, 3 ahead
    expect([m.stats().prefetched, m.stats().prefetchHits]).toEqual([3, 0]);
    m.readU8(pid, va + 2 * PS);
    expect(m.stats().prefetchHits).toBe(1);
    // Pages 4.. evict the prefetched 1 and 3 unreferenced: still one hit.
    for (let i = 4; i < 8; i++) m.readU8(pid, va + i * PS);
    const s = m.stats();
    expect(s.prefetchHits).toBe(1 + 3); // page 4's fault read 5-7 ahead and they were all read
    expect(s.prefetched).toBe(6);
  });

  it("never reads ahead zero-fill pages, past the region, or on a fault that read nothing", () => {
    const m = new Machine({
      pageSize: PS,
      vaBits: 16,
      frames: 8,
      tableFrames: 4,
      policy: "fifo",
      readAhead: 4,
    });
    const pid = m.spawn();
    const va = m.mmap(pid, 3 * PS);
    for (let i = 0; i < 3; i++) m.writeU8(pid, va + i * PS, 9); // zero-fill faults: no read-ahead
    expect(m.stats().prefetched).toBe(0);
    m.pageOut(pid, va + PS);
    m.pageOut(pid, va + 2 * PS);
    m.pageOut(pid, va);
    m.readU8(pid, va); // reads page 0 from swap, 1 and 2 ahead; the region ends there
    expect(m.stats().prefetched).toBe(2);
    expect(m.stats().faults.fromSwap).toBe(1);
  });

  it("rejects a negative or fractional readAhead", () => {
    expect(() => new Machine({ frames: 8, readAhead: -1 })).toThrow(ConfigError);
    expect(() => new Machine({ frames: 8, readAhead: 1.5 })).toThrow(/readAhead/);
  });
});
