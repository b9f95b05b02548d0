// The analyzer's HTML report: one self-contained page (no script, nothing fetched) with the tables
// and four SVG charts drawn by src/report/svg.ts: the reuse-distance histogram, popularity by rank
// (log-log), the working set over time and the LRU miss ratio by memory size. Pure strings.

import { groupDigits } from "../core/format.js";
import { chart } from "../report/chart.js";
import { escapeHtml } from "../report/html.js";
import { lineChartSvg } from "../report/svg.js";
import type { TraceAnalysis } from "./analyzer.js";

export interface AnalyzeReport {
  readonly title: string;
  readonly generator: string;
  readonly command: string;
  readonly analysis: TraceAnalysis;
  /** Popularity: references of the page at each rank, for ranks sampled on a log scale. */
  readonly rankCounts: readonly { readonly rank: number; readonly references: number }[];
  /** LRU misses at memory sizes (frames), for the miss-ratio chart and table. */
  readonly lru: readonly { readonly frames: number; readonly label: string; readonly misses: number }[];
}

const pct = (r: number) => `${(r * 100).toFixed(2)} %`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** The whole page. */
export function analyzeReportHtml(r: AnalyzeReport): string {
  const a = r.analysis;
  const charts: string[] = [];
  if (a.reuse.buckets.length > 0)
    charts.push(
      lineChartSvg(
        chart({
          id: "reuse",
          title: "Reuse (LRU stack) distance",
          x: { label: "distance (bucket start)", log: true, integer: true },
          y: { label: "references", integer: true, min: 0 },
          xs: a.reuse.buckets.map((b) => Math.max(1, b.from)),
          series: [{ label: "references", values: a.reuse.buckets.map((b) => b.references) }],
        }),
      ),
    );
  if (r.rankCounts.length > 1)
    charts.push(
      lineChartSvg(
        chart({
          id: "popularity",
          title: "Popularity by rank (log-log)",
          x: { label: "rank", log: true, integer: true },
          y: { label: "references", log: true, integer: true },
          xs: r.rankCounts.map((p) => p.rank),
          series: [{ label: "references", values: r.rankCounts.map((p) => p.references) }],
        }),
      ),
    );
  if (a.workingSet.points.length > 1)
    charts.push(
      lineChartSvg(
        chart({
          id: "working-set",
          title: `Working set (distinct pages per ${groupDigits(a.workingSet.window)} references)`,
          x: { label: "references", integer: true, min: 0 },
          y: { label: "pages", integer: true, min: 0 },
          xs: a.workingSet.points.map((p) => p.end),
          series: [{ label: "pages", values: a.workingSet.points.map((p) => p.pages) }],
        }),
      ),
    );
  // The sizes come as the user listed them (and may repeat): a curve needs them in order, once each.
  const curve = [...new Map(r.lru.map((p) => [p.frames, p])).values()].sort((p, q) => p.frames - q.frames);
  if (curve.length > 1 && a.references > 0)
    charts.push(
      lineChartSvg(
        chart({
          id: "lru-mrc",
          title: "LRU miss ratio by memory size",
          x: { label: "frames", log: true, integer: true },
          y: { label: "miss ratio", percent: true, min: 0, max: 1 },
          xs: curve.map((p) => p.frames),
          series: [{ label: "LRU", values: curve.map((p) => p.misses / a.references) }],
        }),
      ),
    );
  const z = a.popularity.zipf;
  const facts = table(
    ["", ""],
    [
      ["references", groupDigits(a.references)],
      ["distinct pages", groupDigits(a.distinctPages)],
      [
        "reads / writes",
        `${groupDigits(a.reads)} / ${groupDigits(a.writes)} (${pct(a.writeFraction)} writes)`,
      ],
      [
        "one-hit wonders",
        `${groupDigits(a.popularity.oneHitWonders.pages)} (${pct(a.popularity.oneHitWonders.fraction)} of pages)`,
      ],
      ["Zipf alpha", z ? `${z.alpha.toFixed(3)} (r² ${z.r2.toFixed(3)})` : "—"],
      ["median reuse distance", groupDigits(a.reuse.median)],
      ["processes", groupDigits(a.processes.length)],
    ],
  );
  const top = table(
    ["pid", "page", "references", "share"],
    a.popularity.top.map((t) => [String(t.pid), String(t.page), groupDigits(t.references), pct(t.share)]),
  );
  const procs = table(
    ["pid", "references", "writes", "pages"],
    a.processes
      .slice(0, 50)
      .map((p) => [String(p.pid), groupDigits(p.references), groupDigits(p.writes), groupDigits(p.pages)]),
  );
  const lru = table(
    ["memory", "frames", "LRU misses", "miss ratio"],
    r.lru
      .filter((p) => p.label !== "")
      .map((p) => [
        p.label,
        groupDigits(p.frames),
        groupDigits(p.misses),
        pct(a.references === 0 ? 0 : p.misses / a.references),
      ]),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(r.generator)}">
<title>${escapeHtml(r.title)}</title>
<style>
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; max-width: 900px; margin: 2em auto; color: #1d232b; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { padding: 2px 10px; border-bottom: 1px solid #e3e6ea; text-align: right; }
td:first-child, th:first-child { text-align: left; }
figure { margin: 1em 0; }
code { background: #f3f4f6; padding: 1px 4px; }
</style>
</head>
<body>
<h1 style="overflow-wrap:anywhere">${escapeHtml(r.title)}</h1>
<p>Made with <code>${escapeHtml(r.command)}</code>.</p>
<h2>Summary</h2>
${facts}
<h2>Charts</h2>
${charts.map((c) => `<figure>${c}</figure>`).join("\n")}
<h2>LRU at memory sizes</h2>
${lru}
<h2>Most referenced pages</h2>
${top}
<h2>Processes</h2>
${procs}
</body>
</html>
`;
}
