// `--trace -` reads the trace from standard input (compressed or not, any format): the built CLI
// as a real process, its stdin a bundled trace, gives the same documents as with the file's path.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, ROOT } from "./built-cli.js";

let cli: BuiltCli;

beforeAll(() => {
  cli = buildCli("pagewise-stdin-test");
}, 120_000);

function withStdin(args: string[], input: Buffer): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli.main, ...args], { cwd: ROOT, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("--trace - reads standard input", () => {
  const file = "test/fixtures/traces/sort500.pwt";
  for (const args of [
    ["run", "--policy", "opt", "--frames", "32", "--json"],
    ["run", "--policy", "clock", "--frames", "16", "--json"],
    ["mrc", "--policies", "lru,opt,fifo", "--frames", "4..64:x2", "--json"],
  ]) {
    it(args.slice(0, 3).join(" "), () => {
      const fromFile = cli.run([args[0]!, "--trace", file, ...args.slice(1)]);
      const fromStdin = withStdin(
        [args[0]!, "--trace", "-", ...args.slice(1)],
        readFileSync(`${ROOT}/${file}`),
      );
      expect(fromStdin.code, fromStdin.stderr).toBe(0);
      const strip = (s: string) =>
        JSON.parse(s, (k, v) => (k === "seconds" || k === "source" || k === "name" ? undefined : v));
      expect(strip(fromStdin.stdout)).toEqual(strip(fromFile.stdout));
      expect(
        JSON.parse(fromStdin.stdout).faults ?? JSON.parse(fromStdin.stdout).curves.length,
      ).toBeGreaterThan(0);
    });
  }

  it("a text trace on stdin; a malformed line is reported with its line number", () => {
    const ok = withStdin(
      ["run", "--trace", "-", "--format", "pages", "--frames", "2", "--json"],
      Buffer.from("L 1\nL 2\nS 1\nL 3\n"),
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      references: 4,
      faults: 3,
      evictions: { clean: 1, dirty: 0 },
    });
    const bad = withStdin(
      ["run", "--trace", "-", "--format", "pages", "--frames", "2"],
      Buffer.from("L 1\nbad\n"),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/stdin:2:1: expected a kind/);
  });

  it("byte addresses on stdin: detected, and the note names standard input, streamed or loaded whole", () => {
    const input = readFileSync(`${ROOT}/test/fixtures/traces/addresses.txt`);
    for (const extra of [[], ["--mode", "full", "--steps"]]) {
      const r = withStdin(["run", "--trace", "-", "--frames", "3", ...extra], input);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^pagewise: note: -: values read as byte addresses at 4096-byte pages/);
    }
  });
});
