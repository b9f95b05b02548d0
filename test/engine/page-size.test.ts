// Page size as a trade-off (issue 17 item 20, seed 002): faults, page-table frames and internal
// fragmentation side by side, on a program small enough to count by hand.

import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { pageSizeSweep, touchedRegions } from "../../src/sim/page-size.js";

describe("page-size sweep", () => {
  // A sequential pass over 8 KiB (one reference every 64 bytes), then one stack reference high up.
  const addrs = [...Array.from({ length: 128 }, (_, i) => i * 64), 0xbfff_f000];
  const rows = pageSizeSweep({
    addresses: addrs,
    count: addrs.length,
    regions: [
      { name: "text", bytes: 5000 },
      { name: "data", bytes: 100 },
    ],
    memoryBytes: 4096,
    pageSizes: [1024, 4096],
  });

  it("counts faults in the same memory: more, smaller pages fault more often", () => {
    // 1 KiB: 4 frames, pages 0..7 then the stack's: 9 cold faults. 4 KiB: 1 frame, pages 0, 1, stack.
    expect(rows.map((r) => [r.pageSize, r.frames, r.pages, r.faults])).toEqual([
      [1024, 4, 9, 9],
      [4096, 1, 3, 3],
    ]);
    expect(rows.map((r) => r.faultBytes)).toEqual([9 * 1024, 3 * 4096]);
  });

  it("counts the page tables that map the touched pages", () => {
    // 1 KiB pages, 32-bit VAs, 4-byte PTEs: levels 6/8/8; the low pages share one table per level,
    // the stack page needs its own below the root: 1 + 2 + 2. 4 KiB: levels 10/10: 1 + 2.
    expect(rows.map((r) => r.pageTableFrames)).toEqual([5, 3]);
    expect(rows.map((r) => r.pageTableBytes)).toEqual([5 * 1024, 3 * 4096]);
  });

  it("counts the bytes mapped past each region's end", () => {
    // 1 KiB: (5120 − 5000) + (1024 − 100); 4 KiB: (8192 − 5000) + (4096 − 100).
    expect(rows.map((r) => r.fragmentationBytes)).toEqual([120 + 924, 3192 + 3996]);
  });

  it("refuses memory smaller than a page and addresses outside the space", () => {
    expect(() =>
      pageSizeSweep({ addresses: [0], count: 1, regions: [], memoryBytes: 1000, pageSizes: [4096] }),
    ).toThrow(ConfigError);
    expect(() =>
      pageSizeSweep({ addresses: [2 ** 32], count: 1, regions: [], memoryBytes: 8192, pageSizes: [4096] }),
    ).toThrow(/addresses\[0\]/);
  });

  it("finds a trace's regions as runs of touched units, and counts mapped bytes outside them", () => {
    // Units of 4 KiB: 0, 1, 2 form a run, 5 another.
    const a = [0, 4096, 8192, 4096, 20480];
    const regions = touchedRegions(a, a.length, 4096);
    expect(regions.map((g) => [g.start, g.bytes])).toEqual([
      [0, 12288],
      [20480, 4096],
    ]);
    const [r4k, r16k] = pageSizeSweep({
      addresses: a,
      count: a.length,
      regions,
      memoryBytes: 65536,
      pageSizes: [4096, 16384],
    });
    expect(r4k!.fragmentationBytes).toBe(0);
    // 16 KiB pages 0 (the first run) and 1 (the second): 32 KiB mapped for 16 KiB used.
    expect(r16k!.fragmentationBytes).toBe(2 * 16384 - 16384);
  });

  it("gives each process its own pages and page tables", () => {
    const a = [0, 0, 4096];
    const pids = [1, 2, 1];
    const [r] = pageSizeSweep({
      addresses: a,
      pids,
      count: 3,
      regions: [],
      memoryBytes: 65536,
      pageSizes: [4096],
    });
    // Pages (1, 0), (2, 0), (1, 1): 3 pages, 3 cold faults; two processes: two roots and two leaves.
    expect([r!.pages, r!.faults, r!.pageTableFrames]).toEqual([3, 3, 4]);
    expect(touchedRegions(a, 3, 4096, pids).map((g) => [g.pid, g.start, g.bytes])).toEqual([
      [1, 0, 8192],
      [2, 0, 4096],
    ]);
  });
});
