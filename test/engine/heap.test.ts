// The vmalloc heap against a process that moves its own break, runs out of memory part way, or
// overwrites a block header (issue 18 item 7): each used to send vmalloc into a walk that never
// ended (a zero-size header), stopping the whole machine. Now each is either handled or a HeapError.

import { describe, expect, it } from "vitest";
import { HeapError, OutOfMemoryError } from "../../src/core/errors.js";
import { Machine } from "../../src/sim/machine.js";

describe("vmalloc and a break the process moves itself", () => {
  it("vmalloc(16); sbrk(4096); vmalloc(100): the new block lies above the process's own sbrk memory", () => {
    const m = new Machine({ frames: 16 });
    const pid = m.spawn();
    const a = m.vmalloc(pid, 16);
    const own = m.sbrk(pid, 4096);
    for (let i = 0; i < 4096; i += 4) m.writeU32(pid, own + i, 0x5a5a0000 + i);
    const b = m.vmalloc(pid, 100);
    expect(b).toBeGreaterThanOrEqual(own + 4096);
    // the block fits again after it is freed; the first block is still reachable
    m.vfree(pid, b);
    expect(m.vmalloc(pid, 100)).toBe(b);
    m.vfree(pid, a);
    expect(m.vmalloc(pid, 8)).toBe(a);
    for (let i = 0; i < 4096; i += 4) expect(m.readU32(pid, own + i)).toBe(0x5a5a0000 + i);
  });

  it("shrinking the break over the heap and growing it again forgets the blocks above the break", () => {
    const m = new Machine({ frames: 16 });
    const pid = m.spawn();
    const base = m.sbrk(pid, 0);
    const ptrs = [m.vmalloc(pid, 100), m.vmalloc(pid, 5000), m.vmalloc(pid, 100)];
    m.brk(pid, ptrs[1]! + 40); // cuts the second block, drops the third
    m.sbrk(pid, 3 * 4096);
    const c = m.vmalloc(pid, 100);
    expect(c).toBeGreaterThanOrEqual(ptrs[1]! + 40);
    expect(() => m.vfree(pid, ptrs[2]!)).toThrow(/not an address vmalloc returned/);
    m.vfree(pid, ptrs[1]!); // what is left of it
    m.vfree(pid, ptrs[0]!);
    m.vfree(pid, c);
    m.brk(pid, base); // the whole heap
    const d = m.vmalloc(pid, 64);
    expect(d).toBe(base + 8);
  });

  it("an allocation that fails part way (no frame for its header) leaves a heap that still works", () => {
    const m = new Machine({ frames: 8, pageSize: 4096, vaBits: 32 });
    const pid = m.spawn();
    const start = m.sbrk(pid, 0);
    const a = m.vmalloc(pid, 64);
    m.writeU32(pid, a, 7);
    m.vmalloc(pid, 4096 - 72 - 8); // the heap now ends on a page boundary
    expect(m.sbrk(pid, 0)).toBe(start + 4096);
    // pin every frame left, so the page of the next header cannot be brought in
    const area = m.mmap(pid, 16 * 4096);
    const pinned: number[] = [];
    for (let va = area; va < area + 16 * 4096; va += 4096) {
      try {
        m.pin(pid, va);
        pinned.push(va);
      } catch (e) {
        expect(e).toBeInstanceOf(OutOfMemoryError);
        break;
      }
    }
    expect(pinned.length).toBeLessThan(16);
    expect(() => m.vmalloc(pid, 100)).toThrow(OutOfMemoryError);
    expect(m.sbrk(pid, 0)).toBe(start + 4096); // the break moved back
    for (const va of pinned) m.unpin(pid, va);
    const b = m.vmalloc(pid, 100);
    expect(b).toBe(start + 4096 + 8);
    expect(m.readU32(pid, a)).toBe(7);
  });
});

describe("a heap whose header the process overwrote", () => {
  it("is a HeapError naming the header, for every later call of that process only", () => {
    const m = new Machine({ frames: 16 });
    const pid = m.spawn();
    const other = m.spawn();
    const a = m.vmalloc(pid, 32);
    m.vmalloc(pid, 32);
    m.vfree(pid, a);
    m.writeU32(pid, a - 8, 0); // size 0: the old walk never moved on
    expect(() => m.vmalloc(pid, 64)).toThrow(HeapError);
    expect(() => m.vmalloc(pid, 64)).toThrow(
      /heap of process \d+ is corrupt: the block header at 0x[0-9a-f]+/,
    );
    expect(() => m.vfree(pid, a)).toThrow(/corrupt/);
    // the machine and the other process go on
    const o = m.vmalloc(other, 64);
    m.writeU32(other, o, 9);
    expect(m.readU32(other, o)).toBe(9);
    m.exit(pid);
  });

  it("a tag overwritten with garbage is reported, not walked past", () => {
    const m = new Machine({ frames: 16 });
    const pid = m.spawn();
    const a = m.vmalloc(pid, 32);
    m.writeU32(pid, a - 4, 0x12345678);
    expect(() => m.vmalloc(pid, 64)).toThrow(/no block tag \(0x12345678\)/);
  });

  it("a size running past the heap's end is reported", () => {
    const m = new Machine({ frames: 16 });
    const pid = m.spawn();
    const a = m.vmalloc(pid, 32);
    m.vfree(pid, a);
    m.writeU32(pid, a - 8, 1 << 20);
    expect(() => m.vmalloc(pid, 64)).toThrow(/says 1048576 bytes/);
  });
});
