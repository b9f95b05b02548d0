// Every file pagewise writes (converted and captured traces, HTML reports, SVG figures) goes
// through this module, so that no command can destroy its input or leave a half-written output:
//  - an output is written to a temporary file beside its target (same directory, so the rename is
//    atomic on one file system) and renamed over the target only when it is complete;
//  - an output that is one of the run's inputs (the same path, or the same file by device and
//    inode: a hard link, a symlink, "./t.txt" for "t.txt") is refused before anything is written;
//  - while a temporary file exists, SIGINT, SIGTERM and SIGHUP remove it before the process dies
//    (the signal is then raised again, so the exit status is the usual one), and so does exit.
// A target that exists and is not a regular file (/dev/null, a FIFO, /dev/stdout) is written
// directly: there is nothing to replace there. Node only.

import fs from "node:fs";
import path from "node:path";
import { PagewiseError } from "../src/index.js";
import { errnoSentence } from "./errno.js";

/** An output would overwrite an input (same path or same file). The CLI exits 2: options conflict. */
export class OutputIsInputError extends PagewiseError {
  static readonly code = "OUTPUT_IS_INPUT";
  constructor(output: string, input: string) {
    const same = path.resolve(output) === path.resolve(input) ? "" : ` (the same file as ${input})`;
    super(
      OutputIsInputError.code,
      `refusing to write ${output}: it is an input of this command${same}; choose another output file`,
      { output, input },
    );
  }
}

/** An output file could not be created or written: `file` names it, the message says why. */
export class OutputFileError extends PagewiseError {
  static readonly code = "OUTPUT_FILE";
  constructor(file: string, problem: string, errno?: string) {
    super(OutputFileError.code, `cannot write ${file}: ${problem}`, { file, problem, errno });
  }
}

/** "no space left on the device (ENOSPC)" for a Node fs error; its message otherwise. */
export function describeFsError(e: unknown): { problem: string; code?: string } {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === "string" ? err.code : undefined;
  if (code !== undefined) return { problem: `${errnoSentence(code) ?? "system error"} (${code})`, code };
  return { problem: e instanceof Error ? e.message : String(e) };
}

function fsError(file: string, e: unknown): PagewiseError {
  if (e instanceof PagewiseError) return e;
  const { problem, code } = describeFsError(e);
  return new OutputFileError(file, problem, code);
}

// ---------------------------------------------------------------------------------------------
// The inputs of the command in progress.

const inputs = new Map<string, { dev: number; ino: number } | null>();
/** True while a command runs (between beginCommandInputs and endCommandInputs). */
let scoped = false;

/**
 * Records `file` as an input of the command in progress: outputs may not replace it (openTrace
 * calls this). Outside a command (a library caller) it does nothing: give `inputs` instead.
 */
export function noteInput(file: string): void {
  if (!scoped) return;
  const abs = path.resolve(file);
  let id: { dev: number; ino: number } | null = null;
  try {
    const st = fs.statSync(abs);
    id = { dev: st.dev, ino: st.ino };
  } catch {
    // a missing input is reported by its reader
  }
  inputs.set(abs, id);
}

/** A command starts: forget earlier inputs and note those opened from now on. */
export function beginCommandInputs(): void {
  inputs.clear();
  scoped = true;
}

/** The command ended: forget its inputs and stop noting. */
export function endCommandInputs(): void {
  inputs.clear();
  scoped = false;
}

/**
 * Throws OutputIsInputError when `output` is one of `extra` or of the noted inputs: the same
 * resolved path, or an existing file with the same device and inode.
 */
export function checkNotInput(output: string, extra: readonly string[] = [], cwd = process.cwd()): void {
  const abs = path.resolve(cwd, output);
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(abs);
  } catch {
    // does not exist yet: only a path can match
  }
  const candidates = new Map(inputs);
  for (const x of extra) {
    const a = path.resolve(cwd, x);
    if (!candidates.has(a)) {
      let id: { dev: number; ino: number } | null = null;
      try {
        const s = fs.statSync(a);
        id = { dev: s.dev, ino: s.ino };
      } catch {
        // missing
      }
      candidates.set(a, id);
    }
  }
  for (const [input, id] of candidates) {
    if (input === abs) throw new OutputIsInputError(output, path.relative(cwd, input) || input);
    if (st && id && st.dev === id.dev && st.ino === id.ino)
      throw new OutputIsInputError(output, path.relative(cwd, input) || input);
  }
}

// ---------------------------------------------------------------------------------------------
// Temporary files and signals.

const pending = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let handlersInstalled = false;

