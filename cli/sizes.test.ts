import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { distinctPagesOf, needsDistinctPages, parseSizeList, resolveFrames } from "./sizes.js";

describe("sizes relative to a trace", () => {
  it("resolves percentages of the distinct pages exactly, floored, at least one frame", () => {
    const specs = parseSizeList("0.1%,1%,10%,29%,100%");
    expect(needsDistinctPages(specs)).toBe(true);
    expect(specs.map((s) => resolveFrames(s, 4096, 1000))).toEqual([1, 10, 100, 290, 1000]);
    // 0.29 * 100 is 28.999999999999996 in doubles: the digits are used instead.
    expect(resolveFrames(parseSizeList("29%")[0]!, 4096, 100)).toBe(29);
    // libCacheSim floors: 17% of 40 objects is 6 (its cachesim gives "cache size 6" for 0.17).
    expect(resolveFrames(parseSizeList("17%")[0]!, 4096, 40)).toBe(6);
    expect(resolveFrames(parseSizeList("0.001%")[0]!, 4096, 40)).toBe(1);
  });

  it("mixes percentages with counts, sizes and ranges", () => {
    const specs = parseSizeList("4,1%,64KiB,8..32:x2");
    expect(specs.map((s) => resolveFrames(s, 4096, 500))).toEqual([4, 5, 16, 8, 16, 32]);
    expect(needsDistinctPages(parseSizeList("4,8"))).toBe(false);
  });

  it("refuses what is not a percentage, zero and above 100%", () => {
    for (const bad of ["0%", "101%", "x%", "1.%", "-1%", "%"])
      expect(() => parseSizeList(bad), bad).toThrow(InvalidArgumentError);
    expect(() => parseSizeList("150%")).toThrow(/at most 100%/);
  });

  it("counts distinct pages from a pwt header and by a pass, with the same answer", async () => {
    const fromHeader = await distinctPagesOf("test/fixtures/traces/sort500.pwt");
    expect(fromHeader).toBe(216); // PROVENANCE.md
    const byPass = await distinctPagesOf("test/fixtures/traces/oracle/raw.oracleGeneral.bin");
    expect(byPass).toBe(40);
    // At 8 KiB pages the header's count (at 4 KiB) does not apply: a pass counts.
    const coarse = await distinctPagesOf("test/fixtures/traces/sort500.pwt", { pageSize: 8192 });
    expect(coarse).toBeLessThan(216);
    expect(coarse).toBeGreaterThanOrEqual(108);
  });
});
