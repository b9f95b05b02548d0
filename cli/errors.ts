// How the CLI ends: exit 0 on success, 1 on a user error (a PagewiseError from the engine, a file
// that cannot be read), 2 on a usage error (unknown option, missing or malformed argument). Every
// failure prints one line on stderr, "pagewise: error: …", and nothing on stdout.

import { PagewiseError } from "../src/index.js";
import { errnoMessage } from "./errno.js";

/** OutputIsInputError's code (node/output-file.ts). */
const OUTPUT_IS_INPUT = "OUTPUT_IS_INPUT";

export const EXIT_OK = 0;
export const EXIT_USER = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: options that conflict, a required one missing. Exit code 2. */
export class UsageError extends PagewiseError {
  static readonly code = "USAGE";
  constructor(message: string) {
    super(UsageError.code, message);
  }
}

/** A file or program outside pagewise failed: unreadable input, a capture tool missing. Exit code 1. */
export class IoError extends PagewiseError {
  static readonly code = "IO";
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(IoError.code, message, data);
  }
}

/** Exit code and one-line message for anything a command threw (control characters escaped). */
export function classifyError(err: unknown): { exitCode: number; message: string } {
  const r = classify(err);
  return { exitCode: r.exitCode, message: escapeControls(r.message) };
}

/**
 * The message with control characters (C0, DEL, C1: what a terminal would act on) written as
 * \xNN, so no byte read from a file reaches the terminal raw.
 */
export function escapeControls(message: string): string {
  let out = "";
  for (const ch of message) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

function classify(err: unknown): { exitCode: number; message: string } {
  if (err instanceof UsageError) return { exitCode: EXIT_USAGE, message: err.message };
  // An output that is an input: two options that conflict.
  if (err instanceof PagewiseError && err.code === OUTPUT_IS_INPUT)
    return { exitCode: EXIT_USAGE, message: err.message };
  if (err instanceof PagewiseError) return { exitCode: EXIT_USER, message: err.message };
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === "object" && typeof e.code === "string" && typeof e.syscall === "string") {
    return { exitCode: EXIT_USER, message: errnoMessage({ code: e.code, syscall: e.syscall, path: e.path }) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT_USER, message: `unexpected failure: ${message.split("\n")[0]}` };
}
