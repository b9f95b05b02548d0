import { describe, expect, it } from "vitest";
import { FileSwapStore } from "../../node/file-swap-store.js";
import {
  AddressError,
  ConfigError,
  HeapError,
  NoSuchProcessError,
  OutOfMemoryError,
  ProcessFaultError,
  UnknownIdError,
} from "../../src/core/errors.js";
import type { MachineEvent } from "../../src/core/events.js";
import { fatalFaults } from "../../src/core/stats.js";
import { eatFormulaNs } from "../../src/core/time.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE } from "../../src/mmu/mmu.js";
import { PERM_R } from "../../src/pager/region.js";
import { Machine, type MachineStats } from "../../src/sim/machine.js";

const PS = 4096;

function checkSumRules(s: MachineStats): void {
  const f = s.faults;
  expect(f.total).toBe(f.zeroFill + f.fromImage + f.fromSwap + f.fromObject + f.minor + fatalFaults(f));
  expect(s.references).toBe(s.reads + s.writes + s.fetches);
  expect(s.frames.total).toBe(s.frames.free + s.frames.user + s.frames.pageTables);
  const per = s.processes.reduce((a, p) => a + p.faults.total, 0);
  expect(per).toBe(f.total);
  expect(s.evictions.dirty).toBe(s.writebacks);
}

describe("translation", () => {
  it("reproduces the documents' example: 16-bit VA, 1 KiB pages, 0x4ED → 0x60ED", () => {
    const m = new Machine({ shape: "6/10", frames: 64 });
    const pid = m.spawn({ trace: true });
    [0x14, 0x18, 0x08, 0x01].forEach((frame, vpn) => {
      m.mapFixed(pid, vpn, frame);
    });
    const t = m.explain(pid, 0x4ed);
    expect([t.vpn, t.offset, t.frame, t.pa]).toEqual([1, 0x0ed, 0x18, 0x60ed]);
    expect(m.access(pid, 0x4ed, ACC_READ)).toBe(0x60ed);
    m.writeU8(pid, 0x4ed, 0x5a);
    expect(m.mem.bytes[0x60ed]).toBe(0x5a);
  });

  it("works with every preset shape and page tables in frames", () => {
    for (const shape of ["x86-32", "sv32", "sv39", "x86-64"]) {
      const m = new Machine({ shape, frames: 32 });
      const pid = m.spawn();
      const va = m.mmap(pid, 3 * PS);
      m.writeU32(pid, va + 8, 0xcafe);
      expect(m.readU32(pid, va + 8)).toBe(0xcafe);
      const s = m.stats();
      expect(s.frames.pageTables).toBe(m.layout.levels + (shape === "x86-32" || shape === "sv32" ? 0 : 0));
      expect(s.processes[0]!.pageTableFrames).toBe(s.frames.pageTables);
    }
  });
});

