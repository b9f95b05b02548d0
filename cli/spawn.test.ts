// The built CLI as a real process: shebang, exit codes, stdout discipline, NO_COLOR and the
// worker-thread pool (which only runs from built JavaScript). Builds once into a cache directory
// inside the repository, so package.json, node_modules and the bundled traces are found as usual.

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli } from "./built-cli.js";

let cli: BuiltCli;
const pagewise = (args: string[], env: Record<string, string> = {}) => cli.run(args, env);

beforeAll(() => {
  cli = buildCli("pagewise-spawn-test");
}, 120_000);

describe("pagewise as a process", () => {
  it("starts with a shebang", () => {
    expect(readFileSync(cli.main, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("prints exactly one JSON document on stdout and exits 0", () => {
    const r = pagewise([
      "run",
      "--refs",
      "1,2,3,4,1,2,5,1,2,3,4,5",
      "--policy",
      "fifo",
      "--frames",
      "3",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).faults).toBe(9);
  });

  it("exits 1 for a user error and 2 for a usage error, one line on stderr", () => {
    const user = pagewise(["run", "--trace", "no/such/file", "--frames", "3"]);
    expect(user.code).toBe(1);
    expect(user.stdout).toBe("");
    expect(user.stderr.trim().split("\n")).toHaveLength(1);
    const usage = pagewise(["run", "--frobnicate"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("runs a sweep on worker threads with the same numbers as in-process", () => {
    const args = [
      "sweep",
      "--trace",
      "test/fixtures/traces/sort500.pwt",
      "--limit",
      "30000",
      "--policies",
      "fifo,lru,opt,clock",
      "--frames",
      "4,16",
      "--json",
    ];
    const pooled = pagewise(args, { PAGEWISE_THREADS: "2" });
    const single = pagewise(args, { PAGEWISE_THREADS: "1" });
    expect(pooled.code, pooled.stderr).toBe(0);
    expect(JSON.parse(pooled.stdout).runs).toEqual(JSON.parse(single.stdout).runs);
  });

  it("reports an unknown policy from a worker as a user error", () => {
    const r = pagewise(["sweep", "--refs", "1,2,3", "--policies", "fifo,nope", "--frames", "1,2"], {
      PAGEWISE_THREADS: "2",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown policy "nope"');
  });
});
