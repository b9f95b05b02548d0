// Minimum frames (seed 004: "how many frames are needed at minimum"): the figure for each layout,
// the configuration check, and memmove, the instruction whose operands straddle pages.

import { describe, expect, it } from "vitest";
import { makeLayout, parseShape } from "../../src/core/addr.js";
import { ConfigError, OutOfMemoryError, ProcessFaultError } from "../../src/core/errors.js";
import { PERM_R } from "../../src/pager/region.js";
import { Machine } from "../../src/sim/machine.js";
import {
  instructionFrames,
  itemPages,
  LOAD_INDIRECT,
  minimumFrames,
  operandPages,
  PDP11_MOV_INDIRECT,
} from "../../src/sim/min-frames.js";

const PS = 4096;

describe("minimum frames", () => {
  it("counts pages of both operands at worst alignment plus the tables that map them", () => {
    expect(operandPages(1, PS)).toBe(1);
    expect(operandPages(2, PS)).toBe(2); // last byte of one page, first of the next
    expect(operandPages(PS, PS)).toBe(2);
    expect(operandPages(PS + 1, PS)).toBe(2);
    expect(operandPages(PS + 2, PS)).toBe(3);
    const sv32 = makeLayout(parseShape("sv32"));
    // One-page references: the page and one table per level.
    expect(minimumFrames(sv32, 0).frames).toBe(3);
    // A 4 KiB memmove: 2 + 2 pages; root + up to 4 leaf tables (each operand may cross a leaf boundary).
    const m = minimumFrames(sv32, PS);
    expect([m.pages, m.tables, m.frames]).toEqual([4, 5, 9]);
    const sv39 = makeLayout(parseShape("sv39"));
    expect(minimumFrames(sv39, PS)).toMatchObject({ pages: 4, tables: 9, frames: 13 });
    // 16 KiB operands (5 pages each): a leaf table spans 1024 pages, so each crosses at most one boundary.
    expect(minimumFrames(sv32, 4 * PS)).toMatchObject({ pages: 10, tables: 5, frames: 15 });
  });

  it("refuses a machine below the minimum with a ConfigError that names it and why", () => {
    let err: unknown;
    try {
      new Machine({ frames: 8, maxMoveBytes: PS });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(
      /at least 9 in all: a memmove of up to 4096 bytes touches/,
    );
    expect(() => new Machine({ frames: 9, maxMoveBytes: PS })).not.toThrow();
    expect(() => new Machine({ frames: 2 })).toThrow(ConfigError);
  });

  it("memmove across page boundaries completes at exactly the minimum, bytes and bits as a copy", () => {
    const m = new Machine({ frames: 9, maxMoveBytes: PS });
    const pid = m.spawn();
    const src = m.mmap(pid, 4 * PS); // high in the space
    m.sbrk(pid, 4 * PS); // low: another leaf table
    const dst = m.brk(pid, m.sbrk(pid, 0)) - 3 * PS;
    const data = new Uint8Array(PS);
    for (let i = 0; i < PS; i++) data[i] = (i * 7 + 3) & 0xff;
    const from = src + PS + 100; // straddles pages 1 and 2 of the mapping
    const to = dst + 2000; // straddles two heap pages
    m.write(pid, from, data);
    // Force every page out so the instruction must bring all four back at once.
    for (let v = 0; v < 4; v++) m.pageOut(pid, src + v * PS);
    m.memmove(pid, to, from, PS);
    const back = new Uint8Array(PS);
    m.read(pid, to, back);
    expect(back).toEqual(data);
    expect(m.stats().frames.pinned).toBe(0);
  });

  it("memmove is overlap safe (memmove, not memcpy)", () => {
    const m = new Machine({ frames: 16 });
    const pid = m.spawn();
    const va = m.mmap(pid, 3 * PS);
    const model = new Uint8Array(3 * PS);
    for (let i = 0; i < model.length; i++) model[i] = (i * 13) & 0xff;
    m.write(pid, va, model);
    m.memmove(pid, va + 10, va, 2 * PS);
    model.copyWithin(10, 0, 2 * PS);
    m.memmove(pid, va, va + 4000, 5000);
    model.copyWithin(0, 4000, 9000);
    const back = new Uint8Array(3 * PS);
    m.read(pid, va, back);
    expect(back).toEqual(model);
  });

  it("a memmove that needs more frames than the machine can give fails with OutOfMemoryError and leaves nothing pinned", () => {
    const m = new Machine({ frames: 8 });
    const pid = m.spawn();
    const va = m.mmap(pid, 12 * PS);
    m.writeU8(pid, va, 1);
    expect(() => m.memmove(pid, va + 6 * PS, va, 6 * PS)).toThrow(OutOfMemoryError);
    expect(() => m.memmove(pid, va + 6 * PS, va, 6 * PS)).toThrow(/needs 12 pages resident at once/);
    expect(m.stats().frames.pinned).toBe(0);
    expect(m.isAlive(pid)).toBe(true);
    expect(m.readU8(pid, va)).toBe(1);
  });

  it("a memmove longer than maxMoveBytes is a ConfigError; into a read-only page it kills the process", () => {
    const m = new Machine({ frames: 16, maxMoveBytes: 100 });
    const pid = m.spawn();
    const va = m.mmap(pid, 2 * PS);
    expect(() => m.memmove(pid, va + PS, va, 101)).toThrow(ConfigError);
    const ro = m.mmap(pid, PS, { perm: PERM_R });
    expect(() => m.memmove(pid, ro, va, 50)).toThrow(ProcessFaultError);
    expect(m.isAlive(pid)).toBe(false);
  });
});

describe("the documents' minimum-frames figures (seed 004)", () => {
  it("a load with one level of indirection needs 3 frames: instruction, pointer, datum", () => {
    const f = instructionFrames(LOAD_INDIRECT, PS);
    expect(f).toMatchObject({ pages: 3, instructionPages: 1, pointerPages: 1, dataPages: 1 });
    // Without the indirection it is 2; 2 frames cannot hold the indirect load.
    const direct = { ...LOAD_INDIRECT, operands: [{ ...LOAD_INDIRECT.operands[0]!, indirection: 0 }] };
    expect(instructionFrames(direct, PS).pages).toBe(2);
  });

  it("the PDP-11's MOV with two indirect operands needs 6: the instruction straddles two pages", () => {
    const f = instructionFrames(PDP11_MOV_INDIRECT, PS);
    expect(f).toMatchObject({ pages: 6, instructionPages: 2, pointerPages: 2, dataPages: 2 });
    expect(f.why).toMatch(
      /2 page\(s\) for the instruction, 2 for the pointer\(s\) followed and 2 for the data/,
    );
    // The PDP-11's own 8 KiB pages do not change the count: a 6-byte word-aligned instruction still straddles.
    expect(instructionFrames(PDP11_MOV_INDIRECT, 8192).pages).toBe(6);
    // With pagewise's two-level tables in frames: the root and one leaf per page at worst.
    expect(instructionFrames(PDP11_MOV_INDIRECT, PS, 2).framesWithTables).toBe(6 + 1 + 6);
  });

  it("places items at their worst aligned address", () => {
    expect(itemPages({ bytes: 4, align: 4 }, PS)).toBe(1);
    expect(itemPages({ bytes: 6, align: 2 }, PS)).toBe(2);
    expect(itemPages({ bytes: 2, align: 2 }, PS)).toBe(1);
    expect(itemPages({ bytes: PS + 1, align: 1 }, PS)).toBe(operandPages(PS + 1, PS));
    expect(() => itemPages({ bytes: 4, align: 3 }, PS)).toThrow(ConfigError);
  });
});
