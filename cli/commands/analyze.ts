// `pagewise analyze TRACE`: what a trace is made of, in one streamed pass (src/analyze/analyzer.ts):
// read/write mix, reuse-distance histogram, popularity with a Zipf fit and one-hit wonders, the
// working set over time, per-process footprints, and LRU misses at memory sizes (absolute or as
// percentages of the trace's distinct pages, cli/sizes.ts). Tables, --json, or an HTML report.
// Memory grows with the distinct pages, not the references: the trace is never held whole.

import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { openTrace } from "../../node/trace-file.js";
import {
  analyzeReportHtml,
  generateBatches,
  parseGenerator,
  type RefBatch,
  type TraceAnalysis,
  TraceAnalyzer,
} from "../../src/index.js";
import { UsageError } from "../errors.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import {
  type Cell,
  fmtInt,
  fmtPct,
  outputMode,
  renderKeyValues,
  renderTable,
  writeCsv,
  writeJson,
} from "../output.js";
import { Progress, tick } from "../progress.js";
import { parseSizeList, resolveFrames, type SizeSpec } from "../sizes.js";
import { parsePageSize, parsePositiveInt } from "../units.js";
import { packageVersion } from "../version.js";

interface AnalyzeOptions {
  trace?: string;
  format?: string;
  gen?: string;
  pageSize?: number;
  unitSize?: number;
  csvParams?: string;
  skipBad?: boolean;
  limit?: number;
  window: number;
  top: number;
  frames: SizeSpec[];
  json?: boolean;
  csv?: boolean;
  html?: string;
}

const DEFAULT_SIZES = "0.1%,1%,10%";

export function registerAnalyze(program: Command, { io }: CommandContext): void {
  program
    .command("analyze")
    .summary("analyze a trace: reuse distances, popularity, working set, processes")
    .description(
      "Read a trace once, streamed, and describe it: the read/write mix, the reuse (LRU stack) distance\n" +
        "histogram, popularity (top pages, a Zipf fit, one-hit wonders), the working set over time, each\n" +
        "process's footprint, and LRU misses at memory sizes. Memory grows with distinct pages only.",
    )
    .argument("[file]", "a trace file, any format (same as --trace FILE)")
    .option("--trace <file>", "a trace file")
    .option("--format <id>", "force the trace format instead of detecting it")
    .option("--gen <spec>", "a synthetic workload instead, e.g. zipf:pages=1000,alpha=0.9,n=100000,seed=1")
    .option("--page-size <size>", "page size for byte-address traces (4KiB)", parsePageSize)
    .option("--unit-size <size>", "oracleGeneral: a request of S bytes is ceil(S/size) pages", parsePageSize)
    .option(
      "--csv-params <params>",
      'libcachesim-csv: libCacheSim\'s columns, e.g. "obj-id-col=2,has-header=false"',
    )
    .option("--skip-bad", "skip malformed trace lines instead of stopping at the first")
    .option("--limit <n>", "read at most the first n references", parsePositiveInt)
    .option("--window <n>", "working-set window in references", parsePositiveInt, 10_000)
    .option("--top <n>", "most referenced pages to list", parsePositiveInt, 10)
    .option(
      "--frames <list>",
      `memory sizes for the LRU misses: counts, sizes, or % of the distinct pages (default ${DEFAULT_SIZES})`,
      parseSizeList,
    )
    .option(
      "--json",
      "print one JSON document (fields: name, source, pageSize, references, distinctPages, byKind, reads, writes, writeFraction, reuse, popularity, workingSet, processes, lru[])",
    )
    .option("--csv", "print CSV on stdout, one figure a row (columns: section,key,value)")
    .option("--html <file>", "also write a self-contained HTML report with charts")
    .addHelpText(
      "after",
      `
Memory sizes: 0.1% is 0.1 % of the trace's distinct pages, floored (as libCacheSim's cachesim takes
fractions of the working set), at least 1 frame; 64 is 64 frames; 256KiB is 256 KiB of frames.

Examples:
  $ pagewise analyze test/fixtures/traces/sort500.pwt
  $ pagewise analyze test/fixtures/traces/oracle/raw.oracleGeneral.bin.zst --frames 10%,25%,50% --json
  $ pagewise analyze --gen zipf:pages=5000,alpha=0.9,n=200000,seed=1 --window 20000 --html zipf.html
  $ pagewise analyze test/fixtures/traces/oracle/requests.csv --format libcachesim-csv --csv-params "obj-id-col=2,op-col=4" --csv`,
    )
    .action(async (file: string | undefined, opts: AnalyzeOptions) => {
      if (file !== undefined) {
        if (opts.trace !== undefined)
          throw new UsageError("give the file once: analyze FILE or --trace FILE");
        opts.trace = file;
      }
      if ((opts.trace === undefined) === (opts.gen === undefined))
        throw new UsageError("give one workload: a trace FILE or --gen SPEC");
      if (opts.gen !== undefined && (opts.format ?? opts.unitSize ?? opts.csvParams) !== undefined)
        throw new UsageError("--format, --unit-size and --csv-params apply to a trace file");
      const mode = outputMode(opts);
      const doc = await analyze(io, opts);
      if (opts.html !== undefined) {
        const argv = ["analyze", ...(opts.trace ? [opts.trace] : ["--gen", opts.gen!])];
        writeWhole(
          opts.html,
          analyzeReportHtml({
            title: `pagewise analyze: ${doc.name}`,
            generator: `pagewise ${packageVersion()}`,
            command: `pagewise ${argv.join(" ")}`,
            analysis: doc.analysis,
            rankCounts: doc.rankCounts,
            lru: doc.lruCurve,
          }),
        );
      }
      const { analysis: a, lru } = doc;
      if (mode === "json") {
        const { rankCounts: _r, lruCurve: _c, analysis, ...head } = doc;
        return writeJson(io, { ...head, ...analysis, lru });
      }
      if (mode === "csv") return writeCsv(io, ["section", "key", "value"], csvRows(a, lru));
      printHuman(io, doc.name, doc.source, doc.pageSize, a, lru, opts.html);
    });
}