describe("demand paging with real bytes", () => {
  it("zero-fills, evicts dirty pages to swap and reads them back intact", () => {
    const m = new Machine({ frames: 6, policy: "fifo" });
    const pid = m.spawn();
    const va = m.mmap(pid, 16 * PS);
    for (let i = 0; i < 16; i++) m.writeU32(pid, va + i * PS + 12, 1000 + i);
    for (let i = 0; i < 16; i++) expect(m.readU32(pid, va + i * PS + 12)).toBe(1000 + i);
    const s = m.stats();
    expect(s.faults.zeroFill).toBe(16);
    expect(s.faults.fromSwap).toBeGreaterThan(0);
    expect(s.evictions.dirty).toBeGreaterThan(0);
    checkSumRules(s);
  });

  it("writes back only dirty pages: read-only pages are dropped clean", () => {
    const m = new Machine({ frames: 5, policy: "fifo" });
    const pid = m.spawn();
    const va = m.mmap(pid, 10 * PS);
    for (let round = 0; round < 3; round++) for (let i = 0; i < 10; i++) m.readU8(pid, va + i * PS);
    const s = m.stats();
    expect(s.evictions.dirty).toBe(0);
    expect(s.writebacks).toBe(0);
    expect(s.evictions.clean).toBeGreaterThan(0);
    expect(m.swap.slotsInUse).toBe(0);
  });

  it("reloads code from the image, never from swap, and keeps data changes in swap", () => {
    const code = new Uint8Array(2 * PS).map((_, i) => i & 0xff);
    const data = new Uint8Array(PS).fill(7);
    const m = new Machine({ frames: 5, policy: "fifo" });
    const pid = m.spawn({ image: { name: "prog", code, data, bssBytes: PS } });
    const codeVa = PS;
    const dataVa = 3 * PS;
    expect(m.fetchU32(pid, codeVa + 4)).toBe(0x07060504);
    expect(m.readU8(pid, dataVa)).toBe(7);
    m.writeU8(pid, dataVa, 99);
    const heap = m.sbrk(pid, 8 * PS);
    for (let i = 0; i < 8; i++) m.writeU8(pid, heap + i * PS, i);
    expect(m.fetchU32(pid, codeVa + PS)).toBe(0x03020100);
    expect(m.readU8(pid, dataVa)).toBe(99);
    expect(m.readU8(pid, dataVa + 1)).toBe(7);
    const s = m.stats();
    expect(s.faults.fromImage).toBeGreaterThanOrEqual(3);
    expect(() => m.writeU8(pid, codeVa, 1)).toThrow(ProcessFaultError);
    expect(m.exitReason(pid)).toMatch(/protection/);
  });

  it("splits typed reads and writes across page boundaries", () => {
    const m = new Machine({ frames: 8, pageSize: 256, vaBits: 16 });
    const pid = m.spawn();
    const va = m.mmap(pid, 4 * 256);
    m.writeU64(pid, va + 252, 0x1122334455667788n);
    m.writeF64(pid, va + 510, Math.PI);
    m.writeU16(pid, va + 767, 0xbeef);
    expect(m.readU64(pid, va + 252)).toBe(0x1122334455667788n);
    expect(m.readF64(pid, va + 510)).toBe(Math.PI);
    expect(m.readU16(pid, va + 767)).toBe(0xbeef);
    const bytes = new Uint8Array(600).map((_, i) => i % 251);
    m.write(pid, va + 100, bytes);
    const back = new Uint8Array(600);
    m.read(pid, va + 100, back);
    expect(back).toEqual(bytes);
  });
});

describe("processes", () => {
  it("gives each process its own address space", () => {
    const m = new Machine({ frames: 16 });
    const a = m.spawn();
    const b = m.spawn();
    const va = m.mmap(a, PS);
    expect(m.mmap(b, PS)).toBe(va);
    m.writeU32(a, va, 111);
    m.writeU32(b, va, 222);
    expect(m.readU32(a, va)).toBe(111);
    expect(m.readU32(b, va)).toBe(222);
    expect(m.stats().switches).toBeGreaterThanOrEqual(4);
  });

  it("kills only the faulting process on a segmentation fault", () => {
    const m = new Machine({ frames: 16 });
    const a = m.spawn();
    const b = m.spawn();
    const va = m.mmap(b, PS);
    m.writeU8(b, va, 5);
    expect(() => m.readU8(a, 0)).toThrow(ProcessFaultError);
    expect(m.isAlive(a)).toBe(false);
    expect(m.exitReason(a)).toMatch(/segfault/);
    expect(() => m.readU8(a, va)).toThrow(NoSuchProcessError);
    expect(m.readU8(b, va)).toBe(5);
    const s = m.stats();
    expect(s.faults.segmentation).toBe(1);
    checkSumRules(s);
  });

  it("grows the stack down on demand and stops at the guard gap", () => {
    const m = new Machine({ frames: 16, pageSize: 4096, vaBits: 24 });
    const pid = m.spawn({ stackPages: 4 });
    const top = 2 ** 24;
    for (let i = 1; i <= 4; i++) m.writeU32(pid, top - i * PS, i);
    for (let i = 1; i <= 4; i++) expect(m.readU32(pid, top - i * PS)).toBe(i);
    expect(() => m.writeU32(pid, top - 5 * PS, 0)).toThrow(ProcessFaultError);
  });

  it("returns every frame, table and swap slot on exit", () => {
    const m = new Machine({ frames: 8, policy: "lru" });
    const pids = [m.spawn(), m.spawn(), m.spawn()];
    for (const pid of pids) {
      const va = m.mmap(pid, 12 * PS);
      for (let i = 0; i < 12; i++) m.writeU8(pid, va + i * PS, pid);
    }
    expect(m.swap.slotsInUse).toBeGreaterThan(0);
    for (const pid of pids) m.exit(pid);
    const s = m.stats();
    expect(s.frames.free).toBe(8);
    expect(s.swap.slotsInUse).toBe(0);
    expect(m.frames.mappingCount).toBe(0);
    checkSumRules(s);
  });

  it("unmaps ranges and prunes empty page tables", () => {
    const m = new Machine({ frames: 16, shape: "sv39" });
    const pid = m.spawn();
    const before = m.stats().frames.pageTables;
    const va = m.mmap(pid, 4 * PS);
    for (let i = 0; i < 4; i++) m.writeU8(pid, va + i * PS, 1);
    m.munmap(pid, va + PS, 2 * PS);
    expect(m.readU8(pid, va)).toBe(1);
    expect(() => m.readU8(pid, va + PS)).toThrow(ProcessFaultError);
    const pid2 = m.spawn();
    const va2 = m.mmap(pid2, PS);
    m.writeU8(pid2, va2, 1);
    const withTables = m.stats().frames.pageTables;
    m.munmap(pid2, va2, PS);
    expect(m.stats().frames.pageTables).toBe(withTables - (m.layout.levels - 1));
    expect(before).toBe(1);
  });
});

