// Calls into the Node-side workload tools (node/convert.ts, node/capture.ts) with progress bars,
// and shapes their results for the CLI's JSON.

import { captureTrace as capture } from "../node/capture.js";
import { convertTrace as convert } from "../node/convert.js";
import type { TraceValues } from "../node/trace-file.js";
import type { TextUnit } from "../src/index.js";
import type { CliIo } from "./io.js";
import { Progress } from "./progress.js";

export interface ConvertSummary {
  in: string;
  out: string;
  format: string;
  pageSize: number;
  references: number;
  skipped: number;
  bytesIn: number;
  bytesOut: number;
  /** A text input: what its values were read as. */
  values?: TraceValues;
}

export async function convertTrace(
  io: CliIo,
  input: string,
  opts: {
    out: string;
    format?: string;
    pageSize?: number;
    skipBad?: boolean;
    unitSize?: number;
    csvParams?: string;
    unit?: TextUnit;
  },
): Promise<ConvertSummary> {
  const bar = new Progress(io, "converting", 1, { unit: "bytes" });
  try {
    const r = await convert(input, opts.out, {
      format: opts.format,
      pageSize: opts.pageSize,
      skipBad: opts.skipBad,
      unit: opts.unit,
      unitSize: opts.unitSize,
      csvParams: opts.csvParams,
      onProgress: (p) => bar.update(p.bytesRead, Math.max(1, p.fileBytes)),
    });
    return {
      in: r.input,
      out: r.output,
      format: r.format,
      pageSize: r.pageSize,
      references: r.stats.references,
      skipped: r.stats.skipped,
      bytesIn: r.inputBytes,
      bytesOut: r.outputBytes,
      ...(r.values !== null ? { values: r.values } : {}),
    };
  } finally {
    bar.stop();
  }
}

export interface CaptureSummary {
  command: string[];
  out: string;
  exitCode: number | null;
  /** The signal that ended the program (SIGKILL when --limit stopped it), or null. */
  signal: string | null;
  truncated: boolean;
  pageSize: number;
  references: number;
  distinctPages: number;
  byKind: { instructions: number; loads: number; stores: number; modifies: number };
  bytesOut: number;
  elapsedMs: number;
  valgrind: string;
}

/**
 * The bar while a program is traced: its length is unknown, so a count of references and a rate;
 * with --limit, the share of the limit (the program may end sooner).
 */
export function traceProgress(io: CliIo, limit: number | undefined, showAfterMs?: number): Progress {
  const opts = { unit: "references", ...(showAfterMs !== undefined ? { showAfterMs } : {}) };
  return limit === undefined
    ? new Progress(io, "tracing", 0, { ...opts, counter: true })
    : new Progress(io, "tracing (up to --limit)", limit, opts);
}

export async function captureTrace(
  io: CliIo,
  command: string[],
  opts: { out: string; pageSize?: number; limit?: number; quiet?: boolean },
): Promise<CaptureSummary> {
  const bar = traceProgress(io, opts.limit);
  try {
    const r = await capture({
      command: command[0]!,
      args: command.slice(1),
      out: opts.out,
      pageSize: opts.pageSize,
      limit: opts.limit,
      programOutput: opts.quiet ? "ignore" : "inherit",
      onProgress: (p) => bar.update(p.references),
    });
    const [i, l, s, m] = r.byKind;
    return {
      command,
      out: r.out,
      exitCode: r.exitCode,
      signal: r.signal,
      truncated: r.truncated,
      pageSize: r.pageSize,
      references: r.references,
      distinctPages: r.distinctPages,
      byKind: { instructions: i, loads: l, stores: s, modifies: m },
      bytesOut: r.outputBytes,
      elapsedMs: r.elapsedMs,
      valgrind: r.valgrindVersion,
    };
  } finally {
    bar.stop();
  }
}
