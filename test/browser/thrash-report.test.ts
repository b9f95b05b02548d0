// Opens the thrashing report (`pagewise thrash --report`) in a real browser (Debian's chromium
// through playwright-core): its three charts draw, with no script error and no network request.
// Skips itself only outside CI when chromium is missing (and says why).

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/test-helpers.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const skip = !existsSync(CHROMIUM) && !inCi;
if (skip)
  console.warn(`browser test skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

const work = mkdtempSync(join(tmpdir(), "pagewise-thrash-browser-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(skip)("thrashing report in a browser", () => {
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
    const profile = mkdtempSync(join(work, "profile-"));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
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
      const got = (await page.evaluate(
        "({ ids: window.pagewiseThrash.charts.map((c) => c.id), series: window.pagewiseThrash.charts.map((c) => c.plot.series.length), rows: document.querySelectorAll('#points tbody tr').length })",
      )) as { ids: string[]; series: number[]; rows: number };
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(got.ids).toEqual(["chart-cpu", "chart-faults", "chart-tput"]);
      expect(got.series).toEqual([4, 4, 4]); // the x axis and three variants
      expect(got.rows).toBe(9);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