/**
 * The analysis as long-format rows: summary figures, reuse buckets ("cold", "1", "2-3"...), LRU
 * misses per size label, top pages ("pid:page"), working-set points (by last reference) and
 * processes (section process.references / process.writes / process.pages, key the pid).
 */
function csvRows(a: TraceAnalysis, lru: readonly LruAt[]): Record<string, Cell>[] {
  const rows: Record<string, Cell>[] = [];
  const add = (section: string, key: string | number, value: number) => rows.push({ section, key, value });
  const z = a.popularity.zipf;
  add("summary", "references", a.references);
  add("summary", "distinctPages", a.distinctPages);
  add("summary", "reads", a.reads);
  add("summary", "writes", a.writes);
  add("summary", "writeFraction", a.writeFraction);
  add("summary", "oneHitWonders", a.popularity.oneHitWonders.pages);
  if (z) {
    add("summary", "zipfAlpha", z.alpha);
    add("summary", "zipfR2", z.r2);
  }
  add("summary", "medianReuseDistance", a.reuse.median);
  add("reuse", "cold", a.reuse.cold);
  for (const b of a.reuse.buckets)
    add("reuse", b.from === b.to ? String(b.from) : `${b.from}-${b.to}`, b.references);
  for (const l of lru) {
    add("lru.frames", l.label, l.frames);
    add("lru.misses", l.label, l.misses);
  }
  for (const t of a.popularity.top) add("top", `${t.pid}:${t.page}`, t.references);
  for (const p of a.workingSet.points) add("workingSet", p.end, p.pages);
  for (const p of a.processes) {
    add("process.references", p.pid, p.references);
    add("process.writes", p.pid, p.writes);
    add("process.pages", p.pid, p.pages);
  }
  return rows;
}

