// Streaming trace decoding: the contract every trace reader implements and drivers that run a
// decoder over whole bytes or an async stream of chunks. The line machinery the text formats share
// is in line-decoder.ts, the byte helpers every reader uses in trace-bytes.ts.
// A decoder takes input in chunks of any size (a line may span chunks), fills caller-owned
// RefBatches and keeps only the current chunk and one partial line, so a file of a billion
// references is read in constant memory. Nothing is allocated per reference or per line.

import { ConfigError, TraceParseError } from "../core/errors.js";
import { makeBatch, type RefBatch } from "./refs.js";
import { WorkloadBuilder } from "./workload.js";

/** One malformed line: where (1-based line and column) and what was expected. */
export interface TraceIssue {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

/** Counters a decoder keeps while it reads; live, so a progress display may poll them. */
export interface TraceStats {
  /** References produced (after splitting page-straddling accesses). */
  references: number;
  /** References by kind, indexed by REF_INSTR..REF_MODIFY. */
  readonly byKind: Float64Array;
  /** Extra references made by splitting accesses that straddle a page boundary. */
  splits: number;
  /** Lines read (text formats), including comments and skipped lines; 0 for binary. */
  lines: number;
  /** Malformed lines skipped (only with skipBad). */
  skipped: number;
  /** The first issues met when skipping (at most MAX_KEPT_ISSUES). */
  readonly issues: TraceIssue[];
}

/** How many skipped-line issues a decoder keeps for its report. */
export const MAX_KEPT_ISSUES = 20;

/** Options every decoder accepts. */
export interface DecodeOptions {
  /** Name used in error messages (a file path); "input" by default. */
  readonly source?: string;
  /** Page size in bytes for the references produced; each format has a default (usually 4096). */
  readonly pageSize?: number;
  /** Count and skip malformed lines instead of throwing TraceParseError at the first. */
  readonly skipBad?: boolean;
}

/**
 * A streaming reader of one trace format. Call `push` with each chunk, then `drain` until it returns
 * false; after the last chunk call `end` and drain again. Not reentrant; one input per instance.
 */
export interface TraceDecoder {
  readonly format: string;
  /** Page size of the references produced. */
  readonly pageSize: number;
  readonly stats: TraceStats;
  /** Supplies the next chunk. Precondition: `drain` has returned false since the last push. */
  push(chunk: Uint8Array): void;
  /**
   * Appends references to `out` from `out.count` on. Returns true when it stopped because `out` is
   * full (consume it, reset `out.count`, call again), false when the pushed input is used up.
   * Throws TraceParseError on malformed input unless skipBad.
   */
  drain(out: RefBatch): boolean;
  /** No more input follows: the last line may lack its newline; a truncated binary record throws. */
  end(): void;
}

export function makeStats(): TraceStats {
  return { references: 0, byKind: new Float64Array(4), splits: 0, lines: 0, skipped: 0, issues: [] };
}

/** Default batch size of the drivers: large enough to amortise calls, small enough for caches. */
export const DEFAULT_BATCH = 65536;

/** Runs a decoder over one in-memory input; yields the same reused batch each time it fills. */
export function* decodeBytes(dec: TraceDecoder, bytes: Uint8Array, batch = makeBatch(DEFAULT_BATCH)) {
  batch.count = 0;
  dec.push(bytes);
  while (dec.drain(batch)) {
    yield batch;
    batch.count = 0;
  }
  dec.end();
  while (dec.drain(batch)) {
    yield batch;
    batch.count = 0;
  }
  if (batch.count > 0) yield batch;
}

/**
 * Runs a decoder over an async stream of chunks. Yields one reused batch whenever it fills (and
 * once more, partial, at the end): consume it before asking for the next.
 */
export async function* decodeChunks(
  dec: TraceDecoder,
  chunks: AsyncIterable<Uint8Array>,
  batch = makeBatch(DEFAULT_BATCH),
): AsyncGenerator<RefBatch> {
  batch.count = 0;
  for await (const chunk of chunks) {
    dec.push(chunk);
    while (dec.drain(batch)) {
      yield batch;
      batch.count = 0;
    }
  }
  dec.end();
  while (dec.drain(batch)) {
    yield batch;
    batch.count = 0;
  }
  if (batch.count > 0) yield batch;
}

/** All references of a whole input, in typed arrays sized to fit. */
export interface DecodedRefs {
  readonly count: number;
  readonly pages: Float64Array;
  readonly kinds: Uint8Array;
  readonly pids: Int32Array;
}

/** The result of reading a whole input with every problem collected. */
export type DecodeResult =
  | { readonly ok: true; readonly refs: DecodedRefs; readonly stats: TraceStats; readonly issues?: never }
  | { readonly ok: false; readonly issues: readonly TraceIssue[]; readonly refs?: never };

/**
 * Decodes a whole input held in memory, collecting malformed lines (up to MAX_KEPT_ISSUES) instead
 * of stopping at the first. `make` builds the decoder with skipBad set. A binary input that is
 * corrupt still throws TraceParseError.
 */
export function decodeAll(
  make: (opts: DecodeOptions) => TraceDecoder,
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): DecodeResult {
  const dec = make({ ...opts, skipBad: true });
  const acc = new WorkloadBuilder();
  for (const b of decodeBytes(dec, bytes)) acc.append(b);
  if (dec.stats.skipped > 0 && !opts.skipBad) return { ok: false, issues: dec.stats.issues };
  return { ok: true, refs: acc.refs(), stats: dec.stats };
}

/** Like decodeAll, but throws the first issue as a TraceParseError. */
export function decodeAllOrThrow(
  make: (opts: DecodeOptions) => TraceDecoder,
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): DecodedRefs {
  const r = decodeAll(make, bytes, opts);
  if (!r.ok) {
    const i = r.issues[0]!;
    throw new TraceParseError(i.source, i.line, i.column, i.problem);
  }
  return r.refs;
}

/**
 * Validates a page size and returns it: a power of two in [1, 2^30]. The engine's narrower limits
 * (256 B to 64 KiB) apply when a machine is built, not here: replay accepts any power of two.
 */
export function checkPageSize(pageSize: number, key = "pageSize"): number {
  if (
    !Number.isInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > 2 ** 30 ||
    (pageSize & (pageSize - 1)) !== 0
  ) {
    throw new ConfigError(key, pageSize, "a power of two number of bytes, such as 4096");
  }
  return pageSize;
}

/**
 * The divisor turning page numbers at `sourcePageSize` into pages at `pageSize`: pages can only be
 * coarsened (several source pages per page). Throws ConfigError for a smaller page size.
 */
export function coarsenFactor(sourcePageSize: number, pageSize: number, format: string): number {
  if (pageSize < sourcePageSize) {
    throw new ConfigError(
      "pageSize",
      pageSize,
      `at least ${sourcePageSize}: a ${format} trace of ${sourcePageSize}-byte page numbers cannot be split into smaller pages`,
    );
  }
  return pageSize / sourcePageSize;
}
