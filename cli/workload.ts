// Where a command's references come from: --refs (a reference string), --trace FILE (any supported
// format, detected or forced with --format; `-` for standard input) or --gen SPEC (a synthetic
// generator). `openSource` gives a ReferenceSource (src/sim/run.ts) that each pass reads from the
// start in bounded batches, so run, sweep, mrc and info take constant memory whatever the trace's
// length; `loadWorkload` reads one whole into typed arrays for what needs it all at once (full
// mode, HTML reports).

import fs from "node:fs";
import os from "node:os";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { decompressChunks, type OpenedTrace, openTrace, type TraceValues } from "../node/trace-file.js";
import {
  type Workload as EngineWorkload,
  generateBatches,
  parseGenerator,
  REF_LOAD,
  REF_STORE,
  type ReferenceSource,
  truncateWorkload,
  WorkloadBuilder,
  workloadSource,
} from "../src/index.js";
import { UsageError } from "./errors.js";
import type { CliIo } from "./io.js";
import { Progress, tick } from "./progress.js";
import {
  checkGeneratedRefs,
  checkLoadedRefs,
  parsePageSize,
  parsePositiveInt,
  parseRefString,
} from "./units.js";

/** A whole workload in memory (the engine's), and for a text trace how its values were read. */
export type Workload = EngineWorkload & {
  /** A text trace: whether its values were read as page numbers or byte addresses, and how decided. */
  readonly values?: TraceValues;
};

/** Options shared by every command that reads a workload. */
export interface WorkloadOptions {
  refs?: string;
  trace?: string;
  format?: string;
  gen?: string;
  pageSize?: number;
  limit?: number;
  skipBad?: boolean;
  /** oracleGeneral: bytes a page of an object covers (a request spans ceil(size / unitSize) pages). */
  unitSize?: number;
  /** libcachesim-csv: libCacheSim's column parameters. */
  csvParams?: string;
  /** Text traces: the values are byte addresses (--addresses) or page numbers (--pages); default detected. */
  addresses?: boolean;
  pages?: boolean;
}

export const DEFAULT_PAGE_SIZE = 4096;

/**
 * Adds --refs, --trace, --format, --gen, --page-size, --limit and --skip-bad to a command. With
 * `manyTraces`, --trace may be repeated and its values collect into a list (cli/trace-set.ts).
 */
export function addWorkloadOptions(cmd: Command, how: { manyTraces?: boolean } = {}): Command {
  const traceHelp =
    "a trace file: lackey, text, csv, libcachesim-csv or pwt (binary); - reads standard input";
  cmd.option(
    "--refs <pages>",
    "a reference string of page numbers: 1,2,3,4,1,2,5 (a w suffix marks a write: 3w)",
  );
  if (how.manyTraces)
    cmd.option(
      "--trace <file>",
      `${traceHelp}; repeat it, or name a directory or a quoted glob ("traces/*.zst"), for a set of traces`,
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    );
  else cmd.option("--trace <file>", traceHelp);
  return cmd
    .option("--format <id>", "force the trace format instead of detecting it")
    .option("--gen <spec>", "a synthetic workload, e.g. zipf:pages=1000,alpha=0.9,n=100000,seed=1")
    .option("--page-size <size>", "page size for byte-address traces (4KiB, 4096)", parsePageSize)
    .option("--limit <n>", "read at most the first n references", parsePositiveInt)
    .option("--skip-bad", "skip malformed trace lines instead of stopping at the first")
    .option(
      "--unit-size <size>",
      "oracleGeneral traces: a request of S bytes is ceil(S/size) pages",
      parsePageSize,
    )
    .option(
      "--csv-params <params>",
      'libcachesim-csv traces: libCacheSim\'s columns, e.g. "obj-id-col=2,has-header=false"',
    )
    .option(
      "--addresses",
      "text traces: the values are byte addresses, cut into pages at --page-size (default: detected from the first values, and said)",
    )
    .option("--pages", "text traces: the values are page numbers (default: detected from the first values)");
}

/** The unit --addresses or --pages gives (undefined: detect). */
function unitOf(opts: WorkloadOptions): "address" | "page" | undefined {
  return opts.addresses ? "address" : opts.pages ? "page" : undefined;
}