/** Writes `text` to a temporary file beside `file`, then renames it over `file`: never half-written. */
function writeWhole(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

interface LruAt {
  label: string;
  frames: number;
  misses: number;
  missRatio: number;
}

async function analyze(io: CommandContext["io"], opts: AnalyzeOptions) {
  const analyzer = new TraceAnalyzer({ window: opts.window, top: opts.top });
  const bar = new Progress(io, "analyzing", 1, { unit: opts.trace !== undefined ? "bytes" : "references" });
  let name: string;
  let source: string;
  let pageSize: number;
  let format: string;
  let left = opts.limit ?? Number.POSITIVE_INFINITY;
  const feed = (b: RefBatch): boolean => {
    if (b.count > left) b.count = left;
    left -= b.count;
    analyzer.add(b);
    return left > 0;
  };
  try {
    if (opts.trace !== undefined) {
      const t = await openTrace(opts.trace, {
        format: opts.format,
        pageSize: opts.pageSize,
        skipBad: opts.skipBad,
        unitSize: opts.unitSize,
        csvParams: opts.csvParams,
      });
      name = opts.trace.replace(/^.*[\\/]/, "");
      source = opts.trace;
      pageSize = t.pageSize;
      format = t.format;
      for await (const b of t.batches()) {
        bar.update(t.bytesRead, Math.max(1, t.fileBytes));
        if (!feed(b)) break;
      }
    } else {
      const g = parseGenerator(opts.gen!);
      name = g.spec;
      source = g.spec;
      if (opts.pageSize !== undefined && opts.pageSize !== g.pageSize)
        throw new UsageError(`--page-size does not apply to --gen (its pages are ${g.pageSize} bytes)`);
      pageSize = g.pageSize;
      format = "generator";
      let done = 0;
      for (const b of generateBatches(g)) {
        done += b.count;
        bar.update(done, Math.max(1, Math.min(g.total, opts.limit ?? g.total)));
        if (!feed(b)) break;
        await tick();
      }
    }
  } finally {
    bar.stop();
  }
  const analysis = analyzer.result();
  const specs = opts.frames ?? parseSizeList(DEFAULT_SIZES);
  const frames = specs.map((s) => {
    try {
      return resolveFrames(s, pageSize, Math.max(1, analysis.distinctPages));
    } catch (e) {
      throw new UsageError(`--frames: ${(e as Error).message}`);
    }
  });
  const misses = analyzer.lruMisses(frames);
  const lru: LruAt[] = specs.map((s, i) => ({
    label: labelOf(s),
    frames: frames[i]!,
    misses: misses[i]!,
    missRatio: analysis.references === 0 ? 0 : misses[i]! / analysis.references,
  }));
  // The chart's curve: sizes spaced evenly on a log scale up to the distinct pages.
  const curveFrames: number[] = [];
  for (let k = 0; ; k++) {
    const f = Math.round(10 ** (k / 16));
    if (f > Math.max(1, analysis.distinctPages)) break;
    if (f !== curveFrames[curveFrames.length - 1]) curveFrames.push(f);
  }
  const curveMisses = analyzer.lruMisses(curveFrames);
  return {
    name,
    source,
    format,
    pageSize,
    analysis,
    lru,
    rankCounts: analyzer.rankCounts(),
    lruCurve: curveFrames
      .map((f, i) => ({ frames: f, label: "", misses: curveMisses[i]! }))
      .concat(lru.map((l) => ({ frames: l.frames, label: l.label, misses: l.misses }))),
  };
}

function labelOf(s: SizeSpec): string {
  if (s.kind === "percent") return s.text;
  if (s.kind === "bytes") return s.text;
  return `${s.frames} frames`;
}

function printHuman(
  io: CommandContext["io"],
  name: string,
  source: string,
  pageSize: number,
  a: TraceAnalysis,
  lru: readonly LruAt[],
  html: string | undefined,
): void {
  const c = colorsFor(io);
  const out = (s: string) => io.stdout.write(`${s}\n`);
  const z = a.popularity.zipf;
  out(`${c.bold(name)}: ${source}`);
  out(
    renderKeyValues(c, [
      ["references", fmtInt(a.references)],
      ["distinct pages", `${fmtInt(a.distinctPages)} (${fmtInt(pageSize)}-byte pages)`],
      ["reads / writes", `${fmtInt(a.reads)} / ${fmtInt(a.writes)} (${fmtPct(a.writeFraction)} writes)`],
      [
        "I / L / S / M",
        [a.byKind.instructions, a.byKind.loads, a.byKind.stores, a.byKind.modifies].map(fmtInt).join(" / "),
      ],
      [
        "one-hit wonders",
        `${fmtInt(a.popularity.oneHitWonders.pages)} pages (${fmtPct(a.popularity.oneHitWonders.fraction)})`,
      ],
      ["Zipf alpha", z ? `${z.alpha.toFixed(3)} (r² ${z.r2.toFixed(3)})` : "— (too few pages)"],
      ["median reuse distance", a.reuse.median === 0 ? "—" : fmtInt(a.reuse.median)],
      ["processes", fmtInt(a.processes.length)],
    ]),
  );
  const warm = a.references - a.reuse.cold;
  const maxB = Math.max(1, ...a.reuse.buckets.map((b) => b.references));
  out("\nreuse distance (LRU stack distance; a reference at distance d hits with d frames or more):");
  out(
    renderTable(
      c,
      ["distance", "references", "share", ""],
      [
        ["cold (first)", fmtInt(a.reuse.cold), fmtPct(a.references ? a.reuse.cold / a.references : 0), ""],
        ...a.reuse.buckets.map((b) => [
          b.from === b.to ? String(b.from) : `${b.from}-${b.to}`,
          fmtInt(b.references),
          fmtPct(warm + a.reuse.cold ? b.references / a.references : 0),
          c.cyan("█".repeat(Math.round((b.references / maxB) * 30))),
        ]),
      ],
      ["right", "right", "right", "left"],
    ),
  );
  out("\nLRU at memory sizes:");
  out(
    renderTable(
      c,
      ["memory", "frames", "misses", "miss ratio"],
      lru.map((l) => [l.label, fmtInt(l.frames), fmtInt(l.misses), fmtPct(l.missRatio)]),
    ),
  );
  if (a.popularity.top.length > 0) {
    out("\nmost referenced pages:");
    out(
      renderTable(
        c,
        ["pid", "page", "references", "share"],
        a.popularity.top.map((t) => [
          String(t.pid),
          `0x${t.page.toString(16)}`,
          fmtInt(t.references),
          fmtPct(t.share),
        ]),
      ),
    );
  }
  const ws = a.workingSet;
  if (ws.points.length > 0) {
    const step = Math.max(1, Math.ceil(ws.points.length / 12));
    const shown = ws.points.filter((_, i) => i % step === 0);
    const max = Math.max(1, ws.max);
    out(
      `\nworking set (distinct pages in windows of ${fmtInt(ws.window)} references; max ${fmtInt(ws.max)}, mean ${fmtInt(ws.mean)}):`,
    );
    out(
      renderTable(
        c,
        ["after refs", "pages", ""],
        shown.map((p) => [
          fmtInt(p.end),
          fmtInt(p.pages),
          c.cyan("█".repeat(Math.round((p.pages / max) * 30))),
        ]),
        ["right", "right", "left"],
      ),
    );
  }
  if (a.processes.length > 1) {
    out("\nprocesses:");
    const shown = a.processes.slice(0, 20);
    out(
      renderTable(
        c,
        ["pid", "references", "writes", "pages", "footprint"],
        shown.map((p) => [
          String(p.pid),
          fmtInt(p.references),
          fmtInt(p.writes),
          fmtInt(p.pages),
          `${fmtInt((p.pages * pageSize) / 1024)} KiB`,
        ]),
      ),
    );
    if (a.processes.length > shown.length) out(`… and ${a.processes.length - shown.length} more`);
  }
  if (html !== undefined) out(`\nreport written to ${html}`);
}
