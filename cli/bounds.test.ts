// The command line's bounds (issue 17 item 2, issue 18 items 3, 6, 8): what a user states is checked
// before anything is allocated, and answered in the user's own units.

import { describe, expect, it } from "vitest";
import { parseDuration } from "./commands/thrash.js";
import { runCli } from "./test-helpers.js";
import { MAX_LOADED_REFS } from "./units.js";
import { workloadBuilder } from "./workload.js";

const json = (s: string) => JSON.parse(s) as Record<string, unknown>;

describe("frames and memory without an upper bound", () => {
  it("replay at 8 TiB over three pages answers as at three frames, reporting the count asked for", async () => {
    for (const size of [
      ["--memory", "8TiB"],
      ["--frames", "99999999999"],
      ["--frames", "4294967297"],
    ]) {
      const r = await runCli(["run", "--refs", "1,2,3,1", ...size, "--json"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const o = json(r.stdout);
      expect([o.faults, o.hits]).toEqual([3, 1]);
      expect(o.frames).toBe(size[0] === "--memory" ? 2 ** 31 : Number(size[1]));
    }
  });

  it("full mode's limit names the frame count asked for", async () => {
    const r = await runCli(["run", "--refs", "1,2,3", "--frames", "2147483648", "--mode", "full"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^pagewise: error: .*frames: 2147483648 \(expected at most 262144 frames of 4096 B/,
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("belady refuses a frame count it would replay millions of times", async () => {
    const r = await runCli(["belady", "--refs", "1,2,3", "--max-frames", "268435456"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-frames.*more than 256/);
    const ok = await runCli(["belady", "--refs", "1,2,3,4,1,2,5,1,2,3,4,5", "--max-frames", "256", "--json"]);
    const faults = json(ok.stdout).faults as { frames: number; faults: number }[];
    expect(faults).toHaveLength(256);
    expect(faults[2]!.faults).toBe(9);
    expect(faults[3]!.faults).toBe(10);
    expect(faults[255]!.faults).toBe(5); // from 5 frames on, one fault per distinct page
  });
});

describe("full mode's address space", () => {
  it("a page at 2^36 (4 KiB pages) is refused with the reason, in run and in kswapd; 2^36 - 1 runs", async () => {
    for (const cmd of [
      ["run", "--mode", "full"],
      ["kswapd", "--json"],
    ]) {
      const r = await runCli([...cmd, "--refs", `1,2,${2 ** 36},1`, "--frames", "4"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/page number below 2\^36.*48-bit address space/);
    }
    const ok = await runCli([
      "run",
      "--mode",
      "full",
      "--refs",
      `1,2,${2 ** 36 - 1},1`,
      "--frames",
      "4",
      "--json",
    ]);
    expect(ok.code).toBe(0);
    const o = json(ok.stdout);
    expect([o.references, o.faults]).toEqual([4, 3]);
  });
});

describe("swap slots", () => {
  it("--swap-slots above 2^24 is refused (a PTE holds 24 bits); 2^24 runs", async () => {
    const bad = await runCli([
      "run",
      "--mode",
      "full",
      "--refs",
      "1,2,3",
      "--frames",
      "4",
      "--swap-slots",
      "16777217",
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/16777217/);
    expect(bad.stderr).toMatch(/16777216|2\^24/);
    const ok = await runCli([
      "run",
      "--mode",
      "full",
      "--refs",
      "1,2,3",
      "--frames",
      "4",
      "--swap-slots",
      "16777216",
    ]);
    expect(ok.code).toBe(0);
  });
});

describe("workloads held in memory", () => {
  it("a generator stating 10^11 references is refused at once (hours of simulation); --limit bounds it", async () => {
    const gen = ["--gen", "zipf:pages=100,n=99999999999", "--frames", "4", "--mode", "full"];
    const r = await runCli(["run", ...gen]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/99999999999 references, more than 1073741824.*--limit/);
    const ok = await runCli(["run", ...gen, "--limit", "500", "--json"]);
    expect(ok.code).toBe(0);
    expect(json(ok.stdout).references).toBe(500);
  });

  it("a trace read whole stops at MAX_LOADED_REFS before allocating more", () => {
    const b = workloadBuilder();
    const huge = {
      count: MAX_LOADED_REFS + 1,
      pages: new Float64Array(0),
      kinds: new Uint8Array(0),
      pids: new Int32Array(0),
    };
    expect(() => b.append(huge)).toThrow(/more than 134217728 references/);
    expect(b.pages.length).toBe(1024);
  });
});

describe("thrash's working-set window", () => {
  it("--tau 99999999999 runs (the window is then the whole history), not 'Invalid typed array length'", async () => {
    const r = await runCli([
      "thrash",
      "--gen",
      "loop:pages=50,n=1000",
      "--max",
      "2",
      "--tau",
      "99999999999",
      "--json",
    ]);
    expect(r.stderr).not.toMatch(/unexpected failure/);
    expect(r.code).toBe(0);
  });
});

describe("thrash's simulated durations", () => {
  it("more than an hour of simulated time is refused naming the value, not run for ever", async () => {
    const r = await runCli([
      "thrash",
      "--gen",
      "loop:pages=50,n=1000",
      "--max",
      "2",
      "--warmup",
      "99999999999s",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"99999999999s".*at most 3600 s/);
    expect(parseDuration("3600s")).toBe(3600e9);
  });
});

describe("usage errors", () => {
  it("an unknown option with a suggestion is still one line", async () => {
    const r = await runCli(["thrash", "--refs", "1,2", "--memory", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown option '--memory'.*Did you mean/);
  });
});
