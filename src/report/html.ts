// The HTML report: one self-contained file that works offline. The chart library (uPlot) is passed
// in as text and inlined with the data; nothing is fetched. Pure: strings and records in, a string
// out, no Node or DOM APIs here (the page's own script runs in the reader's browser).

import { groupDigits } from "../core/format.js";
import { CHART_JS, type ChartSpec, chart, looksGeometric, PAGE_CSS } from "./chart.js";
import type { ReportData, ReportFigure } from "./model.js";

/** The chart library's source and stylesheet, read by the caller (cli/report reads node_modules). */
export interface ReportAssets {
  readonly chartJs: string;
  readonly chartCss: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON safe to place inside a <script> element: no "</script", no "<!--". */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v))
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Inline script text: a library's source with any "</script" split so the element cannot end early. */
function inlineScript(src: string): string {
  return src.replace(/<\/script/gi, "<\\/script");
}

/** A figure of its own (thrashing, kswapd): its explanation, command, and charts drawn like the rest. */
function figureSection(f: ReportFigure): string {
  return `<section id="figure-${escapeHtml(f.id)}"><h2>${escapeHtml(f.title)}</h2>
<p class="help">${escapeHtml(f.help)} Made with <code>${escapeHtml(f.command)}</code>.</p>
${f.charts.map((c) => `<div class="chart" id="${escapeHtml(c.id)}"></div>`).join("\n")}</section>`;
}

/**
 * The report's charts as specs: miss ratio on a log frame axis when the counts are geometric, a
 * percentage axis within [0, 1]; whole-number axes for faults, pages and frames; EAT on log scales;
 * the heat map with a reference axis and a page axis.
 */
export function reportCharts(data: ReportData): ChartSpec[] {
  const out: ChartSpec[] = [];
  const mrc = data.mrc;
  if (mrc.frames.length > 0) {
    out.push(
      chart({
        id: "chart-mrc",
        title: "Miss ratio by frames",
        x: { label: "frames", integer: true, log: looksGeometric(mrc.frames) },
        y: { label: "miss ratio", percent: true, min: 0, max: 1 },
        xs: mrc.frames,
        series: mrc.curves.map((c) => ({ label: c.policy, values: c.missRatio })),
      }),
    );
  }
  const fot = data.faultsOverTime;
  if (fot.series.length > 0) {
    out.push(
      chart({
        id: "chart-faults",
        title: `Cumulative faults at ${[...new Set(fot.series.map((s) => s.frames))].join(", ")} frames`,
        x: { label: "references", integer: true, min: 0 },
        y: { label: "faults", integer: true, min: 0 },
        xs: fot.at,
        series: fot.series.map((s) => ({ label: s.policy, values: s.cumulative })),
      }),
    );
  }
  const ws = data.workingSet;
  if (ws.at.length > 0) {
    out.push(
      chart({
        id: "chart-ws",
        title: `Working-set size, τ = ${groupDigits(ws.tau)}`,
        x: { label: "references", integer: true, min: 0 },
        y: { label: "distinct pages", integer: true, min: 0 },
        xs: ws.at,
        series: [{ label: "W(t, τ)", values: ws.size }],
      }),
    );
  }
  const rs = data.residentSet;
  if (rs.series.length > 0) {
    out.push(
      chart({
        id: "chart-rss",
        title: `Resident set (${rs.policy}, ${groupDigits(rs.frames)} frames)`,
        x: { label: "references", integer: true, min: 0 },
        y: { label: "frames", integer: true, min: 0 },
        xs: rs.at,
        series: rs.series.map((s) => ({ label: `pid ${s.pid}`, values: s.frames })),
      }),
    );
  }
  // EAT against the miss ratio p: the formula as a line, each run's measured value as a point.
  const ps = [...new Set(data.runs.map((r) => r.missRatio).filter((p) => p > 0))].sort((a, b) => a - b);
  if (ps.length > 0) {
    const { memoryNs: mem, faultNs: flt } = data.costs;
    const names = [...new Set(data.runs.map((r) => r.policy))];
    out.push(
      chart({
        id: "chart-eat",
        title: "Effective access time against miss ratio (log scales)",
        x: { label: "miss ratio p", percent: true, log: true },
        y: { label: "EAT (µs)", log: true },
        xs: ps,
        series: [
          { label: "formula", values: ps.map((p) => ((1 - p) * mem + p * flt) / 1000) },
          ...names.map((name) => ({
            label: `${name} measured`,
            markersOnly: true,
            values: ps.map((p) => {
              const r = data.runs.find((q) => q.policy === name && q.missRatio === p);
              return r ? r.measuredEatNs / 1000 : null;
            }),
          })),
        ],
      }),
    );
  }
  const h = data.heatmap;
  if (h.counts.length > 0) {
    out.push({
      id: "heatmap",
      title: "Accesses per page over time",
      x: { label: "references", integer: true, min: 0 },
      y: { label: "page (first-touch order)", integer: true, min: 0 },
      xs: [],
      series: [],
      heat: h,
    });
  }
  for (const f of data.figures ?? []) out.push(...f.charts);
  return out;
}

