// The HTML report: one self-contained file that works offline. The chart library (uPlot) is passed
// in as text and inlined with the data; nothing is fetched. Pure: strings and records in, a string
// out, no Node or DOM APIs here (the page's own script runs in the reader's browser).

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

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A figure drawn by pagewise's own SVG code (trusted markup), with its explanation and command. */
function figureSection(f: ReportFigure): string {
  return `<section id="figure-${escapeHtml(f.id)}"><h2>${escapeHtml(f.title)}</h2>
<p class="help">${escapeHtml(f.help)} Made with <code>${escapeHtml(f.command)}</code>.</p>
<figure class="svgfig" data-figure="${escapeHtml(f.id)}">${f.svg}</figure></section>`;
}

/** Renders the whole report. */
export function renderReportHtml(data: ReportData, assets: ReportAssets): string {
  const w = data.workload;
  const facts: [string, string][] = [
    ["references", fmtInt(w.references)],
    ["distinct pages", fmtInt(w.distinctPages)],
    ["reads / writes", `${fmtInt(w.reads)} / ${fmtInt(w.writes)}`],
    ["instruction fetches", fmtInt(w.instructions)],
    ["processes", fmtInt(w.processes)],
    ["page size", `${fmtInt(w.pageSize)} B`],
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
<p class="help">Cumulative faults along the trace at <span id="fot-frames"></span> frames. Steep stretches are phase changes: the program moved to pages it had not used recently.</p>
<div class="chart" id="chart-faults" data-chart="faults"></div></section>
<section><h2>Working-set size over time</h2>
<p class="help">W(t, τ): distinct pages among the last τ = ${fmtInt(data.workingSet.tau)} references. Fewer frames than the working set means frequent faults (thrashing).</p>
<div class="chart" id="chart-ws" data-chart="ws"></div></section>
<section><h2>Resident set per process</h2>
<p class="help">Frames held by each process under ${escapeHtml(data.residentSet.policy)} with ${fmtInt(data.residentSet.frames)} frames shared by all processes (global replacement).</p>
<div class="chart" id="chart-rss" data-chart="rss"></div></section>
<section><h2>Page access heat map</h2>
<p class="help">Accesses per page (vertical, in first-touch order, ${fmtInt(data.heatmap.pagesPerBin)} page(s) per row) and time (horizontal, ${fmtInt(data.heatmap.refsPerBin)} references per column). Darker is more. Hover for counts.</p>
<div class="heat"><canvas id="heatmap" data-chart="heatmap"></canvas><div id="heat-tip" class="tip"></div></div></section>
<section><h2>Effective access time</h2>
<p class="help">The dashed line is EAT = (1 − p) × ${fmtInt(data.costs.memoryNs)} ns + p × ${(data.costs.faultNs / 1e6).toFixed(0)} ms, where p is the miss ratio; each point is one run's EAT measured from its simulated time, which also pays for dirty write-backs${data.runs.some((r) => r.tlbMisses > 0) ? " and TLB walks" : ""}, so points sit on or above the line. Both values are in the table below.</p>
<div class="chart" id="chart-eat" data-chart="eat"></div></section>
${(data.figures ?? []).map(figureSection).join("\n")}
<section><h2>Every counter</h2>
<p class="help">One row per run. Click a column heading to sort.</p>
<div class="tablewrap"><table id="counters"></table></div></section>
</main>
<footer>pagewise · charts by uPlot (MIT) · this file is self-contained and works offline</footer>
<script>${inlineScript(assets.chartJs)}</script>
<script id="report-data" type="application/json">${scriptJson({ ...data, figures: undefined })}</script>
<script>${PAGE_JS}</script>
</body>
</html>
`;
}

const PAGE_CSS = `
:root{--fg:#1d232b;--muted:#5a6572;--bg:#fff;--card:#f6f7f9;--line:#dde1e6}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 20px}header{padding-top:18px}
.svgfig{margin:0}.svgfig svg{max-width:100%;height:auto}code{font-size:.92em;background:var(--card);padding:1px 4px;border-radius:3px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 4px}.sub,.help,footer{color:var(--muted)}.help{margin:0 0 8px;font-size:.93em}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.facts div{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:6px 12px}
.facts dt{font-size:.8em;color:var(--muted)}.facts dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.notes{color:var(--muted);font-size:.9em}.chart{min-height:300px}
.heat{position:relative}#heatmap{width:100%;height:320px;border:1px solid var(--line);image-rendering:pixelated}
.tip{position:absolute;pointer-events:none;background:#000c;color:#fff;font-size:12px;padding:3px 6px;border-radius:4px;display:none}
.tablewrap{overflow:auto;max-height:520px;border:1px solid var(--line)}table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.88em}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:right;white-space:nowrap}th{cursor:pointer;background:var(--card);position:sticky;top:0}
td:first-child,th:first-child{text-align:left}tr.best td{font-weight:600}footer{margin-top:32px;padding-bottom:24px;font-size:.85em}
`;

// The page's script, run in the reader's browser. Plain ES2017, no template literals.
const PAGE_JS = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var rendered = [];
  window.pagewiseReport = { data: data, charts: rendered };

  function color(i, n) { return "hsl(" + Math.round((i * 360) / Math.max(n, 1) + 210) % 360 + ", 65%, 45%)"; }
  function widthOf(el) { return Math.max(320, el.clientWidth || 900); }
  function fmt(v, d) { return v == null ? "" : Number(v).toLocaleString("en-US", { maximumFractionDigits: d == null ? 0 : d }); }

  function lineChart(id, title, xLabel, yLabel, xs, series, opts) {
    var el = document.getElementById(id);
    opts = opts || {};
    var cfg = {
      title: title,
      width: widthOf(el),
      height: 320,
      scales: { x: { time: false, distr: opts.logX ? 3 : 1 }, y: opts.logY ? { distr: 3 } : {} },
      axes: [{ label: xLabel }, { label: yLabel, size: 70 }],
      series: [{ label: xLabel }].concat(series.map(function (s, i) {
        var c = s.color || color(i, series.length);
        return { label: s.label, stroke: c, width: 2, dash: s.dash,
          paths: s.points ? function () { return null; } : undefined,
          points: s.points ? { show: true, size: 7, fill: c, stroke: c } : { show: xs.length <= 64 },
          value: function (u, v) { return v == null ? "" : opts.pct ? (v * 100).toFixed(2) + " %" : fmt(v, opts.digits); } };
      })),
    };
    var plotData = [xs].concat(series.map(function (s) { return s.values; }));
    var plot = new uPlot(cfg, plotData, el);
    var points = 0;
    series.forEach(function (s) { points += s.values.filter(function (v) { return v != null; }).length; });
    rendered.push({ id: id, series: series.length, points: points, plot: plot });
    return plot;
  }

  var mrc = data.mrc;
  if (mrc.frames.length > 0) {
    lineChart("chart-mrc", "Miss ratio by frames", "frames", "miss ratio", mrc.frames,
      mrc.curves.map(function (c) { return { label: c.policy, values: c.missRatio }; }), { pct: true });
  }

  var fot = data.faultsOverTime;
  if (fot.series.length > 0) {
    document.getElementById("fot-frames").textContent = fot.series.map(function (s) { return s.frames; })
      .filter(function (v, i, a) { return a.indexOf(v) === i; }).join(", ");
    lineChart("chart-faults", "Cumulative faults", "references", "faults", fot.at,
      fot.series.map(function (s) { return { label: s.policy + " @" + s.frames, values: s.cumulative }; }));
  }

  var ws = data.workingSet;
  if (ws.at.length > 0) {
    lineChart("chart-ws", "Working-set size, tau = " + fmt(ws.tau), "references", "distinct pages", ws.at,
      [{ label: "W(t, tau)", values: ws.size }]);
  }

  var rs = data.residentSet;
  if (rs.series.length > 0) {
    lineChart("chart-rss", "Resident set (" + rs.policy + ", " + rs.frames + " frames)", "references", "frames", rs.at,
      rs.series.map(function (s) { return { label: "pid " + s.pid, values: s.frames }; }));
  }

  if (data.runs.length > 0) {
    // EAT against the miss ratio p: the formula as a line, each run's measured value as a point.
    var ps = [];
    data.runs.forEach(function (r) { if (r.missRatio > 0 && ps.indexOf(r.missRatio) < 0) ps.push(r.missRatio); });
    ps.sort(function (a, b) { return a - b; });
    var mem = data.costs.memoryNs, flt = data.costs.faultNs;
    var eatSeries = [{ label: "formula", color: "#1d232b", dash: [6, 4],
      values: ps.map(function (p) { return ((1 - p) * mem + p * flt) / 1000; }) }];
    var names = [];
    data.runs.forEach(function (r) { if (names.indexOf(r.policy) < 0) names.push(r.policy); });
    names.forEach(function (name) {
      eatSeries.push({ label: name + " measured", points: true, values: ps.map(function (p) {
        var hit = null;
        data.runs.forEach(function (r) { if (r.policy === name && r.missRatio === p) hit = r.measuredEatNs / 1000; });
        return hit;
      }) });
    });
    if (ps.length > 0) {
      lineChart("chart-eat", "Effective access time against miss ratio (log scales)", "miss ratio p", "EAT (µs)", ps, eatSeries,
        { logX: true, logY: true, digits: 3 });
    }
  }

  (function heat() {
    var h = data.heatmap;
    var canvas = document.getElementById("heatmap");
    var tip = document.getElementById("heat-tip");
    if (!h.counts.length) return;
    canvas.width = h.timeBins;
    canvas.height = h.pageBins;
    var ctx = canvas.getContext("2d");
    var img = ctx.createImageData(h.timeBins, h.pageBins);
    var max = 0;
    for (var i = 0; i < h.counts.length; i++) if (h.counts[i] > max) max = h.counts[i];
    var lmax = Math.log(1 + max);
    var nonzero = 0;
    for (var t = 0; t < h.timeBins; t++) {
      for (var p = 0; p < h.pageBins; p++) {
        var v = h.counts[t * h.pageBins + p];
        if (v > 0) nonzero++;
        var k = v > 0 ? Math.log(1 + v) / lmax : 0;
        var o = ((h.pageBins - 1 - p) * h.timeBins + t) * 4;
        img.data[o] = Math.round(255 - k * 230);
        img.data[o + 1] = Math.round(255 - k * 180);
        img.data[o + 2] = Math.round(255 - k * 60);
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    rendered.push({ id: "heatmap", series: 1, points: nonzero });
    canvas.addEventListener("mousemove", function (ev) {
      var r = canvas.getBoundingClientRect();
      var t = Math.floor(((ev.clientX - r.left) / r.width) * h.timeBins);
      var p = h.pageBins - 1 - Math.floor(((ev.clientY - r.top) / r.height) * h.pageBins);
      if (t < 0 || t >= h.timeBins || p < 0 || p >= h.pageBins) { tip.style.display = "none"; return; }
      tip.style.display = "block";
      tip.style.left = ev.clientX - r.left + 12 + "px";
      tip.style.top = ev.clientY - r.top + 12 + "px";
      tip.textContent = "refs " + fmt(t * h.refsPerBin) + "+, pages " + fmt(p * h.pagesPerBin) + "+: " + fmt(h.counts[t * h.pageBins + p]) + " accesses";
    });
    canvas.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  })();

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
    rows.forEach(function (r) { if (best[r.frames] == null || r.faults < best[r.frames]) best[r.frames] = r.faults; });
    var sortKey = null, asc = true;
    function draw() {
      var html = "<thead><tr>" + cols.map(function (c) { return "<th data-k=\\"" + c[0] + "\\">" + c[1] + (sortKey === c[0] ? (asc ? " ▲" : " ▼") : "") + "</th>"; }).join("") + "</tr></thead><tbody>";
      rows.forEach(function (r) {
        html += "<tr" + (r.faults === best[r.frames] ? " class=\\"best\\"" : "") + ">" + cols.map(function (c) {
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

  window.addEventListener("resize", function () {
    rendered.forEach(function (c) {
      if (!c.plot) return;
      var el = document.getElementById(c.id);
      c.plot.setSize({ width: widthOf(el), height: 320 });
    });
  });
  document.body.setAttribute("data-rendered", String(rendered.length));
})();
`;