/**
 * After a trace is opened: --addresses/--pages apply to text traces only; a text trace's values
 * detected as byte addresses are said on stderr (page numbers, the old reading, only in the output).
 */
function checkValues(t: OpenedTrace, opts: WorkloadOptions, shown: string, io: CliIo): void {
  const flag = opts.addresses ? "--addresses" : opts.pages ? "--pages" : undefined;
  if (flag !== undefined && t.format !== "text") {
    throw new UsageError(
      `${flag} applies to text traces; ${shown} is ${t.format}, whose format says what its values are`,
    );
  }
  noteValues(io, shown, t.values ?? undefined, t.pageSize);
}

/** The note on stderr for a text trace whose values were detected as byte addresses. */
export function noteValues(io: CliIo, shown: string, v: TraceValues | undefined, pageSize: number): void {
  if (v?.how === "detected" && v.unit === "address") {
    io.stderr.write(
      `pagewise: note: ${shown}: values read as byte addresses at ${pageSize}-byte pages (${v.why}); --pages reads them as page numbers\n`,
    );
  }
}

/** What a text trace's values were read as, short, for a table ("" for other workloads). */
export function valuesText(v: TraceValues | undefined, pageSize: number): string {
  if (v === undefined) return "";
  const what = v.unit === "address" ? `byte addresses (${pageSize}-byte pages)` : "page numbers";
  return `${what}, ${v.how === "given" ? (v.unit === "address" ? "--addresses" : "--pages") : "detected"}`;
}

/** Exactly one source must be given. */
export function requireOneSource(opts: WorkloadOptions): "refs" | "trace" | "gen" {
  const given = (["refs", "trace", "gen"] as const).filter((k) => opts[k] !== undefined);
  if (given.length === 0) throw new UsageError("give a workload: --refs 1,2,3, --trace FILE or --gen SPEC");
  if (given.length > 1)
    throw new UsageError(`give one workload, not ${given.map((g) => `--${g}`).join(" and ")}`);
  if (opts.format !== undefined && given[0] !== "trace")
    throw new UsageError("--format applies to --trace only");
  if ((opts.unitSize ?? opts.csvParams) !== undefined && given[0] !== "trace")
    throw new UsageError("--unit-size and --csv-params apply to --trace only");
  if (opts.addresses && opts.pages) throw new UsageError("give --addresses or --pages, not both");
  if ((opts.addresses || opts.pages) && given[0] !== "trace")
    throw new UsageError(`${opts.addresses ? "--addresses" : "--pages"} applies to --trace only`);
  return given[0]!;
}

/** The engine's builder, refusing to hold more than MAX_LOADED_REFS references (cli/units.ts). */
export function workloadBuilder(): WorkloadBuilder {
  return new WorkloadBuilder(checkLoadedRefs);
}

/** A workload from a reference string such as "1,2,3,4w". */
export function workloadFromRefs(text: string, pageSize = DEFAULT_PAGE_SIZE): Workload {
  const rs = parseRefString(text);
  const b = workloadBuilder();
  rs.pages.forEach((p, i) => {
    b.push(p, rs.writes[i] ? REF_STORE : REF_LOAD);
  });
  const shown = rs.pages.length <= 16 ? text.trim() : `${rs.pages.length} references`;
  return b.finish({ name: shown, source: "refs", kind: "refs", pageSize });
}

/** Loads the workload named by the options (exactly one of --refs, --trace, --gen). */
export async function loadWorkload(opts: WorkloadOptions, io: CliIo): Promise<Workload> {
  const kind = requireOneSource(opts);
  if (kind === "refs") {
    const w = workloadFromRefs(opts.refs!, opts.pageSize ?? DEFAULT_PAGE_SIZE);
    return opts.limit !== undefined && opts.limit < w.count ? truncateWorkload(w, opts.limit) : w;
  }
  if (kind === "trace") return loadTrace(opts.trace!, opts, io);
  return loadGenerated(opts.gen!, opts, io);
}

