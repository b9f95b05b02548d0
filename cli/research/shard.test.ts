// A sweep beyond one machine: --plan, --shard K/N --out DIR and merge. Shards run as separate
// processes of the built CLI (N at once) and merge to the byte-identical output of the sweep on one
// machine; a shard killed midway and rerun completes only what is missing; missing and failed
// tasks are named.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, ROOT } from "../built-cli.js";
import { PLAN_FILE as PLAN, parseShard, planTasks, type SweepPlan, shardTasks } from "../shard.js";
import { runCli } from "../test-helpers.js";

const T = path.join(ROOT, "test/fixtures/traces");
let cli: BuiltCli;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-shard-"));

beforeAll(() => {
  cli = buildCli("pagewise-shard-test");
}, 180_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the built CLI as a process; resolves with its exit code and output. */
function start(
  args: string[],
  env: Record<string, string> = {},
): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill: () => void } {
  const child = spawn(process.execPath, [cli.main, ...args], {
    cwd: tmp,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return {
    done: new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr }))),
    kill: () => child.kill("SIGKILL"),
  };
}

async function pagewise(args: string[], env: Record<string, string> = {}) {
  return start(args, env).done;
}

function plan(workloads: number, policies: number, sizes: number): SweepPlan {
  return {
    format: "pagewise-sweep-plan/1",
    mode: workloads > 1 ? "set" : "single",
    workloads: Array.from({ length: workloads }, (_, i) => ({ label: `t${i}`, options: {} })),
    policies: Array.from({ length: policies }, (_, i) => `p${i}`),
    sizes: Array.from({ length: sizes }, (_, i) => `${i + 1}`),
    baseline: null,
    tasks: workloads * policies * sizes,
  };
}