describe("heap", () => {
  it("vmalloc keeps its bookkeeping in the process's own paged memory", () => {
    const m = new Machine({ frames: 6, policy: "fifo" });
    const pid = m.spawn();
    const ptrs = Array.from({ length: 40 }, (_, i) => m.vmalloc(pid, 300 + i * 50));
    ptrs.forEach((p, i) => {
      m.writeU32(pid, p, i * 3);
    });
    ptrs.forEach((p, i) => {
      expect(m.readU32(pid, p)).toBe(i * 3);
    });
    for (let i = 0; i < ptrs.length; i += 2) m.vfree(pid, ptrs[i]!);
    const again = m.vmalloc(pid, 300);
    expect(again).toBe(ptrs[0]);
    expect(() => m.vfree(pid, ptrs[2]!)).toThrow(HeapError);
    expect(() => m.vfree(pid, ptrs[1]! + 8)).toThrow(HeapError);
    expect(() => m.vmalloc(pid, -5)).toThrow(HeapError);
    expect(m.stats().evictions.dirty).toBeGreaterThan(0);
  });

  it("sbrk grows and shrinks the heap, freeing pages above the break", () => {
    const m = new Machine({ frames: 16 });
    const pid = m.spawn();
    const base = m.sbrk(pid, 3 * PS);
    m.writeU8(pid, base + 2 * PS, 9);
    m.sbrk(pid, -2 * PS);
    expect(() => m.readU8(pid, base + 2 * PS)).toThrow(ProcessFaultError);
  });
});

describe("shared mappings", () => {
  it("two processes see each other's writes through shared frames, across evictions", () => {
    const m = new Machine({ frames: 7, policy: "fifo" });
    const a = m.spawn();
    const b = m.spawn();
    const obj = m.shmCreate(4);
    const va = m.mmap(a, 4 * PS, { shared: obj });
    const vb = m.mmap(b, 4 * PS, { shared: obj });
    m.writeU32(a, va + PS, 0xabc);
    expect(m.readU32(b, vb + PS)).toBe(0xabc);
    const scratch = m.mmap(b, 10 * PS);
    for (let i = 0; i < 10; i++) m.writeU8(b, scratch + i * PS, 1);
    m.writeU32(b, vb + 3 * PS, 77);
    expect(m.readU32(a, va + 3 * PS)).toBe(77);
    expect(m.readU32(a, va + PS)).toBe(0xabc);
    const s = m.stats();
    expect(s.faults.minor).toBeGreaterThan(0);
    m.shmUnlink(obj);
    m.exit(a);
    m.exit(b);
    expect(m.stats().frames.free).toBe(7);
    expect(m.swap.slotsInUse).toBe(0);
  });

  it("maps a shared region read-only in one process", () => {
    const m = new Machine({ frames: 8 });
    const a = m.spawn();
    const b = m.spawn();
    const obj = m.shmCreate(1);
    const va = m.mmap(a, PS, { shared: obj });
    const vb = m.mmap(b, PS, { shared: obj, perm: PERM_R });
    m.writeU8(a, va, 3);
    expect(m.readU8(b, vb)).toBe(3);
    expect(() => m.writeU8(b, vb, 4)).toThrow(ProcessFaultError);
    expect(m.readU8(a, va)).toBe(3);
  });
});

