// Demand paging seen from running code: the exact fault sequence of a tiny program at a tiny
// budget (a fetch fault and operand faults, each access retried after the pager resolves it, the
// instruction then completing), precise faults that leave no partial effect, and the loader's
// typed errors for files it cannot run.

import { describe, expect, it } from "vitest";
import type { MachineEvent } from "../../src/core/events.js";
import { parseElf } from "../../src/cpu/rv32/elf.js";
import { ElfError } from "../../src/cpu/rv32/errors.js";
import { programImage } from "../../src/cpu/rv32/loader.js";
import { Rv32Process, runTogether } from "../../src/cpu/rv32/program.js";
import { Machine } from "../../src/sim/machine.js";
import { asm, example, exitWith, li, makeElf, runElf } from "./helpers.js";

const DATA = 0x20000;
const BSS1 = 0x21000;
const BSS2 = 0x22000;

describe("the fault sequence of a tiny program at 3 frames (FIFO)", () => {
  it("fetch, load and store faults in order, with the evictions and write-backs they cause", () => {
    const text = [
      ...li(5, DATA),
      ...li(6, BSS1),
      ...li(7, BSS2),
      asm.lw(8, 5, 0), // load: the data page from the image
      asm.sw(8, 6, 0), // store: bss page 1, zero-filled
      asm.sw(8, 7, 0), // store: bss page 2; evicts the text page mid-instruction, the store completes
      asm.lw(9, 5, 0), // fetch faults (text reloaded from the image), then the load faults again
      ...exitWith(0),
    ];
    const data = new Uint8Array(16);
    data[0] = 42;
    const elf = makeElf({ text, data, bss: 2 * 4096 });
    const m = new Machine({ frames: 3, shape: "sv32", policy: "fifo", tableFrames: 8 });
    const seen: string[] = [];
    const note = (e: MachineEvent) => {
      if (e.type === "fault") seen.push(`fault ${e.access} 0x${e.va.toString(16)} ${e.cause}`);
      if (e.type === "evict") seen.push(`evict 0x${(e.vpn * 4096).toString(16)}${e.dirty ? " dirty" : ""}`);
    };
    m.events.on("fault", note);
    m.events.on("evict", note);
    const p = new Rv32Process(m, elf, "tiny");
    const stackPage = seen.length === 1 ? seen[0] : "";
    const r = p.run();
    expect(r.status).toBe(0);
    expect(p.cpu.x[9]).toBe(42);
    const entry = 0x10000 + 52 + 64;
    expect(stackPage).toMatch(/^fault write 0x7ffff[0-9a-f]{3} zero-fill$/);
    // Text comes through the page cache (a shared object read from the file: cause "object"); an
    // evicted page-cache page is named by its page in the object (page 0).
    expect(seen.slice(1)).toEqual([
      `fault exec 0x${entry.toString(16)} object`,
      "fault read 0x20000 image",
      "evict 0x7ffff000 dirty",
      "fault write 0x21000 zero-fill",
      "evict 0x0",
      "fault write 0x22000 zero-fill",
      "evict 0x20000",
      `fault exec 0x${(entry + 4 * 9).toString(16)} object`,
      "evict 0x21000 dirty",
      "fault read 0x20000 image",
    ]);
    expect(r.faults).toEqual({ fetch: 2, load: 2, store: 3 });
  });

  it("a straddling store that runs into an unmapped page faults at that page, ending the program (status 139)", () => {
    // The data segment is one page; a word store at its last 2 bytes runs into the unmapped page after it.
    const data = new Uint8Array(4096);
    data[4094] = 0x11;
    data[4095] = 0x22;
    const text = [...li(5, DATA + 4094), ...li(6, 0x7f7f7f7f), asm.sw(6, 5, 0), ...exitWith(0)];
    const ran = runElf(makeElf({ text, data }), { frames: 8, shape: "sv32", policy: "fifo", tableFrames: 8 });
    expect(ran.status).toBe(139);
    const trap = ran.process.result().trap!;
    expect(trap.access).toBe("store");
    expect(trap.va).toBe(DATA + 4096);
    expect(trap.reason).toMatch(/segfault/);
  });

  it("a fatal load leaves its destination register unwritten", () => {
    const text = [...li(8, 1234), ...li(5, 0x10), asm.lw(8, 5, 0), ...exitWith(0)];
    const ran = runElf(makeElf({ text }), { frames: 8, shape: "sv32", policy: "fifo", tableFrames: 8 });
    expect(ran.status).toBe(139);
    expect(ran.process.cpu.x[8]).toBe(1234);
    expect(ran.process.result().trap).toMatchObject({ access: "load", va: 0x10 });
  });

  it("the stack grows down on demand to its limit; one page further is the guard gap: SIGSEGV", () => {
    // Push a page at a time, counting pages in x6, until the store faults.
    const text = [
      asm.addi(5, 0, 1),
      asm.slli(5, 5, 12),
      asm.sub(2, 2, 5),
      asm.sw(0, 2, 0),
      asm.addi(6, 6, 1),
      asm.jal(0, -12),
    ];
    const ran = runElf(makeElf({ text }), { frames: 8, shape: "sv32", policy: "fifo", tableFrames: 8 });
    expect(ran.status).toBe(139);
    // The default limit is 2048 pages (8 MiB) below the top; sp started inside the top page.
    expect(ran.process.cpu.x[6]).toBe(2047);
    expect(ran.process.result().trap).toMatchObject({ access: "store" });
    expect(ran.process.result().trap?.reason).toMatch(/no region/);
  });

  it("a store to the text segment is a protection fault", () => {
    const text = [...li(5, 0x10000), asm.sw(0, 5, 0), ...exitWith(0)];
    const ran = runElf(makeElf({ text }), { frames: 8, shape: "sv32", policy: "fifo", tableFrames: 8 });
    expect(ran.status).toBe(139);
    expect(ran.process.result().trap?.reason).toMatch(/protection/);
  });
});

