// `--frames 0.1%,1%,10%` in run, sweep and mrc: a share of the trace's distinct pages, floored and at
// least one frame, resolved per trace, the same counts a plain `--frames N` gives.

import { describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";

const SORT = "test/fixtures/traces/sort500.pwt"; // 216 distinct pages (PROVENANCE.md)
const BELADY = "1,2,3,4,1,2,5,1,2,3,4,5"; // 5 distinct pages

async function json(argv: string[]): Promise<Record<string, unknown>> {
  const r = await runCli([...argv, "--json"]);
  expect(r.stderr.replace(/^mrc: .*\n/, "")).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe("run --frames p%", () => {
  it("is floor(p% of the distinct pages) frames on a reference string, a generator and a trace", async () => {
    // 60% of 5 pages is 3 frames: FIFO's 9 faults (Belady's string); 50% is 2 (floored).
    const three = await json(["run", "--refs", BELADY, "--policy", "fifo", "--frames", "60%"]);
    expect(three.frames).toBe(3);
    expect(three.faults).toBe(9);
    expect((await json(["run", "--refs", BELADY, "--frames", "50%"])).frames).toBe(2);
    // 10% of 216 is 21.6: 21 frames, the faults of --frames 21, streamed and with --report's path.
    const pct = await json(["run", "--trace", SORT, "--policy", "clock", "--frames", "10%"]);
    const abs = await json(["run", "--trace", SORT, "--policy", "clock", "--frames", "21"]);
    expect(pct).toEqual(abs);
    const gen = "zipf:pages=400,alpha=0.8,n=5000,seed=3";
    const g = await json(["run", "--gen", gen, "--frames", "25%", "--limit", "2000"]);
    const s = await json(["sweep", "--gen", gen, "--policies", "lru", "--frames", "1", "--limit", "2000"]);
    const distinct = (s.workload as { distinctPages: number }).distinctPages;
    expect(g.frames).toBe(Math.floor(distinct / 4));
  });

  it("is at least one frame, and the same in full mode and step mode", async () => {
    expect((await json(["run", "--refs", BELADY, "--frames", "0.1%"])).frames).toBe(1);
    const full = await json(["run", "--refs", BELADY, "--frames", "60%", "--mode", "full"]);
    expect(full.frames).toBe(3);
    expect(full).toEqual(await json(["run", "--refs", BELADY, "--frames", "3", "--mode", "full"]));
    expect(full.faults).toBe(10); // LRU at 3 frames on Belady's string
    const steps = await runCli(["run", "--refs", BELADY, "--frames", "60%", "--steps"]);
    expect(steps.code).toBe(0);
    expect(steps.stdout).toContain("lru with 3 frames");
  });

  it("refuses 0%, more than 100% and a percentage with --memory", async () => {
    for (const bad of ["0%", "101%", "x%"]) {
      const r = await runCli(["run", "--refs", BELADY, "--frames", bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(`"${bad}"`);
    }
    const r = await runCli(["run", "--refs", BELADY, "--frames", "10%", "--memory", "1MiB"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not both");
  });
});

describe("sweep and mrc --frames with percentages", () => {
  it("sweep resolves shares of the trace beside counts and sizes, deduplicated and sorted", async () => {
    const j = await json([
      "sweep",
      "--trace",
      SORT,
      "--policies",
      "lru,fifo",
      "--frames",
      "50%,1%,10%,64,4KiB",
    ]);
    // 1% of 216 is 2; 4KiB is 1 frame of 4 KiB; 10% is 21; 50% is 108.
    expect(j.frames).toEqual([1, 2, 21, 64, 108]);
    const plain = await json([
      "sweep",
      "--trace",
      SORT,
      "--policies",
      "lru,fifo",
      "--frames",
      "1,2,21,64,108",
    ]);
    expect(j.runs).toEqual(plain.runs);
  });

  it("mrc resolves them for one-pass curves and for simulated ones", async () => {
    const pct = await json(["mrc", "--trace", SORT, "--policies", "lru,clock", "--frames", "10%,100%"]);
    expect(pct.frames).toEqual([21, 216]);
    // Simulated only (no one-pass curve): a pass counts the distinct pages.
    const sim = await json(["mrc", "--trace", SORT, "--policies", "clock", "--frames", "10%,100%"]);
    expect(sim.frames).toEqual([21, 216]);
    const faults = (d: Record<string, unknown>) =>
      (d.curves as { policy: string; faults: number[] }[]).find((c) => c.policy === "clock")!.faults;
    expect(faults(sim)).toEqual(faults(pct));
  });
});