describe("pinning and explicit paging", () => {
  it("never evicts a pinned page and refuses to pin more than memory holds", () => {
    const m = new Machine({ frames: 5, policy: "fifo" });
    const pid = m.spawn();
    const va = m.mmap(pid, 8 * PS);
    m.pin(pid, va);
    for (let i = 1; i < 8; i++) m.writeU8(pid, va + i * PS, i);
    expect(m.explain(pid, va).frame).toBeGreaterThanOrEqual(0);
    m.pin(pid, va + PS);
    m.pin(pid, va + 2 * PS);
    expect(() => m.pin(pid, va + 3 * PS)).toThrow(OutOfMemoryError);
    m.unpin(pid, va + PS);
    expect(m.pin(pid, va + 3 * PS)).toBeGreaterThanOrEqual(0);
    expect(() => m.unpin(pid, va + 5 * PS)).toThrow(AddressError);
  });

  it("pages out and in on request", () => {
    const m = new Machine({ frames: 8 });
    const pid = m.spawn();
    const va = m.mmap(pid, PS);
    m.writeU32(pid, va, 42);
    expect(m.pageOut(pid, va)).toBe(true);
    expect(m.explain(pid, va).frame).toBe(-1);
    expect(m.stats().writebacks).toBe(1);
    m.pageIn(pid, va);
    expect(m.explain(pid, va).frame).toBeGreaterThanOrEqual(0);
    expect(m.readU32(pid, va)).toBe(42);
  });
});

describe("policies and scope", () => {
  it("switches policy while running without losing a page", () => {
    const m = new Machine({ frames: 6, policy: "fifo" });
    const pid = m.spawn();
    const va = m.mmap(pid, 12 * PS);
    for (let i = 0; i < 12; i++) m.writeU32(pid, va + i * PS, i + 1);
    for (const spec of ["lru", "second-chance", "opt", "fifo"]) {
      m.setPolicy(spec);
      for (let i = 0; i < 12; i++) expect(m.readU32(pid, va + i * PS)).toBe(i + 1);
    }
    expect(() => m.setPolicy("nope")).toThrow(UnknownIdError);
  });

  it("local scope takes victims from the faulting process only", () => {
    const m = new Machine({ frames: 12, policy: "lru", scope: "local" });
    const a = m.spawn({ quota: 3 });
    const b = m.spawn({ quota: 3 });
    const va = m.mmap(a, 6 * PS);
    const vb = m.mmap(b, 2 * PS);
    m.writeU8(b, vb, 1);
    m.writeU8(b, vb + PS, 2);
    for (let r = 0; r < 3; r++) for (let i = 0; i < 6; i++) m.writeU8(a, va + i * PS, i);
    const s = m.stats();
    const pb = s.processes.find((p) => p.pid === b)!;
    expect(pb.evictions.clean + pb.evictions.dirty).toBe(0);
    expect(pb.residentPages).toBe(2);
    expect(s.processes.find((p) => p.pid === a)!.residentPages).toBe(3);
  });
});

