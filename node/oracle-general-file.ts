// Writing libCacheSim's oracleGeneral files from any trace, so a trace moves to libCacheSim (and its
// datasets' tools) and back. Two passes over the output file, in constant memory but for one entry
// per distinct page: the records in order with no next access, then from the end backwards the
// next-access fields filled in (NextAccessFiller). Node only.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  ConfigError,
  DEFAULT_BATCH,
  NextAccessFiller,
  ORACLE_GENERAL_RECORD,
  PagewiseError,
  type TraceStats,
  writeOracleGeneralRecords,
} from "../src/index.js";
import { type OpenTraceOptions, openTrace, type TraceValues } from "./trace-file.js";
import { hasZstdBinary } from "./zstd.js";

/** Compressing the written file failed: `file` names the output, the message says why. */
export class CompressError extends PagewiseError {
  static readonly code = "COMPRESS";
  constructor(file: string, problem: string) {
    super(CompressError.code, `${file}: ${problem}`, { file, problem });
  }
}

export interface OracleGeneralWriteOptions extends OpenTraceOptions {
  /** Called about every million references (first pass) with the bytes of the input read. */
  readonly onProgress?: (bytesRead: number, fileBytes: number) => void;
}

export interface OracleGeneralWriteResult {
  readonly input: string;
  readonly output: string;
  readonly format: string;
  readonly pageSize: number;
  readonly references: number;
  readonly stats: TraceStats;
  readonly inputBytes: number;
  readonly outputBytes: number;
  /** A text input: what its values were read as (page numbers or byte addresses); else null. */
  readonly values: TraceValues | null;
}

/**
 * Converts the trace at `input` to an oracleGeneral file at `output`: one record per reference,
 * object id = the page (pageKey(pid, page) for processes other than 0), size = the page size,
 * time 0, next access = 1-based index of the page's next reference or -1. Written to a temporary
 * file beside `output` and renamed over it at the end, so a failure leaves no partial file and an
 * existing `output` untouched; `output` may not be the input (ConfigError). An `output` ending in
 * `.zst` is compressed with the zstd program at the end (ConfigError up front when there is none).
 */
export async function writeOracleGeneralFile(
  input: string,
  output: string,
  opts: OracleGeneralWriteOptions = {},
): Promise<OracleGeneralWriteResult> {
  const t = await openTrace(input, opts);
  if (sameFile(input, output))
    throw new ConfigError(
      "out",
      output,
      "a file other than the input (it is read while the output is written)",
    );
  const zst = output.endsWith(".zst");
  if (zst && !hasZstdBinary())
    throw new ConfigError(
      "out",
      output,
      "a plain file name: writing .zst needs the zstd program on the PATH",
    );
  const tmp = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  const tmpZst = `${tmp}.zst`;
  const fd = fs.openSync(tmp, "w+");
  let n = 0;
  try {
    let buf = new Uint8Array(DEFAULT_BATCH * ORACLE_GENERAL_RECORD);
    let next = 1_000_000;
    for await (const b of t.batches()) {
      if (b.count * ORACLE_GENERAL_RECORD > buf.length) buf = new Uint8Array(b.count * ORACLE_GENERAL_RECORD);
      writeOracleGeneralRecords(b, 0, b.count, t.pageSize, buf);
      writeAll(fd, buf.subarray(0, b.count * ORACLE_GENERAL_RECORD), n * ORACLE_GENERAL_RECORD);
      n += b.count;
      if (opts.onProgress && n >= next) {
        next = n + 1_000_000;
        opts.onProgress(t.bytesRead, t.fileBytes);
      }
    }
    const filler = new NextAccessFiller();
    const per = Math.floor(buf.length / ORACLE_GENERAL_RECORD);
    for (let end = n; end > 0; ) {
      const start = Math.max(0, end - per);
      const chunk = buf.subarray(0, (end - start) * ORACLE_GENERAL_RECORD);
      readAll(fd, chunk, start * ORACLE_GENERAL_RECORD);
      filler.fill(chunk, start);
      writeAll(fd, chunk, start * ORACLE_GENERAL_RECORD);
      end = start;
    }
    fs.closeSync(fd);
    if (zst) {
      // The backward pass needs the plain file; compress it at the end, as the datasets ship.
      const r = spawnSync("zstd", ["-q", "-f", "-T0", tmp, "-o", tmpZst], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      if (r.status !== 0)
        throw new CompressError(output, `zstd failed: ${String(r.stderr).trim() || `exit ${r.status}`}`);
      fs.rmSync(tmp);
      fs.renameSync(tmpZst, output);
    } else {
      fs.renameSync(tmp, output);
    }
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    fs.rmSync(tmpZst, { force: true });
    throw e;
  }
  return {
    input,
    output,
    format: t.format,
    pageSize: t.pageSize,
    references: n,
    stats: t.stats,
    inputBytes: t.fileBytes,
    outputBytes: fs.statSync(output).size,
    values: t.values,
  };
}

/** True when both paths name one existing file. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function writeAll(fd: number, b: Uint8Array, pos: number): void {
  let off = 0;
  while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off, pos + off);
}

function readAll(fd: number, b: Uint8Array, pos: number): void {
  let off = 0;
  while (off < b.length) {
    const got = fs.readSync(fd, b, off, b.length - off, pos + off);
    if (got === 0) throw new Error(`oracleGeneral output shrank while being written (at byte ${pos + off})`);
    off += got;
  }
}
