// Trace files on disk: open any supported format by path (compression and format detected from the
// first bytes unless forced) and read it as a stream of RefBatches in constant memory: the file is
// read in 1 MiB chunks, decompressed (gzip with node:zlib, zstd with node/zstd.ts: the zstd binary,
// or fzstd where it is correct) and decoded chunk by chunk. Node only.

import fs from "node:fs";
import zlib from "node:zlib";
import {
  type Compression,
  ConfigError,
  createDecoder,
  DEFAULT_BATCH,
  decodePwtHeader,
  detectCompression,
  detectFormat,
  detectTextUnit,
  isPwt,
  isTraceFormat,
  makeBatch,
  makeStats,
  PagewiseError,
  PWT_HEADER_SIZE,
  type PwtHeader,
  type RefBatch,
  type TextUnit,
  TRACE_FORMATS,
  type TraceDecoder,
  type TraceFormat,
  TraceParseError,
  type TraceStats,
} from "../src/index.js";
import { noteInput } from "./output-file.js";
import { chooseZstdDecoder, DecompressError, hasZstdBinary, ZstdJsReader, zstdChunks } from "./zstd.js";

const CHUNK = 1 << 20;
const HEAD = 1 << 16;
const ZSTD_HEAD = 1 << 19;
/** Compressed bytes gunzipped first, to find a pwt header (decompressedHead). */
const GZIP_PEEK = 4096;

export interface OpenTraceOptions {
  /** Force a format instead of detecting it. */
  readonly format?: string;
  /** Page size of the references produced (default: the file's for pwt, else 4096). */
  readonly pageSize?: number;
  /** Count and skip malformed lines instead of throwing at the first. */
  readonly skipBad?: boolean;
  /** Text format only: values are "page" numbers or byte "address"es (default: detected, text-unit.ts). */
  readonly unit?: TextUnit;
  /** oracleGeneral only: bytes a page of an object covers (a request spans ceil(size / unitSize) pages). */
  readonly unitSize?: number;
  /** libcachesim-csv only: libCacheSim's csv parameters ("obj-id-col=2,has-header=false"). */
  readonly csvParams?: string;
}

/** What a text trace's values were read as. */
export interface TraceValues {
  readonly unit: TextUnit;
  readonly how: "given" | "detected";
  /** For "detected": why (a phrase). */
  readonly why: string;
}

/** A trace file ready to read. */
export interface OpenedTrace {
  readonly path: string;
  readonly format: TraceFormat;
  readonly compression: Compression;
  /** Page size of the references `batches` yields. */
  readonly pageSize: number;
  /** Size of the file on disk, for progress (compare with `bytesRead`). */
  readonly fileBytes: number;
  /** pwt only: the header (page size and, when `countsKnown`, the counts without reading the body). */
  readonly header: PwtHeader | null;
  /** Counters of the pass in progress (or the last one); live, poll them for progress. */
  readonly stats: TraceStats;
  /** Bytes of the file read so far by the pass in progress. */
  readonly bytesRead: number;
  /**
   * Text format only (else null): whether its values are read as page numbers or byte addresses,
   * and how that was decided: given (OpenTraceOptions.unit) or detected from the first values.
   */
  readonly values: TraceValues | null;
  /**
   * Reads the whole file once, from the start, yielding one reused batch whenever it fills (the
   * last may be partial): consume each batch before asking for the next. May be called again for
   * another pass (stats restart). Throws TraceParseError on malformed input unless skipBad.
   */
  batches(batchSize?: number): AsyncGenerator<RefBatch>;
}

/**
 * Opens a trace file: reads its first 64 KiB to detect compression and format (unless
 * `opts.format` is given) and, for pwt, its header. Throws ConfigError for a missing file or bad
 * options, UnknownIdError for an unknown format, TraceParseError when the format cannot be told.
 */
