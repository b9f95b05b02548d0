import { describe, expect, it } from "vitest";
import { runCli } from "../test-helpers.js";

describe("pagewise translate", () => {
  it("explains the textbook example by default: 0x4ED → VPN 1, offset 0x0ED → frame 0x18 → 0x60ED", async () => {
    const r = await runCli(["translate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("VPN = 0x04ED >> 10 = 1");
    expect(r.stdout).toContain("offset 0x0ED");
    expect(r.stdout).toContain("frame 0x18");
    expect(r.stdout).toContain("0x60ED");
    expect(r.stderr).toBe("");
  });

  it("reports the walk as JSON", async () => {
    const r = await runCli([
      "translate",
      "0x4ED",
      "--shape",
      "6/10",
      "--table",
      "0x14,0x18,0x08,0x01",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t).toMatchObject({
      va: 0x4ed,
      vpn: 1,
      offset: 0xed,
      pfn: 0x18,
      pa: 0x60ed,
      fault: false,
      vaBits: 16,
    });
    expect(t.steps).toEqual([{ level: 0, tableFrame: 0, index: 1, bits: 6, present: true, entry: 0x18 }]);
  });

  it("walks a two-level sv32 table and reports a fault for an unmapped page", async () => {
    const ok = JSON.parse(
      (await runCli(["translate", "0x12345678", "--shape", "sv32", "--map", "0x12345=0x42", "--json"]))
        .stdout,
    );
    expect(ok.steps.map((s: { index: number }) => s.index)).toEqual([0x48, 0x345]);
    expect(ok.pa).toBe(0x42678);
    const miss = JSON.parse(
      (await runCli(["translate", "0x400000", "--shape", "sv32", "--map", "0x12345=0x42", "--json"])).stdout,
    );
    expect(miss.fault).toBe(true);
    expect(miss.pa).toBeNull();
  });

  it("gives CSV of the walk", async () => {
    const r = await runCli(["translate", "--csv"]);
    expect(r.stdout).toBe("level,tableFrame,index,bits,present,entry\n0,0,1,6,true,24\n");
  });

  it("exits 1 for an address outside the space and 2 for a malformed one", async () => {
    const out = await runCli(["translate", "0x10000"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^pagewise: error: .*outside the 16-bit/);
    expect(out.stderr.trim().split("\n")).toHaveLength(1);
    const bad = await runCli(["translate", "zz"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
  });
});
