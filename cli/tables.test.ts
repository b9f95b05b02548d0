// The demo's and sweep's tables (issue 17 item 6): every line fits the terminal (80 columns off a
// TTY), ★ marks the best policy that can be built (never OPT, an oracle shown as the bound),
// Belady's anomaly is flagged as `belady` flags it, and the demo ends with where to go next, each
// command of which runs.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderSweepTable, type SweepResult } from "./commands/sweep.js";
import { BufferStream, bufferIo, type CliIo } from "./io.js";
import { main } from "./main.js";
import { runCli } from "./test-helpers.js";

const TEXTBOOK = "1,2,3,4,1,2,5,1,2,3,4,5";
const work = mkdtempSync(join(tmpdir(), "pagewise-tables-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Columns a line takes (box drawing, ★ and ▲ are one column each). */
const cols = (line: string) => [...line].length;

/** A terminal stdout of `columns` columns (plain text: NO_COLOR). */
function terminalIo(columns: number): CliIo & { stdout: BufferStream } {
  const stdout = Object.assign(new BufferStream(true), { columns });
  Object.defineProperty(stdout, "columns", { value: columns });
  return { ...bufferIo({ env: { NO_COLOR: "1" } }), stdout };
}

async function sweepJson(argv: string[]): Promise<SweepResult> {
  const r = await runCli(["sweep", ...argv, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("tables fit the terminal", () => {
  it("sweep with a dozen frame counts and 20 policies fits 80 columns off a terminal, every policy in every part", async () => {
    const r = await runCli(["sweep", "--trace", "test/fixtures/traces/ls.lackey"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    for (const l of lines) expect(cols(l), l).toBeLessThanOrEqual(80);
    const tables = lines.filter((l) => l.startsWith("┌")).length;
    expect(tables).toBeGreaterThan(1);
    for (const id of ["fifo", "lru", "mglru"])
      expect(lines.filter((l) => l.startsWith(`│ ${id} `)).length, id).toBe(tables);
    // Every frame count has its column once.
    const heads = lines.filter((l) => l.startsWith("│ policy")).join(" ");
    const s = await sweepJson(["--trace", "test/fixtures/traces/ls.lackey"]);
    for (const f of s.frames) expect(heads).toContain(` ${f} frame${f === 1 ? "" : "s"} `);
    expect(heads.match(/frames? /g)).toHaveLength(s.frames.length);
  });

  it("adapts to the terminal's width: any width from 40 to 200, one table when it is wide enough", async () => {
    const s = await sweepJson(["--trace", "test/fixtures/traces/ls.lackey"]);
    const io = bufferIo();
    for (let width = 40; width <= 200; width += 7) {
      const text = renderSweepTable(io, s, width);
      for (const l of text.trimEnd().split("\n"))
        expect(cols(l), `${width}: ${l}`).toBeLessThanOrEqual(width);
    }
    const wide = terminalIo(200);
    expect(await main(["sweep", "--trace", "test/fixtures/traces/ls.lackey"], wide)).toBe(0);
    expect(wide.stdout.text.match(/┌/g)).toHaveLength(1);
    expect(Math.max(...wide.stdout.text.split("\n").map(cols))).toBeGreaterThan(80);
    const narrow = terminalIo(60);
    expect(await main(["sweep", "--trace", "test/fixtures/traces/ls.lackey"], narrow)).toBe(0);
    for (const l of narrow.stdout.text.trimEnd().split("\n")) expect(cols(l), l).toBeLessThanOrEqual(60);
  });

  it("the demo's header, table and notes fit 80 columns", async () => {
    const r = await runCli(["demo", "--quick", "--no-report"]);
    expect(r.code, r.stderr).toBe(0);
    const end = r.stdout.indexOf("Where next:");
    expect(end).toBeGreaterThan(0);
    for (const l of r.stdout.slice(0, end).trimEnd().split("\n")) expect(cols(l), l).toBeLessThanOrEqual(80);
  });
});

describe("★ marks the best policy that can be built", () => {
  it("never OPT: its row is the bound; the best buildable policy of each column is starred", async () => {
    const s = await sweepJson(["--refs", TEXTBOOK, "--policies", "fifo,lru,opt", "--frames", "3,4"]);
    expect(s.best.map((b) => b.policies)).toEqual([["opt"], ["opt"]]);
    expect(s.bestBuildable).toEqual([
      { frames: 3, faults: 9, policies: ["fifo"] },
      { frames: 4, faults: 8, policies: ["lru"] },
    ]);
    const r = await runCli(["sweep", "--refs", TEXTBOOK, "--policies", "fifo,lru,opt", "--frames", "3,4"]);
    const row = (id: string) => r.stdout.split("\n").find((l) => l.startsWith(`│ ${id} `))!;
    expect(row("opt (bound)")).not.toContain("★");
    expect(row("opt (bound)")).toMatch(/│\s+7 │\s+6 │$/);
    expect(row("fifo")).toMatch(/│\s+9 ★ │\s+10 ▲ │$/);
    expect(row("lru")).toMatch(/│\s+10 │\s+8 ★ │$/);
    expect(r.stdout).toContain("★ fewest faults among the policies that can be built");
    expect(r.stdout).toMatch(/opt \(bound\): Belady's MIN reads the future, an oracle/);
  });

  it("a sweep of oracles only stars nothing", async () => {
    const r = await runCli(["sweep", "--refs", TEXTBOOK, "--policies", "opt", "--frames", "3,4"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/│[^\n]*★/);
  });
});

describe("sweep flags Belady's anomaly as belady does", () => {
  it("marks the cell ▲, says where under the table, and lists it in --json", async () => {
    const r = await runCli(["sweep", "--refs", TEXTBOOK, "--policies", "fifo,lru,opt", "--frames", "1..5"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("▲ Belady's anomaly: fifo faults more with 4 frames (10) than with 3 (9).");
    expect(r.stdout.match(/▲/g)).toHaveLength(2); // the cell and the line
    const s = await sweepJson(["--refs", TEXTBOOK, "--policies", "fifo,lru,opt", "--frames", "1..5"]);
    const b = JSON.parse((await runCli(["belady", "--refs", TEXTBOOK, "--json"])).stdout);
    expect(s.anomalies).toEqual([{ policy: "fifo", ...b.anomaly }]);
    // LRU and OPT are stack algorithms: no anomaly, nothing flagged.
    const lru = await sweepJson(["--refs", TEXTBOOK, "--policies", "lru,opt", "--frames", "1..5"]);
    expect(lru.anomalies).toEqual([]);
  });
});

describe("the demo ends with where to go next", () => {
  it("names the report and commands on the same workload, each of which runs", async () => {
    const report = join(work, "demo.html");
    const r = await runCli(["demo", "--quick", "--no-system", "--report", report]);
    expect(r.code, r.stderr).toBe(0);
    const next = r.stdout.slice(r.stdout.indexOf("Where next:"));
    expect(next).toContain(`open ${report} in a browser`);
    const commands = [...next.matchAll(/pagewise ([^\n]*?)(?:, then |\n)/g)]
      .map((m) => m[1]!.trim().split(/\s+/))
      .filter((c) => c[0] !== "COMMAND");
    expect(commands.map((c) => c[0])).toEqual(["run", "mrc", "run", "belady", "--help"]);
    expect(commands[0]).toEqual(expect.arrayContaining(["--trace", "test/fixtures/traces/sort500.pwt"]));
    for (const argv of commands) {
      const c = await runCli(argv);
      expect(c.code, `${argv.join(" ")}: ${c.stderr}`).toBe(0);
    }
  }, 60_000);
});
