// Static SVG charts for documentation (README figures): line charts and a heat map, drawn from the
// same ReportData as the HTML report. Pure string building; deterministic for the same data, so
// regenerated figures only change when the numbers do.

import { escapeHtml } from "./html.js";
import type { ReportData } from "./model.js";

export interface SvgSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xs: readonly number[];
  readonly series: readonly SvgSeries[];
  readonly width?: number;
  readonly height?: number;
  /** Formats a y tick. */
  readonly yFormat?: (v: number) => string;
  readonly logX?: boolean;
}

const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
  "#393b79",
  "#ad494a",
  "#637939",
  "#e7969c",
  "#7b4173",
  "#3182bd",
  "#e6550d",
  "#31a354",
  "#756bb1",
  "#636363",
];

/** Colour of series i. */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

function niceStep(range: number, target: number): number {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function ticks(lo: number, hi: number, target: number): number[] {
  if (hi <= lo) return [lo];
  const step = niceStep(hi - lo, target);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

/** A line chart with axes, ticks, a legend on the right and one polyline per series. */
export function lineChartSvg(spec: LineChartSpec): string {
  const W = spec.width ?? 760;
  const H = spec.height ?? 380;
  const legendW = spec.series.length > 1 ? 130 : 0;
  const m = { l: 64, r: 16 + legendW, t: 36, b: 48 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xs = spec.xs;
  const logX = spec.logX === true && xs.every((x) => x > 0);
  const tx = (x: number) => (logX ? Math.log(x) : x);
  const xmin = tx(Math.min(...xs));
  const xmax = tx(Math.max(...xs));
  let ymax = 0;
  for (const s of spec.series)
    for (const v of s.values) if (v !== null && Number.isFinite(v) && v > ymax) ymax = v;
  if (ymax === 0) ymax = 1;
  const yt = ticks(0, ymax, 5);
  ymax = Math.max(ymax, yt[yt.length - 1]!);
  const X = (x: number) => m.l + (xmax === xmin ? pw / 2 : ((tx(x) - xmin) / (xmax - xmin)) * pw);
  const Y = (y: number) => m.t + ph - (y / ymax) * ph;
  const yFmt = spec.yFormat ?? compact;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12">`,
    `<title>${escapeHtml(spec.title)}</title>`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(
    `<text x="${m.l}" y="22" font-size="15" font-weight="600" fill="#1d232b">${escapeHtml(spec.title)}</text>`,
  );
  for (const v of yt) {
    const y = r1(Y(v));
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y}" y2="${y}" stroke="#e3e6ea"/>`);
    parts.push(
      `<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#5a6572">${escapeHtml(yFmt(v))}</text>`,
    );
  }
  const xticks = logX
    ? xs.filter((_, i) => xs.length <= 12 || i % Math.ceil(xs.length / 12) === 0)
    : ticks(Math.min(...xs), Math.max(...xs), 8);
  for (const v of xticks) {
    const x = r1(X(v));
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="#5a6572"/>`);
    parts.push(
      `<text x="${x}" y="${m.t + ph + 17}" text-anchor="middle" fill="#5a6572">${escapeHtml(compact(v))}</text>`,
    );
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#b8bfc7"/>`);
  parts.push(
    `<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle" fill="#1d232b">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="#1d232b">${escapeHtml(spec.yLabel)}</text>`,
  );
  spec.series.forEach((s, i) => {
    const segs: string[] = [];
    let pen = "M";
    s.values.forEach((v, j) => {
      if (v === null || !Number.isFinite(v) || j >= xs.length) {
        pen = "M";
        return;
      }
      segs.push(`${pen}${r1(X(xs[j]!))} ${r1(Y(v))}`);
      pen = "L";
    });
    parts.push(
      `<path d="${segs.join("")}" fill="none" stroke="${seriesColor(i)}" stroke-width="2" stroke-linejoin="round"/>`,
    );
    if (legendW > 0) {
      const ly = m.t + 8 + i * 17;
      parts.push(
        `<line x1="${W - legendW}" x2="${W - legendW + 18}" y1="${ly}" y2="${ly}" stroke="${seriesColor(i)}" stroke-width="3"/>`,
      );
      parts.push(
        `<text x="${W - legendW + 24}" y="${ly}" dominant-baseline="middle" fill="#1d232b">${escapeHtml(s.label)}</text>`,
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
  parts.push(
    `<text x="${m.l + pw / 2}" y="${height - 10}" text-anchor="middle" fill="#1d232b">references (${compact(h.refsPerBin)} per column, ${compact(h.refsPerBin * h.timeBins)} in all)</text>`,
  );
  parts.push(
    `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="#1d232b">pages, first-touch order</text>`,
  );
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** The README's standard figures from one report: name → SVG text. */
export function reportFigures(data: ReportData): Record<string, string> {
  const pct = (v: number) => `${Number((v * 100).toPrecision(3))} %`;
  const figs: Record<string, string> = {};
  if (data.mrc.frames.length > 0) {
    figs["miss-ratio-curves.svg"] = lineChartSvg({
      title: `Miss ratio by frames: ${data.workload.name}`,
      xLabel: "frames",
      yLabel: "miss ratio",
      xs: data.mrc.frames,
      series: data.mrc.curves.map((c) => ({ label: c.policy, values: c.missRatio })),
      yFormat: pct,
      logX: true,
    });
  }
  if (data.faultsOverTime.series.length > 0) {
    figs["faults-over-time.svg"] = lineChartSvg({
      title: `Cumulative faults at ${data.faultsOverTime.series[0]!.frames} frames: ${data.workload.name}`,
      xLabel: "references",
      yLabel: "faults",
      xs: data.faultsOverTime.at,
      series: data.faultsOverTime.series.map((s) => ({ label: s.policy, values: s.cumulative })),
    });
  }
  if (data.workingSet.at.length > 0) {
    figs["working-set.svg"] = lineChartSvg({
      title: `Working-set size, τ = ${data.workingSet.tau}: ${data.workload.name}`,
      xLabel: "references",
      yLabel: "distinct pages",
      xs: data.workingSet.at,
      series: [{ label: "W(t, τ)", values: data.workingSet.size }],
    });
  }
  if (data.heatmap.counts.length > 0) figs["heatmap.svg"] = heatmapSvg(data);
  return figs;
}
