// Issue 17, a user's first hour: units everywhere (item 11) and `info`'s splits (item 16). Each test
// fails on the code before its fix.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDurationNs, getPolicyFactory, parseDurationNs, policyIds } from "../src/index.js";
import { parseDuration } from "./commands/thrash.js";
import { runCli } from "./test-helpers.js";

const work = mkdtempSync(join(tmpdir(), "pagewise-first-hour-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const GEN = ["--gen", "zipf:pages=200,alpha=0.8,n=20000,seed=1", "--frames", "40"];

async function faults(policy: string): Promise<number> {
  const r = await runCli(["run", ...GEN, "--policy", policy, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).faults;
}

describe("durations are written with units (item 11)", () => {
  it("reads and writes durations: 10ms, 500us, 2.5s; a plain number in the unit asked for", () => {
    expect(parseDurationNs("10ms", "ns")).toBe(10_000_000);
    expect(parseDurationNs("500us", "ns")).toBe(500_000);
    expect(parseDurationNs("500µs", "ns")).toBe(500_000);
    expect(parseDurationNs("2.5s", "ns")).toBe(2_500_000_000);
    expect(parseDurationNs("0.3ms", "ns")).toBe(300_000);
    expect(parseDurationNs("10", "ns")).toBe(10);
    expect(parseDurationNs("10", "ms")).toBe(10_000_000);
    expect(parseDurationNs("10 min", "ns")).toBeNull();
    expect(parseDurationNs("ms", "ns")).toBeNull();
    for (const ns of [100_000_000, 1_500_000_000, 40_000, 7, 8_000_000, 3_600_000_000_000, 1234])
      expect(parseDurationNs(formatDurationNs(ns), "ns")).toBe(ns);
    expect(formatDurationNs(100_000_000)).toBe("100ms");
    expect(formatDurationNs(1_500_000_000)).toBe("1.5s");
    expect(formatDurationNs(40_000)).toBe("40us");
    expect(formatDurationNs(1234)).toBe("1.234us");
  });

  it("a policy's time parameter takes a unit: aging:interval=10ms is 10,000,000 ns, not the default", async () => {
    const withUnit = await faults("aging:interval=10ms");
    expect(withUnit).toBe(await faults("aging:interval=10000000"));
    expect(withUnit).not.toBe(await faults("aging"));
    expect(await faults("nfu:interval=1ms")).toBe(await faults("nfu:interval=1000000"));
    expect(await faults("nru:interval=250us")).toBe(await faults("nru:interval=250000"));
    expect(await faults("wsclock:tau=2ms")).toBe(await faults("wsclock:tau=2000000"));
  });

  it("a malformed duration names the parameter and shows how to write one", async () => {
    const r = await runCli(["run", ...GEN, "--policy", "aging:interval=10parsecs"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aging.interval: "10parsecs"');
    expect(r.stderr).toContain("such as 10ms or 500us; a plain number is ns");
  });

  it("every policy documents its defaults as they are written, and they parse back to the defaults", async () => {
    for (const id of policyIds()) {
      const f = getPolicyFactory(id);
      for (const [key, doc] of Object.entries(f.params)) {
        if (doc.default === "") continue;
        expect(f.parseParams({ [key]: doc.default }), `${id}.${key}=${doc.default}`).toEqual(
          f.parseParams({}),
        );
        // A long run of digits is a time in ns nobody can read at a glance.
        expect(doc.default, `${id}.${key}`).not.toMatch(/^\d{5,}$/);
      }
    }
    const r = await runCli(["policies", "aging"]);
    expect(r.stdout).toMatch(/interval\s*│\s*100ms\s*│/);
  });

  it("help shows time defaults with their unit (--quantum 10ms, not 10000000)", async () => {
    const r = await runCli(["thrash", "--help"]);
    expect(r.stdout).toMatch(/--quantum <time>\s+round-robin quantum \(default: 10ms\)/);
    expect(r.stdout).toMatch(/--warmup <time>\s+simulated time before measuring \(default: 2s\)/);
    expect(r.stdout).toContain("a plain number is milliseconds");
    const main = await runCli(["--help"]);
    const commands = [...main.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!);
    expect(commands).toContain("thrash");
    for (const c of commands) {
      const h = await runCli([c, "--help"]);
      expect(h.stdout, c).not.toMatch(/default: \d{7,}\)/);
    }
    // A plain number for a thrash time is milliseconds, as the help says.
    expect(parseDuration("10")).toBe(parseDuration("10ms"));
  });

  it("--memory that is not a whole number of pages is refused (exit 2), not floored to one frame", async () => {
    const r = await runCli(["run", "--refs", "1,2,3,1,2,3", "--memory", "6000"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--memory: 6,000 bytes is 1.46 pages of 4 KiB");
    expect(r.stderr).toContain("give 4KiB (1 frame) or 8KiB (2 frames), or --frames N");
    const small = await runCli(["run", "--refs", "1,2,3", "--memory", "100"]);
    expect(small.code).toBe(2);
    expect(small.stderr).toContain("less than one 4 KiB page");
    const sized = await runCli(["run", "--refs", "1,2,3", "--frames", "6000B"]);
    expect(sized.code).toBe(2);
    expect(sized.stderr).toContain("--frames: 6,000 bytes");
    // At another page size the same bytes may be whole pages.
    const ok = await runCli(["run", "--refs", "1,2,3,1,2,3", "--memory", "8KiB", "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).frames).toBe(2);
    const kswapd = await runCli(["kswapd", "--refs", "1,2,3", "--memory", "5000"]);
    expect(kswapd.code).toBe(2);
    expect(kswapd.stderr).toContain("--memory: 5,000 bytes");
  });
});

describe("info counts the accesses split at page boundaries (item 16)", () => {
  it("a lackey access that straddles a page is two references, counted as a split", async () => {
    const trace = join(work, "straddle.lackey");
    writeFileSync(
      trace,
      [
        "==1== Lackey, an example Valgrind tool",
        " L 00000ffe,4", // 0xffe..0x1001: pages 0 and 1
        " S 00002000,8", // one page
        "I  04000ffc,8", // 0x4000ffc..0x4001003: two pages
        " M 00003000,4",
        "",
      ].join("\n"),
    );
    const r = await runCli(["info", trace, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.splits).toBe(2);
    expect(doc.references).toBe(4 + 2);
    const human = await runCli(["info", trace]);
    expect(human.stdout).toMatch(/splits \(page-straddling accesses\)\s*│\s*2\s*│/);
    // At 16 KiB pages neither access crosses a page boundary.
    const big = JSON.parse((await runCli(["info", trace, "--page-size", "16KiB", "--json"])).stdout);
    expect(big.splits).toBe(0);
  });

  it("is 0 for reference strings and null for pwt (split at capture, not recorded)", async () => {
    const refs = JSON.parse((await runCli(["info", "--refs", "1,2,3", "--json"])).stdout);
    expect(refs.splits).toBe(0);
    const pwt = await runCli(["info", "test/fixtures/traces/sort500.pwt", "--limit", "1000", "--json"]);
    expect(JSON.parse(pwt.stdout).splits).toBeNull();
    const human = await runCli(["info", "test/fixtures/traces/sort500.pwt", "--limit", "1000"]);
    expect(human.stdout).toContain("split at capture; pwt keeps no count");
  });
});