/** Renders the whole report. */
export function renderReportHtml(data: ReportData, assets: ReportAssets): string {
  const w = data.workload;
  const facts: [string, string][] = [
    ["references", groupDigits(w.references)],
    ["distinct pages", groupDigits(w.distinctPages)],
    ["reads / writes", `${groupDigits(w.reads)} / ${groupDigits(w.writes)}`],
    ["instruction fetches", groupDigits(w.instructions)],
    ["processes", groupDigits(w.processes)],
    ["page size", `${groupDigits(w.pageSize)} B`],
  ];
  const notes = data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(data.title)}</title>
<style>${assets.chartCss}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="sub">workload <b>${escapeHtml(w.name)}</b> (${escapeHtml(w.source)}) · made ${escapeHtml(data.generatedAt)} by ${escapeHtml(data.generator)}</p>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join("")}</dl>
${notes ? `<ul class="notes">${notes}</ul>` : ""}
</header>
<main>
<section><h2>Miss-ratio curves</h2>
<p class="help">Fraction of references that fault, per policy, as memory grows. Lower is better. A curve that rises somewhere is Belady's anomaly. Drag to zoom, double-click to reset, click a legend entry to hide a policy.</p>
<div class="chart" id="chart-mrc" data-chart="mrc"></div></section>
<section><h2>Faults over time</h2>
<p class="help">Cumulative faults along the trace at ${escapeHtml([...new Set(data.faultsOverTime.series.map((s) => s.frames))].join(", "))} frames. Steep stretches are phase changes: the program moved to pages it had not used recently.</p>
<div class="chart" id="chart-faults" data-chart="faults"></div></section>
<section><h2>Working-set size over time</h2>
<p class="help">W(t, τ): distinct pages among the last τ = ${groupDigits(data.workingSet.tau)} references. Fewer frames than the working set means frequent faults (thrashing).</p>
<div class="chart" id="chart-ws" data-chart="ws"></div></section>
<section><h2>Resident set per process</h2>
<p class="help">Frames held by each process under ${escapeHtml(data.residentSet.policy)} with ${groupDigits(data.residentSet.frames)} frames shared by all processes (global replacement).</p>
<div class="chart" id="chart-rss" data-chart="rss"></div></section>
<section><h2>Page access heat map</h2>
<p class="help">Accesses per page (vertical, in first-touch order, ${groupDigits(data.heatmap.pagesPerBin)} page(s) per row) and time (horizontal, ${groupDigits(data.heatmap.refsPerBin)} references per column). Darker is more (log scale of counts). Hover for counts.</p>
<div class="chart" id="heatmap" data-chart="heatmap"></div></section>
<section><h2>Effective access time</h2>
<p class="help">The line is EAT = (1 − p) × ${groupDigits(data.costs.memoryNs)} ns + p × ${(data.costs.faultNs / 1e6).toFixed(0)} ms, where p is the miss ratio; each point is one run's EAT measured from its simulated time, which also pays for dirty write-backs${data.runs.some((r) => r.tlbMisses > 0) ? " and TLB walks" : ""}, so points sit on or above the line. Both values are in the table below.</p>
<div class="chart" id="chart-eat" data-chart="eat"></div></section>
${(data.figures ?? []).map(figureSection).join("\n")}
<section><h2>Every counter</h2>
<p class="help">One row per run. Click a column heading to sort.</p>
<div class="tablewrap"><table id="counters"></table></div></section>
</main>
<footer>pagewise · charts by uPlot (MIT) · this file is self-contained and works offline</footer>
<script>${inlineScript(assets.chartJs)}</script>
<script>${CHART_JS}</script>
<script id="report-data" type="application/json">${scriptJson({ ...data, figures: undefined })}</script>
<script id="report-charts" type="application/json">${scriptJson(reportCharts(data))}</script>
<script>${PAGE_JS}</script>
</body>
</html>
`;
}

// The page's script, run in the reader's browser. Plain ES2017, no template literals.
const PAGE_JS = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var rendered = [];
  window.pagewiseReport = { data: data, charts: rendered };

  function fmt(v, d) { return v == null ? "" : Number(v).toLocaleString("en-US", { maximumFractionDigits: d == null ? 0 : d }); }
  pagewiseDrawAll(JSON.parse(document.getElementById("report-charts").textContent), rendered);

  (function table() {
    var cols = [
      ["policy", "policy"], ["frames", "frames"], ["references", "references"], ["faults", "faults"], ["hits", "hits"],
      ["missRatio", "miss ratio"], ["evictionsClean", "evictions clean"], ["evictionsDirty", "evictions dirty"],
      ["writebacks", "write-backs"], ["tlbHits", "TLB hits"], ["tlbMisses", "TLB misses"],
      ["formulaEatNs", "EAT formula (ns)"], ["measuredEatNs", "EAT measured (ns)"]
    ];
    var el = document.getElementById("counters");
    var rows = data.runs.slice();
    var best = {};
    // The row marked best is the fewest faults among policies that can be built (OPT is a bound).
    rows.forEach(function (r) { if (!r.oracle && (best[r.frames] == null || r.faults < best[r.frames])) best[r.frames] = r.faults; });
    var sortKey = null, asc = true;
    function draw() {
      var html = "<thead><tr>" + cols.map(function (c) { return "<th data-k=\\"" + c[0] + "\\">" + c[1] + (sortKey === c[0] ? (asc ? " ▲" : " ▼") : "") + "</th>"; }).join("") + "</tr></thead><tbody>";
      rows.forEach(function (r) {
        html += "<tr" + (!r.oracle && r.faults === best[r.frames] ? " class=\\"best\\"" : "") + ">" + cols.map(function (c) {
          var v = r[c[0]];
          if (c[0] === "missRatio") v = (v * 100).toFixed(3) + " %";
          else if (typeof v === "number") v = fmt(v, c[0].indexOf("Eat") >= 0 ? 1 : 0);
          return "<td>" + String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</td>";
        }).join("") + "</tr>";
      });
      el.innerHTML = html + "</tbody>";
    }
    el.addEventListener("click", function (ev) {
      var k = ev.target && ev.target.getAttribute && ev.target.getAttribute("data-k");
      if (!k) return;
      asc = sortKey === k ? !asc : true;
      sortKey = k;
      rows.sort(function (a, b) { var x = a[k], y = b[k]; return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); });
      draw();
    });
    draw();
    rendered.push({ id: "counters", series: cols.length, points: rows.length });
  })();

  document.body.setAttribute("data-rendered", String(rendered.length));
})();
`;