describe("time, statistics and events", () => {
  it("measures effective access time and sets it beside the formula", () => {
    const m = new Machine({
      frames: 6,
      policy: "fifo",
      costs: { walkPerLevelNs: 0 },
      tlb: { entries: 64, ways: 4 },
    });
    const pid = m.spawn({ trace: true });
    for (let i = 0; i < 2000; i++) m.access(pid, (i % 3) * PS + 64 * PS, ACC_READ);
    const s = m.stats();
    expect(s.eat.faultRate).toBeCloseTo(3 / 2000, 10);
    expect(s.eat.formulaNs).toBeCloseTo(eatFormulaNs(3 / 2000), 6);
    // Trace pages first touched by loads are zero-filled (no disk), so measured EAT is just memory time.
    expect(s.eat.measuredNs).toBeCloseTo(200, 6);
    for (let i = 0; i < 20; i++) m.access(pid, i * PS, ACC_EXEC);
    const s2 = m.stats();
    expect(s2.timeNs).toBe(s2.references * 200 + s2.faults.fromImage * 8_000_000 + s2.writebacks * 8_000_000);
  });

  it("emits events only to listeners", () => {
    const m = new Machine({ frames: 4, policy: "fifo" });
    const seen: MachineEvent[] = [];
    const pid = m.spawn({ trace: true });
    m.access(pid, 0, ACC_WRITE);
    const off = m.events.on("fault", (e) => seen.push(e));
    m.events.on("evict", (e) => seen.push(e));
    for (let i = 1; i < 6; i++) m.access(pid, i * PS, ACC_WRITE);
    expect(seen.filter((e) => e.type === "fault").length).toBe(5);
    expect(seen.some((e) => e.type === "evict" && e.dirty)).toBe(true);
    off();
    m.access(pid, 40 * PS, ACC_READ);
    expect(seen.filter((e) => e.type === "fault").length).toBe(5);
  });
});

describe("bad input", () => {
  it.each([
    [{ frames: 0 }, "frames"],
    [{ frames: 2 }, "frames"],
    [{ frames: -3 }, "frames"],
    [{ frames: 8, pageSize: 1000 }, "pageSize"],
    [{ frames: 8, vaBits: 60 }, "vaBits"],
    [{ frames: 8, shape: "sv39", pageSize: 8192 }, "pageSize"],
    [{ frames: 8, tlb: { entries: 48 } }, "tlb.entries"],
    [{ frames: 8, costs: { diskReadNs: -1 } }, "costs.diskReadNs"],
  ])("rejects %j with a ConfigError", (config, key) => {
    try {
      new Machine(config);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).data.key).toBe(key);
    }
  });

  it("rejects an unknown policy id", () => {
    expect(() => new Machine({ frames: 8, policy: "belady-ish" })).toThrow(UnknownIdError);
  });

  it("rejects negative sizes, bad addresses and dead processes", () => {
    const m = new Machine({ frames: 8 });
    const pid = m.spawn();
    expect(() => m.mmap(pid, -4096)).toThrow(ConfigError);
    expect(() => m.readU8(pid, -1)).toThrow(AddressError);
    expect(() => m.munmap(pid, 5, PS)).toThrow(AddressError);
    expect(() => m.pageIn(pid, 2 ** 40)).toThrow(AddressError);
    expect(() => m.readU8(99, 0)).toThrow(NoSuchProcessError);
  });

  it("works with a bounded swap file and reports running out of swap", () => {
    const swap = new FileSwapStore(PS, { capacity: 3 });
    const m = new Machine({ frames: 7, swap }); // 4 page tables (root and leaf per process) + 3 user frames
    const a = m.spawn();
    const b = m.spawn();
    const vb = m.mmap(b, PS);
    m.writeU8(b, vb, 8);
    const va = m.mmap(a, 10 * PS);
    expect(() => {
      for (let i = 0; i < 10; i++) m.writeU8(a, va + i * PS, i);
    }).toThrow(ProcessFaultError);
    expect(m.exitReason(a)).toMatch(/out-of-swap/);
    expect(m.readU8(b, vb)).toBe(8);
    m.close();
  });
});

describe("full mode agrees with the textbook", () => {
  const string = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
  function faults(policy: string, userFrames: number): number {
    const m = new Machine({ frames: userFrames + 2, policy, shape: "sv32" });
    const pid = m.spawn({ trace: true });
    string.forEach((page, i) => {
      const next = string.indexOf(page, i + 1);
      m.access(pid, page * PS, ACC_READ, next < 0 ? Number.POSITIVE_INFINITY : next);
    });
    return m.stats().faults.total;
  }
  it("FIFO shows Belady's anomaly: 9 faults with 3 frames, 10 with 4", () => {
    expect(faults("fifo", 3)).toBe(9);
    expect(faults("fifo", 4)).toBe(10);
  });
  it("LRU faults 10 and 8 times, OPT 7 and 6, with 3 and 4 frames", () => {
    expect([faults("lru", 3), faults("lru", 4)]).toEqual([10, 8]);
    expect([faults("opt", 3), faults("opt", 4)]).toEqual([7, 6]);
  });
});
