// Page coloring (seed 002: "the low bits of the VPN and PFN are identical"): exact conflict and
// eviction counts for small scenarios worked by hand, the strict invariant, and configuration errors.

import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { ACC_READ } from "../../src/mmu/mmu.js";
import { Machine } from "../../src/sim/machine.js";

const PS = 256;

/** A trace machine whose page tables live in a reserve, so every page frame is a colored user frame. */
function machine(frames: number, colors: number, coloring: "off" | "prefer" | "strict") {
  const m = new Machine({
    pageSize: PS,
    vaBits: 16,
    frames,
    tableFrames: 4,
    colors,
    coloring,
    policy: "fifo",
  });
  const pid = m.spawn({ trace: true });
  const touch = (vpns: number[]) => {
    for (const v of vpns) m.access(pid, v * PS, ACC_READ);
  };
  return { m, pid, touch };
}

describe("page coloring", () => {
  it("prefer: takes a frame of the page's color while one is free, else another color (a conflict)", () => {
    // 8 frames, 4 colors: color 0 owns frames 0 and 4. Pages 0, 4, 8, 12 all have color 0.
    const { m, pid, touch } = machine(8, 4, "prefer");
    touch([0, 4, 8, 1, 12]);
    expect(m.explain(pid, 0).frame).toBe(0);
    expect(m.explain(pid, 4 * PS).frame).toBe(4);
    // Colors are taken in turn for the fallback: 8 gets color 1's frame 1, page 1 then frame 5,
    // 12 gets color 2's frame 2.
    expect(m.explain(pid, 8 * PS).frame).toBe(1);
    expect(m.explain(pid, 1 * PS).frame).toBe(5);
    expect(m.explain(pid, 12 * PS).frame).toBe(2);
    const s = m.stats();
    expect(s.colorConflicts).toBe(2);
    expect(s.colorEvictions).toBe(0);
    expect(s.faults.total).toBe(5);
    expect(s.evictions.clean + s.evictions.dirty).toBe(0);
  });

  it("strict: evicts until a frame of the right color is free, counting the evictions an uncolored allocator would not make", () => {
    // Page 8 (color 0) while 6 frames are free but none of color 0: FIFO evicts page 0 (frame 0),
    // one extra eviction. Page 0 again: FIFO evicts page 4 (frame 4), another extra one.
    const { m, pid, touch } = machine(8, 4, "strict");
    touch([0, 4, 8, 0]);
    const s = m.stats();
    expect(s.faults.total).toBe(4);
    expect(s.evictions.clean).toBe(2);
    expect(s.colorEvictions).toBe(2);
    expect(s.colorConflicts).toBe(0);
    expect(m.explain(pid, 8 * PS).frame).toBe(0);
    expect(m.explain(pid, 0).frame).toBe(4);
    // The same references without coloring: 3 faults, no eviction. That is the constraint's cost.
    const u = machine(8, 4, "off");
    u.touch([0, 4, 8, 0]);
    expect(u.m.stats().faults.total).toBe(3);
    expect(u.m.stats().evictions.clean).toBe(0);
  });

  it("strict: when memory is full, the first eviction is one an uncolored allocator makes too", () => {
    // 4 frames, 2 colors: pages 0..3 fill frames 0..3. Page 5 (color 1): FIFO evicts page 0
    // (frame 0, color 0; not extra), then page 1 (frame 1, color 1; extra) and takes frame 1.
    // Page 4 (color 0) then finds frame 0 free.
    const { m, pid, touch } = machine(4, 2, "strict");
    touch([0, 1, 2, 3, 5, 4]);
    const s = m.stats();
    expect(s.faults.total).toBe(6);
    expect(s.evictions.clean).toBe(2);
    expect(s.colorEvictions).toBe(1);
    expect(m.explain(pid, 5 * PS).frame).toBe(1);
    expect(m.explain(pid, 4 * PS).frame).toBe(0);
  });

  it("strict: every resident page sits in a frame of its color, whatever the references", () => {
    const { m, pid, touch } = machine(16, 8, "strict");
    let x = 12345;
    const refs: number[] = [];
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      refs.push((x >>> 8) % 64);
    }
    touch(refs);
    for (let v = 0; v < 64; v++) {
      const f = m.explain(pid, v * PS).frame;
      if (f >= 0) expect(f % 8).toBe(v % 8);
    }
    expect(m.stats().colorConflicts).toBe(0);
  });

  it("rejects colors that are not a power of two, exceed the frames, or an unknown mode", () => {
    expect(() => new Machine({ frames: 8, colors: 3 })).toThrow(ConfigError);
    expect(() => new Machine({ frames: 8, colors: 16 })).toThrow(/colors/);
    expect(() => new Machine({ frames: 8, colors: 2, coloring: "always" as never })).toThrow(/coloring/);
  });
});
