// `pagewise thrash` through main(argv, io): JSON, CSV, the report and figure files, usage errors.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";
import { parseDuration } from "./thrash.js";

const work = mkdtempSync(join(tmpdir(), "pagewise-thrash-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Small and quick: each process loops over 10 pages; 48 frames hold 4 working sets with their tables.
const SMALL = ["--gen", "loop:pages=10,n=10000", "--frames", "48", "--warmup", "600ms", "--measure", "200ms"];

describe("pagewise thrash", () => {
  it("prints the curve as JSON: rise with N, collapse past the memory, recovery with load control", async () => {
    const r = await runCli(["thrash", ...SMALL, "--max", "6", "--compare", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.variants.map((v: { label: string }) => v.label)).toEqual(["no load control", "load control"]);
    const [off, on] = doc.variants.map((v: { points: { cpuUtilization: number }[] }) =>
      v.points.map((p) => p.cpuUtilization),
    );
    // 20,000 references (4 ms) of work then 8 ms of I/O: one process keeps the CPU a third busy.
    expect(off[0]).toBeCloseTo(1 / 3, 1); // a 200 ms window holds 16.7 cycles of 12 ms
    expect(off[1]).toBeCloseTo(2 / 3, 1);
    expect(off[2]).toBeCloseTo(1, 2);
    // 48 frames less 2 tables per process: 5 × 10 pages need 50 + 10 > 48, so N = 5 and 6 thrash.
    expect(off[5]).toBeLessThan(0.05);
    expect(on[5]).toBeGreaterThan(0.9);
    expect(doc.variants[0].points[5].thrashing).toBe(true);
    expect(doc.variants[1].points[5].suspended).toBeGreaterThan(0);
  }, 120_000);

  it("goes on when frames are too few for every process, and says which points lost processes", async () => {
    const r = await runCli([
      "thrash",
      "--gen",
      "loop:pages=3,n=1000",
      "--frames",
      "4",
      "--max",
      "3",
      "--measure",
      "100ms",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning \(no load control\): processes were killed for lack of frames at N = 2, 3/,
    );
    expect(r.stderr).toMatch(/give more --frames \(now 4\)/);
    expect(r.stdout).toMatch(/│ killed │/);
    const j = await runCli([
      "thrash",
      "--gen",
      "loop:pages=3,n=1000",
      "--frames",
      "4",
      "--max",
      "3",
      "--measure",
      "100ms",
      "--json",
    ]);
    const pts = JSON.parse(j.stdout).variants[0].points;
    expect(pts.map((p: { killed: number }) => p.killed)).toEqual([0, 1, 2]);
  }, 60_000);

  it("writes CSV, the HTML report and the SVG figure", async () => {
    const html = join(work, "t.html");
    const svg = join(work, "t.svg");
    const r = await runCli(["thrash", ...SMALL, "--max", "2", "--csv", "--report", html, "--svg", svg]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      "variant,degree,cpuUtilization,faultsPerSecond,faultRate,throughput,thrashing,suspended,diskUtilization,killed",
    );
    expect(lines).toHaveLength(3);
    expect(readFileSync(html, "utf8")).toContain('<div class="chart" id="chart-cpu"></div>');
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[^>]*>[\s\S]*CPU utilization/);
  }, 60_000);

  it("gives high-priority processes their working sets first under --alloc priority", async () => {
    // 4 processes, priorities 1,3,1,3; 48 frames less 8 for tables = 40, a minimum of 1 each and
    // 36 split 1:3:1:3 → quotas 6, 15, 5, 14: the priority-3 processes hold their 10 pages, the
    // others thrash.
    const r = await runCli([
      "thrash",
      ...SMALL,
      "--max",
      "4",
      "--alloc",
      "priority",
      "--priorities",
      "1,3",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const p4 = JSON.parse(r.stdout).variants[0].points[3];
    expect(p4.cpuUtilization).toBeCloseTo(2 / 3, 1);
    expect(p4.faultsPerSecond).toBeGreaterThan(50);
  }, 60_000);

  it("refuses bad options with usage errors", async () => {
    const bad = await runCli(["thrash", ...SMALL, "--prepage"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--prepage applies with --load-control/);
    const scope = await runCli(["thrash", ...SMALL, "--scope", "global", "--alloc", "priority"]);
    expect(scope.code).toBe(2);
    const pri = await runCli(["thrash", ...SMALL, "--priorities", "1,2"]);
    expect(pri.code).toBe(2);
    expect(pri.stderr).toMatch(/--priorities applies with --alloc priority/);
    expect(() => parseDuration("ten")).toThrow(/invalid duration/);
    expect(parseDuration("2s")).toBe(2e9);
    expect(parseDuration("8")).toBe(8e6);
  });
});
