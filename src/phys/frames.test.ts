import { describe, expect, it } from "vitest";
import { InternalError } from "../core/errors.js";
import { FRAME_FREE, FRAME_TABLE, FRAME_USER, FrameTable } from "./frames.js";
import { PhysicalMemory } from "./memory.js";

describe("frame table", () => {
  it("hands out frames lowest first and takes them back", () => {
    const ft = new FrameTable(4);
    expect([ft.allocate(FRAME_USER), ft.allocate(FRAME_USER)]).toEqual([0, 1]);
    expect(ft.freeCount).toBe(2);
    ft.release(0);
    expect(ft.allocate(FRAME_USER)).toBe(0);
    expect(ft.allocate(FRAME_USER)).toBe(2);
    expect(ft.allocate(FRAME_USER)).toBe(3);
    expect(ft.allocate(FRAME_USER)).toBe(-1);
  });

  it("pins table frames and counts them", () => {
    const ft = new FrameTable(3);
    const t = ft.allocate(FRAME_TABLE);
    expect(ft.pins[t]).toBe(1);
    expect(ft.tableCount).toBe(1);
    ft.release(t);
    expect(ft.tableCount).toBe(0);
    expect(ft.state[t]).toBe(FRAME_FREE);
  });

  it("counts pins and reports the 0↔1 transitions", () => {
    const ft = new FrameTable(2);
    const f = ft.allocate(FRAME_USER);
    expect(ft.pin(f)).toBe(true);
    expect(ft.pin(f)).toBe(false);
    expect(ft.pinnedUserCount).toBe(1);
    expect(ft.unpin(f)).toBe(false);
    expect(ft.unpin(f)).toBe(true);
    expect(ft.pinnedUserCount).toBe(0);
    expect(() => ft.unpin(f)).toThrow(InternalError);
  });

  it("keeps a reverse map of every PTE mapping a frame, growing as needed", () => {
    const ft = new FrameTable(2);
    const f = ft.allocate(FRAME_USER);
    for (let asid = 1; asid <= 40; asid++) ft.addMapping(f, asid, 7, asid * 4);
    expect(ft.mappingsOf(f)).toBe(40);
    expect(ft.removeMapping(f, 3, 7)).toBe(39);
    const seen: number[] = [];
    for (let n = ft.rmapFirst(f); n >= 0; n = ft.rmapNextOf(n)) seen.push(ft.rmapAsidOf(n));
    expect(seen).not.toContain(3);
    expect(seen.length).toBe(39);
    expect(() => ft.removeMapping(f, 3, 7)).toThrow(InternalError);
    expect(() => ft.release(f)).toThrow(InternalError);
  });

  it("claims a chosen free frame and refuses a taken one", () => {
    const ft = new FrameTable(8);
    ft.claim(5, FRAME_USER);
    expect(ft.state[5]).toBe(FRAME_USER);
    expect(() => ft.claim(5, FRAME_USER)).toThrow(InternalError);
    const got = new Set<number>();
    for (let f = ft.allocate(FRAME_USER); f >= 0; f = ft.allocate(FRAME_USER)) got.add(f);
    expect(got.has(5)).toBe(false);
    expect(got.size).toBe(7);
  });
});

describe("physical memory", () => {
  it("holds real bytes per frame and little-endian words", () => {
    const m = new PhysicalMemory(4, 256);
    m.writeU32(256 + 4, 0xdeadbeef);
    expect(m.bytes[260]).toBe(0xef);
    expect(m.readU32(260)).toBe(0xdeadbeef);
    m.zeroFrame(1);
    expect(m.readU32(260)).toBe(0);
  });

  it("rejects zero frames", () => {
    expect(() => new PhysicalMemory(0, 4096)).toThrow(/frames/);
  });
});
