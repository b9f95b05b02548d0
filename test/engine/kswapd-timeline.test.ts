// The kswapd timeline API and the `pagewise kswapd` command: samples add up to kswapd's own
// counters, free frames never fall below what direct reclaim allows once memory is full, the run
// without kswapd matches a plain Machine, the SVG and the HTML page carry the watermarks, and the
// CLI prints, writes files and rejects bad watermarks as a user error.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/test-helpers.js";
import { ConfigError } from "../../src/core/errors.js";
import { kswapdReportHtml, kswapdTimelineSvg } from "../../src/report/kswapd.js";
import { runKswapdTimeline } from "../../src/sim/kswapd-timeline.js";
import { generateAll } from "../../src/workloads/generators.js";

const SPEC = "zipf:pages=600,alpha=0.7,n=60000,seed=3,writes=0.3";

function workload() {
  const g = generateAll(SPEC);
  return { name: "zipf", pageSize: g.pageSize, count: g.count, pages: g.pages, kinds: g.kinds, pids: g.pids };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe("kswapd timeline", () => {
  const w = workload();
  const t = runKswapdTimeline(w, { frames: 300, policy: "clock", kswapd: "doc", samples: 50 });

  it("samples add up to kswapd's counters, and free frames stay at or above min once memory is full", () => {
    const k = t.withKswapd.kswapd!;
    expect(t.marks).toEqual({ min: 3, low: 6, high: 9 });
    expect(t.timeMs).toHaveLength(51);
    for (const series of [t.free, t.lowestFree, t.wakeups, t.reclaimed, t.cleaned, t.directReclaimed])
      expect(series).toHaveLength(51);
    expect(sum(t.wakeups)).toBe(k.wakeups);
    expect(sum(t.reclaimed)).toBe(k.reclaimed);
    expect(sum(t.cleaned)).toBe(k.cleaned);
    expect(sum(t.directReclaimed)).toBe(k.directReclaimed);
    expect(k.wakeups).toBeGreaterThan(0);
    for (let i = 1; i < t.timeMs.length; i++) {
      expect(t.timeMs[i]!).toBeGreaterThanOrEqual(t.timeMs[i - 1]!);
      expect(t.lowestFree[i]!).toBeLessThanOrEqual(t.free[i]!);
      // Direct reclaim keeps every allocation from leaving fewer than min frames free.
      expect(t.lowestFree[i]!).toBeGreaterThanOrEqual(t.marks.min);
    }
    expect(t.free[0]).toBe(300);
  });

  it("with kswapd no fault waits for a dirty eviction it made itself unless it reclaimed directly", () => {
    const on = t.withKswapd;
    const off = t.withoutKswapd;
    expect(off.kswapd).toBeNull();
    expect(off.references).toBe(w.count);
    expect(on.references).toBe(w.count);
    expect(off.faultEvictions.dirty).toBeGreaterThan(0);
    // Every eviction a process made under kswapd was a direct reclaim.
    expect(on.faultEvictions.clean + on.faultEvictions.dirty).toBe(on.kswapd!.directReclaimed);
    expect(on.faultEvictions.dirty).toBeLessThan(off.faultEvictions.dirty);
  });

  it("draws the watermarks in the SVG and the HTML page", () => {
    const svg = kswapdTimelineSvg(t);
    expect(svg.startsWith("<svg")).toBe(true);
    for (const label of ["min = 3", "low = 6", "high = 9", "direct reclaim", "cleaned"])
      expect(svg).toContain(label);
    expect(svg.match(/<svg /g)).toHaveLength(4);
    const html = kswapdReportHtml(t, { chartJs: "", chartCss: "" });
    expect(html).toContain("<th>waited for a write</th>");
    expect(html).toContain(
      `<td>wake-ups</td><td>${t.withKswapd.kswapd!.wakeups.toLocaleString("en-US")}</td>`,
    );
  });

  it("rejects watermarks the machine cannot hold", () => {
    expect(() => runKswapdTimeline(w, { frames: 20, kswapd: "linux" })).toThrow(ConfigError);
    expect(() => runKswapdTimeline(w, { frames: 300, kswapd: "doc", samples: 1 })).toThrow(ConfigError);
  });
});

describe("pagewise kswapd", () => {
  it("prints counters and both runs, writes the SVG and the HTML page", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-kswapd-"));
    const r = await runCli(
      ["kswapd", "--gen", SPEC, "--frames", "300", "--svg", "k.svg", "--report", "k.html"],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("watermarks doc: min 3, low 6, high 9");
    expect(r.stdout).toContain("with kswapd");
    expect(r.stdout).toContain("waited for a write");
    expect(readFileSync(join(dir, "k.svg"), "utf8")).toContain("high = 9");
    const page = readFileSync(join(dir, "k.html"), "utf8");
    expect(page).toContain('id="kswapd-free"');
    expect(page).toContain('"label":"high = 9"');
  });

  it("--json carries the timeline; a bad spec is a user error naming the watermark", async () => {
    const r = await runCli([
      "kswapd",
      "--gen",
      SPEC,
      "--frames",
      "300",
      "--watermarks",
      "min=2,low=4,high=6",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.marks).toEqual({ min: 2, low: 4, high: 6 });
    expect(doc.timeline.free.length).toBe(doc.timeline.timeMs.length);
    const bad = await runCli([
      "kswapd",
      "--gen",
      SPEC,
      "--frames",
      "300",
      "--watermarks",
      "min=5,low=4,high=6",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("kswapd.min");
  });
});
