// `pagewise policies`: every registered policy with what it reads and its parameters; one policy in
// detail; an unknown id is a user error naming the known ones.

import { describe, expect, it } from "vitest";
import { policyIds } from "../../src/policies/registry.js";
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
      "interval=100000000",
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

  it("refuses an unknown id, naming the known ones", async () => {
    const r = await runCli(["policies", "lur"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown policy "lur"');
    expect(r.stderr).toContain("lru");
  });
});
