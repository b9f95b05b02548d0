// Tests written to kill mutants that nothing else caught (issue 18 items 13 and 14): the sticky
// dirty bit a frame keeps when one sharer of a written page unmaps it; setPolicy adopting frames in
// load order; and a broken engine failing fast with a message instead of looping (a restarted
// access that faults again, a reclaim that frees nothing). scripts/mutants.mjs applies the
// mutants one by one and expects these and the other tests to fail, not to time out.

import { describe, expect, it } from "vitest";
import { InternalError } from "../../src/core/errors.js";
import type { MachineEvent } from "../../src/core/events.js";
import { ACC_READ } from "../../src/mmu/mmu.js";
import { RECLAIM_CLEAN } from "../../src/pager/pager.js";
import { Machine } from "../../src/sim/machine.js";

const PS = 256;

describe("the dirty bit of a shared page outlives the mapping that set it", () => {
  it("a sharer that wrote and unmapped: the page is still written back when evicted", () => {
    const m = new Machine({ pageSize: PS, vaBits: 16, frames: 2, tableFrames: 8, policy: "fifo" });
    const a = m.spawn({ name: "A" });
    const b = m.spawn({ name: "B" });
    const obj = m.shmCreate(1);
    const va = m.mmap(a, PS, { shared: obj });
    const vb = m.mmap(b, PS, { shared: obj });
    expect(m.readU8(b, vb)).toBe(0); // B maps the page first (clean), and owns the frame
    m.writeU8(a, va + 7, 0x5c); // A's PTE alone carries the dirty bit
    m.munmap(a, va, PS); // ... and goes: the frame must remember it was written
    const vc = m.mmap(b, 2 * PS);
    m.writeU8(b, vc, 1);
    m.writeU8(b, vc + PS, 2); // FIFO evicts the shared page
    const writebacks = m.stats().writebacks;
    expect(m.stats().swap.slotsInUse).toBeGreaterThan(0);
    expect(m.readU8(b, vb + 7)).toBe(0x5c);
    expect(writebacks).toBeGreaterThanOrEqual(1);
  });
});

describe("setPolicy adopts the resident pages in the order they came in", () => {
  it("after a switch to FIFO the oldest loaded page goes first, not the lowest frame", () => {
    // 4 frames under LRU: pages 0-3 fill frames 0-3; page 4 evicts page 0 and takes frame 0, so
    // frame 0 holds the newest page. FIFO must then evict page 1 (the oldest), not page 4.
    const m = new Machine({ pageSize: PS, vaBits: 16, frames: 4, tableFrames: 8, policy: "lru" });
    const p = m.spawn({ trace: true });
    for (let page = 0; page <= 4; page++) m.access(p, page * PS, ACC_READ);
    const evicted: number[] = [];
    m.events.on("evict", (e: MachineEvent) => {
      if (e.type === "evict") evicted.push(e.vpn);
    });
    m.setPolicy("fifo");
    for (const page of [5, 6, 7, 8]) m.access(p, page * PS, ACC_READ);
    expect(evicted).toEqual([1, 2, 3, 4]);
  });
});

describe("a broken engine fails fast", () => {
  it("an access that faults again right after its page was mapped is an InternalError, not a loop", () => {
    const m = new Machine({ pageSize: PS, vaBits: 16, frames: 4, tableFrames: 8 });
    const p = m.spawn({ trace: true });
    m.access(p, 0, ACC_READ);
    // Break the MMU: every translation of page 1 reports it not present, even once mapped.
    const translate = m.mmu.translate.bind(m.mmu);
    m.mmu.translate = (va, acc) => (Math.floor(va / PS) === 1 ? -1 : translate(va, acc));
    expect(() => m.readU8(p, PS)).toThrow(InternalError);
    expect(() => m.readU8(p, PS)).toThrow(/faulted again \(code -1\) right after its page was mapped/);
  });

  it("a reclaim that reports a page evicted but frees no frame stops kswapd with an InternalError", () => {
    const m = new Machine({
      pageSize: PS,
      vaBits: 16,
      frames: 8,
      tableFrames: 8,
      kswapd: { watermarks: { min: 1, low: 2, high: 3 } },
    });
    const p = m.spawn({ trace: true });
    m.pager.supply.reclaim = () => RECLAIM_CLEAN; // claims success, frees nothing
    expect(() => {
      for (let page = 0; page < 8; page++) m.access(p, page * PS, ACC_READ);
    }).toThrow(/kswapd: a page reported reclaimed freed no frame/);
  });
});
