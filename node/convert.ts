// Writing pwt files, and converting any trace file to one. A pwt file is two gzip members: the
// 64-byte header, stored uncompressed (deflate level 0) so it has a fixed length, and then the
// compressed body (blocks, end marker, trailer). When the body is done the header member is
// rewritten in place with the final counts, so `pagewise info` reads them from the first 87 bytes.
// Any gzip reader sees one stream: the members simply concatenate. Node only.

import zlib from "node:zlib";
import { encodePwtHeader, type PwtCounts, PwtEncoder, type RefBatch, type TraceStats } from "../src/index.js";
import { OutputFile } from "./output-file.js";
import { type OpenTraceOptions, openTrace, type TraceValues } from "./trace-file.js";

/** The header's gzip member: stored, so its length depends only on the header's (64 bytes). */
function headerMember(header: Uint8Array): Uint8Array {
  return zlib.gzipSync(header, { level: 0 });
}

/**
 * Writes a pwt file batch by batch. Create with `PwtWriter.create`, `write` batches, then `close`.
 * The bytes go to a temporary file renamed over `path` by `close` (node/output-file.ts), so an
 * interrupted or failed write leaves `path` as it was.
 */
export class PwtWriter {
  readonly path: string;
  private readonly out: OutputFile;
  private readonly enc: PwtEncoder;
  private readonly gzip: zlib.Gzip;
  private readonly done: Promise<void>;
  private readonly headerLength: number;
  private failure: Error | null = null;
  /** Bytes written to the file so far. */
  bytesWritten = 0;

  private constructor(path: string, pageSize: number, level: number, inputs: readonly string[]) {
    this.path = path;
    this.enc = new PwtEncoder(pageSize);
    this.out = OutputFile.open(path, { inputs });
    const head = headerMember(this.enc.header());
    this.headerLength = head.length;
    this.writeRaw(head);
    this.gzip = zlib.createGzip({ level, chunkSize: 1 << 18 });
    this.gzip.on("data", (chunk: Buffer) => {
      try {
        this.writeRaw(chunk);
      } catch (e) {
        this.failure = e as Error;
        this.gzip.destroy(e as Error);
      }
    });
    this.done = new Promise((resolve, reject) => {
      this.gzip.on("end", resolve);
      this.gzip.on("error", reject);
    });
    this.done.catch(() => {});
  }

  /**
   * Starts a pwt trace of `pageSize`-byte pages for `path` (replaced only by `close`). `level` is
   * the gzip level (default 6); `inputs` are files `path` may not be. Throws ConfigError for a bad
   * page size, OutputIsInputError or OutputFileError for a bad path.
   */
  static create(path: string, pageSize: number, level = 6, inputs: readonly string[] = []): PwtWriter {
    return new PwtWriter(path, pageSize, level, inputs);
  }

  /** Encodes a batch; resolves when the compressor can take more (backpressure). */
  async write(b: RefBatch): Promise<void> {
    if (this.failure) throw this.failure;
    this.enc.add(b);
    let ok = true;
    for (const block of this.enc.take()) ok = this.gzip.write(block) && ok;
    if (!ok) await new Promise<void>((r) => this.gzip.once("drain", () => r()));
  }

  /** Counts so far. */
  counts(): PwtCounts {
    return this.enc.counts();
  }

  /**
   * Ends the body, patches the header with the final counts and renames the file into place;
   * returns the counts. On failure the temporary file is removed and `path` left as it was.
   */
  async close(): Promise<PwtCounts> {
    try {
      this.gzip.end(this.enc.finish());
      await this.done;
      if (this.failure) throw this.failure;
      const counts = this.enc.counts();
      const head = headerMember(encodePwtHeader(this.enc.pageSize, counts, this.enc.version));
      if (head.length === this.headerLength && this.out.seekable) this.out.write(head, 0);
      this.out.commit();
      return counts;
    } catch (e) {
      this.out.abort();
      throw e;
    }
  }

  /** Stops writing and removes the temporary file (after an error); `path` is left as it was. */
  abort(): void {
    this.gzip.destroy();
    this.out.abort();
  }

  private writeRaw(b: Uint8Array): void {
    this.out.write(b);
    this.bytesWritten += b.length;
  }
}

/** The whole pwt file (both gzip members) for references held in memory; for tests and small tools. */
export function encodePwtFile(batches: Iterable<RefBatch>, pageSize: number): Uint8Array {
  const enc = new PwtEncoder(pageSize);
  const parts: Uint8Array[] = [];
  for (const b of batches) {
    enc.add(b);
    parts.push(...enc.take());
  }
  parts.push(enc.finish());
  const head = headerMember(encodePwtHeader(pageSize, enc.counts(), enc.version));
  const body = zlib.gzipSync(Buffer.concat(parts));
  return Buffer.concat([head, body]);
}

export interface ConvertOptions extends OpenTraceOptions {
  /** Called about every million references with the live counters. */
  readonly onProgress?: (p: ConvertProgress) => void;
  /** gzip level 1..9 (default 6). */
  readonly level?: number;
}

export interface ConvertProgress {
  readonly references: number;
  readonly bytesRead: number;
  readonly fileBytes: number;
}

export interface ConvertResult {
  readonly input: string;
  readonly output: string;
  readonly format: string;
  readonly pageSize: number;
  readonly counts: PwtCounts;
  /** The reader's counters: lines, skipped lines and their first issues, splits. */
  readonly stats: TraceStats;
  readonly inputBytes: number;
  readonly outputBytes: number;
  /** A text input: what its values were read as (page numbers or byte addresses); else null. */
  readonly values: TraceValues | null;
}

/**
 * Converts the trace at `input` (any format, detected unless `opts.format`) to a pwt file at
 * `output` (written to a temporary file renamed into place at the end: `output` is untouched if
 * reading fails, and may not be `input`). Throws what openTrace and the decoders throw.
 */
export async function convertTrace(
  input: string,
  output: string,
  opts: ConvertOptions = {},
): Promise<ConvertResult> {
  const t = await openTrace(input, opts);
  const w = PwtWriter.create(output, t.pageSize, opts.level, [input]);
  let next = 1_000_000;
  try {
    for await (const b of t.batches()) {
      await w.write(b);
      if (opts.onProgress && t.stats.references >= next) {
        next = t.stats.references + 1_000_000;
        opts.onProgress({ references: t.stats.references, bytesRead: t.bytesRead, fileBytes: t.fileBytes });
      }
    }
  } catch (e) {
    w.abort();
    throw e;
  }
  const counts = await w.close();
  return {
    input,
    output,
    format: t.format,
    pageSize: t.pageSize,
    counts,
    stats: t.stats,
    inputBytes: t.fileBytes,
    outputBytes: w.bytesWritten,
    values: t.values,
  };
}
