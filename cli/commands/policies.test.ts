// `pagewise policies`: every registered policy with what it reads and its parameters; one policy in
// detail; an unknown id is a user error naming the known ones.

import { describe, expect, it } from "vitest";
import { policyIds } from "../../src/index.js";
import { runCli } from "../test-helpers.js";

describe("pagewise policies", () => {
  it("lists every registered policy with what it reads and its parameters (--json)", async () => {
    const r = await runCli(["policies", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { policies } = JSON.parse(r.stdout);
    expect(policies.map((p: { id: string }) => p.id)).toEqual(policyIds());
    const byId = new Map(policies.map((p: { id: string }) => [p.id, p]));
    expect(byId.get("opt")).toMatchObject({ needsFuture: true, reads: expect.stringContaining("future") });
    expect(byId.get("lru")).toMatchObject({ wantsHits: true, needsFuture: false, params: [] });
    expect(byId.get("clock")).toMatchObject({ wantsHits: false, reads: expect.stringContaining("bits") });
    const aging = byId.get("aging") as { params: { name: string; default: string }[] };
    expect(aging.params.map((q) => `${q.name}=${q.default}`)).toEqual([
      "bits=8",
      "interval=100ms",
      "on=timer",
      "preset=",
    ]);
  });

  it("prints one line per policy, and one policy's parameters in a table", async () => {
    const all = await runCli(["policies"]);
    expect(all.code).toBe(0);
    for (const id of policyIds())
      expect(all.stdout).toMatch(new RegExp(`^${id}\\s+(hits|bits|future)\\s`, "m"));
    const one = await runCli(["policies", "s3fifo"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("s3fifo: small, main and ghost FIFO queues");
    expect(one.stdout).toMatch(/threshold\s*│\s*2\s*│/);
    expect(one.stdout).toContain("spec: s3fifo:small=…,ghost=…,threshold=…");
  });

  it("NFU reads accessed bits (it is told of hits only to find the frames its tick visits)", async () => {
    const r = await runCli(["policies", "--json"]);
    const nfu = JSON.parse(r.stdout).policies.find((p: { id: string }) => p.id === "nfu");
    expect(nfu.reads).toMatch(/^accessed bits/);
    expect(nfu.reads).not.toBe("every hit");
    const list = await runCli(["policies"]);
    expect(list.stdout).toMatch(/^nfu\s+bits\s/m);
  });

  it("demo --help: the description fits 80 columns, so no terminal re-wraps it mid-sentence", async () => {
    const r = await runCli(["demo", "--help"]);
    const lines = r.stdout.split("\n");
    const from = lines.findIndex((l) => l.startsWith("Replay"));
    const to = lines.findIndex((l) => l.startsWith("Options"));
    const desc = lines.slice(from, to).filter((l) => l !== "");
    expect(desc.length).toBeGreaterThan(2);
    for (const l of desc) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(desc.join(" ")).toContain("under every policy at a range of frame counts");
  });

  it("policy ids and parameter keys are case-insensitive, and a typo gets a suggestion", async () => {
    const refs = ["--refs", "1,2,3,4,1,2,5,1,2,3,4,5", "--frames", "3", "--json"];
    const lower = JSON.parse((await runCli(["run", ...refs, "--policy", "aging:bits=4"])).stdout);
    const upper = await runCli(["run", ...refs, "--policy", "AGING:Bits=4"]);
    expect(upper.code, upper.stderr).toBe(0);
    expect(JSON.parse(upper.stdout).faults).toBe(lower.faults);
    for (const id of policyIds()) expect(id).toBe(id.toLowerCase());
    const typo = await runCli(["run", ...refs, "--policy", "lur"]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown policy "lur" (did you mean "lru"?)');
    const swapped = await runCli(["run", ...refs, "--policy", "secnod-chance"]);
    expect(swapped.stderr).toContain('(did you mean "second-chance"?)');
    const far = await runCli(["run", ...refs, "--policy", "zzzzzz"]);
    expect(far.stderr).not.toContain("did you mean");
    const key = await runCli(["run", ...refs, "--policy", "aging:bitz=4"]);
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/invalid aging\.bitz: .*did you mean bits\?/);
  });

  it("a policy given twice (in any case) runs once", async () => {
    const r = await runCli([
      "sweep",
      "--refs",
      "1,2,3,1,2",
      "--frames",
      "2",
      "--policies",
      "lru,LRU,fifo,Lru",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).policies).toEqual(["lru", "fifo"]);
    const two = await runCli([
      "sweep",
      "--refs",
      "1,2,3,1,2",
      "--frames",
      "2",
      "--policies",
      "aging:bits=4,aging:bits=8",
      "--json",
    ]);
    expect(JSON.parse(two.stdout).policies).toHaveLength(2);
  });

  it("refuses an unknown id, naming the known ones", async () => {
    const r = await runCli(["policies", "lur"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown policy "lur"');
    expect(r.stderr).toContain("lru");
  });
});
