// The recipes of docs/distributed.md run here without Slurm or Kubernetes: the `pagewise` commands
// of docs/slurm-sweep.sbatch and docs/k8s-sweep-job.yaml, one process per array task or completion
// index with the variables the scheduler would set, then the merge; the merge must print what the
// sweep prints on one machine.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, ROOT } from "../built-cli.js";
import { shellWords } from "./examples.js";

let cli: BuiltCli;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-recipes-"));

beforeAll(() => {
  cli = buildCli("pagewise-recipes-test");
}, 180_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A working directory as the recipes expect it: traces/ with three small traces. */
function workDir(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, "traces"), { recursive: true });
  for (const f of ["run.pages", "ls.lackey", "gzip-words.pwt"])
    fs.copyFileSync(path.join(ROOT, "test/fixtures/traces", f), path.join(dir, "traces", f));
  return dir;
}

function pagewise(words: string[], cwd: string, env: Record<string, string> = {}) {
  expect(words[0]).toBe("pagewise");
  const r = spawnSync(process.execPath, [cli.main, ...words.slice(1)], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The sweep command without --shard and --out: what one machine would run. */
function oneMachine(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "--shard" || words[i] === "--out") i++;
    else out.push(words[i]!);
  }
  return out;
}

describe("the Slurm job array recipe", () => {
  it("runs each array task's shard, and the merge equals the sweep on one machine", () => {
    const script = fs.readFileSync(path.join(ROOT, "docs/slurm-sweep.sbatch"), "utf8");
    const [, lo, hi] = /^#SBATCH --array=(\d+)-(\d+)\s*$/m.exec(script)!;
    const lines = script.split("\n").filter((l) => l.startsWith("pagewise "));
    expect(lines).toHaveLength(1);
    const sweep = shellWords(lines[0]!);
    expect(sweep).toContain("auto");
    const merge = /"(pagewise merge [^">]*?)\s*>/.exec(script)![1]!;
    const dir = workDir("slurm");
    const [a, b] = [Number(lo), Number(hi)];
    for (let id = a; id <= b; id++) {
      const env = {
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_MIN: String(a),
        SLURM_ARRAY_TASK_MAX: String(b),
        SLURM_ARRAY_TASK_COUNT: String(b - a + 1),
      };
      const r = pagewise(sweep, dir, env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`shard ${id - a + 1}/${b - a + 1}:`);
    }
    const merged = pagewise(shellWords(merge), dir);
    expect(merged.code, merged.stderr).toBe(0);
    const single = pagewise([...oneMachine(sweep), "--csv"], dir);
    expect(single.code, single.stderr).toBe(0);
    expect(merged.stdout).toBe(single.stdout);
    // 3 traces × 3 sizes × 6 policies, one row each.
    expect(merged.stdout.trim().split("\n")).toHaveLength(1 + 3 * 3 * 6);
  }, 600_000);
});

describe("the Kubernetes Indexed Job recipe", () => {
  it("runs each completion index's shard, and the merge equals the sweep on one machine", () => {
    const manifest = fs.readFileSync(path.join(ROOT, "docs/k8s-sweep-job.yaml"), "utf8");
    expect(manifest).toMatch(/^\s*completionMode: Indexed\s*$/m);
    const completions = Number(/^\s*completions: (\d+)\s*$/m.exec(manifest)![1]);
    const workingDir = /^\s*workingDir: (\S+)\s*$/m.exec(manifest)![1]!;
    const lines = manifest
      .split("\n")
      .map((l) => /^\s*- (pagewise .*)$/.exec(l)?.[1])
      .filter((l): l is string => l !== undefined);
    expect(lines).toHaveLength(1);
    const sweep = shellWords(lines[0]!);
    expect(sweep[sweep.indexOf("--shard") + 1]).toBe(`auto/${completions}`);
    const merge = /(pagewise merge \S+)/.exec(manifest)![1]!;
    const dir = workDir("k8s");
    for (let index = 0; index < completions; index++) {
      const r = pagewise(sweep, dir, { JOB_COMPLETION_INDEX: String(index) });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`shard ${index + 1}/${completions}:`);
    }
    // The merge names the volume's path: here the working directory stands for it.
    const mergeWords = shellWords(merge).map((w) =>
      w.startsWith(`${workingDir}/`) ? path.join(dir, w.slice(workingDir.length)) : w,
    );
    const merged = pagewise([...mergeWords, "--json"], dir);
    expect(merged.code, merged.stderr).toBe(0);
    const single = pagewise([...oneMachine(sweep), "--json"], dir);
    expect(merged.stdout).toBe(single.stdout);
    expect(JSON.parse(merged.stdout).traces).toHaveLength(3);
  }, 600_000);
});
