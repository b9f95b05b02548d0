// libCacheSim's formats through the CLI: oracleGeneral files made by libCacheSim's traceConv and by
// a script read with the miss counts libCacheSim's cachesim gives for them; convert --to
// oracleGeneral and back keeps every miss count; the convert examples run.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";
import { exampleLines, runExamples } from "./examples.js";

const DIR = "test/fixtures/traces/oracle";

async function faults(trace: string, policy: string, frames: number, extra: string[] = []): Promise<number> {
  const r = await runCli([
    "run",
    "--trace",
    trace,
    "--policy",
    policy,
    "--frames",
    String(frames),
    "--json",
    ...extra,
  ]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).faults;
}

describe("oracleGeneral through the CLI", () => {
  // cachesim FILE oracleGeneral LRU,Belady 4,8,16 --ignore-obj-size 1 (PROVENANCE.md).
  const LIBCACHESIM: Record<string, number[]> = { lru: [239, 193, 134], opt: [176, 125, 75] };

  it.each(["traceconv.oracleGeneral.bin", "raw.oracleGeneral.bin", "raw.oracleGeneral.bin.zst"])(
    "%s: the miss counts libCacheSim gives",
    async (file) => {
      for (const [policy, want] of Object.entries(LIBCACHESIM)) {
        const got = [];
        for (const n of [4, 8, 16]) got.push(await faults(`${DIR}/${file}`, policy, n));
        expect(got, policy).toEqual(want);
      }
    },
  );

  it("convert --to oracleGeneral and back keeps the references and every miss count", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-og-"));
    try {
      const og = path.join(dir, "s.oracleGeneral.bin");
      const back = path.join(dir, "back.pwt");
      const src = "test/fixtures/traces/sort500.pwt";
      const c1 = await runCli(["convert", src, "--to", "oracleGeneral", "--out", og, "--json"]);
      expect(c1.code).toBe(0);
      const j = JSON.parse(c1.stdout);
      expect(j.to).toBe("oracleGeneral");
      expect(fs.statSync(og).size).toBe(24 * j.references);
      expect((await runCli(["convert", og, "--out", back])).code).toBe(0);
      // .zst: compressed at the end with the zstd program, as the datasets ship.
      const zst = path.join(dir, "s.oracleGeneral.bin.zst");
      expect((await runCli(["convert", src, "--to", "oracleGeneral", "--out", zst])).code).toBe(0);
      expect(Array.from(fs.readFileSync(zst).subarray(0, 4))).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
      expect(fs.readdirSync(dir).sort()).toEqual([
        "back.pwt",
        "s.oracleGeneral.bin",
        "s.oracleGeneral.bin.zst",
      ]);
      for (const p of ["lru", "fifo", "opt", "clock"]) {
        const a = await faults(src, p, 32);
        expect(await faults(og, p, 32), p).toBe(a);
        expect(await faults(back, p, 32), p).toBe(a);
        expect(await faults(zst, p, 32), p).toBe(a);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--unit-size makes a request one page per unit; the csv parameters give the columns", async () => {
    const unit = await runCli([
      "convert",
      `${DIR}/raw.oracleGeneral.bin`,
      "--unit-size",
      "1KiB",
      "--out",
      "/dev/null",
      "--json",
    ]);
    expect(unit.code).toBe(0);
    // Every request is 4096 bytes: 4 pages of 1 KiB each.
    expect(JSON.parse(unit.stdout).references).toBe(4 * 301);
    const csv = await runCli([
      "convert",
      `${DIR}/requests.csv`,
      "--format",
      "libcachesim-csv",
      "--csv-params",
      "obj-id-col=2,op-col=4,has-header=false",
      "--out",
      "/dev/null",
      "--json",
    ]);
    expect(csv.stderr).toBe("");
    expect(JSON.parse(csv.stdout).references).toBe(40);
    const wrong = await runCli([
      "convert",
      `${DIR}/requests.csv`,
      "--format",
      "libcachesim-csv",
      "--csv-params",
      "obj-id-col=9",
      "--out",
      "/dev/null",
    ]);
    expect(wrong.code).toBe(1);
    // has-header unset: line 1, with no number in column 9, is taken for a header; line 2 fails.
    expect(wrong.stderr).toContain("requests.csv:2:");
    expect(wrong.stderr).toContain("expected at least 9 fields");
  });

  it("run takes --unit-size and --csv-params too", async () => {
    // Every request is 4096 bytes: at 1 KiB units each object is 4 pages, always referenced
    // together, so LRU with 16 frames behaves as LRU with 4 objects, 4 faults for each miss.
    const raw = `${DIR}/raw.oracleGeneral.bin`;
    expect(await faults(raw, "lru", 16, ["--unit-size", "1KiB"])).toBe(4 * (await faults(raw, "lru", 4)));
    const r = await runCli([
      "run",
      "--trace",
      `${DIR}/requests.csv`,
      "--format",
      "libcachesim-csv",
      "--csv-params",
      "obj-id-col=2,op-col=4,has-header=false",
      "--policy",
      "lru",
      "--frames",
      "4",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    const j = JSON.parse(r.stdout);
    expect(j.references).toBe(40);
    // "set" rows (every third) are stores: dirty pages get written back.
    expect(j.writebacks).toBeGreaterThan(0);
    const gen = await runCli(["run", "--gen", "zipf:pages=10,n=10", "--unit-size", "4KiB", "--frames", "2"]);
    expect(gen.code).toBe(2);
    expect(gen.stderr).toContain("--unit-size and --csv-params apply to --trace only");
  });

  it("refuses an unknown --to and a truncated file with a clear message", async () => {
    const bad = await runCli([
      "convert",
      `${DIR}/raw.oracleGeneral.bin`,
      "--to",
      "vscsi",
      "--out",
      "/dev/null",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--to: unknown output format "vscsi" \(known: pwt, oracleGeneral\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-og-"));
    try {
      const cut = path.join(dir, "cut.oracleGeneral.bin");
      fs.writeFileSync(cut, fs.readFileSync(`${DIR}/raw.oracleGeneral.bin`).subarray(0, 24 * 10 + 7));
      const r = await runCli(["convert", cut, "--to", "oracleGeneral", "--out", path.join(dir, "o.bin")]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("truncated record: 7 of 24 bytes");
      expect(r.stderr).toContain("at byte 240");
      expect(fs.readdirSync(dir)).toEqual(["cut.oracleGeneral.bin"]);
      // An existing output survives a failed conversion; the input may not be the output.
      fs.writeFileSync(path.join(dir, "keep.bin"), "old");
      expect(
        (await runCli(["convert", cut, "--to", "oracleGeneral", "--out", path.join(dir, "keep.bin")])).code,
      ).toBe(1);
      expect(fs.readFileSync(path.join(dir, "keep.bin"), "utf8")).toBe("old");
      const whole = path.join(dir, "whole.oracleGeneral.bin");
      fs.copyFileSync(`${DIR}/raw.oracleGeneral.bin`, whole);
      const same = await runCli(["convert", whole, "--to", "oracleGeneral", "--out", whole]);
      // Refused before any work (cli/io.ts's output-is-an-input check): a usage error, exit 2.
      expect(same.code).toBe(2);
      expect(same.stderr).toContain("it is an input of this command");
      expect(fs.readFileSync(whole)).toEqual(fs.readFileSync(`${DIR}/raw.oracleGeneral.bin`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the oracleGeneral and csv-parameter examples of convert --help", async () => {
    const help = await runCli(["convert", "--help"]);
    const lines = exampleLines(help.stdout).filter((l) => /oracleGeneral|csv-params|unit-size/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const { line, result } of await runExamples(lines)) {
      expect(result.stderr, line).toBe("");
      expect(result.code, line).toBe(0);
    }
  });
});
