// The thrashing curve as a report: CPU utilization, disk faults per second and throughput against
// the degree of multiprogramming, one series per variant (e.g. without and with load control).
// An SVG for the README (through lineChartSvg) and a self-contained HTML page drawn with the same
// chart library as the main report. Pure string building, browser-safe.

import { escapeHtml, type ReportAssets, scriptJson } from "./html.js";
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

/** CPU utilization (%) against N, one line per variant. */
export function thrashCurveSvg(data: ThrashReportData, width = 760, height = 380): string {
  const xs = data.variants[0]?.points.map((p) => p.degree) ?? [];
  return lineChartSvg({
    title: data.title,
    xLabel: "degree of multiprogramming (processes)",
    yLabel: "CPU utilization (%)",
    xs,
    series: data.variants.map((v) => ({
      label: v.label,
      values: xs.map((n) => {
        const p = v.points.find((q) => q.degree === n);
        return p ? Math.round(p.cpuUtilization * 1000) / 10 : null;
      }),
    })),
    width,
    height,
  });
}

/** A self-contained page: three charts and the table. */
export function renderThrashHtml(data: ThrashReportData, assets: ReportAssets): string {
  const facts = data.settings
    .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`)
    .join("");
  const rows = data.variants
    .flatMap((v) =>
      v.points.map(
        (p) =>
          `<tr><td>${escapeHtml(v.label)}</td><td>${p.degree}</td><td>${(p.cpuUtilization * 100).toFixed(1)} %</td>` +
          `<td>${p.faultsPerSecond.toFixed(1)}</td><td>${Math.round(p.throughput).toLocaleString("en-US")}</td>` +
          `<td>${(p.diskUtilization * 100).toFixed(1)} %</td><td>${p.thrashing ? "yes" : ""}</td><td>${p.suspended}</td></tr>`,
      ),
    )
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(data.title)}</title>
<style>${assets.chartCss}</style>
<style>
body{margin:0 auto;max-width:1100px;padding:18px 20px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 4px}.sub,.help{color:#5a6572}.help{font-size:.93em;margin:0 0 8px}
code{background:#f6f7f9;padding:1px 4px;border-radius:4px}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.facts div{background:#f6f7f9;border:1px solid #dde1e6;border-radius:6px;padding:6px 12px}
.facts dt{font-size:.8em;color:#5a6572}.facts dd{margin:0;font-weight:600}.chart{min-height:300px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.9em}th,td{border-bottom:1px solid #dde1e6;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<p class="sub">made ${escapeHtml(data.generatedAt)} by ${escapeHtml(data.generator)} with <code>${escapeHtml(data.command)}</code></p>
<dl class="facts">${facts}</dl>
<h2>CPU utilization against the degree of multiprogramming</h2>
<p class="help">Share of simulated time the CPU spent on references. It rises while another process can run during one's I/O, and collapses once the working sets no longer fit: the processes then wait for the paging disk ("a process is spending more time in paging than executing").</p>
<div class="chart" id="chart-cpu"></div>
<h2>Paging rate</h2>
<p class="help">Faults that needed the disk, per simulated second. The disk serves about 125 per second at 8 ms each.</p>
<div class="chart" id="chart-faults"></div>
<h2>Throughput</h2>
<p class="help">References completed per simulated second, all processes together.</p>
<div class="chart" id="chart-tput"></div>
<h2>Every point</h2>
<table id="points"><thead><tr><th>variant</th><th>N</th><th>CPU</th><th>disk faults/s</th><th>refs/s</th><th>disk busy</th><th>thrashing</th><th>suspended</th></tr></thead><tbody>${rows}</tbody></table>
<script>${assets.chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script id="thrash-data" type="application/json">${scriptJson(data)}</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("thrash-data").textContent);
  var rendered = [];
  window.pagewiseThrash = { data: data, charts: rendered };
  var xs = data.variants.length ? data.variants[0].points.map(function (p) { return p.degree; }) : [];
  function color(i) { return ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"][i % 4]; }
  function chart(id, yLabel, pick) {
    var el = document.getElementById(id);
    var series = data.variants.map(function (v, i) {
      return { label: v.label, stroke: color(i), width: 2, points: { show: true } };
    });
    var values = data.variants.map(function (v) {
      return xs.map(function (n) { var p = v.points.filter(function (q) { return q.degree === n; })[0]; return p ? pick(p) : null; });
    });
    var plot = new uPlot({ width: Math.max(320, el.clientWidth || 900), height: 300, scales: { x: { time: false } },
      axes: [{ label: "processes (N)" }, { label: yLabel, size: 70 }], series: [{ label: "N" }].concat(series) }, [xs].concat(values), el);
    rendered.push({ id: id, plot: plot });
  }
  if (xs.length) {
    chart("chart-cpu", "CPU utilization (%)", function (p) { return p.cpuUtilization * 100; });
    chart("chart-faults", "disk faults / s", function (p) { return p.faultsPerSecond; });
    chart("chart-tput", "references / s", function (p) { return p.throughput; });
  }
  document.body.setAttribute("data-rendered", String(rendered.length));
})();
</script>
</body>
</html>
`;
}