/** Runs a generator spec to the end (or --limit) with a progress bar. */
export async function loadGenerated(spec: string, opts: WorkloadOptions, io: CliIo): Promise<Workload> {
  const gen = parseGenerator(spec);
  if (opts.pageSize !== undefined && opts.pageSize !== gen.pageSize) {
    throw new UsageError(
      `--page-size does not apply to --gen (its pages are ${gen.pageSize} bytes; matrix takes pagesize=)`,
    );
  }
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  checkLoadedRefs(Math.min(gen.total, limit));
  const b = workloadBuilder();
  const bar = new Progress(io, "generating", Math.max(1, Math.min(gen.total, limit)), { unit: "references" });
  try {
    for (const batch of generateBatches(gen)) {
      b.append(batch, limit - b.count);
      bar.update(b.count);
      if (b.count >= limit) break;
      await tick();
    }
  } finally {
    bar.stop();
  }
  return b.finish({ name: gen.spec, source: "generator", kind: "gen", pageSize: gen.pageSize });
}

/** Reads a whole trace file (any supported format, compressed or not) with a progress bar. */
export async function loadTrace(
  path: string,
  opts: WorkloadOptions,
  io: CliIo,
  shown = path,
): Promise<Workload> {
  if (path === "-") {
    const spooled = await spoolStdin();
    try {
      return { ...(await loadTrace(spooled, opts, io, "-")), name: "stdin", source: "- (standard input)" };
    } finally {
      fs.rmSync(dirname(spooled), { recursive: true, force: true });
    }
  }
  const t = await openTrace(path, {
    format: opts.format,
    pageSize: opts.pageSize,
    skipBad: opts.skipBad,
    unit: unitOf(opts),
    unitSize: opts.unitSize,
    csvParams: opts.csvParams,
  });
  checkValues(t, opts, shown, io);
  const b = workloadBuilder();
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const bar = new Progress(io, `reading ${basename(path)}`, Math.max(1, t.fileBytes), { unit: "bytes" });
  try {
    for await (const batch of t.batches()) {
      b.append(batch, limit - b.count);
      bar.update(Math.min(t.bytesRead, t.fileBytes));
      if (b.count >= limit) break;
    }
  } finally {
    bar.stop();
  }
  const skipped = t.stats.skipped;
  if (skipped > 0) {
    const first = t.stats.issues[0];
    io.stderr.write(
      `pagewise: warning: skipped ${skipped} malformed line(s) in ${path}` +
        (first ? ` (first at line ${first.line}: ${first.problem})\n` : "\n"),
    );
  }
  const w = b.finish({
    name: basename(path),
    source: `${path} (${t.format})`,
    kind: "trace",
    pageSize: t.pageSize,
  });
  return t.values === null ? w : { ...w, values: t.values };
}

/** A workload to read pass by pass: its source and what the reports print about it. */
export interface OpenedSource {
  readonly source: ReferenceSource;
  readonly name: string;
  /** What it was read from, as Workload.source. */
  readonly sourceText: string;
  readonly kind: Workload["kind"];
  readonly pageSize: number;
  /** The number of references when known before reading (pwt with counts, a reference string), else null. */
  readonly expected: number | null;
  /** At most this many distinct pages, when known before reading (a pwt header's count), else null. */
  readonly distinct: number | null;
  /** A text trace: what its values were read as. */
  readonly values?: TraceValues;
  /**
   * Extra references the last pass made by splitting accesses that straddle a page boundary (a
   * lackey ` L 0fff,8` at 4 KiB pages is two references); 0 for --refs and --gen; null for pwt,
   * whose accesses were split when it was captured and which does not record how many.
   */
  splits(): number | null;
  /** Prints the warning about skipped lines, if any; removes a spooled standard input. */
  close(): void;
}

/**
 * Opens the workload the options name as a source read pass by pass. With `kinds`, a pwt file is
 * read through the decoder's batches (page numbers, kinds and pids) instead of replayed encoded.
 * `--trace -` copies standard input to a temporary file first (constant memory; removed by close).
 */
