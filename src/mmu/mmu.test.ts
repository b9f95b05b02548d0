import { describe, expect, it } from "vitest";
import { makeLayout, parseShape } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import { FRAME_TABLE, FRAME_USER, FrameTable } from "../phys/frames.js";
import { PhysicalMemory } from "../phys/memory.js";
import {
  ACC_EXEC,
  ACC_READ,
  ACC_WRITE,
  FAULT_BAD_ADDRESS,
  FAULT_NOT_PRESENT,
  FAULT_PROTECTION,
  Mmu,
} from "./mmu.js";
import { PageTables } from "./page-table.js";
import { PTE_A, PTE_D, PTE_U, PTE_W, PTE_X, pteDescribe, pteMapped, pteSwapped } from "./pte.js";
import { Tlb, type TlbConfig } from "./tlb.js";

function rig(shape = "sv32", frames = 64, tlb: TlbConfig = { entries: 16, ways: 4, mode: "tagged" }) {
  const layout = makeLayout(parseShape(shape));
  const mem = new PhysicalMemory(frames, layout.pageSize);
  const ft = new FrameTable(frames);
  const tables = new PageTables(layout, mem, ft, () => ft.allocate(FRAME_TABLE));
  const t = new Tlb(tlb);
  const mmu = new Mmu(layout, mem, t, tables);
  const root = tables.newRoot();
  mmu.install(1, root);
  const map = (vpn: number, frame: number, perm = PTE_W | PTE_U) => {
    const addr = tables.ensure(root, vpn);
    tables.setLeaf(root, vpn, addr, pteMapped(frame, perm));
    return addr;
  };
  return { layout, mem, ft, tables, tlb: t, mmu, root, map };
}

describe("page tables in frames", () => {
  it("allocates intermediate tables lazily and frees them with their last entry", () => {
    const r = rig("sv39");
    expect(r.ft.tableCount).toBe(1);
    const a = r.map(5, 40);
    expect(r.ft.tableCount).toBe(3);
    r.map(6, 41);
    expect(r.ft.tableCount).toBe(3);
    const far = 3 * 512 * 512 + 9;
    const b = r.map(far, 42);
    expect(r.ft.tableCount).toBe(5);
    r.tables.setLeaf(r.root, far, b, 0);
    expect(r.ft.tableCount).toBe(3);
    r.tables.setLeaf(r.root, 5, a, 0);
    expect(r.ft.tableCount).toBe(3);
    r.tables.setLeaf(r.root, 6, r.tables.lookup(r.root, 6), 0);
    expect(r.ft.tableCount).toBe(1);
    expect(r.tables.lookup(r.root, 6)).toBe(-1);
  });

  it("keeps a table alive while it holds a non-present entry", () => {
    const r = rig();
    const a = r.tables.ensure(r.root, 3);
    r.tables.setLeaf(r.root, 3, a, pteSwapped(17, PTE_W | PTE_U));
    expect(r.ft.tableCount).toBe(2);
    expect(pteDescribe(r.mem.readU32(a))).toBe("not present, in swap slot 17");
    const leaves: number[] = [];
    r.tables.forEachLeaf(r.root, (vpn) => leaves.push(vpn));
    expect(leaves).toEqual([3]);
  });

  it("frees a whole tree", () => {
    const r = rig("x86-64", 32);
    for (const vpn of [1, 2 ** 20, 2 ** 30, 2 ** 35 + 7]) r.map(vpn, 20);
    expect(r.ft.tableCount).toBeGreaterThan(8);
    r.tables.freeTree(r.root);
    expect(r.ft.tableCount).toBe(0);
    expect(r.ft.freeCount).toBe(32);
  });
});

