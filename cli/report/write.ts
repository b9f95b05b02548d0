// Writes reports to disk: reads the chart library from node_modules (uPlot's IIFE build and its
// stylesheet), hands it with the data to the pure renderer in src/report, and writes one
// self-contained HTML file; also writes the README's SVG figures. Every file goes through
// node/output-file.ts: a temporary file renamed into place, never over an input.

import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { writeOutputFile } from "../../node/output-file.js";
import { type ReportAssets, type ReportData, renderReportHtml, reportFigures } from "../../src/index.js";
import { IoError } from "../errors.js";

let cached: ReportAssets | null = null;

/** uPlot's minified browser build and CSS, read once from the installed package. */
export function chartAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve("uplot/package.json"));
  } catch {
    throw new IoError("the chart library uplot is not installed: run npm ci");
  }
  cached = {
    chartJs: readFileSync(join(dir, "dist", "uPlot.iife.min.js"), "utf8"),
    chartCss: readFileSync(join(dir, "dist", "uPlot.min.css"), "utf8"),
  };
  return cached;
}

/** Renders and writes the HTML report; returns its absolute path. */
export function writeReportFile(path: string, data: ReportData, cwd = process.cwd()): string {
  const html = renderReportHtml(data, chartAssets());
  return writeOutputFile(path, html, { cwd, mkdir: true });
}

/** Writes the SVG figures into `dir`; returns the paths written. */
export function writeFigures(dir: string, data: ReportData, cwd = process.cwd()): string[] {
  const abs = resolve(cwd, dir);
  mkdirSync(abs, { recursive: true });
  return Object.entries(reportFigures(data)).map(([name, svg]) => {
    return writeOutputFile(join(abs, name), svg);
  });
}
