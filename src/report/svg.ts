// Static SVG charts for documentation (README figures): line charts and a heat map, drawn from the
// same ReportData as the HTML report. Pure string building; deterministic for the same data, so
// regenerated figures only change when the numbers do.

import { axisRange, axisTicks, type ChartAxis, type ChartSpec, formatTick, linearTicks } from "./chart.js";
import { escapeHtml, reportCharts } from "./html.js";
import type { ReportData } from "./model.js";

export { seriesColor } from "./chart.js";

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

/** Data bounds of values a scale can show (positive only on a log scale). */
function bounds(vals: Iterable<number | null>, log: boolean): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of vals) {
    if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** A scale: data value to pixel along [p0, p1]. */
function scaler(a: ChartAxis, lo: number, hi: number, p0: number, p1: number): (v: number) => number {
  const t = (v: number) => (a.log ? Math.log10(v) : v);
  const span = t(hi) - t(lo);
  return (v) => (span === 0 ? (p0 + p1) / 2 : p0 + ((t(v) - t(lo)) / span) * (p1 - p0));
}

/**
 * A chart spec as a static SVG: the same ranges, ticks, tick labels and series styles as the HTML
 * pages draw, with the legend on the right.
 */
export function lineChartSvg(spec: ChartSpec, width = 760, height = 380): string {
  const W = width;
  const H = height;
  const legendW = spec.series.length > 1 ? 150 : 0;
  const m = { l: 72, r: 16 + legendW, t: 36, b: 48 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const [xlo, xhi] = axisRange(spec.x, ...bounds(spec.xs, spec.x.log === true), true);
  const [ylo, yhi] = axisRange(
    spec.y,
    ...bounds(
      spec.series.flatMap((s) => s.values),
      spec.y.log === true,
    ),
    false,
  );
  const X = scaler(spec.x, xlo, xhi, m.l, m.l + pw);
  const Y = scaler(spec.y, ylo, yhi, m.t + ph, m.t);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12">`,
    `<title>${escapeHtml(spec.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.l}" y="22" font-size="15" font-weight="600" fill="#1d232b">${escapeHtml(spec.title)}</text>`,
  ];
  const yt = axisTicks(spec.y, ylo, yhi, ph, 38);
  let labelW = 0;
  for (const v of yt) {
    const y = r1(Y(v));
    const label = formatTick(v, spec.y.percent === true);
    labelW = Math.max(labelW, label.length * 7);
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y}" y2="${y}" stroke="#e3e6ea"/>`);
    parts.push(
      `<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#5a6572">${escapeHtml(label)}</text>`,
    );
  }
  for (const v of axisTicks(spec.x, xlo, xhi, pw, 80)) {
    const x = r1(X(v));
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${m.t + ph}" stroke="#eef0f2"/>`);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="#5a6572"/>`);
    parts.push(
      `<text x="${x}" y="${m.t + ph + 17}" text-anchor="middle" fill="#5a6572">${escapeHtml(formatTick(v, spec.x.percent === true))}</text>`,
    );
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#b8bfc7"/>`);
  parts.push(
    `<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle" fill="#1d232b">${escapeHtml(spec.x.label)}</text>`,
  );
  // The y title sits left of the widest tick label.
  const titleX = Math.max(12, m.l - 6 - labelW - 10);
  parts.push(
    `<text transform="translate(${titleX} ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="#1d232b">${escapeHtml(spec.y.label)}</text>`,
  );
  spec.series.forEach((s, i) => {
    const pts: [number, number][] = [];
    const segs: string[] = [];
    let pen = "M";
    s.values.forEach((v, j) => {
      const x = spec.xs[j];
      if (v === null || !Number.isFinite(v) || x === undefined || (spec.y.log && v <= 0)) {
        pen = "M";
        return;
      }
      pts.push([X(x), Y(v)]);
      segs.push(`${pen}${r1(X(x))} ${r1(Y(v))}`);
      pen = "L";
    });
    const dash = s.dash.length > 0 ? ` stroke-dasharray="${s.dash.join(" ")}"` : "";
    if (!s.markersOnly)
      parts.push(
        `<path d="${segs.join("")}" fill="none" stroke="${s.color}" stroke-width="${s.width}"${dash} stroke-linejoin="round"/>`,
      );
    if (s.markers)
      for (const [x, y] of pts)
        parts.push(
          `<circle cx="${r1(x)}" cy="${r1(y)}" r="${s.markersOnly ? 3.5 : 2.5}" fill="${s.markersOnly ? s.color : "#fff"}" stroke="${s.color}" stroke-width="1.5"/>`,
        );
    if (legendW > 0) {
      const ly = m.t + 8 + i * 17;
      parts.push(
        `<line x1="${W - legendW}" x2="${W - legendW + 22}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="${Math.min(s.width, 4)}"${dash}/>`,
      );
      parts.push(
        `<text x="${W - legendW + 28}" y="${ly}" dominant-baseline="middle" fill="#1d232b">${escapeHtml(s.label)}</text>`,
      );
    }
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** The heat map of page accesses as an SVG of rectangles (zero cells omitted). */
export function heatmapSvg(data: ReportData, width = 760, height = 380): string {
  const h = data.heatmap;
  const m = { l: 64, r: 16, t: 36, b: 48 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const cw = pw / h.timeBins;
  const ch = ph / h.pageBins;
  let max = 0;
  for (const v of h.counts) if (v > max) max = v;
  const lmax = Math.log1p(max || 1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12">`,
    `<title>${escapeHtml(`Page accesses over time: ${data.workload.name}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${m.l}" y="22" font-size="15" font-weight="600" fill="#1d232b">${escapeHtml(`Page accesses over time: ${data.workload.name}`)}</text>`,
  ];
  for (let t = 0; t < h.timeBins; t++) {
    for (let p = 0; p < h.pageBins; p++) {
      const v = h.counts[t * h.pageBins + p]!;
      if (v === 0) continue;
      const k = Math.log1p(v) / lmax;
      const rgb = `rgb(${Math.round(255 - k * 230)},${Math.round(255 - k * 180)},${Math.round(255 - k * 60)})`;
      parts.push(
        `<rect x="${r1(m.l + t * cw)}" y="${r1(m.t + ph - (p + 1) * ch)}" width="${r1(cw + 0.3)}" height="${r1(ch + 0.3)}" fill="${rgb}"/>`,
      );
    }
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#b8bfc7"/>`);
  const xEnd = h.refsPerBin * h.timeBins;
  const yEnd = h.pagesPerBin * h.pageBins;
  for (const v of linearTicks(0, xEnd, Math.max(2, Math.floor(pw / 80)), true)) {
    const x = r1(m.l + (v / xEnd) * pw);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="#5a6572"/>`);
    parts.push(
      `<text x="${x}" y="${m.t + ph + 17}" text-anchor="middle" fill="#5a6572">${escapeHtml(formatTick(v, false))}</text>`,
    );
  }
  for (const v of linearTicks(0, yEnd, Math.max(2, Math.floor(ph / 38)), true)) {
    const y = r1(m.t + ph - (v / yEnd) * ph);
    parts.push(`<line x1="${m.l - 4}" x2="${m.l}" y1="${y}" y2="${y}" stroke="#5a6572"/>`);
    parts.push(
      `<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#5a6572">${escapeHtml(formatTick(v, false))}</text>`,
    );
  }
  parts.push(
    `<text x="${m.l + pw / 2}" y="${height - 10}" text-anchor="middle" fill="#1d232b">references (${formatTick(h.refsPerBin, false)} per column)</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="#1d232b">page (first-touch order)</text>`,
  );
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** The README's standard figures from one report: name → SVG text. */
export function reportFigures(data: ReportData): Record<string, string> {
  const specs = new Map(reportCharts(data).map((c) => [c.id, c]));
  const name = data.workload.name;
  const figs: Record<string, string> = {};
  const mrc = specs.get("chart-mrc");
  if (mrc) figs["miss-ratio-curves.svg"] = lineChartSvg({ ...mrc, title: `Miss ratio by frames: ${name}` });
  const fot = specs.get("chart-faults");
  if (fot) figs["faults-over-time.svg"] = lineChartSvg({ ...fot, title: `${fot.title}: ${name}` });
  const ws = specs.get("chart-ws");
  if (ws) figs["working-set.svg"] = lineChartSvg({ ...ws, title: `${ws.title}: ${name}` });
  if (data.heatmap.counts.length > 0) figs["heatmap.svg"] = heatmapSvg(data);
  return figs;
}
