// Outputs never destroy inputs and are never left half-written: the helper (node/output-file.ts)
// and every command that writes a file, in-process.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../cli/test-helpers.js";
import { PwtWriter } from "./convert.js";
import {
  beginCommandInputs,
  checkNotInput,
  endCommandInputs,
  noteInput,
  OutputFile,
  OutputFileError,
  OutputIsInputError,
  pendingOutputs,
  writeOutputFile,
} from "./output-file.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-out-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  endCommandInputs();
});

const at = (name: string) => path.join(dir, name);
/** Whether this user may make device nodes (root): the device tests need one of their own. */
const canMknod = (() => {
  const probe = path.join(os.tmpdir(), `pagewise-mknod-${process.pid}`);
  const ok = spawnSync("mknod", [probe, "c", "1", "3"]).status === 0;
  fs.rmSync(probe, { force: true });
  if (!ok) console.warn("device-output tests skipped: mknod needs root");
  return ok;
})();
const TEXT = "1\n2\n3\n1\n4\n";

/** Files in the test directory other than those named: leftovers such as temporary files. */
function others(...keep: string[]): string[] {
  return fs.readdirSync(dir).filter((f) => !keep.includes(f));
}

describe("writeOutputFile", () => {
  it("writes the whole file and leaves no temporary file", () => {
    const p = writeOutputFile(at("a.txt"), "hello");
    expect(p).toBe(fs.realpathSync(at("a.txt")));
    expect(fs.readFileSync(at("a.txt"), "utf8")).toBe("hello");
    expect(others("a.txt")).toEqual([]);
    expect(pendingOutputs()).toEqual([]);
  });

  it("keeps an existing file's permissions", () => {
    fs.writeFileSync(at("a.txt"), "old");
    fs.chmodSync(at("a.txt"), 0o640);
    writeOutputFile(at("a.txt"), "new");
    expect(fs.statSync(at("a.txt")).mode & 0o777).toBe(0o640);
    expect(fs.readFileSync(at("a.txt"), "utf8")).toBe("new");
  });

  it("writes through a symlink to the file it points to, keeping the link", () => {
    fs.writeFileSync(at("real.txt"), "old");
    fs.symlinkSync(at("real.txt"), at("link.txt"));
    writeOutputFile(at("link.txt"), "new");
    expect(fs.lstatSync(at("link.txt")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(at("real.txt"), "utf8")).toBe("new");
  });

  it.runIf(canMknod)("writes a device directly (no temporary file beside it, the device stays)", () => {
    const dev = at("null-device");
    expect(spawnSync("mknod", ["-m", "666", dev, "c", "1", "3"]).status).toBe(0);
    expect(writeOutputFile(dev, "x")).toBe(dev);
    expect(fs.statSync(dev).isCharacterDevice()).toBe(true);
    expect(others("null-device")).toEqual([]);
  });

  it("refuses a directory and a missing directory with the file named", () => {
    expect(() => writeOutputFile(dir, "x")).toThrow(OutputFileError);
    expect(() => writeOutputFile(at("no/such/x.txt"), "x")).toThrow(
      /cannot write .*no\/such\/x\.txt: no such file or directory \(ENOENT\)/,
    );
    expect(writeOutputFile(at("new/dir/x.txt"), "x", { mkdir: true })).toBe(at("new/dir/x.txt"));
  });

  it("refuses an input: the same path, a relative spelling, a hard link, a symlink", () => {
    fs.writeFileSync(at("in.txt"), TEXT);
    fs.linkSync(at("in.txt"), at("hard.txt"));
    fs.symlinkSync(at("in.txt"), at("soft.txt"));
    noteInput(at("free.txt"));
    expect(() => writeOutputFile(at("free.txt"), "x")).not.toThrow(); // outside a command: not noted
    beginCommandInputs();
    noteInput(at("in.txt"));
    for (const out of [at("in.txt"), path.join(dir, ".", "in.txt"), at("hard.txt"), at("soft.txt")]) {
      expect(() => writeOutputFile(out, "x")).toThrow(OutputIsInputError);
    }
    expect(() => checkNotInput("in.txt", [], dir)).toThrow(/refusing to write in\.txt: it is an input/);
    expect(fs.readFileSync(at("in.txt"), "utf8")).toBe(TEXT);
    expect(others("in.txt", "hard.txt", "soft.txt", "free.txt")).toEqual([]);
  });

  it("abort leaves the target as it was", () => {
    fs.writeFileSync(at("a.txt"), "old");
    const o = OutputFile.open(at("a.txt"));
    o.write(Buffer.from("half of the new"));
    expect(pendingOutputs()).toHaveLength(1);
    o.abort();
    expect(fs.readFileSync(at("a.txt"), "utf8")).toBe("old");
    expect(others("a.txt")).toEqual([]);
    expect(pendingOutputs()).toEqual([]);
  });
});

describe("PwtWriter", () => {
  it("leaves the target untouched until close, and untouched after abort", async () => {
    fs.writeFileSync(at("t.pwt"), "precious");
    const w = PwtWriter.create(at("t.pwt"), 4096);
    await w.write({
      pages: new Float64Array([1, 2]),
      kinds: new Uint8Array([1, 2]),
      pids: new Int32Array([0, 0]),
      count: 2,
    });
    expect(fs.readFileSync(at("t.pwt"), "utf8")).toBe("precious");
    w.abort();
    expect(fs.readFileSync(at("t.pwt"), "utf8")).toBe("precious");
    expect(others("t.pwt")).toEqual([]);
  });
});

describe("commands never overwrite an input", () => {
  it("convert X --out X: exit 2, X unchanged (text and pwt, by path and by hard link)", async () => {
    fs.writeFileSync(at("t.txt"), TEXT);
    fs.copyFileSync("test/fixtures/traces/sort500.pwt", at("t.pwt"));
    fs.linkSync(at("t.txt"), at("link.txt"));
    const before = fs.readFileSync(at("t.pwt"));
    for (const [input, out] of [
      ["t.txt", "t.txt"],
      ["t.pwt", "t.pwt"],
      ["t.txt", "link.txt"],
      ["t.txt", "./t.txt"],
    ] as const) {
      const r = await runCli(["convert", at(input), "--out", path.join(dir, out)]);
      expect(r.code, `${input} → ${out}`).toBe(2);
      expect(r.stderr).toMatch(/refusing to write .*: it is an input/);
      expect(r.stderr).not.toMatch(/unexpected failure/);
    }
    expect(fs.readFileSync(at("t.txt"), "utf8")).toBe(TEXT);
    expect(fs.readFileSync(at("t.pwt")).equals(before)).toBe(true);
    expect(others("t.txt", "t.pwt", "link.txt")).toEqual([]);
  });

  it("run/kswapd --trace t --report t or --svg t: exit 2 before any work, the trace unchanged", async () => {
    fs.writeFileSync(at("t.txt"), TEXT);
    for (const args of [
      ["run", "--trace", at("t.txt"), "--frames", "2", "--report", at("t.txt")],
      ["kswapd", "--trace", at("t.txt"), "--frames", "2", "--svg", at("t.txt")],
      ["mrc", "--trace", at("t.txt"), "--report", at("t.txt")],
      ["sweep", "--trace", at("t.txt"), "--frames", "1,2", "--report", at("t.txt")],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/refusing to write/);
      expect(fs.readFileSync(at("t.txt"), "utf8")).toBe(TEXT);
    }
  });

  it("a failing convert leaves an existing output as it was, and no temporary file", async () => {
    fs.writeFileSync(at("bad.txt"), "1\n2\nthree\n");
    fs.writeFileSync(at("out.pwt"), "precious");
    const r = await runCli(["convert", at("bad.txt"), "--out", at("out.pwt")]);
    expect(r.code).toBe(1);
    expect(fs.readFileSync(at("out.pwt"), "utf8")).toBe("precious");
    expect(others("bad.txt", "out.pwt")).toEqual([]);
  });

  it.runIf(canMknod)(
    "a failing convert to a device leaves the device (the old writer deleted /dev/null so)",
    async () => {
      // A character device like /dev/null, made in the test directory (mknod needs root).
      const dev = at("null-device");
      expect(spawnSync("mknod", ["-m", "666", dev, "c", "1", "3"]).status).toBe(0);
      fs.writeFileSync(at("bad.txt"), "1\n2\nthree\n");
      const r = await runCli(["convert", at("bad.txt"), "--out", dev]);
      expect(r.code).toBe(1);
      expect(fs.statSync(dev).isCharacterDevice()).toBe(true);
      const ok = await runCli(["convert", "test/fixtures/integrity/small.pwt", "--out", dev]);
      expect(ok.code).toBe(0);
      expect(fs.statSync(dev).isCharacterDevice()).toBe(true);
      const w = PwtWriter.create(dev, 4096);
      w.abort();
      expect(fs.statSync(dev).isCharacterDevice()).toBe(true);
    },
  );

  it("a successful convert replaces the output whole", async () => {
    fs.writeFileSync(at("t.txt"), TEXT);
    fs.writeFileSync(at("out.pwt"), "old contents");
    const r = await runCli(["convert", at("t.txt"), "--out", at("out.pwt"), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).references).toBe(5);
    const info = await runCli(["info", at("out.pwt"), "--json"]);
    expect(JSON.parse(info.stdout).references).toBe(5);
    expect(others("t.txt", "out.pwt")).toEqual([]);
  });
});
