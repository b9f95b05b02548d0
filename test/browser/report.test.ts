// Opens a generated HTML report in a real browser (Debian's chromium through playwright-core) and
// checks that every chart rendered with data; saves a screenshot to docs/figures/report.png only when
// PAGEWISE_UPDATE_FIGURES=1 (so a test run never changes tracked files).
// Skips itself only outside CI when chromium is missing (and says why); in CI it must run.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/test-helpers.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const missing = !existsSync(CHROMIUM);
const skip = missing && !inCi;
if (skip) {
  console.warn(`browser test skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const work = mkdtempSync(join(tmpdir(), "pagewise-browser-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(skip)("HTML report in a browser", () => {
  it("renders every chart with data, offline", async () => {
    const report = join(work, "report.html");
    const r = await runCli(["demo", "--report", report, "--json", "--quick"]);
    expect(r.code, r.stderr).toBe(0);

    const profile = mkdtempSync(join(work, "profile-"));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1200, height: 900 },
      offline: true,
    });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      const requests: string[] = [];
      page.on("request", (req) => {
        if (!req.url().startsWith("file:")) requests.push(req.url());
      });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(report).href);
      await page.waitForSelector("body[data-rendered]", { timeout: 20_000 });
      const charts = (await page.evaluate(
        "window.pagewiseReport.charts.map((c) => ({ id: c.id, series: c.series, points: c.points }))",
      )) as { id: string; series: number; points: number }[];
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      const ids = charts.map((c) => c.id).sort();
      expect(ids).toEqual(
        ["chart-eat", "chart-faults", "chart-mrc", "chart-rss", "chart-ws", "counters", "heatmap"].sort(),
      );
      for (const c of charts) {
        expect(c.series, c.id).toBeGreaterThan(0);
        expect(c.points, c.id).toBeGreaterThan(0);
      }
      // uPlot draws into a canvas: it must have non-blank pixels.
      const inked = (await page.evaluate(`(() => {
        const canvas = document.querySelector("#chart-mrc canvas");
        if (!canvas) return 0;
        const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
        return n;
      })()`)) as number;
      expect(inked).toBeGreaterThan(1000);
      // The whole-system figures (thrashing curve, kswapd timeline) are inline SVGs with drawn lines.
      const figures =
        (await page.evaluate(`[...document.querySelectorAll("figure[data-figure]")].map((f) => ({
        id: f.dataset.figure,
        lines: f.querySelectorAll("svg polyline, svg path").length,
        width: f.getBoundingClientRect().width,
      }))`)) as { id: string; lines: number; width: number }[];
      expect(figures.map((f) => f.id)).toEqual(["thrashing", "kswapd"]);
      for (const f of figures) {
        expect(f.lines, f.id).toBeGreaterThan(2);
        expect(f.width, f.id).toBeGreaterThan(300);
      }
      if (process.env.PAGEWISE_UPDATE_FIGURES === "1") {
        await page.screenshot({ path: resolve("docs/figures/report.png"), fullPage: true });
      }
    } finally {
      await ctx.close();
    }
  });
});
