// `pagewise pagesize` (issue 17 item 20): faults, page-table frames and internal fragmentation side
// by side over page sizes; every --help example runs; bad values are user errors (exit 1).

import { describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";

interface Row {
  pageSize: number;
  frames: number;
  pages: number;
  faults: number;
  pageTableFrames: number;
  fragmentationBytes: number;
}

describe("pagewise pagesize", () => {
  it("runs every example of its --help", async () => {
    const help = await runCli(["pagesize", "--help"]);
    expect(help.code).toBe(0);
    const examples = help.stdout
      .split("\n")
      .filter((l) => l.trim().startsWith("$ pagewise pagesize"))
      .map((l) => l.trim().slice("$ pagewise ".length).split(/\s+/));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const argv of examples) {
      const r = await runCli(argv);
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it("reports the trade-off: fewer pages and tables, more fragmentation as pages grow", async () => {
    // Pages 0..9 then 100..104 at 4 KiB, twice: two runs of touched pages.
    const refs = [...Array.from({ length: 10 }, (_, i) => i), 100, 101, 102, 103, 104];
    const r = await runCli([
      "pagesize",
      "--refs",
      [...refs, ...refs].join(","),
      "--memory",
      "64KiB",
      "--sizes",
      "4KiB..32KiB:x2",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { vaBits: number; rows: Row[] };
    expect(doc.vaBits).toBe(32);
    expect(doc.rows.map((x) => x.pageSize)).toEqual([4096, 8192, 16384, 32768]);
    expect(doc.rows.map((x) => x.frames)).toEqual([16, 8, 4, 2]);
    // Distinct pages: 4 KiB 15; 8 KiB 0..4 and 50..52 = 8; 16 KiB 0..2 and 25..26 = 5; 32 KiB 0, 1, 12, 13 = 4.
    expect(doc.rows.map((x) => x.pages)).toEqual([15, 8, 5, 4]);
    // 15 pages fit in 16 frames: cold faults only; at 32 KiB, 4 pages in 2 frames, LRU over a cycle of 4.
    expect(doc.rows[0]!.faults).toBe(15);
    expect(doc.rows[3]!.faults).toBe(8);
    // Mapped but not touched: 8 KiB 16 pages x 4 KiB − 15 x 4 KiB = 1 x 4 KiB (page 104's mate) …
    expect(doc.rows.map((x) => x.fragmentationBytes)).toEqual([
      0,
      4096,
      5 * 16384 - 15 * 4096,
      4 * 32768 - 15 * 4096,
    ]);
    for (const x of doc.rows) expect(x.pageTableFrames).toBe(2); // 32-bit: a root and one leaf
  });

  it("refuses page sizes finer than the workload's and asks for --memory", async () => {
    const small = await runCli(["pagesize", "--refs", "1,2,3", "--memory", "64KiB", "--sizes", "2KiB,4KiB"]);
    expect(small.code).toBe(1);
    expect(small.stderr).toMatch(/--sizes.*a multiple of the workload's page size, 4 KiB/);
    const none = await runCli(["pagesize", "--refs", "1,2,3"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give --memory/);
  });
});