export async function openTrace(path: string, opts: OpenTraceOptions = {}): Promise<OpenedTrace> {
  let fileBytes: number;
  try {
    const st = await fs.promises.stat(path);
    if (!st.isFile()) throw new Error("not a file");
    fileBytes = st.size;
  } catch {
    throw new ConfigError("trace", path, "an existing, readable trace file");
  }
  noteInput(path);
  let raw = await readHead(path, HEAD);
  const compression = detectCompression(raw);
  // A zstd block may be 128 KiB: read enough to decompress some of the first.
  if (compression === "zstd" && fileBytes > raw.length) raw = await readHead(path, ZSTD_HEAD);
  // Chosen (or refused, with the reason) before anything is read.
  const zstdDecoder = compression === "zstd" ? chooseZstdDecoder(raw, path) : null;
  const head = decompressedHead(raw, compression, path, raw.length >= fileBytes, opts.format);
  if (opts.format !== undefined && !isTraceFormat(opts.format)) {
    throw new ConfigError("format", opts.format, `one of ${TRACE_FORMATS.join(", ")}`);
  }
  const format = (opts.format as TraceFormat | undefined) ?? detectFormat(head, path);
  // A pwt stream of version 3 checks itself; older ones need their container's checksum.
  const selfChecked = format === "pwt" && head[4] === 3;
  if (format === "pwt") checkPwtContainer(raw, compression, path, head[4]);
  const header = format === "pwt" ? decodePwtHeader(head, path) : null;
  let values: TraceValues | null = null;
  if (format === "text") {
    const guess =
      opts.unit === undefined ? detectTextUnit(head, opts.pageSize ?? 4096, raw.length >= fileBytes) : null;
    values =
      guess === null
        ? { unit: opts.unit!, how: "given", why: "" }
        : { unit: guess.unit, how: "detected", why: guess.why };
  }
  const make = (): TraceDecoder =>
    createDecoder(format, {
      source: path,
      pageSize: opts.pageSize,
      skipBad: opts.skipBad,
      unit: values?.unit ?? opts.unit,
      unitSize: opts.unitSize,
      csvParams: opts.csvParams,
    });
  const probe = make();
  if (header) probe.push(head.subarray(0, 64));
  probe.drain(makeBatch(1));
  const pageSize = probe.pageSize;
  let stats: TraceStats = makeStats();
  let stream: fs.ReadStream | null = null;
  return {
    path,
    format,
    compression,
    pageSize,
    fileBytes,
    header,
    values,
    get stats() {
      return stats;
    },
    get bytesRead() {
      return stream?.bytesRead ?? 0;
    },
    async *batches(batchSize = DEFAULT_BATCH) {
      const dec = make();
      stats = dec.stats;
      const rs = fs.createReadStream(path, { highWaterMark: CHUNK });
      stream = rs;
      const batch = makeBatch(batchSize);
      try {
        const chunks =
          zstdDecoder === null
            ? decompressChunks(rs, compression, path)
            : zstdChunks(rs, zstdDecoder, path, { requireChecksum: format === "pwt" && !selfChecked });
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
        // --skip-bad skips malformed lines, but a file of nothing else is not a trace.
        if (dec.stats.references === 0 && dec.stats.skipped > 0) {
          const first = dec.stats.issues[0];
          throw new TraceParseError(
            path,
            first?.line ?? 1,
            first?.column ?? 1,
            `every line is malformed (${dec.stats.skipped} skipped with --skip-bad, no reference left)` +
              (first ? `; the first: ${first.problem}` : ""),
          );
        }
      } finally {
        rs.destroy();
      }
    },
  };
}

/** A trace whose damage could not be detected, refused (see checkPwtContainer). */
export class TraceIntegrityError extends PagewiseError {
  static readonly code = "TRACE_INTEGRITY";
  constructor(source: string, problem: string) {
    super(TraceIntegrityError.code, `${source}: ${problem}`, { source, problem });
  }
}

/**
 * pwt's integrity rule (docs/trace-formats.md): pwt version 3, which pagewise writes, checksums its
 * header, trailer and every block itself (the decoder verifies each block before any of its
 * references is used), so an uncompressed v3 stream is verified too. Every checksum a container
 * carries is verified as well: gzip (CRC-32 per member, which pagewise writes and node:zlib
 * verifies) and zstd content checksums (the zstd binary and ZstdJsReader). A zstd frame written
 * without one (zstd --no-check) holding a version 1 or 2 stream (`version`, the stream's byte 4) is
 * refused: a flipped bit there could go unnoticed; a version 3 stream inside one checks itself. An
 * uncompressed stream of version 1 or 2 (files written before version 3) has no checksum anywhere
 * and is read unverified; convert it again (`pagewise convert old.pwt --out new.pwt`) to get one
 * that verifies itself.
 */
export function checkPwtContainer(
  raw: Uint8Array,
  compression: Compression,
  source: string,
  version?: number,
): void {
  if (version === 3) return;
  if (compression === "zstd" && raw.length > 4 && (raw[4]! & 4) === 0)
    throw new TraceIntegrityError(
      source,
      "a pwt stream in a zstd frame without a content checksum (written with zstd --no-check?) " +
        "could be damaged unnoticed: compress it again with plain zstd, or use pagewise convert",
    );
}