describe("the page cache", () => {
  it("a second process running the same file maps the first one's text frames: minor faults", () => {
    const text = [...li(5, 1000), asm.addi(5, 5, -1), asm.bne(5, 0, -4), ...exitWith(0)];
    const elf = makeElf({ text });
    const m = new Machine({ frames: 16, shape: "sv32", policy: "fifo", tableFrames: 8 });
    const a = new Rv32Process(m, elf, "a");
    const b = new Rv32Process(m, elf, "b");
    const c = new Rv32Process(m, elf, "c", { pageCache: false });
    runTogether([a, b, c], 100);
    const byPid = new Map(m.stats().processes.map((p) => [p.pid, p.faults]));
    expect(byPid.get(a.pid)).toMatchObject({ fromObject: 1, minor: 0, fromImage: 0 });
    expect(byPid.get(b.pid)).toMatchObject({ fromObject: 0, minor: 1, fromImage: 0 });
    expect(byPid.get(c.pid)).toMatchObject({ fromObject: 0, minor: 0, fromImage: 1 });
    // Once both have exited, the object is gone: a new run reads the text again.
    const d = new Rv32Process(m, elf, "d");
    d.run();
    const fd = m.stats().processes.find((p) => p.pid === d.pid)!.faults;
    expect(fd.fromObject).toBe(1);
  });
});

describe("ELF files the machine cannot run are typed errors naming the file and the reason", () => {
  const good = makeElf({ text: exitWith(0) });
  const patch = (at: number, bytes: number[]) => {
    const b = Uint8Array.from(good);
    b.set(bytes, at);
    return b;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["not ELF", Uint8Array.from([1, 2, 3, 4, ...new Uint8Array(60)]), /not an ELF file/],
    ["too short", good.subarray(0, 20), /too short/],
    ["64-bit", patch(4, [2]), /not a 32-bit ELF/],
    ["big-endian", patch(5, [2]), /not little-endian/],
    ["another machine", patch(18, [62, 0]), /not a RISC-V program/],
    ["compressed instructions", patch(36, [1]), /compressed instructions/],
    ["hard float", patch(36, [4]), /float ABI/],
    ["a shared object", patch(16, [3]), /ET_DYN/],
    ["a dynamic interpreter", patch(52, [3]), /PT_INTERP/],
    [
      "a segment past the end of the file",
      patch(52 + 16, [0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0]),
      /past the end of the file/,
    ],
  ];
  it.each(cases)("%s", (_what, bytes, re) => {
    let err: unknown;
    try {
      parseElf(bytes, "prog.elf");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ElfError);
    expect((err as ElfError).code).toBe("ELF_INVALID");
    expect((err as ElfError).message).toMatch(/^prog\.elf: /);
    expect((err as ElfError).message).toMatch(re);
  });

  it("lld's packed layout: data at a file offset that is not page-aligned loads at its address", () => {
    // Text is 14 instructions (56 bytes) after 116 bytes of headers: data at offset 172, address
    // 0x200ac; the program loads the word there and a byte of bss after it.
    const data = Uint8Array.of(0x78, 0x56, 0x34, 0x12);
    const text = [...li(5, 0x200ac), asm.lw(6, 5, 0), asm.lbu(7, 5, 8), ...exitWith(0)];
    while (text.length < 14) text.splice(text.length - 6, 0, asm.addi(0, 0, 0));
    const elf = makeElf({ text, data, bss: 64, packed: true });
    const seg = parseElf(elf, "packed.elf").loads[1]!;
    expect([seg.offset, seg.vaddr]).toEqual([172, 0x200ac]);
    const ran = runElf(elf, { frames: 8, shape: "sv32", policy: "fifo", tableFrames: 8 });
    expect(ran.status).toBe(0);
    expect(ran.process.cpu.x[6]).toBe(0x12345678);
    expect(ran.process.cpu.x[7]).toBe(0);
  });

  it("a page size larger than the program's segment alignment: segments sharing a page are refused", () => {
    const elf = parseElf(example("hello").elf, "hello.elf");
    expect(() => programImage(elf, 65536)).toThrow(ElfError);
    expect(() => programImage(elf, 65536)).toThrow(/share a 65536-byte page/);
    expect(programImage(elf, 4096).segments.length).toBeGreaterThan(1);
  });

  it("overlapping segments", () => {
    const b = makeElf({ text: exitWith(0), data: new Uint8Array(8), dataVa: 0x10010 });
    expect(() => parseElf(b, "o.elf")).toThrow(/overlaps segment 0/);
  });

  it("the good file parses, with its entry point and one segment", () => {
    const elf = parseElf(good, "ok.elf");
    expect(elf.entry).toBe(0x10000 + 52 + 32);
    expect(elf.loads).toHaveLength(1);
  });
});

