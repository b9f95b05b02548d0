// `pagewise run --mode full`: --frames counts page frames (the page tables get their own, reported
// as pageTableFrames), so full and replay mode agree; --tlb sets the TLB; the progress bar never
// writes to a non-terminal stderr nor under --json.

import { describe, expect, it } from "vitest";
import { runCli } from "./test-helpers.js";

const TRACE = ["--trace", "test/fixtures/traces/sort500.pwt", "--limit", "100000"];

async function json(argv: string[]) {
  const r = await runCli(argv);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
}

describe("pagewise run --mode full", () => {
  it("gives replay mode's faults with --frames page frames, and reports the table frames beside them", async () => {
    for (const policy of ["fifo", "lru", "arc"]) {
      const args = ["run", ...TRACE, "--policy", policy, "--frames", "24", "--json"];
      const replay = await json(args);
      const full = await json([...args, "--mode", "full"]);
      expect(full.frames).toBe(24);
      expect(full.faults).toBe(replay.faults);
      expect(full.evictions).toEqual(replay.evictions);
      expect(full.pageTableFrames).toBeGreaterThanOrEqual(2);
      expect(full.tlb.mode).toBe("full");
      expect(full.tlb.hits + full.tlb.misses).toBeGreaterThanOrEqual(full.references);
      expect(replay.pageTableFrames).toBeUndefined();
    }
  });

  it("takes the TLB geometry from --tlb: a TLB holding every page misses far less", async () => {
    const args = ["run", ...TRACE, "--policy", "lru", "--frames", "256", "--mode", "full", "--json"];
    const small = await json([...args, "--tlb", "4/4"]);
    const big = await json([...args, "--tlb", "256/128"]);
    const none = await json([...args, "--tlb", "0"]);
    expect(big.faults).toBe(small.faults);
    // Every page fits: misses are first touches (the faults) and first writes to a page (D bit).
    expect(big.tlb.misses).toBeGreaterThanOrEqual(big.faults);
    expect(big.tlb.misses).toBeLessThan(3 * big.faults);
    expect(small.tlb.misses).toBeGreaterThan(10 * big.tlb.misses);
    expect(none.tlb.hits).toBe(0);
  });

  it("rejects --tlb in replay mode and a malformed --tlb", async () => {
    const replay = await runCli(["run", "--refs", "1,2,3", "--frames", "2", "--tlb", "64/4"]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain("--tlb");
    const bad = await runCli(["run", "--refs", "1,2,3", "--frames", "2", "--mode", "full", "--tlb", "lots"]);
    expect(bad.code).toBe(2);
    const geometry = await runCli([
      "run",
      "--refs",
      "1,2,3",
      "--frames",
      "2",
      "--mode",
      "full",
      "--tlb",
      "48/4",
    ]);
    expect(geometry.code).toBe(1);
    expect(geometry.stderr).toContain("tlb.entries");
  });

  it("prints the page-table frames in text output and no progress bar off a terminal", async () => {
    const r = await runCli(["run", ...TRACE, "--policy", "clock", "--frames", "32", "--mode", "full"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/page-table frames/);
    expect(r.stderr).toBe("");
  });
});
