// Capturing a real program's memory references: runs it under Valgrind's lackey tool
// (`valgrind --tool=lackey --trace-mem=yes --log-fd=3 COMMAND ARGS...`), reads lackey's text from
// the pipe on fd 3 and converts it on the fly to a pwt file, so the raw text (tens of bytes per
// reference) is never stored. Node only.

import { spawn, spawnSync } from "node:child_process";
import type { Readable } from "node:stream";
import { DEFAULT_BATCH, LackeyDecoder, makeBatch, PagewiseError } from "../src/index.js";
import { PwtWriter } from "./convert.js";

/** Valgrind is not installed (or not at the path given). */
export class ValgrindMissingError extends PagewiseError {
  static readonly code = "VALGRIND_MISSING";
  constructor(valgrind: string) {
    super(
      ValgrindMissingError.code,
      `valgrind not found (tried "${valgrind}"): install it, e.g. \`sudo apt-get install valgrind\` on Debian or Ubuntu, \`sudo dnf install valgrind\` on Fedora`,
      { valgrind, install: "apt-get install valgrind" },
    );
  }
}

/** Valgrind ran but the program could not be traced (not found, not executable...). */
export class CaptureError extends PagewiseError {
  static readonly code = "CAPTURE_FAILED";
  constructor(command: string, exitCode: number | null, stderrTail: string) {
    const why = stderrTail.trim().split("\n").slice(-3).join(" / ");
    super(
      CaptureError.code,
      `could not trace "${command}": valgrind exited with ${exitCode}${why ? `: ${why}` : ""}`,
      {
        command,
        exitCode,
        stderr: stderrTail,
      },
    );
  }
}

export interface CaptureOptions {
  /** The program to run (looked up on PATH by valgrind). */
  readonly command: string;
  readonly args?: readonly string[];
  /** The pwt file to write. */
  readonly out: string;
  /** Page size of the trace (default 4096). */
  readonly pageSize?: number;
  /** The valgrind executable (default: $PAGEWISE_VALGRIND or "valgrind"). */
  readonly valgrind?: string;
  /** Stop after this many references (the program is killed); default: the whole run. */
  readonly limit?: number;
  /** The program's stdin/stdout/stderr: "inherit" (default) or "ignore". */
  readonly programOutput?: "inherit" | "ignore";
  /** Called about every `progressMs` (default 250) while capturing, and once at the end. */
  readonly onProgress?: (p: CaptureProgress) => void;
  readonly progressMs?: number;
}

export interface CaptureProgress {
  readonly references: number;
  /** Lackey text read so far (what the raw trace would have taken on disk). */
  readonly textBytes: number;
  /** pwt bytes written so far. */
  readonly outputBytes: number;
  readonly elapsedMs: number;
}

export interface CaptureResult {
  readonly out: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The program's exit code (valgrind passes it on), or null if it was killed. */
  readonly exitCode: number | null;
  /** The signal that ended it (SIGSEGV, SIGKILL at --limit …), or null when it exited. */
  readonly signal: string | null;
  /** True when `limit` stopped the capture early. */
  readonly truncated: boolean;
  readonly pageSize: number;
  readonly references: number;
  /** References by kind: I, L, S, M. */
  readonly byKind: readonly [number, number, number, number];
  readonly distinctPages: number;
  /** References added by splitting page-straddling accesses. */
  readonly splits: number;
  readonly textBytes: number;
  readonly outputBytes: number;
  readonly elapsedMs: number;
  readonly valgrindVersion: string;
}

/**
 * The installed valgrind's version string ("valgrind-3.19.0"). Throws ValgrindMissingError when
 * it cannot be run.
 */
export function valgrindVersion(valgrind = defaultValgrind()): string {
  const r = spawnSync(valgrind, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new ValgrindMissingError(valgrind);
  return r.stdout.trim();
}

function defaultValgrind(): string {
  return process.env.PAGEWISE_VALGRIND ?? "valgrind";
}

/**
 * Runs `command` under lackey and writes its references to `out` as pwt. Resolves when the
 * program has exited and the file is complete, whatever the program's exit code (reported in the
 * result). Throws ValgrindMissingError before starting when valgrind is absent, CaptureError when
 * valgrind could not run the program (no reference was traced), and removes `out` on failure.
 */
export async function captureTrace(opts: CaptureOptions): Promise<CaptureResult> {
  const valgrind = opts.valgrind ?? defaultValgrind();
  const version = valgrindVersion(valgrind);
  const args = opts.args ?? [];
  const pageSize = opts.pageSize ?? 4096;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const progressMs = opts.progressMs ?? 250;
  const dec = new LackeyDecoder({ source: `lackey output of ${opts.command}`, pageSize });
  const writer = PwtWriter.create(opts.out, pageSize);
  const quiet = opts.programOutput === "ignore";
  const t0 = Date.now();
  const child = spawn(valgrind, ["--tool=lackey", "--trace-mem=yes", "--log-fd=3", opts.command, ...args], {
    stdio: [quiet ? "ignore" : "inherit", quiet ? "ignore" : "inherit", "pipe", "pipe"],
  });
  let stderrTail = "";
  child.stderr!.on("data", (c: Buffer) => {
    if (!quiet) process.stderr.write(c);
    stderrTail = (stderrTail + c.toString("utf8")).slice(-4096);
  });
  let signal: string | null = null;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, sig) => {
      signal = sig;
      resolve(code);
    });
  });
  exited.catch(() => {});
  let textBytes = 0;
  let truncated = false;
  let lastReport = t0;
  const report = () =>
    opts.onProgress?.({
      references: dec.stats.references,
      textBytes,
      outputBytes: writer.bytesWritten,
      elapsedMs: Date.now() - t0,
    });
  const batch = makeBatch(DEFAULT_BATCH);
  try {
    const take = async (): Promise<boolean> => {
      while (dec.drain(batch)) {
        if (!(await flush())) return false;
      }
      return true;
    };
    const flush = async (): Promise<boolean> => {
      const room = limit - writer.counts().references;
      if (batch.count >= room) {
        batch.count = Math.max(0, room);
        await writer.write(batch);
        batch.count = 0;
        return false;
      }
      await writer.write(batch);
      batch.count = 0;
      return true;
    };
    let going = true;
    for await (const chunk of child.stdio[3] as Readable) {
      textBytes += chunk.length;
      dec.push(chunk);
      if (!(await take())) {
        going = false;
        break;
      }
      const now = Date.now();
      if (now - lastReport >= progressMs) {
        lastReport = now;
        report();
      }
    }
    if (going) {
      dec.end();
      if (await take()) await flush();
    } else {
      truncated = true;
      child.kill("SIGKILL");
    }
    const exitCode = await exited;
    if (writer.counts().references === 0 && !truncated)
      throw new CaptureError(opts.command, exitCode, stderrTail);
    const counts = await writer.close();
    report();
    return {
      out: opts.out,
      command: opts.command,
      args,
      exitCode: truncated ? null : exitCode,
      signal,
      truncated,
      pageSize,
      references: counts.references,
      byKind: counts.byKind,
      distinctPages: counts.distinctPages,
      splits: dec.stats.splits,
      textBytes,
      outputBytes: writer.bytesWritten,
      elapsedMs: Date.now() - t0,
      valgrindVersion: version,
    };
  } catch (e) {
    child.kill("SIGKILL");
    writer.abort();
    throw e;
  }
}
