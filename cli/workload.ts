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
import { decompressChunks, openTrace } from "../node/trace-file.js";
import type { ReferenceSource } from "../src/sim/run.js";
import { generateBatches, parseGenerator } from "../src/workloads/generators.js";
import { REF_LOAD, REF_STORE, type RefBatch } from "../src/workloads/refs.js";
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

/** A whole workload in memory. Entries [0, count) are valid. */
export interface Workload {
  readonly name: string;
  /** What it was read from, for reports: "refs", a file path, or a generator spec. */
  readonly source: string;
  readonly kind: "refs" | "trace" | "gen";
  readonly pageSize: number;
  readonly count: number;
  readonly pages: Float64Array;
  readonly kinds: Uint8Array;
  readonly pids: Int32Array;
}

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
    );
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
  return given[0]!;
}

/** A growable set of typed arrays, appended to batch by batch (at most MAX_LOADED_REFS references). */
export class WorkloadBuilder {
  count = 0;
  pages = new Float64Array(1024);
  kinds = new Uint8Array(1024);
  pids = new Int32Array(1024);

  private grow(need: number): void {
    if (need <= this.pages.length) return;
    checkLoadedRefs(need);
    let cap = this.pages.length;
    while (cap < need) cap *= 2;
    const p = new Float64Array(cap);
    p.set(this.pages.subarray(0, this.count));
    const k = new Uint8Array(cap);
    k.set(this.kinds.subarray(0, this.count));
    const d = new Int32Array(cap);
    d.set(this.pids.subarray(0, this.count));
    this.pages = p;
    this.kinds = k;
    this.pids = d;
  }

  /** Appends up to `max` references of `b`; returns how many were taken. */
  append(b: RefBatch, max = Number.POSITIVE_INFINITY): number {
    const n = Math.min(b.count, max);
    this.grow(this.count + n);
    this.pages.set(b.pages.subarray(0, n), this.count);
    this.kinds.set(b.kinds.subarray(0, n), this.count);
    this.pids.set(b.pids.subarray(0, n), this.count);
    this.count += n;
    return n;
  }

  push(page: number, kind: number, pid = 0): void {
    this.grow(this.count + 1);
    this.pages[this.count] = page;
    this.kinds[this.count] = kind;
    this.pids[this.count] = pid;
    this.count++;
  }

  finish(meta: { name: string; source: string; kind: Workload["kind"]; pageSize: number }): Workload {
    return {
      ...meta,
      count: this.count,
      pages: this.pages.subarray(0, this.count),
      kinds: this.kinds.subarray(0, this.count),
      pids: this.pids.subarray(0, this.count),
    };
  }
}

/** A workload from a reference string such as "1,2,3,4w". */
export function workloadFromRefs(text: string, pageSize = DEFAULT_PAGE_SIZE): Workload {
  const rs = parseRefString(text);
  const b = new WorkloadBuilder();
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
    return opts.limit !== undefined && opts.limit < w.count ? truncate(w, opts.limit) : w;
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
  const b = new WorkloadBuilder();
  const bar = new Progress(io, "generating", Math.max(1, Math.min(gen.total, limit)));
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
export async function loadTrace(path: string, opts: WorkloadOptions, io: CliIo): Promise<Workload> {
  if (path === "-") {
    const spooled = await spoolStdin();
    try {
      return { ...(await loadTrace(spooled, opts, io)), name: "stdin", source: "- (standard input)" };
    } finally {
      fs.rmSync(dirname(spooled), { recursive: true, force: true });
    }
  }
  const t = await openTrace(path, {
    format: opts.format,
    pageSize: opts.pageSize,
    skipBad: opts.skipBad,
    unitSize: opts.unitSize,
    csvParams: opts.csvParams,
  });
  const b = new WorkloadBuilder();
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const bar = new Progress(io, `reading ${basename(path)}`, Math.max(1, t.fileBytes));
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
  return b.finish({
    name: basename(path),
    source: `${path} (${t.format})`,
    kind: "trace",
    pageSize: t.pageSize,
  });
}

function truncate(w: Workload, n: number): Workload {
  return {
    ...w,
    count: n,
    pages: w.pages.subarray(0, n),
    kinds: w.kinds.subarray(0, n),
    pids: w.pids.subarray(0, n),
  };
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
      unitSize: opts.unitSize,
      csvParams: opts.csvParams,
    });
    const shownPath = spooled === null ? path : "-";
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
    source: {
      kind: "batches",
      name: w.name,
      batches: () => [{ count: w.count, pages: w.pages, kinds: w.kinds, pids: w.pids }],
    },
    name: w.name,
    sourceText: w.source,
    kind: w.kind,
    pageSize: w.pageSize,
    expected: w.count,
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
