// The thrashing curve as a report: CPU utilization, disk faults per second and throughput against
// the degree of multiprogramming, one series per variant (e.g. without and with load control).
// An SVG for the README (through lineChartSvg) and a self-contained HTML page drawn with the same
// chart library as the main report. Pure string building, browser-safe.

import { groupDigits } from "../core/format.js";
import { type ChartSpec, chart } from "./chart.js";
import { escapeHtml, type ReportAssets, renderChartPage } from "./html.js";
import { lineChartSvg } from "./svg.js";

/** One measured point (the fields of src/system/thrash.ts ThrashPoint the report shows). */
export interface ThrashReportPoint {
  readonly degree: number;
  readonly cpuUtilization: number;
  readonly faultsPerSecond: number;
  readonly throughput: number;
  readonly thrashing: boolean;
  readonly suspended: number;
  readonly diskUtilization: number;
}

export interface ThrashReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly generator: string;
  /** The exact command or call that produced the numbers. */
  readonly command: string;
  /** Setting name → value, shown as facts. */
  readonly settings: readonly (readonly [string, string])[];
  readonly variants: readonly { readonly label: string; readonly points: readonly ThrashReportPoint[] }[];
}

/** The three charts against N: CPU utilization, paging rate and throughput, one series per variant. */
export function thrashCharts(data: ThrashReportData, idPrefix = "chart-"): ChartSpec[] {
  const xs = data.variants[0]?.points.map((p) => p.degree) ?? [];
  const pick = (f: (p: ThrashReportPoint) => number) =>
    data.variants.map((v) => ({
      label: v.label,
      values: xs.map((n) => {
        const p = v.points.find((q) => q.degree === n);
        return p ? f(p) : null;
      }),
    }));
  const x = { label: "degree of multiprogramming (processes)", integer: true, min: 0 };
  return [
    chart({
      id: `${idPrefix}cpu`,
      title: "CPU utilization against the degree of multiprogramming",
      x,
      y: { label: "CPU utilization", percent: true, min: 0, max: 1 },
      xs,
      series: pick((p) => p.cpuUtilization),
    }),
    chart({
      id: `${idPrefix}faults`,
      title: "Paging rate",
      x,
      y: { label: "disk faults / s", min: 0 },
      xs,
      series: pick((p) => p.faultsPerSecond),
    }),
    chart({
      id: `${idPrefix}tput`,
      title: "Throughput",
      x,
      y: { label: "references / s", min: 0 },
      xs,
      series: pick((p) => p.throughput),
    }),
  ];
}

/** CPU utilization against N, one line per variant: the README's figure. */
export function thrashCurveSvg(data: ThrashReportData, width = 760, height = 380): string {
  return lineChartSvg({ ...thrashCharts(data)[0]!, title: data.title }, width, height);
}

/** A self-contained page: three charts and the table, in the main report's style. */
export function renderThrashHtml(data: ThrashReportData, assets: ReportAssets): string {
  const rows = data.variants
    .flatMap((v) =>
      v.points.map(
        (p) =>
          `<tr><td>${escapeHtml(v.label)}</td><td>${p.degree}</td><td>${(p.cpuUtilization * 100).toFixed(1)} %</td>` +
          `<td>${p.faultsPerSecond.toFixed(1)}</td><td>${groupDigits(p.throughput)}</td>` +
          `<td>${(p.diskUtilization * 100).toFixed(1)} %</td><td>${p.thrashing ? "yes" : ""}</td><td>${p.suspended}</td></tr>`,
      ),
    )
    .join("");
  const [cpu, faults, tput] = thrashCharts(data);
  return renderChartPage(
    {
      title: data.title,
      subtitleHtml: `made ${escapeHtml(data.generatedAt)} by ${escapeHtml(data.generator)} with <code>${escapeHtml(data.command)}</code>`,
      facts: data.settings,
      generator: data.generator,
      globalName: "pagewiseThrash",
      data,
      sections: [
        {
          title: "CPU utilization against the degree of multiprogramming",
          help: 'Share of simulated time the CPU spent on references. It rises while another process can run during one\'s I/O, and collapses once the working sets no longer fit: the processes then wait for the paging disk ("a process is spending more time in paging than executing").',
          charts: [cpu!],
        },
        {
          title: "Paging rate",
          help: "Faults that needed the disk, per simulated second. The disk serves about 125 per second at 8 ms each.",
          charts: [faults!],
        },
        {
          title: "Throughput",
          help: "References completed per simulated second, all processes together.",
          charts: [tput!],
        },
        {
          title: "Every point",
          html: `<div class="tablewrap"><table id="points"><thead><tr><th>variant</th><th>N</th><th>CPU</th><th>disk faults/s</th><th>refs/s</th><th>disk busy</th><th>thrashing</th><th>suspended</th></tr></thead><tbody>${rows}</tbody></table></div>`,
        },
      ],
    },
    assets,
  );
}
