import { describe, expect, it } from "vitest";
import { axisRange, chart, formatTick, linearTicks, logTicks, looksGeometric, styleSeries } from "./chart.js";
import { renderReportHtml, reportCharts, scriptJson } from "./html.js";
import type { ReportData } from "./model.js";
import { heatmap, samplePoints, workingSetSizes } from "./series.js";
import { lineChartSvg, reportFigures } from "./svg.js";

/** A small report built from a hand-made trace (pages cycle through two phases). */
function sampleReport(): ReportData {
  const n = 2000;
  const pages = Array.from({ length: n }, (_, i) => (i < n / 2 ? i % 20 : 20 + (i % 30)));
  const at = samplePoints(n, 50);
  const frames = [4, 8, 16, 32];
  return {
    title: "sample </script> report",
    generatedAt: "2025-01-01T00:00:00.000Z",
    generator: "pagewise test",
    workload: {
      name: "two phases",
      source: "test",
      references: n,
      distinctPages: 50,
      reads: n,
      writes: 0,
      instructions: 0,
      processes: 2,
      pageSize: 4096,
    },
    mrc: {
      frames,
      curves: [
        { policy: "fifo", faults: [2000, 1900, 1000, 50], missRatio: [1, 0.95, 0.5, 0.025] },
        { policy: "lru", faults: [2000, 1800, 900, 50], missRatio: [1, 0.9, 0.45, 0.025] },
      ],
    },
    faultsOverTime: {
      at,
      series: [{ policy: "lru", frames: 16, cumulative: at.map((a) => Math.round(a * 0.45)) }],
    },
    workingSet: { tau: 100, at, size: workingSetSizes(pages, n, 50, 100, at) },
    residentSet: {
      policy: "lru",
      frames: 16,
      at,
      series: [
        { pid: 1, frames: at.map(() => 8) },
        { pid: 2, frames: at.map(() => 8) },
      ],
    },
    heatmap: heatmap(pages, n, 50, 40, 25),
    runs: frames.map((f, i) => ({
      policy: "lru",
      frames: f,
      references: n,
      faults: [2000, 1800, 900, 50][i]!,
      hits: n - [2000, 1800, 900, 50][i]!,
      missRatio: [1, 0.9, 0.45, 0.025][i]!,
      evictionsClean: 0,
      evictionsDirty: 0,
      writebacks: 0,
      tlbHits: 0,
      tlbMisses: 0,
      measuredEatNs: 1e6,
      formulaEatNs: 1e6,
    })),
    costs: { memoryNs: 200, faultNs: 8e6 },
    notes: ["a note & more"],
  };
}

describe("report series", () => {
  it("computes working-set sizes over a sliding window", () => {
    const pages = [0, 1, 0, 1, 2, 3, 2, 3];
    expect(workingSetSizes(pages, 8, 4, 2, [1, 2, 4, 6, 8])).toEqual([1, 2, 2, 2, 2]);
    expect(workingSetSizes(pages, 8, 4, 4, [4, 6, 8])).toEqual([2, 4, 2]);
  });

  it("bins accesses by time and page", () => {
    const h = heatmap([0, 0, 1, 3], 4, 4, 2, 2);
    expect(h).toMatchObject({ timeBins: 2, pageBins: 2, pagesPerBin: 2, refsPerBin: 2 });
    expect(h.counts).toEqual([2, 0, 1, 1]);
  });
});

