import { describe, expect, it } from "vitest";
import {
  framesOf,
  parseAddress,
  parseFramesList,
  parsePageSize,
  parseRefString,
  parseSize,
} from "./units.js";

describe("option parsers", () => {
  it("reads sizes with binary units", () => {
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("4KiB")).toBe(4096);
    expect(parseSize("4k")).toBe(4096);
    expect(parseSize("64MiB")).toBe(64 * 1024 * 1024);
    expect(parseSize("1.5KiB")).toBe(1536);
    expect(() => parseSize("4 parsecs")).toThrow(/not a size/);
  });

  it("takes only powers of two as page sizes", () => {
    expect(parsePageSize("4KiB")).toBe(4096);
    expect(parsePageSize("1")).toBe(1);
    expect(parsePageSize("64KiB")).toBe(65536);
    expect(() => parsePageSize("3000")).toThrow(/"3000" is not a power of two/);
    expect(() => parsePageSize("1.5KiB")).toThrow(/not a power of two/);
    expect(() => parsePageSize("0")).toThrow(/not a power of two/);
    expect(() => parsePageSize("4GiB")).toThrow(/too large for a page/);
  });

  it("reads frame lists: lists, ranges, steps, doubling, sizes", () => {
    const counts = (t: string) => parseFramesList(t).map((s) => framesOf(s, 4096));
    expect(counts("3,4,5")).toEqual([3, 4, 5]);
    expect(counts("1..4")).toEqual([1, 2, 3, 4]);
    expect(counts("0..30:10")).toEqual([10, 20, 30]);
    expect(counts("4..64:x2")).toEqual([4, 8, 16, 32, 64]);
    expect(counts("64KiB..256KiB:x2")).toEqual([16, 32, 64]);
    expect(() => parseFramesList("9..1")).toThrow(/empty/);
    expect(() => framesOf(parseFramesList("1KiB")[0]!, 4096)).toThrow(/holds no/);
  });

  it("reads reference strings with write marks", () => {
    expect(parseRefString("1,2 3w,0x10")).toEqual({
      pages: [1, 2, 3, 16],
      writes: [false, false, true, false],
    });
    expect(() => parseRefString("1,x")).toThrow(/not a page number/);
  });

  it("reads addresses in hex or decimal", () => {
    expect(parseAddress("0x4ED")).toBe(0x4ed);
    expect(parseAddress("1261")).toBe(1261);
    expect(() => parseAddress("-1")).toThrow();
  });
});