describe("mmap2 of a file", () => {
  /** openat("f"), mmap2(len, PROT_READ, MAP_PRIVATE, fd, 0), then exit(first byte + last byte of the mapping). */
  function mapper(len: number): Uint8Array {
    const text = [
      ...li(10, -100),
      ...li(11, 0x20000),
      ...li(12, 0),
      ...li(17, 56),
      asm.ecall(),
      asm.addi(14, 10, 0),
      ...li(10, 0),
      ...li(11, len),
      ...li(12, 1),
      ...li(13, 2),
      ...li(15, 0),
      ...li(17, 222),
      asm.ecall(),
      asm.lbu(8, 10, 0),
      asm.add(5, 10, 11),
      asm.lbu(9, 5, -1),
      asm.add(10, 8, 9),
      ...li(17, 94),
      asm.ecall(),
    ];
    return makeElf({ text, data: Uint8Array.from([0x66, 0]) });
  }
  const file = { read: (p: string) => (p === "f" ? Uint8Array.from([40, 1, 2, 3]) : undefined) };

  it("a mapping far longer than the file costs host memory for the file only; past its end reads zero", () => {
    const before = process.memoryUsage().arrayBuffers;
    const ran = runElf(
      mapper(2 ** 30),
      { frames: 8, shape: "sv32", policy: "fifo", tableFrames: 8 },
      ["m"],
      undefined,
      file,
    );
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(ran.status).toBe(40);
    expect(grown).toBeLessThan(64 * 2 ** 20);
    ran.machine.close();
  });
});

describe("write(2) of a large buffer", () => {
  it("reaches the sink in chunks of at most 1 MiB, every byte in order", () => {
    const n = 3 * 2 ** 20 + 5;
    const text = [
      ...li(10, 0),
      ...li(11, n),
      ...li(12, 3),
      ...li(13, 0x22),
      ...li(14, -1),
      ...li(15, 0),
      ...li(17, 222),
      asm.ecall(),
      asm.addi(11, 10, 0),
      ...li(5, 0x5a),
      asm.sb(5, 11, 0),
      ...li(6, n - 1),
      asm.add(6, 11, 6),
      asm.sb(5, 6, 0),
      ...li(10, 1),
      ...li(12, n),
      ...li(17, 64),
      asm.ecall(),
      ...exitWith(0),
    ];
    const m = new Machine({ frames: 8, shape: "sv32", policy: "fifo", tableFrames: 8 });
    const chunks: number[] = [];
    let total = 0;
    let first = -1;
    let last = -1;
    const p = new Rv32Process(m, makeElf({ text }), "w", {
      stdout: (b) => {
        if (first < 0) first = b[0]!;
        last = b[b.length - 1]!;
        chunks.push(b.length);
        total += b.length;
      },
    });
    expect(p.run().status).toBe(0);
    expect(total).toBe(n);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(2 ** 20);
    expect(chunks.length).toBe(4);
    expect([first, last]).toEqual([0x5a, 0x5a]);
    m.close();
  });
});