describe("HTML report", () => {
  const html = renderReportHtml(sampleReport(), {
    chartJs: "var uPlot = function(){}; // </script>",
    chartCss: ".u{}",
  });

  it("is one self-contained document: no external URLs, scripts inlined", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it("escapes data so it cannot end a script element", () => {
    expect(html).toContain("sample &#60;/script&#62; report");
    // uPlot, the chart code, the data, the chart specs, the page's script.
    expect(html.match(/<\/script>/g)!.length).toBe(5);
    expect(scriptJson({ a: "</script>" })).toBe('{"a":"\\u003c/script>"}');
  });

  it("has a place for every chart and the EAT formula", () => {
    for (const id of [
      "chart-mrc",
      "chart-faults",
      "chart-ws",
      "chart-rss",
      "heatmap",
      "chart-eat",
      "counters",
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain("EAT = (1 − p) × 200 ns + p × 8 ms");
  });
});

describe("SVG figures", () => {
  it("draws one path per series and is deterministic", () => {
    const spec = chart({
      id: "c",
      title: "t",
      x: { label: "x" },
      y: { label: "y" },
      xs: [1, 2, 3],
      series: [
        { label: "a", values: [1, 2, 3] },
        { label: "b", values: [3, null, 1] },
      ],
    });
    const a = lineChartSvg(spec);
    expect(a).toBe(lineChartSvg(spec));
    expect(a.match(/<path /g)).toHaveLength(2);
    expect(a).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(a).toContain("<title>t</title>");
  });

  it("makes the README figures from a report", () => {
    expect(Object.keys(reportFigures(sampleReport())).sort()).toEqual(
      ["faults-over-time.svg", "heatmap.svg", "miss-ratio-curves.svg", "working-set.svg"].sort(),
    );
  });
});

describe("chart axes and styles", () => {
  it("labels ticks short and exact", () => {
    expect(formatTick(10_000, false)).toBe("10k");
    expect(formatTick(12_500_000, false)).toBe("12.5M");
    expect(formatTick(2_500, false)).toBe("2,500");
    expect(formatTick(0.001, false)).toBe("0.001");
    expect(formatTick(0.025, true)).toBe("2.5 %");
    expect(formatTick(0.001, true)).toBe("0.1 %");
  });

  it("puts whole-number axes on whole numbers", () => {
    expect(linearTicks(0, 3, 8, true)).toEqual([0, 1, 2, 3]);
    expect(linearTicks(0, 3, 8, false)).toContain(1.5);
    for (const v of linearTicks(0, 12_345_678, 8, true)) expect(Number.isInteger(v)).toBe(true);
  });

  it("never ticks a log axis at 0 and spaces its labels", () => {
    const t = logTicks(0.0017, 0.33, 900, 80);
    expect(t.length).toBeGreaterThanOrEqual(3);
    for (const v of t) expect(v).toBeGreaterThan(0);
    expect(t).toContain(0.01);
    // Over 13 decades in 300 px: every few decades, never closer than the gap.
    const wide = logTicks(1, 1e13, 300, 80);
    const perDecade = 300 / 13;
    for (let i = 1; i < wide.length; i++)
      expect(Math.log10(wide[i]! / wide[i - 1]!) * perDecade).toBeGreaterThanOrEqual(80);
    // Less than a decade with no power of ten inside still gets positive ticks.
    expect(logTicks(3, 8, 900, 80).length).toBeGreaterThanOrEqual(2);
  });

  it("keeps a ratio axis within [0, 1] and starts counts at 0", () => {
    expect(axisRange({ label: "m", percent: true, min: 0, max: 1 }, 0.02, 0.97, false)).toEqual([0, 1]);
    expect(axisRange({ label: "m", percent: true, min: 0, max: 1 }, 0.02, 0.33, false)[1]).toBeLessThan(1);
    expect(axisRange({ label: "f", integer: true }, 5, 23, false)[0]).toBe(0);
    expect(axisRange({ label: "N", integer: true }, 1, 7, true)).toEqual([1, 7]);
  });

  it("sees geometric frame counts", () => {
    expect(looksGeometric([4, 8, 16, 32, 64, 128])).toBe(true);
    expect(looksGeometric([3, 5, 10, 17, 30])).toBe(true);
    expect(looksGeometric([10, 20, 30, 40, 50, 60, 70, 80])).toBe(false);
  });

  it("draws coinciding series so that both show", () => {
    const s = styleSeries(
      [
        { label: "a", values: [1, 0.5, 0.2] },
        { label: "b", values: [0.9, 0.4, 0.1] },
        { label: "c", values: [1, 0.5, 0.2] },
        { label: "d", values: [1, 0.5, 0.2] },
        { label: "e", values: [0.8, 0.3, 0.05] },
      ],
      3,
    );
    const [a, b, c, d, e] = s;
    // a, c, d coincide: wider first, each with its own dash.
    expect(a!.width).toBeGreaterThan(c!.width);
    expect(c!.width).toBeGreaterThan(d!.width);
    expect(new Set([a, c, d].map((x) => x!.dash.join(","))).size).toBe(3);
    expect(b!.width).toBe(2);
    expect(new Set(s.map((x) => x.color)).size).toBe(5);
    expect(e!.markers).toBe(true);
  });

  it("builds the report's charts with the right axes", () => {
    const charts = reportCharts(sampleReport());
    const mrc = charts.find((c) => c.id === "chart-mrc")!;
    expect(mrc.x).toMatchObject({ log: true, integer: true });
    expect(mrc.y).toMatchObject({ percent: true, min: 0, max: 1 });
    expect(charts.find((c) => c.id === "heatmap")!.heat).toBeDefined();
    expect(charts.find((c) => c.id === "chart-rss")!.y.integer).toBe(true);
  });
});
