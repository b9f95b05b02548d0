// `pagewise mrc` methods: the one-pass curves (default) give the same faults as --method sim at
// every frame count, on the textbook string and on a real trace fixture; --method shards estimates
// LRU close to the exact curve; the method of each curve is reported; bad options are usage errors.

import { describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";

const TEXTBOOK = "1,2,3,4,1,2,5,1,2,3,4,5";
const TRACE = "test/fixtures/traces/gzip-words.pwt";

// biome-ignore lint/suspicious/noExplicitAny: JSON documents read field by field
type Doc = any;

async function json(argv: string[]): Promise<Doc> {
  const r = await runCli(argv);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("pagewise mrc methods", () => {
  it("one pass and simulation agree on the textbook string at every size", async () => {
    const args = ["mrc", "--refs", TEXTBOOK, "--policies", "fifo,lru,opt", "--all-sizes", "--json"];
    const fast = await json(args);
    const sim = await json([...args, "--method", "sim"]);
    expect(fast.frames).toEqual([1, 2, 3, 4, 5]);
    expect(fast.curves.map((c: Doc) => c.method)).toEqual(["simulation", "exact one pass", "exact one pass"]);
    expect(sim.curves.map((c: Doc) => c.method)).toEqual(["simulation", "simulation", "simulation"]);
    expect(fast.curves.map((c: Doc) => c.faults)).toEqual(sim.curves.map((c: Doc) => c.faults));
    expect(fast.curves[2].faults).toEqual([12, 9, 7, 6, 5]);
  });

  it("one pass and simulation agree on a real trace at sampled sizes", async () => {
    const args = ["mrc", "--trace", TRACE, "--policies", "lru,opt", "--points", "9", "--json"];
    const fast = await json(args);
    const sim = await json([...args, "--method", "sim"]);
    expect(fast.frames.length).toBeGreaterThan(5);
    expect(fast.curves.map((c: Doc) => c.faults)).toEqual(sim.curves.map((c: Doc) => c.faults));
    expect(fast.curves.map((c: Doc) => c.missRatio)).toEqual(sim.curves.map((c: Doc) => c.missRatio));
  });

  it("--method shards estimates LRU near the exact curve and says so", async () => {
    const base = ["mrc", "--trace", TRACE, "--policies", "lru", "--all-sizes"];
    const exact = await json([...base, "--json"]);
    const r = await runCli([...base, "--method", "shards", "--sample-rate", "0.5", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("SHARDS estimate at rate 0.5");
    const est = JSON.parse(r.stdout);
    expect(est.curves[0].method).toBe("SHARDS sample");
    expect(est.curves[0].sampleRate).toBe(0.5);
    const diffs = est.curves[0].missRatio.map((m: number, i: number) =>
      Math.abs(m - exact.curves[0].missRatio[i]),
    );
    expect(diffs.length).toBe(exact.workload.distinctPages);
    expect(diffs.reduce((a: number, b: number) => a + b, 0) / diffs.length).toBeLessThan(0.01);
  });

  it("prints the method and time on stderr and the csv has a method column", async () => {
    const r = await runCli(["mrc", "--refs", TEXTBOOK, "--policies", "lru,fifo", "--frames", "3", "--csv"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/lru exact, one pass for every size in [\d.]+ s; fifo simulated at 1 sizes/);
    expect(r.stdout.split("\n")[0]).toBe("frames,policy,faults,missRatio,method");
  });

  it("rejects a bad method, a bad rate, and a rate without shards", async () => {
    for (const extra of [
      ["--method", "magic"],
      ["--method", "shards", "--sample-rate", "0"],
      ["--sample-rate", "0.1"],
    ]) {
      const r = await runCli(["mrc", "--refs", TEXTBOOK, ...extra]);
      expect(r.code, extra.join(" ")).not.toBe(0);
      expect(r.stderr.length).toBeGreaterThan(0);
    }
  });
});

describe("pagewise mrc --report", () => {
  it("draws lru from its one-pass curve (a SHARDS estimate stays an estimate), not from simulating each size", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "pagewise-mrc-report-"));
    try {
      const out = join(dir, "mrc.html");
      const args = ["mrc", "--trace", TRACE, "--policies", "lru,fifo", "--frames", "40..190:x1.5"];
      const doc = await json([
        ...args,
        "--method",
        "shards",
        "--sample-rate",
        "0.1",
        "--report",
        out,
        "--json",
      ]);
      const sim = await json([...args, "--method", "sim", "--json"]);
      const html = readFileSync(out, "utf8");
      const data = JSON.parse(
        /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!,
      );
      const drawn = (p: string) => data.mrc.curves.find((c: Doc) => c.policy === p).faults;
      const lru = doc.curves.find((c: Doc) => c.policy === "lru");
      expect(lru.method).toBe("SHARDS sample");
      expect(drawn("lru")).toEqual(lru.faults);
      // The estimate differs from the simulated curve somewhere, so the report did not simulate it.
      expect(lru.faults).not.toEqual(sim.curves.find((c: Doc) => c.policy === "lru").faults);
      expect(drawn("fifo")).toEqual(sim.curves.find((c: Doc) => c.policy === "fifo").faults);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
