// `pagewise sweep --workers N` as a real process (worker threads only run from built JavaScript):
// the runs must be identical, field for field and in the same order, for 1, 2 and 3 workers, on a
// real trace prefix with policies of very different costs (so tasks finish out of order) and a
// policy that reads the future (its next-use array travels to the workers too). No timing here.

import { beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli } from "./built-cli.js";

let cli: BuiltCli;
const pagewise = (args: string[], env: Record<string, string> = {}) => cli.run(args, env);

beforeAll(() => {
  cli = buildCli("pagewise-sweep-workers-test", 120_000);
}, 120_000);

describe("sweep --workers", () => {
  const args = [
    "sweep",
    "--trace",
    "test/fixtures/traces/py-dict.pwt",
    "--limit",
    "200000",
    "--policies",
    "fifo,lru,opt,clock,arc,lirs,lfu,s3fifo,aging,random",
    "--frames",
    "8,32,100",
    "--json",
  ];

  it("gives identical runs, in the same order, with 1, 2 and 3 worker threads", () => {
    const out = [1, 2, 3].map((n) => pagewise([...args, "--workers", String(n)]));
    for (const r of out) expect(r.code, r.stderr).toBe(0);
    const [one, two, three] = out.map((r) => JSON.parse(r.stdout));
    expect(one.runs).toHaveLength(30);
    // frames-major order, as documented
    expect(one.runs.map((r: { frames: number }) => r.frames)).toEqual(
      [8, 32, 100].flatMap((f) => Array(10).fill(f)),
    );
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    // and not a degenerate sweep: policies differ at 8 frames
    expect(new Set(one.runs.slice(0, 10).map((r: { faults: number }) => r.faults)).size).toBeGreaterThan(3);
  });

  it("rejects a bad --workers value as a usage error", () => {
    const r = pagewise(["sweep", "--refs", "1,2,3", "--frames", "1,2", "--workers", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--workers");
  });
});
