// One chart model for every report: a ChartSpec says what a chart shows (its data and what each axis
// is: log or linear, whole numbers or not, a ratio shown as a percentage, the bounds its range may
// not leave). The same spec is drawn by the HTML pages (uPlot, through CHART_JS below) and by the
// static SVGs (svg.ts), with the same ticks, the same tick labels and the same series styles, so the
// main report, the thrashing and kswapd pages and the README figures read alike. Pure: no Node or
// DOM APIs here; CHART_JS is text run in the reader's browser.

export interface ChartAxis {
  readonly label: string;
  /** Logarithmic scale (every value must be positive). */
  readonly log?: boolean;
  /** The quantity is a whole number (processes, frames, faults): ticks only at whole numbers. */
  readonly integer?: boolean;
  /** A ratio in [0, 1] labelled as a percentage. */
  readonly percent?: boolean;
  /** The range never starts below this (e.g. 0). */
  readonly min?: number;
  /** The range never ends above this (e.g. 1 for a ratio). */
  readonly max?: number;
}

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** Points only, no line (measured values against a formula). */
  readonly markersOnly?: boolean;
}

/** A series with its drawing style decided (styleSeries). */
export interface StyledSeries extends ChartSeries {
  readonly color: string;
  /** Dash pattern in pixels; empty for a solid line. */
  readonly dash: readonly number[];
  readonly width: number;
  readonly markers: boolean;
}

export interface HeatCells {
  readonly timeBins: number;
  readonly pageBins: number;
  readonly pagesPerBin: number;
  readonly refsPerBin: number;
  /** counts[t * pageBins + p]. */
  readonly counts: readonly number[];
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly x: ChartAxis;
  readonly y: ChartAxis;
  readonly xs: readonly number[];
  readonly series: readonly StyledSeries[];
  /** A heat map instead of lines: cells over the x and y ranges (xs and series then unused). */
  readonly heat?: HeatCells;
  readonly height?: number;
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
const DASHES: readonly (readonly number[])[] = [[], [9, 5], [3, 4], [14, 4, 3, 4]];

/** Colour of series i. */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Two series coincide when they are equal (to a millionth of the value range) at every x, nulls alike. */
function coincide(a: ChartSeries, b: ChartSeries, tol: number): boolean {
  if (a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.values.length; i++) {
    const u = a.values[i];
    const v = b.values[i];
    if (u === null || u === undefined || v === null || v === undefined) {
      if ((u ?? null) !== (v ?? null)) return false;
    } else if (Math.abs(u - v) > tol) return false;
  }
  return true;
}

/**
 * Styles series so that every one stays visible: its own colour, a dash pattern that cycles, and
 * markers where there are few points. Series that coincide are grouped: in drawing order each gets a different dash and a thinner line than the one before,
 * so the first shows as a wide band around the later ones instead of vanishing under them.
 */
export function styleSeries(series: readonly ChartSeries[], points: number): StyledSeries[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (const v of s.values)
      if (v !== null && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  const tol = hi > lo ? (hi - lo) * 1e-6 : 0;
  const group: number[] = series.map(() => -1);
  const members: number[][] = [];
  series.forEach((s, i) => {
    if (s.markersOnly) return;
    const g = members.findIndex((m) => coincide(series[m[0]!]!, s, tol));
    if (g >= 0) {
      members[g]!.push(i);
      group[i] = g;
    } else {
      group[i] = members.length;
      members.push([i]);
    }
  });
  return series.map((s, i) => {
    const base = {
      ...s,
      color: seriesColor(i),
      dash: DASHES[i % DASHES.length]!,
      width: 2,
      markers: s.markersOnly === true || points <= 40,
    };
    const m = group[i]! >= 0 ? members[group[i]!]! : [i];
    if (m.length < 2) return base;
    const k = m.indexOf(i);
    return { ...base, dash: DASHES[k % DASHES.length]!, width: 2 + 1.5 * Math.min(4, m.length - 1 - k) };
  });
}

/** A chart with its series styled. */
export function chart(
  spec: Omit<ChartSpec, "series"> & { readonly series: readonly ChartSeries[] },
): ChartSpec {
  return { ...spec, series: styleSeries(spec.series, spec.xs.length) };
}

/** True when xs are positive and spread geometrically (e.g. 4, 8, 16 … 4096, spanning 8× or more): a log axis shows them evenly. */
export function looksGeometric(xs: readonly number[]): boolean {
  if (xs.length < 3 || xs.some((x) => !(x > 0))) return false;
  const sorted = [...xs].sort((a, b) => a - b);
  if (sorted[sorted.length - 1]! / sorted[0]! < 8) return false;
  const ratios = sorted.slice(1).map((x, i) => x / sorted[i]!);
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)]! >= 1.3;
}

