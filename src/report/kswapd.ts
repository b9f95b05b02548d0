// kswapd's timeline drawn: one SVG of three stacked charts (free frames against the watermarks,
// the same zoomed in from the first wake-up, kswapd's cumulative activity) and a standalone HTML
// page with the counters of the runs with and without kswapd. The data comes from
// sim/kswapd-timeline.ts; drawing lives here so that sim/ does not depend on report/.

import type { KswapdTimeline, TimelineRunSummary } from "../sim/kswapd-timeline.js";
import { escapeHtml } from "./html.js";
import { lineChartSvg } from "./svg.js";

/** Running sums of per-interval counts. */
function cumulative(xs: readonly number[]): number[] {
  let sum = 0;
  return xs.map((x) => {
    sum += x;
    return sum;
  });
}

/**
 * The timeline as one SVG of three stacked charts: free frames over the whole run against the
 * watermarks (memory fills, then kswapd holds the pool); the same from the first wake-up on, at a
 * scale where the watermarks show; kswapd's cumulative activity.
 */
export function kswapdTimelineSvg(t: KswapdTimeline, width = 760): string {
  const h = 320;
  const { min, low, high } = t.marks;
  const marks = (n: number) => [
    { label: `min = ${min}`, values: new Array<number>(n).fill(min) },
    { label: `low = ${low}`, values: new Array<number>(n).fill(low) },
    { label: `high = ${high}`, values: new Array<number>(n).fill(high) },
  ];
  const whole = lineChartSvg({
    title: `Free frames: ${t.workload}, ${t.frames} frames, ${t.policy}, kswapd`,
    xLabel: "simulated time (ms)",
    yLabel: "free frames",
    xs: t.timeMs,
    width,
    height: h,
    series: [
      { label: "free", values: t.free },
      { label: "lowest free", values: t.lowestFree },
      ...marks(t.timeMs.length),
    ],
  });
  const w0 = t.wakeups.findIndex((n) => n > 0);
  const from = w0 < 0 ? 0 : Math.max(0, w0 - 1);
  const zoomXs = t.timeMs.slice(from);
  const zoom = lineChartSvg({
    title: "Free frames from the first wake-up: the pool kswapd keeps",
    xLabel: "simulated time (ms)",
    yLabel: "free frames",
    xs: zoomXs,
    width,
    height: h,
    series: [
      { label: "free", values: t.free.slice(from) },
      { label: "lowest free", values: t.lowestFree.slice(from) },
      ...marks(zoomXs.length),
    ],
  });
  const activity = lineChartSvg({
    title: "kswapd activity, cumulative",
    xLabel: "simulated time (ms)",
    yLabel: "pages (wake-ups: count)",
    xs: t.timeMs,
    width,
    height: h,
    series: [
      { label: "reclaimed", values: cumulative(t.reclaimed) },
      { label: "cleaned", values: cumulative(t.cleaned) },
      { label: "direct reclaim", values: cumulative(t.directReclaimed) },
      { label: "wake-ups", values: cumulative(t.wakeups) },
    ],
  });
  const inner = (svg: string, y: number) => svg.replace("<svg ", `<svg x="0" y="${y}" `).trimEnd();
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${3 * h}" width="${width}" height="${3 * h}">`,
    `<title>kswapd timeline: ${escapeHtml(t.workload)}</title>`,
    inner(whole, 0),
    inner(zoom, h),
    inner(activity, 2 * h),
    "</svg>",
    "",
  ].join("\n");
}

/** A standalone HTML page: the timeline chart, kswapd's counters, and the runs with and without it. */
export function kswapdReportHtml(t: KswapdTimeline): string {
  const k = t.withKswapd.kswapd!;
  const ms = (ns: number) => `${(ns / 1e6).toFixed(3)} ms`;
  const int = (n: number) => n.toLocaleString("en-US");
  const row = (cells: readonly string[], tag = "td") =>
    `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join("")}</tr>`;
  const run = (name: string, r: TimelineRunSummary) =>
    row([
      name,
      int(r.faults),
      int(r.faultEvictions.clean),
      int(r.faultEvictions.dirty),
      int(r.writebacks),
      ms(r.timeNs),
    ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kswapd: ${escapeHtml(t.workload)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#1d232b}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #d0d5db;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>kswapd: ${escapeHtml(t.workload)}</h1>
<p>${int(t.frames)} page frames, policy ${escapeHtml(t.policy)}, watermarks ${escapeHtml(k.preset)}:
min ${k.min}, low ${k.low}, high ${k.high}.</p>
${kswapdTimelineSvg(t)}
<h2>kswapd</h2>
<table>
${row(["wake-ups", int(k.wakeups)])}
${row(["runs", int(k.runs)])}
${row(["pages scanned", int(k.scanned)])}
${row(["pages reclaimed (of them dirty)", `${int(k.reclaimed)} (${int(k.reclaimedDirty)})`])}
${row(["pages cleaned ahead", int(k.cleaned)])}
${row(["direct reclaims (pages)", `${int(k.directReclaims)} (${int(k.directReclaimed)})`])}
${row(["busy (simulated)", ms(k.busyNs)])}
</table>
<h2>With and without kswapd</h2>
<table>
${row(["run", "faults", "fault-path evictions, clean", "waited for a write", "write-backs", "process time"], "th")}
${run("with kswapd", t.withKswapd)}
${run("without", t.withoutKswapd)}
</table>
</body></html>
`;
}