function removePending(): void {
  for (const p of pending) {
    try {
      fs.rmSync(p, { force: true });
    } catch {
      // best effort: the process is going away
    }
  }
  pending.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removePending();
  uninstall();
  // Raise the signal again with the default action, so the exit status says what happened.
  process.kill(process.pid, signal);
}

function install(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on("exit", removePending);
}

function uninstall(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off("exit", removePending);
}

function track(p: string): void {
  pending.add(p);
  install();
}

function untrack(p: string): void {
  pending.delete(p);
  if (pending.size === 0) uninstall();
}

/** Temporary files of outputs in progress (for tests). */
export function pendingOutputs(): string[] {
  return [...pending];
}

let serial = 0;

export interface OutputFileOptions {
  /** Inputs besides those noted with noteInput that the output may not be. */
  readonly inputs?: readonly string[];
  /** Create the target's directory if missing (default false). */
  readonly mkdir?: boolean;
  /** Resolve a relative target against this directory (default: the process's). */
  readonly cwd?: string;
}

/**
 * An output being written: `fd` is a temporary file beside the target (or the target itself when
 * that is a device or FIFO). `commit` renames it over the target; `abort` removes it.
 */
export class OutputFile {
  /** The target as given. */
  readonly target: string;
  /** Absolute path the file ends up at (a symlinked target's real file). */
  readonly finalPath: string;
  /** Where the bytes go until commit. */
  readonly tempPath: string | null;
  readonly fd: number;
  /** False for a device or FIFO target: no seeking, no rename. */
  readonly seekable: boolean;
  private closed = false;

  private constructor(target: string, opts: OutputFileOptions) {
    this.target = target;
    const cwd = opts.cwd ?? process.cwd();
    checkNotInput(target, opts.inputs, cwd);
    let abs = path.resolve(cwd, target);
    let existing: fs.Stats | null = null;
    try {
      existing = fs.statSync(abs);
    } catch {
      existing = null;
    }
    if (existing?.isFile()) {
      try {
        // Write beside the file a symlink points to, and keep the link.
        abs = fs.realpathSync(abs);
      } catch {
        // keep the path as given
      }
    }
    if (existing?.isDirectory()) throw new OutputFileError(target, "it is a directory");
    this.finalPath = abs;
    try {
      if (opts.mkdir) fs.mkdirSync(path.dirname(abs), { recursive: true });
      if (existing && !existing.isFile()) {
        this.tempPath = null;
        this.seekable = false;
        this.fd = fs.openSync(abs, "w");
        return;
      }
      const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.${serial++}.tmp`);
      this.fd = fs.openSync(tmp, "wx", existing ? existing.mode & 0o777 : 0o666);
      this.tempPath = tmp;
      this.seekable = true;
      track(tmp);
    } catch (e) {
      throw fsError(target, e);
    }
  }

  /** Opens a new output for `target` (checks it is not an input first). Throws OutputFileError. */
  static open(target: string, opts: OutputFileOptions = {}): OutputFile {
    return new OutputFile(target, opts);
  }

  /** Writes all of `bytes` at the current end (or at `position`). Throws OutputFileError. */
  write(bytes: Uint8Array, position?: number): void {
    try {
      let off = 0;
      while (off < bytes.length) {
        off += fs.writeSync(
          this.fd,
          bytes,
          off,
          bytes.length - off,
          position === undefined ? null : position + off,
        );
      }
    } catch (e) {
      throw fsError(this.target, e);
    }
  }

  /** Flushes, closes and renames the temporary file over the target; returns the final path. */
  commit(): string {
    if (this.closed) throw new OutputFileError(this.target, "the output was already closed");
    this.closed = true;
    try {
      if (this.tempPath !== null) fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      if (this.tempPath !== null) {
        fs.renameSync(this.tempPath, this.finalPath);
        untrack(this.tempPath);
      }
    } catch (e) {
      this.cleanup();
      throw fsError(this.target, e);
    }
    return this.finalPath;
  }

  /** Closes and removes the temporary file; the target is left as it was. Safe to call twice. */
  abort(): void {
    if (!this.closed) {
      this.closed = true;
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    this.cleanup();
  }

  private cleanup(): void {
    if (this.tempPath === null) return;
    try {
      fs.rmSync(this.tempPath, { force: true });
    } catch {
      // nothing more to do
    }
    untrack(this.tempPath);
  }
}

/**
 * Writes `data` to `target` through a temporary file and a rename; returns the final absolute
 * path. Throws OutputIsInputError or OutputFileError; the target is untouched on failure.
 */
export function writeOutputFile(
  target: string,
  data: string | Uint8Array,
  opts: OutputFileOptions = {},
): string {
  const out = OutputFile.open(target, opts);
  try {
    out.write(typeof data === "string" ? Buffer.from(data, "utf8") : data);
    return out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