// The three functions below are self-contained (no outside names) because their source is also
// placed in the HTML pages (Function.prototype.toString), so the browser and the SVGs tick alike.

/** Ticks at 1, 2 or 5 × 10^k steps covering [lo, hi], about `count` of them; whole steps when `integer`. */
export function linearTicks(lo: number, hi: number, count: number, integer: boolean): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  if (integer && step < 1) step = 1;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/**
 * Ticks on a log axis over [lo, hi] (lo > 0) at least `minGap` pixels apart when the axis is
 * `pixels` long: 1–9, 1-2-5, 1-3 or 1 × 10^k per decade, or every few decades; never 0.
 */
export function logTicks(lo: number, hi: number, pixels: number, minGap: number): number[] {
  if (!(lo > 0)) return [];
  if (!(hi > lo)) return [lo];
  const perDecade = pixels / (Math.log10(hi) - Math.log10(lo));
  const sets = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 5], [1, 3], [1]];
  let chosen = [1];
  let every = 1;
  let found = false;
  for (const s of sets) {
    let gap = Math.log10(10 / s[s.length - 1]!);
    for (let i = 1; i < s.length; i++) gap = Math.min(gap, Math.log10(s[i]! / s[i - 1]!));
    if (gap * perDecade >= minGap) {
      chosen = s;
      found = true;
      break;
    }
  }
  if (!found) every = Math.ceil(minGap / perDecade);
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    if (((e % every) + every) % every !== 0) continue;
    for (const m of chosen) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  if (out.length >= 2) return out;
  // Less than a decade and no round values inside: evenly spaced values, all positive.
  const raw = (hi - lo) / Math.max(1, Math.floor(pixels / minGap));
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const lin: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++)
    if (k > 0) lin.push(Number((k * step).toPrecision(12)));
  return lin.length > 0 ? lin : [lo];
}

/** A tick label: short (12.5M, 250k, 2,500, 0.001), a ratio as a percentage (2.5 %). */
export function formatTick(v: number, percent: boolean): string {
  if (percent) return `${Number((v * 100).toPrecision(3))} %`;
  const a = Math.abs(v);
  // [from, unit, suffix]: thousands are written in full below 10,000.
  const units: [number, number, string][] = [
    [1e12, 1e12, "T"],
    [1e9, 1e9, "G"],
    [1e6, 1e6, "M"],
    [1e4, 1e3, "k"],
  ];
  for (const [from, u, s] of units) if (a >= from) return `${Number((v / u).toPrecision(4))}${s}`;
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  return String(Number(v.toPrecision(4)));
}

/**
 * The range an axis shows for data in [lo, hi]: a log axis, or an x axis (`exact`), exactly the
 * data's; a linear y axis from `min` (default 0 for data that are not negative) to the first tick
 * at or above hi; never below `min` or past `max`.
 */
export function axisRange(a: ChartAxis, lo: number, hi: number, exact: boolean): [number, number] {
  if (exact && !a.log && hi > lo) return [Math.max(lo, a.min ?? lo), Math.min(hi, a.max ?? hi)];
  if (a.log) {
    const l = lo > 0 ? lo : 1;
    return [l, hi > l ? hi : l * 10];
  }
  let from = a.min ?? Math.min(lo, 0);
  let to = hi;
  if (!(to > from)) to = from + (a.integer ? 1 : a.percent ? 0.01 : 1);
  const t = linearTicks(from, to, 5, a.integer === true);
  if (t.length >= 2) {
    const step = t[1]! - t[0]!;
    to = Number((Math.ceil(to / step - 1e-9) * step).toPrecision(12));
  }
  if (a.max !== undefined) to = Math.min(to, a.max);
  if (a.min !== undefined) from = Math.max(from, a.min);
  return [from, to];
}

/** Ticks for an axis over [lo, hi] drawn `pixels` long with labels at least `minGap` apart. */
export function axisTicks(a: ChartAxis, lo: number, hi: number, pixels: number, minGap: number): number[] {
  if (a.log) return logTicks(lo, hi, pixels, minGap);
  return linearTicks(lo, hi, Math.max(2, Math.floor(pixels / minGap)), a.integer === true);
}

