// The built CLI as a real process: shebang, exit codes, stdout discipline, NO_COLOR and the
// worker-thread pool (which only runs from built JavaScript). Builds once into a cache directory
// inside the repository, so package.json, node_modules and the bundled traces are found as usual.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, ROOT } from "./built-cli.js";

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

  it("is bundled: --version alone loads no chunk, and a command's chunks load lazily", () => {
    const loader = readFileSync(cli.main, "utf8");
    const entry = /const ENTRY = "(pagewise-[\w-]+\.cjs)";/.exec(loader)?.[1];
    expect(entry).toBeDefined();
    const text = readFileSync(join(dirname(cli.main), entry!), "utf8");
    const local = [...text.matchAll(/^(?:const|let|var) \w+ = require\("(\.[^"]+)"\);?$/gm)].map((m) => m[1]);
    expect(local.filter((f) => !f!.includes("rolldown-runtime"))).toEqual([
      expect.stringMatching(/^\.\/chunk-version-[\w-]+\.cjs$/),
    ]);
    expect(text).toMatch(/require\("\.\/chunk-run-[\w-]+\.cjs"\)/);
    // --version alone is answered by the loader (the version the build wrote in), loading no chunk.
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const fast = pagewise(["--version"], { PAGEWISE_CODE_CACHE: "check" });
    const version = fast.stdout.trim();
    expect(version).toBe(pkg.version);
    expect(fast.stderr).toMatch(/^code cache: 0 chunks,/m);
    expect(pagewise(["-V"]).stdout.trim()).toBe(version);
    // With another option commander answers it, through the bundle: the same version.
    const full = pagewise(["--version", "--no-color"]);
    expect(full.stdout.trim()).toBe(version);
    // The package's bin is the CommonJS loader; `node dist/cli/main.js` (an ES module) runs it too.
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).bin.pagewise).toBe(
      "dist/cli/bin.cjs",
    );
    const viaModule = spawnSync(process.execPath, [join(dirname(cli.main), "main.js"), "--version"], {
      encoding: "utf8",
    });
    expect(viaModule.status, viaModule.stderr).toBe(0);
    expect(viaModule.stdout.trim()).toBe(version);
  });

  it("--version into a pipe closed before it writes exits 0, nothing on stderr (`pagewise --version | true`)", async () => {
    const child = spawn(process.execPath, [cli.main, "--version"], { stdio: ["ignore", "pipe", "pipe"] });
    // Closed at once: Node takes tens of milliseconds to start, so the write meets a closed pipe.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("compiles the chunks with the code cache the build recorded, and prints the same with or without it", () => {
    const args = [
      "run",
      "--trace",
      "test/fixtures/traces/sort500.pwt",
      "--policy",
      "arc",
      "--frames",
      "64",
      "--json",
    ];
    const cached = pagewise(args, { PAGEWISE_CODE_CACHE: "check" });
    expect(cached.code, cached.stderr).toBe(0);
    const m = /code cache: (\d+) chunks, (\d+) with their cache, (\d+) refused by V8/.exec(cached.stderr);
    expect(m, cached.stderr).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(0);
    expect(Number(m![2])).toBe(Number(m![1]));
    expect(Number(m![3])).toBe(0);
    expect(cached.stderr).toMatch(/, 0 damaged/);
    const plain = pagewise(args, { PAGEWISE_CODE_CACHE: "off" });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(cached.stdout);
  });

  it("compiles a chunk whose code cache is damaged as if it had none", () => {
    const dir = join(dirname(cli.main), "code-cache");
    const file = join(dir, readdirSync(dir).find((f) => /^pagewise-.*\.v8$/.test(f))!);
    const good = readFileSync(file);
    try {
      const bad = Buffer.from(good);
      for (let i = 64; i < bad.length; i += 7) bad[i] = bad[i]! ^ 0x5a;
      writeFileSync(file, bad);
      const args = [
        "run",
        "--refs",
        "1,2,3,4,1,2,5,1,2,3,4,5",
        "--policy",
        "fifo",
        "--frames",
        "3",
        "--json",
      ];
      const want = pagewise(args, { PAGEWISE_CODE_CACHE: "off" });
      expect(want.code, want.stderr).toBe(0);
      const r = pagewise(args, { PAGEWISE_CODE_CACHE: "check" });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(want.stdout);
      expect(r.stderr).toMatch(/code cache: \d+ chunks, \d+ with their cache, 0 refused by V8, 1 damaged/);
      writeFileSync(file, good.subarray(0, 100));
      const cut = pagewise(args, { PAGEWISE_CODE_CACHE: "check" });
      expect(cut.code, cut.stderr).toBe(0);
      expect(cut.stdout).toBe(want.stdout);
      expect(cut.stderr).toMatch(/, 1 damaged/);
    } finally {
      writeFileSync(file, good);
    }
  });

  it("keeps the report's page script whole (its tick functions call one another by name)", () => {
    const dir = mkdtempSync(join(tmpdir(), "pagewise-spawn-report-"));
    try {
      const out = join(dir, "r.html");
      const r = pagewise(["run", "--refs", "1,2,3,4,1,2,5,1,2,3,4,5", "--frames", "3", "--report", out]);
      expect(r.code, r.stderr).toBe(0);
      const html = readFileSync(out, "utf8");
      const m = /var pagewiseTicks = \(function \(\) \{[\s\S]*?\n\}\)\(\);/.exec(html);
      expect(m).not.toBeNull();
      const ticks = new Function(`${m![0]}; return pagewiseTicks;`)();
      expect(ticks.axisTicks({}, 0, 100, 400, 80)).toEqual([0, 20, 40, 60, 80, 100]);
      expect(ticks.axisRange({}, 0, 93, false)).toEqual([0, 100]);
      expect(ticks.axisTicks({ log: true }, 1, 1000, 400, 40)).toContain(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