describe("MMU", () => {
  it("translates the documents' example: 0x4ED with entries 0x14, 0x18, 0x08, 0x01 → 0x60ED", () => {
    const r = rig("6/10", 64);
    [0x14, 0x18, 0x08, 0x01].forEach((frame, vpn) => {
      r.ft.claim(frame, FRAME_USER);
      r.map(vpn, frame);
    });
    expect(r.mmu.translate(0x4ed, ACC_READ)).toBe(0x60ed);
    expect(r.mmu.translate(0x0ed, ACC_READ)).toBe(0x50ed);
    expect(r.mmu.translate(0xced, ACC_READ)).toBe(0x04ed);
  });

  it("sets the accessed bit on an access and the dirty bit on a write, through the TLB", () => {
    const r = rig();
    const a = r.map(9, 30);
    expect(r.mmu.translate(9 * 4096 + 5, ACC_READ)).toBe(30 * 4096 + 5);
    expect(r.mem.readU32(a) & (PTE_A | PTE_D)).toBe(PTE_A);
    expect(r.tlb.misses).toBe(1);
    r.mmu.translate(9 * 4096, ACC_READ);
    expect(r.tlb.hits).toBe(1);
    r.mmu.translate(9 * 4096, ACC_WRITE);
    expect(r.mem.readU32(a) & PTE_D).toBe(PTE_D);
    expect(r.tlb.misses).toBe(2);
    r.mmu.translate(9 * 4096 + 8, ACC_WRITE);
    expect(r.tlb.hits).toBe(2);
  });

  it("returns fault codes, never throws", () => {
    const r = rig();
    r.map(2, 10, PTE_U);
    expect(r.mmu.translate(7 * 4096, ACC_READ)).toBe(FAULT_NOT_PRESENT);
    expect(r.mmu.fault.vpn).toBe(7);
    expect(r.mmu.translate(2 * 4096, ACC_WRITE)).toBe(FAULT_PROTECTION);
    expect(r.mmu.translate(2 * 4096, ACC_EXEC)).toBe(FAULT_PROTECTION);
    expect(r.mmu.translate(2 ** 32, ACC_READ)).toBe(FAULT_BAD_ADDRESS);
    expect(r.mmu.translate(-1, ACC_READ)).toBe(FAULT_BAD_ADDRESS);
    r.map(3, 11, PTE_U | PTE_X);
    expect(r.mmu.translate(3 * 4096, ACC_EXEC)).toBe(11 * 4096);
  });

  it("agrees with a walk-only MMU (no TLB) on every translation", () => {
    const a = rig("sv32", 64, { entries: 8, ways: 2, mode: "tagged" });
    const b = rig("sv32", 64, { entries: 0, ways: 1, mode: "tagged" });
    for (const r of [a, b]) for (let vpn = 0; vpn < 20; vpn++) r.map(vpn * 37, 20 + vpn);
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const va = (seed % (20 * 37 * 4096 + 4096)) + 0;
      const acc = seed % 3 === 0 ? ACC_WRITE : ACC_READ;
      expect(a.mmu.translate(va, acc)).toBe(b.mmu.translate(va, acc));
    }
    expect(a.tlb.hits).toBeGreaterThan(0);
    expect(b.tlb.hits).toBe(0);
  });
});

describe("TLB", () => {
  it("evicts round-robin within a set and tags entries by address space", () => {
    const t = new Tlb({ entries: 4, ways: 2, mode: "tagged" });
    t.fill(1, 0, 10, 0);
    t.fill(1, 2, 12, 0);
    t.fill(2, 0, 20, 0);
    expect(t.find(1, 0)).toBe(-1);
    expect(t.frame[t.find(2, 0)]).toBe(20);
    expect(t.frame[t.find(1, 2)]).toBe(12);
    t.invalidate(1, 2);
    expect(t.find(1, 2)).toBe(-1);
    t.fill(3, 1, 5, 0);
    t.invalidateAsid(3);
    expect(t.validCount()).toBe(1);
  });

  it("flushes on a context switch in flush mode only", () => {
    const f = rig("sv32", 16, { entries: 16, ways: 4, mode: "flush" });
    const g = rig("sv32", 16, { entries: 16, ways: 4, mode: "tagged" });
    for (const r of [f, g]) {
      r.map(1, 5);
      r.mmu.translate(4096, ACC_READ);
      r.mmu.install(2, r.root);
      r.mmu.install(1, r.root);
      r.mmu.translate(4096, ACC_READ);
    }
    expect(f.tlb.flushes).toBe(3); // the rig's first install, then two switches
    expect(f.tlb.hits).toBe(0);
    expect(g.tlb.flushes).toBe(0);
    expect(g.tlb.hits).toBe(1);
  });

  it("rejects a bad geometry", () => {
    expect(() => new Tlb({ entries: 48, ways: 4, mode: "tagged" })).toThrow(ConfigError);
    expect(() => new Tlb({ entries: 64, ways: 3, mode: "tagged" })).toThrow(ConfigError);
  });
});
