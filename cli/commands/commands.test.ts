// Every command's JSON, through main(argv, io) in-process.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";

const TEXTBOOK = "1,2,3,4,1,2,5,1,2,3,4,5";
const work = mkdtempSync(join(tmpdir(), "pagewise-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: JSON documents read field by field
type Doc = any;

async function json(argv: string[]): Promise<Doc> {
  const r = await runCli(argv);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("pagewise run", () => {
  it("FIFO on the textbook string with 3 frames faults 9 times", async () => {
    const r = await json(["run", "--refs", TEXTBOOK, "--policy", "fifo", "--frames", "3", "--json"]);
    expect(r).toMatchObject({
      policy: "fifo",
      frames: 3,
      pageSize: 4096,
      references: 12,
      faults: 9,
      hits: 3,
      missRatio: 0.75,
      evictions: { clean: 6, dirty: 0 },
      writebacks: 0,
      tlb: { hits: 0, misses: 0, mode: "replay" },
    });
    expect(r.eat.formulaNs).toBeCloseTo(0.25 * 200 + 0.75 * 8e6);
  });

  it("FIFO with 4 frames faults 10 times (Belady), OPT 6", async () => {
    expect(
      (await json(["run", "--refs", TEXTBOOK, "--policy", "fifo", "--frames", "4", "--json"])).faults,
    ).toBe(10);
    expect(
      (await json(["run", "--refs", TEXTBOOK, "--policy", "opt", "--frames", "4", "--json"])).faults,
    ).toBe(6);
  });

  it("counts dirty evictions and write-backs for written pages", async () => {
    const r = await json(["run", "--refs", "1w,2w,3w,1,2,3", "--policy", "lru", "--frames", "2", "--json"]);
    expect(r.evictions.dirty).toBeGreaterThan(0);
    expect(r.writebacks).toBe(r.evictions.dirty);
  });

  it("accepts --memory and frame sizes with units", async () => {
    const a = await json(["run", "--refs", TEXTBOOK, "--policy", "fifo", "--memory", "12KiB", "--json"]);
    const b = await json(["run", "--refs", TEXTBOOK, "--policy", "fifo", "--frames", "12KiB", "--json"]);
    expect(a.frames).toBe(3);
    expect(b.frames).toBe(3);
  });

  it("runs a generator and a bundled trace, with every policy including opt", async () => {
    const g = await json([
      "run",
      "--gen",
      "zipf:pages=200,alpha=0.9,n=5000,seed=1",
      "--policy",
      "opt",
      "--frames",
      "20",
      "--json",
    ]);
    expect(g.references).toBe(5000);
    const t = await json([
      "run",
      "--trace",
      "test/fixtures/traces/sort500.pwt",
      "--limit",
      "50000",
      "--policy",
      "clock",
      "--frames",
      "16",
      "--json",
    ]);
    expect(t.references).toBe(50000);
    expect(t.faults).toBeGreaterThan(0);
  });

  it("runs in full mode with TLB counts", async () => {
    const r = await json([
      "run",
      "--refs",
      TEXTBOOK,
      "--policy",
      "lru",
      "--frames",
      "8",
      "--mode",
      "full",
      "--json",
    ]);
    expect(r.tlb.mode).toBe("full");
    expect(r.tlb.hits + r.tlb.misses).toBeGreaterThanOrEqual(12);
  });

  it("prints CSV with a header", async () => {
    const r = await runCli(["run", "--refs", TEXTBOOK, "--policy", "fifo", "--frames", "3", "--csv"]);
    const [head, row] = r.stdout.trim().split("\n");
    expect(head!.split(",").slice(0, 5)).toEqual(["policy", "frames", "pageSize", "references", "faults"]);
    expect(row!.startsWith("fifo,3,4096,12,9,")).toBe(true);
  });

  it("exits 1 with one line for an unknown policy or a missing file", async () => {
    const p = await runCli(["run", "--refs", "1,2", "--policy", "nope", "--frames", "3"]);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/^pagewise: error: unknown policy "nope"/);
    expect(p.stderr.trim().split("\n")).toHaveLength(1);
    const f = await runCli(["run", "--trace", join(work, "missing.lackey"), "--frames", "3", "--json"]);
    expect(f.code).toBe(1);
    expect(f.stdout).toBe("");
  });
});

describe("pagewise sweep and mrc", () => {
  it("sweep gives every (policy, frames) run and the best per frame count", async () => {
    const s = await json([
      "sweep",
      "--refs",
      TEXTBOOK,
      "--policies",
      "fifo,lru,opt",
      "--frames",
      "3,4",
      "--json",
    ]);
    expect(s.frames).toEqual([3, 4]);
    expect(s.runs).toHaveLength(6);
    expect(s.runs.find((r: Doc) => r.policy === "fifo" && r.frames === 4).faults).toBe(10);
    expect(s.best).toEqual([
      { frames: 3, faults: 7, policies: ["opt"] },
      { frames: 4, faults: 6, policies: ["opt"] },
    ]);
  });

  it("sweep prints a table with the best marked", async () => {
    const r = await runCli(["sweep", "--refs", TEXTBOOK, "--policies", "fifo,opt", "--frames", "3,4"]);
    expect(r.stdout).toContain("★");
    expect(r.stdout).toContain("fifo");
  });

  it("mrc gives one curve per policy", async () => {
    const m = await json(["mrc", "--refs", TEXTBOOK, "--policies", "fifo,lru", "--frames", "1..5", "--json"]);
    expect(m.frames).toEqual([1, 2, 3, 4, 5]);
    expect(m.curves.map((c: Doc) => c.policy)).toEqual(["fifo", "lru"]);
    expect(m.curves[0].faults).toEqual([12, 12, 9, 10, 5]);
  });

  it("writes an HTML report", async () => {
    const out = join(work, "sweep.html");
    const r = await runCli([
      "sweep",
      "--gen",
      "zipf:pages=100,n=3000,seed=2",
      "--policies",
      "fifo,lru",
      "--frames",
      "4,16",
      "--report",
      out,
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    JSON.parse(r.stdout);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("uPlot");
    expect(html).toContain('id="report-data"');
  });
});

describe("pagewise belady, info, translate", () => {
  it("belady finds an anomaly for FIFO and none for LRU", async () => {
    const f = await json(["belady", "--json"]);
    expect(f.anomaly).not.toBeNull();
    expect(f.anomaly.moreFaults).toBeGreaterThan(f.anomaly.faults);
    const l = await json(["belady", "--policy", "lru", "--tries", "300", "--json"]);
    expect(l.anomaly).toBeNull();
    const t = await json(["belady", "--refs", TEXTBOOK, "--json"]);
    expect(t.anomaly).toEqual({ frames: 3, faults: 9, moreFrames: 4, moreFaults: 10 });
  });

  it("info describes a workload", async () => {
    const i = await json(["info", "--refs", "1,2w,3,1,2,3w", "--tau", "2", "--samples", "3", "--json"]);
    expect(i).toMatchObject({
      references: 6,
      distinctPages: 3,
      reads: 4,
      writes: 2,
      instructions: 0,
      processes: 1,
    });
    expect(i.workingSet).toEqual({ tau: 2, at: [2, 4, 6], size: [2, 2, 2] });
    const t = await json(["info", "test/fixtures/traces/sort500.pwt", "--limit", "10000", "--json"]);
    expect(t.references).toBe(10000);
    expect(t.instructions).toBeGreaterThan(0);
  });
});

describe("pagewise convert and demo", () => {
  it("convert writes pwt that reads back the same", async () => {
    const src = join(work, "refs.txt");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(src, "1\n2\n3\n1\n");
    const out = join(work, "refs.pwt");
    const c = await json(["convert", src, "--out", out, "--json"]);
    expect(c.references).toBe(4);
    const a = await json(["info", "--trace", src, "--json"]);
    const b = await json(["info", "--trace", out, "--json"]);
    expect(b.references).toBe(a.references);
    expect(b.distinctPages).toBe(a.distinctPages);
  });

  it("demo --quick prints the table and writes the report", async () => {
    const out = join(work, "demo.html");
    const r = await runCli(["demo", "--quick", "--report", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("★");
    expect(r.stdout).toContain(`Report: ${out}`);
    const html = readFileSync(out, "utf8");
    expect(html.length).toBeGreaterThan(50_000);
    // The whole-system figures, each with the command that reproduces it.
    expect(html).toMatch(
      /<section id="figure-thrashing">[\s\S]*<code>pagewise thrash --max 7 --compare --prepage/,
    );
    expect(html).toMatch(
      /<section id="figure-kswapd">[\s\S]*<code>pagewise kswapd --trace test\/fixtures\/traces\/sort500.pwt --frames 160/,
    );
    // Drawn as charts like the rest (their specs in the charts island), not carried twice.
    for (const id of ["thrash-cpu", "thrash-faults", "thrash-tput", "kswapd-free", "kswapd-activity"])
      expect(html).toContain(`<div class="chart" id="${id}"></div>`);
    const island = html.slice(html.indexOf('id="report-data"'));
    expect(island.slice(0, island.indexOf("</script>"))).not.toContain("thrash-cpu");
    const bare = join(work, "demo-bare.html");
    const b = await runCli(["demo", "--quick", "--no-system", "--report", bare]);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(bare, "utf8")).not.toContain("figure-thrashing");
  });
});
