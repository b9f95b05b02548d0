// The rule that tells a text trace of byte addresses from one of page numbers (text-unit.ts).

import { describe, expect, it } from "vitest";
import { detectTextUnit } from "./text-unit.js";

const enc = (lines: string[]) => new TextEncoder().encode(`${lines.join("\n")}\n`);

describe("detectTextUnit", () => {
  it("reads word-aligned 0x addresses as byte addresses", () => {
    const lines = Array.from(
      { length: 40 },
      (_, i) => `0x${(0x0041f7a0 + i * 24).toString(16)} ${i % 3 ? "R" : "W"}`,
    );
    const g = detectTextUnit(enc(lines), 4096);
    expect(g.unit).toBe("address");
    expect(g.why).toContain("40 of 40 distinct values are multiples of 4");
  });

  it("reads a value beyond a 48-bit space's page numbers as an address, whatever its alignment", () => {
    // An x86-64 stack address: 2^47 - 1 is no page number of a 48-bit space at 4 KiB pages.
    const g = detectTextUnit(enc(["0x7ffd1a2c3f01 R", "17 W"]), 4096);
    expect(g.unit).toBe("address");
    expect(g.why).toContain("0x7ffd1a2c3f01 is beyond the page numbers");
    // At 256-byte pages the space has 2^40 pages: the same value is still beyond.
    expect(detectTextUnit(enc(["0xffffffffff01"]), 256).unit).toBe("address");
  });

  it("reads small values, consecutive large ones and too few values as page numbers", () => {
    const small = Array.from({ length: 50 }, (_, i) => `${(i * 4) % 64} R`);
    expect(detectTextUnit(enc(small), 4096)).toEqual({
      unit: "page",
      why: "the largest of 16 distinct values is 60, below 2^16",
    });
    // A real program's pages (x86-64 heap at 0x555555554000 >> 12): consecutive, a quarter aligned.
    const heap = Array.from({ length: 64 }, (_, i) => `0x${(0x555555554 + i).toString(16)}`);
    const g = detectTextUnit(enc(heap), 4096);
    expect(g.unit).toBe("page");
    expect(g.why).toContain("only 16 of 64 distinct values are multiples of 4");
    expect(detectTextUnit(enc(["0x0041f7a0 R", "0x0041f7a4 R"]), 4096).unit).toBe("page");
  });

  it("skips malformed lines and comments; counts the last line of a whole file without a newline", () => {
    const lines = ["# a comment", "not a reference", "0x10000 R", "0x10004 R", "0x10008 W"];
    const text = new TextEncoder().encode(`${lines.join("\n")}\n0x1000c R`);
    expect(detectTextUnit(text, 4096, false).unit).toBe("page");
    expect(detectTextUnit(text, 4096, true).unit).toBe("address");
  });
});
