// Shared by the browser tests: opens a pagewise HTML page in Debian's chromium (playwright-core),
// reads back what uPlot drew for every chart (each axis's range, distribution, tick positions,
// tick labels and their measured widths; each series' style) and saves a screenshot per section to
// look at (into PAGEWISE_SCREENSHOTS when set, else a temporary folder). checkAxes() asserts what
// a reader needs: labels that do not run together, titles clear of tick labels, whole-number ticks
// on whole-number axes, ratios within [0, 1], no "0" on a log axis, coinciding series told apart.

import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
/** Skip only outside CI when chromium is missing (and say why); in CI the tests must run. */
export const skipBrowser = !existsSync(CHROMIUM) && !inCi;
if (skipBrowser)
  console.warn(`browser test skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

export const BROWSER_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface AxisSeen {
  readonly scale: string;
  readonly distr: number;
  readonly min: number;
  readonly max: number;
  readonly splits: number[];
  readonly labels: string[];
  /** Tick positions along the axis and label widths, CSS pixels. */
  readonly pos: number[];
  readonly widths: number[];
  /** The axis's space for ticks and labels (y: beside the plot; the title is outside it). */
  readonly size: number;
  readonly fontPx: number;
}

export interface ChartSeen {
  readonly id: string;
  readonly series: number;
  readonly points: number;
  readonly spec: {
    x: { integer?: boolean; log?: boolean; percent?: boolean; max?: number; min?: number };
    y: { integer?: boolean; log?: boolean; percent?: boolean; max?: number; min?: number };
    heat: boolean;
  };
  readonly axes: AxisSeen[];
  readonly styles: { label: string; dash: string; width: number; values: (number | null)[] }[];
}

/** What the page drew, read from uPlot after rendering. `global` is window[global].charts. */
const READ = `(global) => window[global].charts.filter((c) => c.plot).map((c) => {
  const u = c.plot, ctx = u.ctx, ratio = window.devicePixelRatio || 1;
  return {
    id: c.id, series: c.series, points: c.points,
    spec: { x: c.spec.x, y: c.spec.y, heat: !!c.spec.heat },
    axes: u.axes.map((a) => {
      const sc = u.scales[a.scale];
      ctx.font = a.font[0];
      return {
        scale: a.scale, distr: sc.distr, min: sc.min, max: sc.max,
        splits: a._splits || [], labels: (a._values || []).map(String),
        pos: (a._splits || []).map((v) => u.valToPos(v, a.scale)),
        widths: (a._values || []).map((s) => ctx.measureText(String(s)).width / ratio),
        size: a._size, fontPx: a.font[1] / ratio,
      };
    }),
    styles: c.spec.heat ? [] : u.series.slice(1).map((s, i) => ({ label: s.label, dash: String(s.dash || []), width: s.width, values: u.data[i + 1] })),
  };
})`;

export interface OpenPage {
  readonly page: Page;
  readonly errors: string[];
  readonly requests: string[];
  close(): Promise<void>;
}

/** Opens `file` offline at 1200 px and waits for body[data-rendered]. */
export async function openPage(file: string, work: string): Promise<OpenPage> {
  const profile = mkdtempSync(join(work, "profile-"));
  const ctx: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: BROWSER_FLAGS,
    viewport: { width: 1200, height: 900 },
    offline: true,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const requests: string[] = [];
  page.on("request", (req) => {
    if (!req.url().startsWith("file:")) requests.push(req.url());
  });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("body[data-rendered]", { timeout: 20_000 });
  return { page, errors, requests, close: () => ctx.close() };
}

export async function readCharts(page: Page, global: string): Promise<ChartSeen[]> {
  return (await page.evaluate(`(${READ})(${JSON.stringify(global)})`)) as ChartSeen[];
}

/** One screenshot per <section>, named prefix-N.png; returns the paths. */
export async function screenshotSections(page: Page, dir: string, prefix: string): Promise<string[]> {
  const out = process.env.PAGEWISE_SCREENSHOTS ?? dir;
  mkdirSync(out, { recursive: true });
  const sections = page.locator("main > section");
  const n = await sections.count();
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = join(out, `${prefix}-${i}.png`);
    await sections.nth(i).screenshot({ path: p });
    paths.push(p);
  }
  return paths;
}

const isInt = (v: number) => Math.abs(v - Math.round(v)) < 1e-9;

/** The checks every chart must pass. */
export function checkAxes(c: ChartSeen): void {
  const [xa, ya] = c.axes as [AxisSeen, AxisSeen];
  for (const [a, spec, isX] of [
    [xa, c.spec.x, true],
    [ya, c.spec.y, false],
  ] as const) {
    const what = `${c.id} ${isX ? "x" : "y"}`;
    expect(a.labels.length, `${what}: ticks`).toBeGreaterThanOrEqual(2);
    if (spec.integer) for (const v of a.splits) expect(isInt(v), `${what}: tick ${v} is whole`).toBe(true);
    if (spec.log || a.distr === 3) {
      expect(a.distr, `${what}: log scale`).toBe(3);
      for (const l of a.labels) expect(l, `${what}: a log axis labelled 0`).not.toMatch(/^0(\s*%)?$/);
      for (const v of a.splits) expect(v, what).toBeGreaterThan(0);
    }
    if (spec.percent && !isX) {
      expect(a.min, `${what}: ratio axis from`).toBeGreaterThanOrEqual(0);
      expect(a.max, `${what}: ratio axis to`).toBeLessThanOrEqual(1);
    }
    // Labels are distinct and do not run together.
    expect(new Set(a.labels).size, `${what}: distinct labels ${a.labels}`).toBe(a.labels.length);
    for (let i = 1; i < a.pos.length; i++) {
      const gap = Math.abs(a.pos[i]! - a.pos[i - 1]!);
      const need = isX ? (a.widths[i]! + a.widths[i - 1]!) / 2 + 6 : a.fontPx + 2;
      expect(gap, `${what}: labels ${a.labels[i - 1]} and ${a.labels[i]} overlap`).toBeGreaterThan(need);
    }
    // The y title sits outside the axis's space, which must hold the widest label and the ticks.
    if (!isX) expect(a.size, `${what}: room for the labels`).toBeGreaterThan(Math.max(...a.widths) + 10);
  }
  // Series that coincide differ in dash or width, so the one drawn first still shows.
  for (let i = 0; i < c.styles.length; i++)
    for (let j = i + 1; j < c.styles.length; j++) {
      const a = c.styles[i]!;
      const b = c.styles[j]!;
      if (JSON.stringify(a.values) !== JSON.stringify(b.values)) continue;
      expect(a.dash !== b.dash || a.width !== b.width, `${c.id}: ${a.label} and ${b.label} coincide`).toBe(
        true,
      );
    }
}