/** A section of a chart page: a heading, an explanation, its charts and any trusted HTML after them. */
export interface PageSection {
  readonly title: string;
  readonly help?: string;
  readonly charts?: readonly ChartSpec[];
  /** Markup made by pagewise (tables), placed after the charts. */
  readonly html?: string;
}

/**
 * A self-contained page of charts in the report's style (same stylesheet, same chart code): the
 * thrashing and kswapd reports. `globalName` is where the page lists its drawn charts
 * (`window[globalName].charts`), as the main report does in `window.pagewiseReport`.
 */
export function renderChartPage(
  page: {
    readonly title: string;
    readonly subtitleHtml: string;
    readonly facts: readonly (readonly [string, string])[];
    readonly sections: readonly PageSection[];
    readonly generator: string;
    readonly globalName: string;
    readonly data?: unknown;
  },
  assets: ReportAssets,
): string {
  const facts = page.facts
    .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`)
    .join("");
  const specs = page.sections.flatMap((s) => s.charts ?? []);
  const sections = page.sections
    .map(
      (s) =>
        `<section><h2>${escapeHtml(s.title)}</h2>${s.help ? `\n<p class="help">${escapeHtml(s.help)}</p>` : ""}
${(s.charts ?? []).map((c) => `<div class="chart" id="${escapeHtml(c.id)}"></div>`).join("\n")}${s.html ?? ""}</section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(page.generator)}">
<title>${escapeHtml(page.title)}</title>
<style>${assets.chartCss}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(page.title)}</h1>
<p class="sub">${page.subtitleHtml}</p>
${facts ? `<dl class="facts">${facts}</dl>` : ""}
</header>
<main>
${sections}
</main>
<footer>pagewise · charts by uPlot (MIT) · this file is self-contained and works offline</footer>
<script>${inlineScript(assets.chartJs)}</script>
<script>${CHART_JS}</script>
<script id="page-data" type="application/json">${scriptJson(page.data ?? null)}</script>
<script id="page-charts" type="application/json">${scriptJson(specs)}</script>
<script>
(function () {
  "use strict";
  var rendered = [];
  window[${JSON.stringify(page.globalName)}] = { data: JSON.parse(document.getElementById("page-data").textContent), charts: rendered };
  pagewiseDrawAll(JSON.parse(document.getElementById("page-charts").textContent), rendered);
  document.body.setAttribute("data-rendered", String(rendered.length));
})();
</script>
</body>
</html>
`;
}
