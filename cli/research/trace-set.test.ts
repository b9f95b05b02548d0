// Traces as a set in sweep and mrc: the expansion of --trace (files, directories, globs), the
// statistics (reductions, percentiles), and the rows per (trace, policy, size) checked against
// each trace swept alone at the frame counts its shares resolve to.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";
import { expandTraces, globFiles, percentile, reduction } from "../trace-set.js";

const T = "test/fixtures/traces";
const SORT = `${T}/sort500.pwt`;
const RUN = `${T}/run.pages`;
const LIMIT = "60000";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-set-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function ok(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe("--trace as a set", () => {
  it("expands directories (their files, sorted, hidden ones left out) and globs, each path once", () => {
    const d = path.join(tmp, "expand");
    fs.mkdirSync(path.join(d, "sub", "deep"), { recursive: true });
    for (const f of ["b.bin", "a.bin", ".hidden.bin", "c.txt", "sub/x.bin", "sub/deep/y.bin"])
      fs.writeFileSync(path.join(d, f), "1\n");
    expect(expandTraces(["expand"], tmp)).toEqual(["expand/a.bin", "expand/b.bin", "expand/c.txt"]);
    expect(expandTraces(["expand/*.bin", "expand/a.bin", "expand/c.txt"], tmp)).toEqual([
      "expand/a.bin",
      "expand/b.bin",
      "expand/c.txt",
    ]);
    expect(globFiles("expand/**/*.bin", tmp)).toEqual([
      "expand/a.bin",
      "expand/b.bin",
      "expand/sub/deep/y.bin",
      "expand/sub/x.bin",
    ]);
    expect(globFiles("expand/[ab].?in", tmp)).toEqual(["expand/a.bin", "expand/b.bin"]);
    expect(globFiles(`${d}/*.txt`, "/")).toEqual([`${d}/c.txt`]);
    expect(() => expandTraces(["expand/*.zst"], tmp)).toThrow(/no file matches/);
    expect(() => expandTraces(["-", "expand/a.bin"], tmp)).toThrow(/standard input/);
  });

  it("computes reductions and linearly interpolated percentiles", () => {
    expect(reduction(0.5, 0.4)).toBeCloseTo(0.2, 12);
    expect(reduction(0.4, 0.5)).toBeCloseTo(-0.25, 12);
    expect(reduction(0, 0)).toBe(0);
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12);
    expect(percentile([1, 2, 3, 4], 50)).toBeCloseTo(2.5, 12);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12);
    expect(percentile([7], 10)).toBe(7);
  });

  it("one trace named by a glob or a directory prints exactly what --trace FILE prints", async () => {
    const d = path.join(tmp, "one");
    fs.mkdirSync(d);
    fs.copyFileSync(RUN, path.join(d, "run.pages"));
    const args = ["--policies", "fifo,lru", "--frames", "2,5%,8"];
    const plain = await ok(["sweep", "--trace", path.join(d, "run.pages"), ...args, "--json"]);
    expect(await ok(["sweep", "--trace", d, ...args, "--json"])).toBe(plain);
    expect(await ok(["sweep", "--trace", `${d}/*.pages`, ...args, "--json"])).toBe(plain);
    expect(JSON.parse(plain).workload).toBeDefined(); // the one-trace document, not a set's
  });

  it("sweep gives each (trace, policy, size) the run of that trace swept alone, and their aggregate", async () => {
    const doc = JSON.parse(
      await ok([
        "sweep",
        ...["--trace", SORT, "--trace", RUN, "--trace", `${T}/gzip-words.pwt`],
        ...["--policies", "lru,clock", "--frames", "10%,50%", "--limit", LIMIT, "--json"],
      ]),
    );
    // fifo is the baseline by default: run too, though --policies leaves it out.
    expect(doc.policies).toEqual(["lru", "clock", "fifo"]);
    expect(doc.baseline).toBe("fifo");
    expect(doc.sizes).toEqual(["10%", "50%"]);
    expect(doc.rows).toHaveLength(3 * 2 * 3);
    for (const t of doc.traces) {
      const mine = doc.rows.filter((r: { trace: string }) => r.trace === t.trace);
      const frames = [...new Set(mine.map((r: { frames: number }) => r.frames))] as number[];
      expect(frames).toEqual([Math.floor(t.distinctPages / 10), Math.floor(t.distinctPages / 2)]);
      const alone = JSON.parse(
        await ok([
          "sweep",
          ...["--trace", t.trace, "--policies", "lru,clock,fifo", "--frames", frames.join(",")],
          ...["--limit", LIMIT, "--json"],
        ]),
      );
      expect(alone.workload.distinctPages).toBe(t.distinctPages);
      for (const run of alone.runs) {
        const row = mine.find(
          (r: { policy: string; frames: number }) => r.policy === run.policy && r.frames === run.frames,
        );
        const { trace: _t, size: _s, baseline: _b, missRatioReduction: red, ...rest } = row;
        expect(rest).toEqual(run);
        const base = alone.runs.find(
          (x: { policy: string; frames: number }) => x.policy === "fifo" && x.frames === run.frames,
        );
        expect(red).toBeCloseTo((base.missRatio - run.missRatio) / base.missRatio, 12);
      }
    }
    for (const a of doc.aggregate) {
      const xs = doc.rows
        .filter((r: { policy: string; size: string }) => r.policy === a.policy && r.size === a.size)
        .map((r: { missRatioReduction: number }) => r.missRatioReduction)
        .sort((x: number, y: number) => x - y);
      expect(a.traces).toBe(3);
      expect(a.mean).toBeCloseTo((xs[0] + xs[1] + xs[2]) / 3, 12);
      expect(a.p50).toBe(xs[1]);
      expect(a.p10).toBeCloseTo(xs[0] + 0.2 * (xs[1] - xs[0]), 12);
    }
    expect(doc.aggregate.map((a: { policy: string }) => a.policy)).toEqual(["lru", "clock", "lru", "clock"]);
  });

  it("sweep --csv has a row per (trace, policy, size); the table names the baseline", async () => {
    const args = ["sweep", "--trace", SORT, "--trace", RUN, "--policies", "lru,fifo", "--baseline", "lru"];
    const csv = (await ok([...args, "--frames", "1%,10%,64", "--limit", LIMIT, "--csv"])).trim().split("\n");
    expect(csv[0]).toBe(
      "trace,size,policy,frames,pageSize,references,faults,hits,missRatio,evictionsClean,evictionsDirty,writebacks,tlbHits,tlbMisses,eatFormulaNs,eatMeasuredNs,baseline,missRatioReduction",
    );
    expect(csv).toHaveLength(1 + 2 * 3 * 2);
    const lru = csv.slice(1).filter((l) => l.split(",")[2] === "lru");
    expect(lru).toHaveLength(6);
    for (const l of lru) expect(l.endsWith(",lru,0"), l).toBe(true); // the baseline against itself
    expect(csv.slice(1).filter((l) => l.split(",")[2] === "fifo" && !l.endsWith(",lru,0"))).not.toHaveLength(
      0,
    );
    const table = await ok([...args, "--limit", LIMIT]);
    expect(table).toContain("Miss-ratio reduction against lru over 2 traces");
    expect(table).toContain("0.1%"); // the default sizes of a set
  });

  it("mrc gives each trace's curve points at its sizes, equal to mrc on that trace alone", async () => {
    const doc = JSON.parse(
      await ok([
        "mrc",
        ...["--trace", SORT, "--trace", RUN, "--policies", "lru,opt,clock", "--frames", "5%,25%", "--json"],
        ...["--limit", LIMIT],
      ]),
    );
    expect(doc.policies).toEqual(["lru", "opt", "clock", "fifo"]);
    for (const t of doc.traces) {
      const mine = doc.rows.filter((r: { trace: string }) => r.trace === t.trace);
      const frames = [Math.floor(t.distinctPages / 20), Math.floor(t.distinctPages / 4)];
      const alone = JSON.parse(
        await ok([
          "mrc",
          ...["--trace", t.trace, "--policies", "lru,opt,clock,fifo", "--frames", frames.join(",")],
          ...["--limit", LIMIT, "--json"],
        ]),
      );
      for (const cv of alone.curves) {
        const got = mine.filter((r: { policy: string }) => r.policy === cv.policy);
        expect(got.map((r: { faults: number }) => r.faults)).toEqual(cv.faults);
        expect(got.map((r: { method: string }) => r.method)).toEqual(got.map(() => cv.method));
      }
    }
  });

  it("refuses what takes one workload, and an unknown baseline", async () => {
    const set = ["--trace", SORT, "--trace", RUN];
    expect((await runCli(["sweep", ...set, "--report", path.join(tmp, "r.html")])).code).toBe(2);
    expect((await runCli(["mrc", ...set, "--all-sizes"])).code).toBe(2);
    const bad = await runCli(["sweep", ...set, "--baseline", "nosuch"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("nosuch");
    const none = await runCli(["sweep", "--trace", path.join(tmp, "*.nothing")]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no file matches");
  });
});
