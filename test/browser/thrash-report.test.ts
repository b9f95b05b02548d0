// Opens the thrashing report (`pagewise thrash --report`) and the kswapd page (`pagewise kswapd
// --report`) in a real browser (Debian's chromium through playwright-core): their charts draw in
// the main report's style, with readable axes (charts.ts checkAxes), no script error and no network
// request; a screenshot per section is saved to look at.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/test-helpers.js";
import { checkAxes, openPage, readCharts, screenshotSections, skipBrowser } from "./charts.js";

const work = mkdtempSync(join(tmpdir(), "pagewise-thrash-browser-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(skipBrowser)("thrashing and kswapd pages in a browser", () => {
  it("draws CPU utilization, paging rate and throughput for every variant, offline", async () => {
    const report = join(work, "thrash.html");
    const r = await runCli([
      "thrash",
      "--gen",
      "loop:pages=10,n=10000",
      "--frames",
      "48",
      "--max",
      "3",
      "--compare",
      "--prepage",
      "--warmup",
      "300ms",
      "--measure",
      "100ms",
      "--report",
      report,
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const p = await openPage(report, work);
    try {
      const charts = await readCharts(p.page, "pagewiseThrash");
      const rows = (await p.page.evaluate("document.querySelectorAll('#points tbody tr').length")) as number;
      expect(p.errors).toEqual([]);
      expect(p.requests).toEqual([]);
      expect(charts.map((c) => c.id)).toEqual(["chart-cpu", "chart-faults", "chart-tput"]);
      expect(charts.map((c) => c.styles.length)).toEqual([3, 3, 3]); // three variants
      for (const c of charts) checkAxes(c);
      // Processes are whole: ticks 1, 2, 3 only; utilization within [0, 100 %].
      expect(charts[0]!.axes[0]!.splits).toEqual([1, 2, 3]);
      expect(charts[0]!.axes[1]!.max).toBeLessThanOrEqual(1);
      expect(rows).toBe(9);
      await screenshotSections(p.page, join(work, "shots"), "thrash");
    } finally {
      await p.close();
    }
  }, 60_000);

  it("draws the standalone kswapd page like the report", async () => {
    const report = join(work, "kswapd.html");
    const r = await runCli([
      "kswapd",
      "--gen",
      "zipf:pages=600,alpha=0.7,n=60000,seed=3,writes=0.3",
      "--frames",
      "300",
      "--report",
      report,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const p = await openPage(report, work);
    try {
      const charts = await readCharts(p.page, "pagewiseKswapd");
      expect(p.errors).toEqual([]);
      expect(p.requests).toEqual([]);
      expect(charts.map((c) => c.id)).toEqual(["kswapd-free", "kswapd-pool", "kswapd-activity"]);
      for (const c of charts) {
        expect(c.points, c.id).toBeGreaterThan(0);
        checkAxes(c);
      }
      // The same stylesheet as the main report: its header and fact cards.
      expect(await p.page.locator("header .facts div").count()).toBeGreaterThan(0);
      await screenshotSections(p.page, join(work, "shots"), "kswapd");
    } finally {
      await p.close();
    }
  }, 60_000);
});