/**
 * The page script that draws a ChartSpec with uPlot: `pagewiseDraw(element, spec)` returns
 * `{ id, series, points, plot }`. Tick positions and labels come from the functions above.
 */
export const CHART_JS = `
var pagewiseTicks = (function () {
  var linearTicks = ${linearTicks.toString()};
  var logTicks = ${logTicks.toString()};
  var formatTick = ${formatTick.toString()};
  var axisRange = ${axisRange.toString()};
  var axisTicks = ${axisTicks.toString()};
  return { linearTicks: linearTicks, logTicks: logTicks, formatTick: formatTick, axisRange: axisRange, axisTicks: axisTicks };
})();
function pagewiseDraw(el, spec) {
  "use strict";
  var T = pagewiseTicks;
  var FONT = "12px system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
  var GAP = { x: 80, y: 38 };
  function widthOf() { return Math.max(320, el.clientWidth || 900); }
  function lim(vals) {
    var lo = Infinity, hi = -Infinity;
    vals.forEach(function (v) { if (v != null && isFinite(v) && (!spec.y.log || v > 0)) { if (v < lo) lo = v; if (v > hi) hi = v; } });
    return lo <= hi ? [lo, hi] : [0, 1];
  }
  function axis(a, isX) {
    return {
      scale: isX ? "x" : "y",
      label: a.label,
      font: FONT,
      labelFont: "600 " + FONT,
      labelSize: 20,
      labelGap: 4,
      gap: 5,
      space: isX ? GAP.x : GAP.y,
      splits: function (u, i, min, max) {
        var px = isX ? u.bbox.width : u.bbox.height;
        return T.axisTicks(a, min, max, px / (window.devicePixelRatio || 1), isX ? GAP.x : GAP.y);
      },
      filter: function (u, splits) { return splits; },
      values: function (u, splits) { return splits.map(function (v) { return v == null ? "" : T.formatTick(v, !!a.percent); }); },
      size: isX ? 34 : function (u, values) {
        if (!values) return 40;
        u.ctx.font = FONT;
        var w = 0;
        values.forEach(function (s) { if (s != null) w = Math.max(w, u.ctx.measureText(s).width); });
        return Math.ceil(w) + 16;
      },
    };
  }
  function scale(a, lohi, isX) {
    return {
      time: false,
      distr: a.log ? 3 : 1,
      range: function (u, dmin, dmax) {
        var lo = dmin == null ? lohi[0] : dmin, hi = dmax == null ? lohi[1] : dmax;
        return T.axisRange(a, lo, hi, isX);
      },
    };
  }
  var h = spec.height || 320;
  var cfg, data, points = 0;
  if (spec.heat) {
    var H = spec.heat;
    var xMax = H.timeBins * H.refsPerBin, yMax = H.pageBins * H.pagesPerBin;
    var max = 0;
    H.counts.forEach(function (v) { if (v > max) max = v; if (v > 0) points++; });
    var lmax = Math.log(1 + max);
    cfg = {
      title: spec.title, width: widthOf(), height: h + 40,
      scales: { x: { time: false, range: function () { return [0, xMax]; } }, y: { range: function () { return [0, yMax]; } } },
      axes: [axis(spec.x, true), axis(spec.y, false)],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      series: [{}, { label: "accesses", stroke: "transparent", points: { show: false } }],
      hooks: { setCursor: [function (u) {
        // Hover: the cell under the pointer and its count.
        var tip = el.querySelector(".tip");
        if (!tip) { tip = document.createElement("div"); tip.className = "tip"; el.style.position = "relative"; el.appendChild(tip); }
        var l = u.cursor.left, top = u.cursor.top;
        if (l == null || l < 0 || top == null || top < 0) { tip.style.display = "none"; return; }
        var t = Math.floor(u.posToVal(l, "x") / H.refsPerBin), p = Math.floor(u.posToVal(top, "y") / H.pagesPerBin);
        if (t < 0 || t >= H.timeBins || p < 0 || p >= H.pageBins) { tip.style.display = "none"; return; }
        tip.textContent = "refs " + T.formatTick(t * H.refsPerBin, false) + "+, pages " + T.formatTick(p * H.pagesPerBin, false) + "+: " + H.counts[t * H.pageBins + p].toLocaleString("en-US") + " accesses";
        var o = u.over.getBoundingClientRect(), e = el.getBoundingClientRect();
        tip.style.left = (o.left - e.left + l + 12) + "px";
        tip.style.top = (o.top - e.top + top + 12) + "px";
        tip.style.display = "block";
      }], draw: [function (u) {
        var ctx = u.ctx;
        ctx.save();
        ctx.beginPath(); ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height); ctx.clip();
        for (var t = 0; t < H.timeBins; t++) {
          var x0 = u.valToPos(t * H.refsPerBin, "x", true), x1 = u.valToPos((t + 1) * H.refsPerBin, "x", true);
          for (var p = 0; p < H.pageBins; p++) {
            var v = H.counts[t * H.pageBins + p];
            if (!(v > 0)) continue;
            var k = Math.log(1 + v) / lmax;
            var y0 = u.valToPos((p + 1) * H.pagesPerBin, "y", true), y1 = u.valToPos(p * H.pagesPerBin, "y", true);
            ctx.fillStyle = "rgb(" + Math.round(255 - k * 230) + "," + Math.round(255 - k * 180) + "," + Math.round(255 - k * 60) + ")";
            ctx.fillRect(x0, y0, Math.max(1, x1 - x0 + 0.5), Math.max(1, y1 - y0 + 0.5));
          }
        }
        ctx.restore();
      }] },
    };
    data = [[0, xMax], [null, null]];
  } else {
    var ys = [];
    spec.series.forEach(function (s) { ys = ys.concat(s.values); points += s.values.filter(function (v) { return v != null; }).length; });
    var xl = lim(spec.xs), yl = lim(ys);
    cfg = {
      title: spec.title, width: widthOf(), height: h,
      scales: { x: scale(spec.x, xl, true), y: scale(spec.y, yl, false) },
      axes: [axis(spec.x, true), axis(spec.y, false)],
      series: [{ label: spec.x.label, value: function (u, v) { return v == null ? "" : T.formatTick(v, !!spec.x.percent); } }].concat(spec.series.map(function (s) {
        return {
          label: s.label, stroke: s.color, width: s.width, dash: s.dash.length ? s.dash : undefined,
          paths: s.markersOnly ? function () { return null; } : undefined,
          points: s.markers ? { show: true, size: s.markersOnly ? 7 : 5 + s.width, fill: s.markersOnly ? s.color : "#fff", stroke: s.color, width: 1.5 } : { show: false },
          value: function (u, v) { return v == null ? "" : spec.y.percent ? (v * 100).toPrecision(4) + " %" : Number(v).toLocaleString("en-US", { maximumSignificantDigits: 6 }); },
        };
      })),
    };
    data = [spec.xs].concat(spec.series.map(function (s) { return s.values; }));
  }
  var plot = new uPlot(cfg, data, el);
  return { id: el.id, series: spec.heat ? 1 : spec.series.length, points: points, plot: plot, spec: spec };
}
function pagewiseDrawAll(specs, rendered) {
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (el) rendered.push(pagewiseDraw(el, spec));
  });
  window.addEventListener("resize", function () {
    rendered.forEach(function (c) {
      if (!c.plot) return;
      var el = document.getElementById(c.id);
      c.plot.setSize({ width: Math.max(320, el.clientWidth || 900), height: c.plot.height });
    });
  });
}
`;

/** The pages' shared style: the main report, the thrashing page and the kswapd page look alike. */
export const PAGE_CSS = `
:root{--fg:#1d232b;--muted:#5a6572;--bg:#fff;--card:#f6f7f9;--line:#dde1e6}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 20px}header{padding-top:18px}
code{font-size:.92em;background:var(--card);padding:1px 4px;border-radius:3px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 4px}.sub,.help,footer{color:var(--muted)}.help{margin:0 0 8px;font-size:.93em}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.facts div{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:6px 12px}
.facts dt{font-size:.8em;color:var(--muted)}.facts dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.notes{color:var(--muted);font-size:.9em}.chart{min-height:300px;margin-bottom:10px}.u-title{font-size:14px}
.heat{position:relative}.tip{position:absolute;pointer-events:none;background:#000c;color:#fff;font-size:12px;padding:3px 6px;border-radius:4px;display:none}
.tablewrap{overflow:auto;max-height:520px;border:1px solid var(--line)}table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.88em;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:right;white-space:nowrap}th{background:var(--card);position:sticky;top:0}th[data-k]{cursor:pointer}
td:first-child,th:first-child{text-align:left}tr.best td{font-weight:600}footer{margin-top:32px;padding-bottom:24px;font-size:.85em}
`;