describe("shards of a sweep", () => {
  it("numbers tasks trace, size, policy and splits them into N contiguous blocks covering each once", () => {
    const tasks = planTasks(plan(3, 4, 5));
    expect(tasks).toHaveLength(60);
    expect(tasks[0]).toEqual({ id: 1, trace: 0, policy: 0, size: 0 });
    expect(tasks[5]).toEqual({ id: 6, trace: 0, policy: 1, size: 1 });
    expect(tasks[59]).toEqual({ id: 60, trace: 2, policy: 3, size: 4 });
    for (const n of [1, 2, 7, 60, 61]) {
      const ids = Array.from({ length: n }, (_, k) => shardTasks(tasks, k + 1, n).map((t) => t.id)).flat();
      expect(ids, `N = ${n}`).toEqual(tasks.map((t) => t.id));
      const sizes = Array.from({ length: n }, (_, k) => shardTasks(tasks, k + 1, n).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("reads --shard K/N and the schedulers' indexes with --shard auto", () => {
    expect(parseShard("2/4", {})).toEqual({ k: 2, n: 4 });
    // Slurm: counted from SLURM_ARRAY_TASK_MIN, so --array=1-4 and --array=0-3 both give 1..4.
    const slurm = { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "4" };
    expect(parseShard("auto", slurm)).toEqual({ k: 3, n: 4 });
    expect(parseShard("auto", { ...slurm, SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_MIN: "0" })).toEqual({
      k: 1,
      n: 4,
    });
    // Kubernetes: JOB_COMPLETION_INDEX counts from 0; N comes with auto/N.
    expect(parseShard("auto/4", { JOB_COMPLETION_INDEX: "3" })).toEqual({ k: 4, n: 4 });
    expect(() => parseShard("auto", { JOB_COMPLETION_INDEX: "0" })).toThrow(/auto\/N/);
    expect(() => parseShard("auto", {})).toThrow(/SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX/);
    expect(() => parseShard("auto/3", slurm)).toThrow(/4 tasks/);
    expect(() => parseShard("0/4", {})).toThrow(/K must be from 1 to 4/);
    expect(() => parseShard("5/4", {})).toThrow(/K must be from 1 to 4/);
    expect(() => parseShard("2", {})).toThrow(/K\/N/);
    expect(() => parseShard("auto/4", { JOB_COMPLETION_INDEX: "x" })).toThrow(/JOB_COMPLETION_INDEX/);
  });

  for (const [name, sweep] of [
    [
      "one trace",
      [
        "sweep",
        "--trace",
        `${T}/sort500.pwt`,
        "--policies",
        "fifo,lru,opt,clock",
        "--frames",
        "1%,10%,21,64",
      ],
    ],
    [
      "a set of traces",
      [
        "sweep",
        ...["--trace", `${T}/sort500.pwt`, "--trace", `${T}/run.pages`, "--trace", `${T}/gzip-words.pwt`],
        ...["--policies", "lru,s3fifo", "--frames", "1%,10%", "--limit", "300000"],
      ],
    ],
  ] as const) {
    it(`N shards as separate processes merge to the sweep's own output, byte for byte (${name})`, async () => {
      const out = path.join(tmp, name.replace(/ /g, "-"));
      const n = 3;
      const shards = await Promise.all(
        Array.from({ length: n }, (_, k) => pagewise([...sweep, "--shard", `${k + 1}/${n}`, "--out", out])),
      );
      for (const s of shards) {
        expect(s.code, s.stderr).toBe(0);
        expect(s.stdout).toBe("");
      }
      for (const opt of [[], ["--json"], ["--csv"]]) {
        const single = await pagewise([...sweep, ...opt]);
        const merged = await pagewise(["merge", out, ...opt]);
        expect(single.code).toBe(0);
        expect(merged.code, merged.stderr).toBe(0);
        expect(merged.stdout.length).toBeGreaterThan(100);
        expect(merged.stdout, opt.join(" ")).toBe(single.stdout);
      }
      // The plan lists the same tasks the shards ran.
      const planFile = path.join(tmp, `${name.replace(/ /g, "-")}.jsonl`);
      expect((await pagewise([...sweep, "--plan", planFile])).code).toBe(0);
      const lines = fs
        .readFileSync(planFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const files = fs.readdirSync(out).filter((f) => /^task-\d+\.json$/.test(f));
      expect(lines.map((l) => l.task)).toEqual(files.map((f) => Number(f.slice(5, 11))));
      expect(lines.every((l) => l.of === lines.length)).toBe(true);
    }, 120_000);
  }

  it("a shard killed midway, rerun, runs only the missing tasks; merge then matches", async () => {
    const dir = path.join(tmp, "many");
    fs.mkdirSync(dir);
    const traces = Array.from({ length: 6 }, (_, i) => path.join(dir, `t${i}.pwt`));
    for (const t of traces) fs.copyFileSync(`${T}/sort500.pwt`, t);
    const sweep = ["sweep", "--trace", dir, "--policies", "lru,fifo,opt", "--frames", "5%,20%"];
    const out = path.join(tmp, "killed");
    const taskFiles = () =>
      fs.existsSync(out) ? fs.readdirSync(out).filter((f) => /^task-\d+\.json$/.test(f)) : [];
    const first = start([...sweep, "--shard", "1/1", "--out", out]);
    while (taskFiles().length === 0) await new Promise((r) => setTimeout(r, 10));
    first.kill();
    const killed = await first.done;
    expect(killed.code).toBe(null); // killed, not finished
    const before = new Map(taskFiles().map((f) => [f, fs.statSync(path.join(out, f)).mtimeMs]));
    expect(before.size).toBeGreaterThan(0);
    expect(before.size).toBeLessThan(6 * 3 * 2);
    const incomplete = await pagewise(["merge", out]);
    expect(incomplete.code).toBe(1);
    expect(incomplete.stdout).toBe("");
    expect(incomplete.stderr).toContain(`${36 - before.size} of 36 tasks have no result`);
    const rerun = await pagewise([...sweep, "--shard", "1/1", "--out", out]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`${before.size} already done, ${36 - before.size} to run`);
    for (const [f, mtime] of before) expect(fs.statSync(path.join(out, f)).mtimeMs, f).toBe(mtime);
    expect(taskFiles()).toHaveLength(36);
    const merged = await pagewise(["merge", out, "--csv"]);
    const single = await pagewise([...sweep, "--csv"]);
    expect(merged.stdout).toBe(single.stdout);
  }, 180_000);

  it("a failed task says which and why; merge names the missing tasks and the reason", async () => {
    const dir = path.join(tmp, "bad");
    fs.mkdirSync(dir);
    fs.copyFileSync(`${T}/run.pages`, path.join(dir, "a.pages"));
    fs.writeFileSync(path.join(dir, "b.pages"), "not a trace at all\n");
    const out = path.join(tmp, "bad-out");
    const sweep = ["sweep", "--trace", dir, "--policies", "lru", "--frames", "10%"];
    const r = await runCli([...sweep, "--shard", "1/1", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("tasks 3-4 of 4 (trace");
    expect(r.stderr).toContain("b.pages");
    expect(r.stderr).toMatch(/cannot tell the trace format/);
    const m = await runCli(["merge", out]);
    expect(m.code).toBe(1);
    expect(m.stdout).toBe("");
    expect(m.stderr).toMatch(/2 of 4 tasks have no result \(3-4\); tasks 3-4 failed: .*b\.pages/);
    // Mended, a rerun runs the two failed tasks only and merge succeeds.
    fs.copyFileSync(`${T}/run.pages`, path.join(dir, "b.pages"));
    const again = await runCli([...sweep, "--shard", "1/1", "--out", out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("2 already done, 2 to run");
    expect(fs.readdirSync(out).filter((f) => f.includes("failed"))).toEqual([]);
    expect((await runCli(["merge", out])).code).toBe(0);
  });

  it("refuses a directory of another sweep, --shard without --out, and a trace without --frames", async () => {
    const out = path.join(tmp, "other");
    const base = ["sweep", "--trace", `${T}/run.pages`, "--policies", "lru"];
    expect((await runCli([...base, "--frames", "4", "--shard", "1/2", "--out", out])).code).toBe(0);
    const other = await runCli([...base, "--frames", "5", "--shard", "2/2", "--out", out]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("another sweep");
    expect((await runCli([...base, "--frames", "4", "--shard", "1/2"])).code).toBe(2);
    const noFrames = await runCli([...base, "--shard", "1/2", "--out", out]);
    expect(noFrames.code).toBe(2);
    expect(noFrames.stderr).toContain("need --frames");
    expect((await runCli([...base, "--frames", "4", "--shard", "1/2", "--out", out, "--json"])).code).toBe(2);
    const notDir = await runCli([
      ...base,
      "--frames",
      "4",
      "--shard",
      "1/1",
      "--out",
      path.join(out, PLAN, "x"),
    ]);
    expect(notDir.code).toBe(1);
    expect(notDir.stderr).toMatch(/--out .*not a directory/);
    const none = await runCli(["merge", path.join(tmp, "no-such-dir")]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("sweep-plan.json");
  });
});
