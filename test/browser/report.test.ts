// Opens generated HTML reports in a real browser (Debian's chromium through playwright-core): every
// chart draws with data, offline, and reads well (test/browser/charts.ts checkAxes: axis ranges,
// tick labels, series styles); a screenshot per section goes to PAGEWISE_SCREENSHOTS (or a
// temporary folder) to be looked at. With PAGEWISE_UPDATE_FIGURES=1 it also saves
// docs/figures/report.png (so a test run never changes tracked files).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chartAssets } from "../../cli/report/write.js";
import { runCli } from "../../cli/test-helpers.js";
import { renderReportHtml } from "../../src/report/html.js";
import type { ReportData } from "../../src/report/model.js";
import { checkAxes, openPage, readCharts, screenshotSections, skipBrowser } from "./charts.js";

const work = mkdtempSync(join(tmpdir(), "pagewise-browser-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A report with a long trace: 8-digit reference counts, geometric frame counts 4 … 16384. */
function bigReport(): ReportData {
  const n = 12_345_678;
  const frames = Array.from({ length: 13 }, (_, i) => 4 * 2 ** i);
  const at = Array.from({ length: 200 }, (_, i) => Math.round((n * (i + 1)) / 200));
  const curve = (k: number) => frames.map((f) => Math.min(1, k / Math.sqrt(f)));
  const policies = ["fifo", "lru", "opt", "clock", "lru-copy"];
  const mr = (p: string) => curve(p === "opt" ? 0.6 : p === "fifo" ? 1.4 : 1);
  return {
    title: "big report",
    generatedAt: "2026-01-01T00:00:00.000Z",
    generator: "pagewise test",
    workload: {
      name: "long",
      source: "synthetic",
      references: n,
      distinctPages: 20_000,
      reads: n,
      writes: 0,
      instructions: 0,
      processes: 3,
      pageSize: 4096,
    },
    // "lru-copy" has exactly lru's curve: both must stay visible.
    mrc: {
      frames,
      curves: policies.map((p) => ({
        policy: p,
        missRatio: mr(p),
        faults: mr(p).map((m) => Math.round(m * n)),
      })),
    },
    faultsOverTime: {
      at,
      series: ["fifo", "lru"].map((p, k) => ({
        policy: p,
        frames: 64,
        cumulative: at.map((a) => Math.round(a * (0.1 + 0.05 * k))),
      })),
    },
    workingSet: { tau: 100_000, at, size: at.map((_, i) => 1000 + (i % 50) * 20) },
    // Resident sets of 1 to 3 frames: a small whole-number axis that must not get 1.5.
    residentSet: {
      policy: "lru",
      frames: 6,
      at,
      series: [1, 2, 3].map((pid) => ({ pid, frames: at.map((_, i) => 1 + ((i + pid) % 3)) })),
    },
    heatmap: {
      timeBins: 4,
      pageBins: 3,
      pagesPerBin: 6667,
      refsPerBin: Math.ceil(n / 4),
      counts: [5, 0, 1, 9, 3, 0, 0, 7, 2, 1, 1, 1],
    },
    runs: frames.flatMap((f, i) =>
      policies.map((p) => ({
        policy: p,
        frames: f,
        references: n,
        faults: Math.round(mr(p)[i]! * n),
        hits: n - Math.round(mr(p)[i]! * n),
        missRatio: mr(p)[i]!,
        evictionsClean: 0,
        evictionsDirty: 0,
        writebacks: 0,
        tlbHits: 0,
        tlbMisses: 0,
        measuredEatNs: (1 - mr(p)[i]!) * 200 + mr(p)[i]! * 8e6,
        formulaEatNs: (1 - mr(p)[i]!) * 200 + mr(p)[i]! * 8e6,
      })),
    ),
    costs: { memoryNs: 200, faultNs: 8e6 },
    notes: [],
  };
}

describe.skipIf(skipBrowser)("HTML report in a browser", () => {
  it("renders every chart of the demo's report with data, offline, with readable axes", async () => {
    const report = join(work, "report.html");
    const r = await runCli(["demo", "--report", report, "--json", "--quick"]);
    expect(r.code, r.stderr).toBe(0);
    const p = await openPage(report, work);
    try {
      const charts = await readCharts(p.page, "pagewiseReport");
      expect(p.errors).toEqual([]);
      expect(p.requests).toEqual([]);
      const ids = charts.map((c) => c.id);
      expect([...ids].sort()).toEqual(
        [
          "chart-eat",
          "chart-faults",
          "chart-mrc",
          "chart-rss",
          "chart-ws",
          "heatmap",
          "thrash-cpu",
          "thrash-faults",
          "thrash-tput",
          "kswapd-free",
          "kswapd-pool",
          "kswapd-activity",
        ].sort(),
      );
      for (const c of charts) {
        expect(c.series, c.id).toBeGreaterThan(0);
        expect(c.points, c.id).toBeGreaterThan(0);
        checkAxes(c);
      }
      const byId = new Map(charts.map((c) => [c.id, c]));
      // The demo's frame counts are geometric: a log axis, every count inside the range.
      const mrc = byId.get("chart-mrc")!;
      expect(mrc.axes[0]!.distr).toBe(3);
      expect(mrc.axes[1]!.labels.every((l) => l.endsWith(" %"))).toBe(true);
      // The heat map has axes with ticks: references across, pages up.
      const heat = byId.get("heatmap")!;
      expect(heat.axes[0]!.min).toBe(0);
      expect(heat.axes[1]!.min).toBe(0);
      // Hovering a cell tells its counts.
      await p.page.locator("#heatmap").scrollIntoViewIfNeeded();
      const over = (await p.page.locator("#heatmap .u-over").boundingBox())!;
      await p.page.mouse.move(over.x + over.width * 0.05, over.y + over.height * 0.95);
      const tip = p.page.locator("#heatmap .tip");
      expect(await tip.isVisible()).toBe(true);
      expect(await tip.textContent()).toMatch(/^refs [\d.,kM]+\+, pages [\d.,k]+\+: [\d,]+ accesses$/);
      await p.page.mouse.move(0, 0);
      // Thrashing: CPU utilization as a percentage within [0, 100 %], whole process counts.
      const cpu = byId.get("thrash-cpu")!;
      expect(cpu.axes[1]!.max).toBeLessThanOrEqual(1);
      expect(cpu.axes[0]!.splits.every(Number.isInteger)).toBe(true);
      // uPlot draws into a canvas: it must have non-blank pixels (the heat map's cells too).
      for (const id of ["chart-mrc", "heatmap", "kswapd-free"]) {
        const inked = (await p.page.evaluate(`(() => {
          const canvas = document.querySelector("#${id} canvas");
          if (!canvas) return 0;
          const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 200 || px[i + 2] < 200)) n++;
          return n;
        })()`)) as number;
        expect(inked, id).toBeGreaterThan(1000);
      }
      // The counters table marks the fewest faults among policies that can be built: never OPT's
      // row (a bound), and one marked row at least per frame count.
      const best = (await p.page.evaluate(`(() => [...document.querySelectorAll("#counters tr.best")]
        .map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]))()`)) as [string, string][];
      expect(best.length).toBeGreaterThan(0);
      expect(best.filter(([policy]) => policy.startsWith("opt"))).toEqual([]);
      const framesShown =
        (await p.page.evaluate(`(() => new Set([...document.querySelectorAll("#counters tbody tr")]
        .map((tr) => tr.cells[1].textContent)).size)()`)) as number;
      expect(new Set(best.map(([, frames]) => frames)).size).toBe(framesShown);
      const shots = await screenshotSections(p.page, join(work, "shots"), "report");
      expect(shots.length).toBe(9);
      if (process.env.PAGEWISE_UPDATE_FIGURES === "1") {
        await p.page.screenshot({ path: resolve("docs/figures/report.png"), fullPage: true });
      }
    } finally {
      await p.close();
    }
  });

  it("keeps 8-digit counts, geometric frames, small whole numbers and twin curves readable", async () => {
    const file = join(work, "big.html");
    writeFileSync(file, renderReportHtml(bigReport(), chartAssets()));
    const p = await openPage(file, work);
    try {
      const charts = await readCharts(p.page, "pagewiseReport");
      expect(p.errors).toEqual([]);
      for (const c of charts) checkAxes(c);
      const byId = new Map(charts.map((c) => [c.id, c]));
      const mrc = byId.get("chart-mrc")!;
      expect(mrc.axes[0]!.distr).toBe(3);
      expect(mrc.axes[0]!.min).toBe(4);
      expect(mrc.axes[0]!.max).toBe(16_384);
      // The twin curves (lru, lru-copy) are drawn differently.
      const lru = mrc.styles.find((s) => s.label === "lru")!;
      const twin = mrc.styles.find((s) => s.label === "lru-copy")!;
      expect(lru.dash !== twin.dash || lru.width !== twin.width).toBe(true);
      expect(mrc.axes[1]!.max).toBeLessThanOrEqual(1);
      // 12,345,678 references: short labels (12M, not 12,345,678), at least three of them.
      const faults = byId.get("chart-faults")!;
      expect(faults.axes[0]!.labels.length).toBeGreaterThanOrEqual(3);
      for (const l of faults.axes[0]!.labels) expect(l.length, l).toBeLessThanOrEqual(6);
      expect(faults.axes[0]!.labels).toContain("10M");
      // Resident sets of 1 to 3 frames: ticks 0, 1, 2, 3 only.
      expect(byId.get("chart-rss")!.axes[1]!.splits).toEqual([0, 1, 2, 3]);
      // EAT on log scales: labels never "0" (checked by checkAxes), from 0.1 % or less.
      expect(byId.get("chart-eat")!.axes[0]!.distr).toBe(3);
      await screenshotSections(p.page, join(work, "shots"), "big");
    } finally {
      await p.close();
    }
  });
});