export async function openSource(
  opts: WorkloadOptions,
  io: CliIo,
  how: { kinds?: boolean } = {},
): Promise<OpenedSource> {
  const kind = requireOneSource(opts);
  if (kind === "refs") {
    const w = await loadWorkload(opts, io);
    return { ...inMemorySource(w), close() {} };
  }
  if (kind === "gen") {
    const gen = parseGenerator(opts.gen!);
    if (opts.pageSize !== undefined && opts.pageSize !== gen.pageSize) {
      throw new UsageError(
        `--page-size does not apply to --gen (its pages are ${gen.pageSize} bytes; matrix takes pagesize=)`,
      );
    }
    const spec = opts.gen!;
    checkGeneratedRefs(Math.min(gen.total, opts.limit ?? Number.POSITIVE_INFINITY));
    return {
      source: { kind: "batches", name: gen.spec, batches: () => generateBatches(parseGenerator(spec)) },
      name: gen.spec,
      sourceText: "generator",
      kind: "gen",
      pageSize: gen.pageSize,
      expected: Math.min(gen.total, opts.limit ?? Number.POSITIVE_INFINITY),
      distinct: null,
      splits: () => 0,
      close() {},
    };
  }
  const given = opts.trace!;
  const spooled = given === "-" ? await spoolStdin() : null;
  const path = spooled ?? given;
  try {
    const t = await openTrace(path, {
      format: opts.format,
      pageSize: opts.pageSize,
      skipBad: opts.skipBad,
      unit: unitOf(opts),
      unitSize: opts.unitSize,
      csvParams: opts.csvParams,
    });
    const shownPath = spooled === null ? path : "-";
    checkValues(t, opts, shownPath, io);
    // pwt replays encoded unless the kinds are wanted, pages are coarsened, or a --limit may stop
    // inside a dictionary block (its entries all get ids: the distinct pages would count unread ones).
    const encoded =
      t.format === "pwt" &&
      !how.kinds &&
      opts.limit === undefined &&
      (opts.pageSize === undefined || opts.pageSize === t.pageSize);
    const source: ReferenceSource = encoded
      ? {
          kind: "pwt",
          name: shownPath,
          chunks: () =>
            t.compression === "none"
              ? fileChunks(path)
              : decompressChunks(fs.createReadStream(path, { highWaterMark: 1 << 20 }), t.compression, path),
        }
      : { kind: "batches", name: shownPath, batches: () => t.batches() };
    const known = t.header?.countsKnown ? t.header.references : null;
    return {
      source,
      name: spooled === null ? basename(path) : "stdin",
      sourceText: `${shownPath} (${t.format})`,
      kind: "trace",
      pageSize: t.pageSize,
      expected: known === null ? null : Math.min(known, opts.limit ?? Number.POSITIVE_INFINITY),
      distinct: t.header?.countsKnown ? t.header.distinctPages : null,
      ...(t.values !== null ? { values: t.values } : {}),
      splits: () => (t.format === "pwt" ? null : t.stats.splits),
      close() {
        if (spooled !== null) fs.rmSync(dirname(spooled), { recursive: true, force: true });
        const skipped = t.stats.skipped;
        if (skipped > 0) {
          const first = t.stats.issues[0];
          io.stderr.write(
            `pagewise: warning: skipped ${skipped} malformed line(s) in ${shownPath}` +
              (first ? ` (first at line ${first.line}: ${first.problem})\n` : "\n"),
          );
        }
      },
    };
  } catch (e) {
    if (spooled !== null) fs.rmSync(dirname(spooled), { recursive: true, force: true });
    throw e;
  }
}

/** A workload already in memory as a source. */
export function inMemorySource(w: Workload): Omit<OpenedSource, "close"> {
  return {
    source: workloadSource(w),
    name: w.name,
    sourceText: w.source,
    kind: w.kind,
    pageSize: w.pageSize,
    expected: w.count,
    distinct: null,
    ...(w.values !== undefined ? { values: w.values } : {}),
    splits: () => 0,
  };
}

/** Copies standard input to a temporary file (any size, constant memory); returns its path. */
async function spoolStdin(): Promise<string> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), "pagewise-stdin-"));
  const path = join(dir, "stdin");
  await pipeline(process.stdin, fs.createWriteStream(path));
  return path;
}

/**
 * An uncompressed file's bytes in 1 MiB chunks read synchronously into two buffers used in turn:
 * a chunk stays intact until the one after next is read (the pwt decoder copies what it keeps of a
 * chunk when the next one is pushed), and nothing is allocated per chunk.
 */
function* fileChunks(path: string): Generator<Uint8Array> {
  const fd = fs.openSync(path, "r");
  try {
    const bufs = [new Uint8Array(1 << 20), new Uint8Array(1 << 20)];
    for (let k = 0; ; k ^= 1) {
      const n = fs.readSync(fd, bufs[k]!, 0, bufs[k]!.length, null);
      if (n === 0) return;
      yield bufs[k]!.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}
