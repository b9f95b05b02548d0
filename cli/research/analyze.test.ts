// `pagewise analyze`: its figures against independent sources (the fixture's provenance counts, a
// replay of LRU by `pagewise run`), its HTML report, its usage errors, and its help examples.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";
import { exampleLines, runExamples } from "./examples.js";

const SORT = "test/fixtures/traces/sort500.pwt";

describe("pagewise analyze", () => {
  it("reports the counts of the fixture's provenance and LRU misses equal to a replay", async () => {
    const r = await runCli(["analyze", SORT, "--frames", "10%,64,1MiB", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // test/fixtures/traces/PROVENANCE.md: references, I / L / S / M, distinct pages.
    expect(j.references).toBe(2_015_867);
    expect(j.byKind).toEqual({ instructions: 1_531_355, loads: 323_469, stores: 157_606, modifies: 3_437 });
    expect(j.distinctPages).toBe(216);
    expect(j.writes).toBe(157_606 + 3_437);
    expect(j.processes).toEqual([{ pid: 0, references: 2_015_867, writes: 161_043, pages: 216 }]);
    expect(j.reuse.cold).toBe(216);
    expect(j.lru.map((l: { frames: number }) => l.frames)).toEqual([21, 64, 256]);
    for (const l of j.lru) {
      const run = await runCli([
        "run",
        "--trace",
        SORT,
        "--policy",
        "lru",
        "--frames",
        String(l.frames),
        "--json",
      ]);
      expect(l.misses, `${l.frames} frames`).toBe(JSON.parse(run.stdout).faults);
    }
  });

  it("reads processes apart and writes an HTML report with its charts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-analyze-"));
    try {
      const html = path.join(dir, "r.html");
      const r = await runCli([
        "analyze",
        "--gen",
        "mix:procs=3,quantum=50,gen=zipf,pages=200,n=6000,seed=2",
        "--window",
        "500",
        "--html",
        html,
        "--json",
      ]);
      expect(r.stderr).toBe("");
      const j = JSON.parse(r.stdout);
      expect(j.processes).toHaveLength(3);
      expect(j.processes.reduce((s: number, p: { references: number }) => s + p.references, 0)).toBe(
        j.references,
      );
      expect(j.processes.reduce((s: number, p: { pages: number }) => s + p.pages, 0)).toBe(j.distinctPages);
      const page = fs.readFileSync(html, "utf8");
      expect(page.startsWith("<!doctype html>")).toBe(true);
      expect(page.match(/<svg /g)?.length).toBe(4);
      expect(page).toContain("Reuse (LRU stack) distance");
      expect(page).toContain("pagewise analyze --gen mix:procs=3");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops at --limit and prints tables by default", async () => {
    const r = await runCli(["analyze", SORT, "--limit", "1000", "--json"]);
    expect(JSON.parse(r.stdout).references).toBe(1000);
    const h = await runCli(["analyze", SORT, "--limit", "50000"]);
    expect(h.code).toBe(0);
    for (const s of ["reuse distance", "LRU at memory sizes", "most referenced pages", "working set"])
      expect(h.stdout).toContain(s);
  });

  it("prints the same figures as CSV rows", async () => {
    const args = ["analyze", SORT, "--limit", "100000", "--frames", "1%,64"];
    const j = JSON.parse((await runCli([...args, "--json"])).stdout);
    const csv = (await runCli([...args, "--csv"])).stdout.trim().split("\n");
    expect(csv[0]).toBe("section,key,value");
    const get = (section: string, key: string) =>
      Number(csv.find((l) => l.startsWith(`${section},${key},`))!.split(",")[2]);
    expect(get("summary", "references")).toBe(j.references);
    expect(get("summary", "distinctPages")).toBe(j.distinctPages);
    expect(get("reuse", "cold")).toBe(j.reuse.cold);
    expect(get("lru.misses", "1%")).toBe(j.lru[0].misses);
    expect(get("lru.frames", "64 frames")).toBe(64);
    expect(get("process.pages", "0")).toBe(j.distinctPages);
    const both = await runCli([...args, "--json", "--csv"]);
    expect(both.code).toBe(2);
  });

  it("exits 2 for usage errors, 1 for a bad file, one line on stderr", async () => {
    for (const argv of [
      ["analyze"],
      ["analyze", SORT, "--gen", "zipf:pages=10,n=10"],
      ["analyze", SORT, "--frames", "0%"],
      ["analyze", SORT, "--frames", "150%"],
      ["analyze", "--gen", "zipf:pages=10,n=10", "--unit-size", "4KiB"],
      ["analyze", "--gen", "zipf:pages=10,n=10", "--page-size", "8KiB"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), argv.join(" ")).toHaveLength(1);
    }
    const missing = await runCli(["analyze", "no/such.bin"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no/such.bin");
  });

  it("runs the examples of its --help", async () => {
    const help = await runCli(["analyze", "--help"]);
    const lines = exampleLines(help.stdout);
    expect(lines.length).toBe(4);
    for (const { line, result } of await runExamples(lines)) {
      expect(result.stderr, line).toBe("");
      expect(result.code, line).toBe(0);
      expect(result.stdout.length, line).toBeGreaterThan(0);
    }
  });
});
