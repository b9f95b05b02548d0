// Issue 17 item 15: a text trace of byte addresses (`0x0041f7a0 R`) is no longer read as page
// numbers without a word. Its values are detected (src/workloads/text-unit.ts) or given with
// --addresses / --pages, and every run, info and note says which was used.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./test-helpers.js";

const ADDR = "test/fixtures/traces/addresses.txt";
const PAGES = "test/fixtures/traces/pages.txt";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-values-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The fixture's values as numbers (comment lines left out). */
function values(file: string): number[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => Number(l.split(" ")[0]));
}

describe("text traces: byte addresses or page numbers", () => {
  it("detects byte addresses, cuts them into pages, and says so on stderr and in the output", async () => {
    const r = await runCli(["run", "--trace", ADDR, "--frames", "3", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const pages = new Set(values(ADDR).map((a) => Math.floor(a / 4096)));
    expect(doc.values).toMatchObject({ unit: "address", how: "detected" });
    expect(doc.references).toBe(60);
    // Five 4 KiB pages, not sixty distinct "page numbers".
    expect(pages.size).toBe(5);
    const info = JSON.parse((await runCli(["info", ADDR, "--json"])).stdout);
    expect(info.distinctPages).toBe(5);
    expect(info.values.unit).toBe("address");
    expect(r.stderr).toMatch(
      /^pagewise: note: test\/fixtures\/traces\/addresses\.txt: values read as byte addresses at 4096-byte pages \(60 of 60 distinct values are multiples of 4.*\); --pages reads them as page numbers\n$/,
    );
    const text = await runCli(["run", "--trace", ADDR, "--frames", "3"]);
    expect(text.stdout).toMatch(/trace values\s*│\s*byte addresses \(4096-byte pages\), detected/);
    const infoText = await runCli(["info", ADDR]);
    expect(infoText.stdout).toMatch(/values\s*│\s*byte addresses \(4096-byte pages\), detected/);
  });

  it("detects page numbers quietly, and says so in the output", async () => {
    const r = await runCli(["run", "--trace", PAGES, "--frames", "3", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const doc = JSON.parse(r.stdout);
    expect(doc.values).toMatchObject({ unit: "page", how: "detected" });
    expect(JSON.parse((await runCli(["info", PAGES, "--json"])).stdout).distinctPages).toBe(
      new Set(values(PAGES)).size,
    );
    const text = await runCli(["run", "--trace", PAGES, "--frames", "3"]);
    expect(text.stdout).toMatch(/trace values\s*│\s*page numbers, detected/);
  });

  it("--pages and --addresses force the reading, with no note", async () => {
    const asPages = await runCli(["info", ADDR, "--pages", "--json"]);
    expect(asPages.stderr).toBe("");
    const p = JSON.parse(asPages.stdout);
    expect(p.values).toEqual({ unit: "page", how: "given", why: "" });
    expect(p.distinctPages).toBe(new Set(values(ADDR)).size);
    const asAddr = JSON.parse((await runCli(["info", PAGES, "--addresses", "--json"])).stdout);
    expect(asAddr.values.unit).toBe("address");
    // Pages 100..112 as byte addresses all lie in page 0.
    expect(asAddr.distinctPages).toBe(1);
    const text = await runCli(["run", "--trace", ADDR, "--frames", "3", "--pages"]);
    expect(text.stdout).toMatch(/trace values\s*│\s*page numbers, --pages/);
    // --page-size cuts addresses into pages of that size.
    const big = JSON.parse((await runCli(["info", ADDR, "--page-size", "16KiB", "--json"])).stdout);
    expect(big.distinctPages).toBe(new Set(values(ADDR).map((a) => Math.floor(a / 16384))).size);
  });

  it("the same through standard input and every command that reads a workload", async () => {
    const sweep = await runCli(["sweep", "--trace", ADDR, "--frames", "2,4", "--json"]);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stderr).toContain("values read as byte addresses");
    expect(JSON.parse(sweep.stdout).workload.distinctPages).toBe(5);
    const full = JSON.parse(
      (await runCli(["run", "--trace", ADDR, "--frames", "3", "--mode", "full", "--json"])).stdout,
    );
    expect(full.values.unit).toBe("address");
    expect(full.faults).toBe(
      JSON.parse((await runCli(["run", "--trace", ADDR, "--frames", "3", "--json"])).stdout).faults,
    );
  });

  it("convert reads a text trace the same way, says which, and writes the pages it read", async () => {
    const out = path.join(dir, "addr.pwt");
    const r = await runCli(["convert", ADDR, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("values: byte addresses (4096-byte pages), detected");
    expect(r.stderr).toContain("values read as byte addresses");
    expect(JSON.parse((await runCli(["info", out, "--json"])).stdout).distinctPages).toBe(5);
    const asPages = path.join(dir, "pages.pwt");
    const j = JSON.parse((await runCli(["convert", ADDR, "--out", asPages, "--pages", "--json"])).stdout);
    expect(j.values).toEqual({ unit: "page", how: "given", why: "" });
    expect(JSON.parse((await runCli(["info", asPages, "--json"])).stdout).distinctPages).toBe(60);
    const lackeyOut = path.join(dir, "ls.pwt");
    const bad = await runCli([
      "convert",
      "test/fixtures/traces/ls.lackey",
      "--out",
      lackeyOut,
      "--addresses",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--addresses applies to text traces");
    expect(fs.existsSync(lackeyOut)).toBe(false);
  });

  it("refuses --addresses with --pages, on a non-text trace, and without --trace (exit 2)", async () => {
    const both = await runCli(["run", "--trace", ADDR, "--frames", "3", "--addresses", "--pages"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give --addresses or --pages, not both");
    const lackey = await runCli([
      "run",
      "--trace",
      "test/fixtures/traces/ls.lackey",
      "--frames",
      "3",
      "--addresses",
    ]);
    expect(lackey.code).toBe(2);
    expect(lackey.stderr).toContain(
      "--addresses applies to text traces; test/fixtures/traces/ls.lackey is lackey",
    );
    const refs = await runCli(["run", "--refs", "1,2", "--frames", "3", "--pages"]);
    expect(refs.code).toBe(2);
    expect(refs.stderr).toContain("--pages applies to --trace only");
  });

  it("pwt, lackey and reference strings have no values field: their format says what they hold", async () => {
    const lackey = JSON.parse(
      (await runCli(["run", "--trace", "test/fixtures/traces/ls.lackey", "--frames", "3", "--json"])).stdout,
    );
    expect(lackey.values).toBeUndefined();
    const refs = JSON.parse((await runCli(["run", "--refs", "1,2,3", "--frames", "3", "--json"])).stdout);
    expect(refs.values).toBeUndefined();
  });

  it("a hex address above 2^48 / page size is an address even alone, and a gzip'd file is sampled decompressed", async () => {
    const file = path.join(dir, "stack.txt");
    fs.writeFileSync(file, "0x7ffd1a2c3f01 W\n0x7ffd1a2c3f09 R\n");
    const doc = JSON.parse((await runCli(["info", file, "--json"])).stdout);
    expect(doc.values.unit).toBe("address");
    expect(doc.distinctPages).toBe(1);
    const gz = path.join(dir, "addresses.txt.gz");
    const { gzipSync } = await import("node:zlib");
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(ADDR)));
    const z = JSON.parse((await runCli(["info", gz, "--json"])).stdout);
    expect(z.values.unit).toBe("address");
    expect(z.distinctPages).toBe(5);
  });
});