/**
 * The decompressed head that detection and the pwt header need. A gzip pwt needs only its first
 * bytes: 4 KiB of compressed input hold the 64-byte header, where gunzipping the whole 64 KiB head
 * (a megabyte out for a pwt) cost 7-8 ms of every run's start. Anything else gets the whole head,
 * as detection has always seen it.
 */
function decompressedHead(
  raw: Uint8Array,
  compression: Compression,
  path: string,
  whole: boolean,
  format: string | undefined,
): Uint8Array {
  if (
    compression === "gzip" &&
    !whole &&
    raw.length > GZIP_PEEK &&
    (format === undefined || format === "pwt")
  ) {
    const peek = decompressHead(raw.subarray(0, GZIP_PEEK), compression, path, false);
    if (peek.length >= PWT_HEADER_SIZE && isPwt(peek)) return peek;
  }
  return decompressHead(raw, compression, path, whole);
}

/** The first `n` bytes of a file (fewer if it is shorter). */
export async function readHead(path: string, n: number): Promise<Uint8Array> {
  const fh = await fs.promises.open(path, "r");
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * As much of `raw` (the start of a file) as decompresses; partial input is fine unless `whole`
 * (raw is the whole file: then a truncated stream is a DecompressError). fzstd is right here
 * whatever the window: no match in the first bytes can reach further back than they go. Corrupt
 * data is a DecompressError naming `source` and the offset.
 */
export function decompressHead(
  raw: Uint8Array,
  compression: Compression,
  source = "input",
  whole = false,
): Uint8Array {
  if (compression === "gzip") {
    try {
      return zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw gzipError(source, e, undefined, raw.length);
    }
  }
  if (compression === "zstd") {
    const r = new ZstdJsReader(source, { checkWindow: false });
    const parts = r.push(raw);
    if (whole) parts.push(...r.end());
    return concat(parts);
  }
  return raw;
}

/**
 * A DecompressError for a zlib error while gunzipping `source`: truncation, a CRC-32 mismatch or
 * corrupt data, with the compressed byte offset (`at`, zlib's bytes consumed) when known. Other
 * errors are returned unchanged.
 */
export function gzipError(source: string, e: unknown, at: number | undefined, fed: number): unknown {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== "string" || !code.startsWith("Z_")) return e;
  const where = at === undefined ? `by byte ${fed}` : `at byte ${at}`;
  if (code === "Z_BUF_ERROR")
    return new DecompressError(
      source,
      `truncated gzip stream: the file ends at byte ${fed} inside a gzip member`,
    );
  const msg = (e as Error).message;
  if (/incorrect data check/.test(msg))
    return new DecompressError(
      source,
      `damaged gzip stream: its CRC-32 does not match the decompressed data (${where} of the file)`,
    );
  if (/incorrect length check/.test(msg))
    return new DecompressError(
      source,
      `damaged gzip stream: its length field does not match (${where} of the file)`,
    );
  return new DecompressError(source, `corrupt gzip data ${where} of the file (${msg})`);
}

/**
 * Decompressed chunks of a raw byte stream. zstd goes through zstdChunks (node/zstd.ts), with the
 * binary when there is one; `source` names the stream in errors.
 */
export async function* decompressChunks(
  input: AsyncIterable<Uint8Array>,
  compression: Compression,
  source = "input",
): AsyncGenerator<Uint8Array> {
  if (compression === "none") {
    yield* input;
    return;
  }
  if (compression === "gzip") {
    // highWaterMark (a stream option the zlib typings omit) lets inflation run ahead of decoding.
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 18, highWaterMark: 1 << 23 } as zlib.ZlibOptions);
    let fed = 0;
    const feed = (async () => {
      try {
        for await (const c of input) {
          fed += c.length;
          if (!gunzip.write(c)) await new Promise((r) => gunzip.once("drain", r));
        }
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    })();
    try {
      yield* gunzip;
    } catch (e) {
      throw gzipError(source, e, gunzip.bytesWritten, fed);
    }
    await feed;
    return;
  }
  if (hasZstdBinary()) {
    yield* zstdChunks(input, "binary", source);
    return;
  }
  // Without the binary, the first chunk's frame header says whether fzstd may decode it.
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const decoder = chooseZstdDecoder(first.value, source);
  yield* zstdChunks(
    (async function* () {
      yield first.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(),
    decoder,
    source,
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
