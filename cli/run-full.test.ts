// `pagewise run --mode full`: --frames counts page frames (the page tables get their own, reported
// as pageTableFrames), so full and replay mode agree; --tlb sets the TLB; the progress bar never
// writes to a non-terminal stderr nor under --json; --colors, --read-ahead, --kswapd and
// --swap-slots turn on the Machine's mechanisms and report their counters (JSON `mechanisms`).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./test-helpers.js";

const TRACE = ["--trace", "test/fixtures/traces/sort500.pwt", "--limit", "100000"];

async function json(argv: string[]) {
  const r = await runCli(argv);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout);
  // Nothing on stderr, but the warning for each process a run killed (issue 18 item 3).
  const killed = doc.mechanisms?.swap?.killed?.length ?? 0;
  const lines = r.stderr === "" ? [] : r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(killed);
  for (const l of lines) expect(l).toMatch(/^pagewise: warning: process \d+ .* was killed: /);
  return doc;
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

  it("reports the faults by cause, and the EAT measured from the disk reads only", async () => {
    // 10 pages written in a loop through 4 frames: each page's first fault zero-fills it, every
    // later one reads it back from swap.
    const args = ["run", "--gen", "loop:pages=10,n=100,writes=1", "--frames", "4", "--mode", "full"];
    const r = await json([...args, "--json"]);
    const k = r.faultCauses;
    expect(k.zeroFill).toBe(10);
    expect(k.fromSwap).toBe(r.faults - 10);
    expect(k.zeroFill + k.fromSwap + k.fromImage + k.fromObject + k.minor).toBe(r.faults);
    // Three zero-fill faults and no disk at all: far below the formula's 8 ms.
    const cold = await json(["run", "--refs", "1,2,3", "--frames", "4", "--mode", "full", "--json"]);
    expect(cold.faultCauses.zeroFill).toBe(3);
    expect(cold.eat.measuredNs).toBeLessThan(cold.eat.formulaNs / 1000);
    const text = await runCli(args);
    expect(text.stdout).toMatch(/faults by cause\s*│\s*zero-fill 10, from swap 90/);
    expect(text.stdout).toContain("a zero-fill fault costs no I/O");
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

// The Machine's optional mechanisms, on workloads where each must act.
const LOOP = ["--gen", "loop:pages=64,n=2000,writes=1", "--frames", "32", "--mode", "full"];
/** Eight pages of one color (even page numbers) twice over: under 2 colors half the frames are theirs. */
const EVEN = ["--refs", "0,2,4,6,8,10,12,14,0,2,4,6,8,10,12,14", "--frames", "8", "--mode", "full"];

describe("pagewise run --mode full: coloring, read-ahead, kswapd, bounded swap", () => {
  it("--read-ahead on a looping write workload prefetches pages that are used, and faults less", async () => {
    const off = await json(["run", ...LOOP, "--json"]);
    const on = await json(["run", ...LOOP, "--read-ahead", "8", "--json"]);
    expect(off.mechanisms).toBeUndefined();
    expect(on.mechanisms.readAhead.pages).toBe(8);
    expect(on.mechanisms.readAhead.prefetched).toBeGreaterThan(0);
    expect(on.mechanisms.readAhead.prefetchHits).toBeGreaterThan(0);
    expect(on.mechanisms.readAhead.prefetchHits).toBeLessThanOrEqual(on.mechanisms.readAhead.prefetched);
    // LRU on a loop one page larger than memory faults on every reference without read-ahead.
    expect(off.faults).toBe(off.references);
    expect(on.faults).toBeLessThan(off.faults / 2);
    expect(on.references).toBe(off.references);
  });

  it("--colors: prefer hands out frames of the other color (conflicts), strict evicts instead", async () => {
    const plain = await json(["run", ...EVEN, "--policy", "fifo", "--json"]);
    const prefer = await json(["run", ...EVEN, "--policy", "fifo", "--colors", "2", "--json"]);
    const strict = await json(["run", ...EVEN, "--policy", "fifo", "--colors", "2:strict", "--json"]);
    // Eight pages fit in eight frames: no coloring, no eviction.
    expect(plain.faults).toBe(8);
    expect(prefer.faults).toBe(8);
    expect(prefer.mechanisms.coloring).toEqual({
      colors: 2,
      mode: "prefer",
      conflicts: 4,
      colorEvictions: 0,
    });
    // Only four frames have the pages' color: strict keeps evicting within them.
    expect(strict.mechanisms.coloring.mode).toBe("strict");
    expect(strict.mechanisms.coloring.conflicts).toBe(0);
    expect(strict.mechanisms.coloring.colorEvictions).toBeGreaterThan(0);
    expect(strict.faults).toBeGreaterThan(plain.faults);
    const text = await runCli(["run", ...EVEN, "--colors", "2:strict"]);
    expect(text.stdout).toMatch(/page colors\s.*2 \(strict\)/);
    expect(text.stdout).toMatch(/color evictions/);
    const none = await runCli(["run", ...EVEN]);
    expect(none.stdout).not.toMatch(/color/);
  });

  it("--kswapd doc wakes kswapd on a trace that fills memory and shows its counters", async () => {
    const args = ["run", ...TRACE, "--policy", "clock", "--frames", "64", "--mode", "full"];
    const r = await json([...args, "--kswapd", "doc", "--json"]);
    const k = r.mechanisms.kswapd;
    expect(k.preset).toBe("doc");
    // doc: 1/2/3 % of 64 frames, rounded, at least 1, 2, 3.
    expect([k.min, k.low, k.high]).toEqual([1, 2, 3]);
    expect(k.wakeups).toBeGreaterThan(0);
    expect(k.reclaimed + k.directReclaimed).toBeGreaterThan(0);
    expect(k.faultEvictions.clean + k.faultEvictions.dirty).toBeGreaterThan(0);
    const text = await runCli(args.concat("--kswapd", "linux,clean=off"));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/kswapd wake-ups/);
    expect(text.stdout).toMatch(/linux: min/);
    const plain = await runCli(args);
    expect(plain.stdout).not.toMatch(/kswapd/);
  });

  it("--swap-slots too small kills a process, with the reason, and skips its later references", async () => {
    // One process writing a loop larger than memory: the 11th dirty eviction finds no slot.
    const self = await json(["run", ...LOOP, "--swap-slots", "10", "--json"]);
    const s = self.mechanisms.swap;
    expect(s.slots).toBe(10);
    expect(s.outOfSwapFaults).toBe(1);
    expect(s.killed).toHaveLength(1);
    expect(s.killed[0].pid).toBe(0);
    expect(s.killed[0].reason).toMatch(/^out-of-swap: no swap slot/);
    expect(self.references + s.skippedReferences).toBe(2000);
    expect(self.evictions.dirty).toBe(10);
    // Process 1 writes 30 pages and stops; process 2 reads a loop: its faults evict process 1's
    // dirty pages until swap is full, then process 1 (the larger) is killed for process 2.
    const gen = [
      "--gen",
      "seq:n=30,writes=1 + loop:pages=20,n=200,writes=0",
      "--frames",
      "40",
      "--mode",
      "full",
    ];
    const other = await json(["run", ...gen, "--swap-slots", "5", "--json"]);
    expect(other.mechanisms.swap.outOfSwapKills).toBe(1);
    expect(other.mechanisms.swap.killed.map((k: { pid: number }) => k.pid)).toEqual([1]);
    expect(other.mechanisms.swap.killed[0].reason).toMatch(/killed as the largest resident set/);
    const roomy = await json(["run", ...gen, "--swap-slots", "100", "--json"]);
    expect(roomy.mechanisms.swap.killed).toEqual([]);
    const text = await runCli(["run", ...gen, "--swap-slots", "5"]);
    expect(text.stdout).toMatch(/killed: process \d+ \(pid 1 in the workload\): out of swap/);
    // Never a plain success for a script either: --json and --csv warn on stderr (issue 18 item 3).
    for (const fmt of ["--json", "--csv"]) {
      const r = await runCli(["run", ...gen, "--swap-slots", "5", fmt]);
      expect(r.stderr).toMatch(
        /^pagewise: warning: process \d+ \(pid 1 in the workload\) was killed: out of swap/,
      );
    }
    const quiet = await runCli(["run", ...gen, "--swap-slots", "100", "--json"]);
    expect(quiet.stderr).toBe("");
  });

  it("rejects the mechanisms' options outside full mode and malformed values (exit 2)", async () => {
    const base = ["run", "--refs", "1,2,3,4,5", "--frames", "4"];
    for (const opt of [
      ["--colors", "4"],
      ["--read-ahead", "2"],
      ["--kswapd", "doc"],
      ["--swap-slots", "3"],
    ]) {
      const r = await runCli([...base, ...opt]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${opt[0]} is for --mode full`);
    }
    for (const opt of [
      ["--colors", "3"],
      ["--colors", "4:loose"],
      ["--colors", "8"],
      ["--read-ahead", "2000"],
      ["--read-ahead", "x"],
      ["--kswapd", "bogus"],
      ["--kswapd", "doc,batch=0"],
      ["--swap-slots", "0"],
    ]) {
      const r = await runCli([...base, "--mode", "full", ...opt]);
      expect(r.code, opt.join(" ")).toBe(2);
      expect(r.stderr).toContain(opt[0]);
      expect(r.stdout).toBe("");
    }
    // Watermarks the frame count cannot hold are the Machine's ConfigError: exit 1, naming it.
    const marks = await runCli([...base, "--mode", "full", "--kswapd", "min=1,low=2,high=9"]);
    expect(marks.code).toBe(1);
    expect(marks.stderr).toContain("kswapd.high");
  });

  it("--report runs the same driver: the JSON is the streamed run's, with every mechanism on", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-full-report-"));
    try {
      const args = [
        "run",
        "--gen",
        "seq:n=300,writes=1 + loop:pages=40,n=3000,writes=1",
        "--policy",
        "opt",
        "--frames",
        "24",
        "--mode",
        "full",
        "--kswapd",
        "doc",
        "--read-ahead",
        "4",
        "--swap-slots",
        "30",
        "--json",
      ];
      const streamed = await runCli(args);
      const report = await runCli([...args, "--report", path.join(dir, "r.html")]);
      expect(report.code, report.stderr).toBe(0);
      expect(streamed.code, streamed.stderr).toBe(0);
      expect(JSON.parse(report.stdout)).toEqual(JSON.parse(streamed.stdout));
      expect(JSON.parse(streamed.stdout).mechanisms.swap.slots).toBe(30);
      expect(fs.statSync(path.join(dir, "r.html")).size).toBeGreaterThan(1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
