// kswapd's timeline drawn: one SVG of three stacked charts (free frames against the watermarks,
// the same zoomed in from the first wake-up, kswapd's cumulative activity) and a standalone HTML
// page with the counters of the runs with and without kswapd. The data comes from
// sim/kswapd-timeline.ts; drawing lives here so that sim/ does not depend on report/. The page and
// the SVG draw the same chart specs as the main report.

import { groupDigits } from "../core/format.js";
import type { KswapdTimeline, TimelineRunSummary } from "../sim/kswapd-timeline.js";
import { type ChartSpec, chart } from "./chart.js";
import { escapeHtml, type ReportAssets, renderChartPage } from "./html.js";
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
 * The timeline as three charts: free frames over the whole run against the watermarks (memory
 * fills, then kswapd holds the pool); the same from the first wake-up on, at a scale where the
 * watermarks show; kswapd's cumulative activity.
 */
export function kswapdCharts(t: KswapdTimeline, idPrefix = "kswapd-"): ChartSpec[] {
  const { min, low, high } = t.marks;
  const marks = (n: number) => [
    { label: `min = ${min}`, values: new Array<number>(n).fill(min) },
    { label: `low = ${low}`, values: new Array<number>(n).fill(low) },
    { label: `high = ${high}`, values: new Array<number>(n).fill(high) },
  ];
  const x = { label: "simulated time (ms)", min: 0 };
  const frames = { label: "free frames", integer: true, min: 0 };
  const w0 = t.wakeups.findIndex((n) => n > 0);
  const from = w0 < 0 ? 0 : Math.max(0, w0 - 1);
  const zoomXs = t.timeMs.slice(from);
  return [
    chart({
      id: `${idPrefix}free`,
      title: `Free frames: ${t.workload}, ${t.frames} frames, ${t.policy}, kswapd`,
      x,
      y: frames,
      xs: t.timeMs,
      series: [
        { label: "free", values: t.free },
        { label: "lowest free", values: t.lowestFree },
        ...marks(t.timeMs.length),
      ],
    }),
    chart({
      id: `${idPrefix}pool`,
      title: "Free frames from the first wake-up: the pool kswapd keeps",
      x: { label: "simulated time (ms)" },
      y: frames,
      xs: zoomXs,
      series: [
        { label: "free", values: t.free.slice(from) },
        { label: "lowest free", values: t.lowestFree.slice(from) },
        ...marks(zoomXs.length),
      ],
    }),
    chart({
      id: `${idPrefix}activity`,
      title: "kswapd activity, cumulative",
      x,
      y: { label: "pages (wake-ups: count)", integer: true, min: 0 },
      xs: t.timeMs,
      series: [
        { label: "reclaimed", values: cumulative(t.reclaimed) },
        { label: "cleaned", values: cumulative(t.cleaned) },
        { label: "direct reclaim", values: cumulative(t.directReclaimed) },
        { label: "wake-ups", values: cumulative(t.wakeups) },
      ],
    }),
  ];
}

/** The timeline as one SVG of the three charts stacked. */
export function kswapdTimelineSvg(t: KswapdTimeline, width = 760): string {
  const h = 320;
  const inner = (svg: string, y: number) => svg.replace("<svg ", `<svg x="0" y="${y}" `).trimEnd();
  const charts = kswapdCharts(t).map((c, i) => inner(lineChartSvg(c, width, h), i * h));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${3 * h}" width="${width}" height="${3 * h}">`,
    `<title>kswapd timeline: ${escapeHtml(t.workload)}</title>`,
    ...charts,
    "</svg>",
    "",
  ].join("\n");
}

/** A standalone HTML page in the report's style: the timeline's charts, kswapd's counters, the runs with and without it. */
export function kswapdReportHtml(t: KswapdTimeline, assets: ReportAssets): string {
  const k = t.withKswapd.kswapd!;
  const ms = (ns: number) => `${(ns / 1e6).toFixed(3)} ms`;
  const row = (cells: readonly string[], tag = "td") =>
    `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join("")}</tr>`;
  const run = (name: string, r: TimelineRunSummary) =>
    row([
      name,
      groupDigits(r.faults),
      groupDigits(r.faultEvictions.clean),
      groupDigits(r.faultEvictions.dirty),
      groupDigits(r.writebacks),
      ms(r.timeNs),
    ]);
  const [free, pool, activity] = kswapdCharts(t);
  return renderChartPage(
    {
      title: `kswapd: ${t.workload}`,
      subtitleHtml: `${groupDigits(t.frames)} page frames, policy ${escapeHtml(t.policy)}, watermarks ${escapeHtml(k.preset)}: min ${k.min}, low ${k.low}, high ${k.high}.`,
      facts: [
        ["frames", groupDigits(t.frames)],
        ["policy", t.policy],
        ["watermarks (min/low/high)", `${k.min} / ${k.low} / ${k.high}`],
      ],
      generator: "pagewise",
      globalName: "pagewiseKswapd",
      sections: [
        {
          title: "Free frames",
          help: "Free frames fall as memory fills; kswapd wakes below low and reclaims up to high; a fault reclaims directly only below min.",
          charts: [free!, pool!],
        },
        { title: "kswapd activity", charts: [activity!] },
        {
          title: "kswapd",
          html: `<table>
${row(["wake-ups", groupDigits(k.wakeups)])}
${row(["runs", groupDigits(k.runs)])}
${row(["pages scanned", groupDigits(k.scanned)])}
${row(["pages reclaimed (of them dirty)", `${groupDigits(k.reclaimed)} (${groupDigits(k.reclaimedDirty)})`])}
${row(["pages cleaned ahead", groupDigits(k.cleaned)])}
${row(["direct reclaims (pages)", `${groupDigits(k.directReclaims)} (${groupDigits(k.directReclaimed)})`])}
${row(["busy (simulated)", ms(k.busyNs)])}
</table>`,
        },
        {
          title: "With and without kswapd",
          html: `<table>
${row(["run", "faults", "fault-path evictions, clean", "waited for a write", "write-backs", "process time"], "th")}
${run("with kswapd", t.withKswapd)}
${run("without", t.withoutKswapd)}
</table>`,
        },
      ],
    },
    assets,
  );
}
