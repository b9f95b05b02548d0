// The CLI's view of the outside world: two output streams, the environment and the working
// directory, injected so that tests run `main(argv, io)` in-process and read what it printed.
// Colour and progress decisions are made here once: colours only when stdout is a TTY and NO_COLOR
// is unset or empty (https://no-color.org); progress bars only when stderr is a TTY.

import pc from "picocolors";
import { beginCommandInputs, checkNotInput } from "../node/output-file.js";
import { isTraceFormat, TRACE_FORMATS } from "../src/index.js";
import { UsageError } from "./errors.js";

/** A writable text stream: process.stdout, or a test's collector. */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The real process streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export type Colors = ReturnType<typeof pc.createColors>;

/** True when NO_COLOR asks for plain output (present and non-empty, per no-color.org). */
export function noColorRequested(env: CliIo["env"]): boolean {
  const v = env.NO_COLOR;
  return v !== undefined && v !== "";
}

/** Colour functions for `stream`: identity functions unless it is a TTY and NO_COLOR is unset. */
export function colorsFor(io: CliIo, stream: OutStream = io.stdout): Colors {
  return pc.createColors(stream.isTTY === true && !noColorRequested(io.env));
}

/** An in-memory stream for tests and for capturing a command's output. */
export class BufferStream implements OutStream {
  text = "";
  readonly isTTY: boolean;
  readonly columns = 100;
  constructor(isTTY = false) {
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** An io with buffer streams, for tests. */
export function bufferIo(
  opts: { tty?: boolean; env?: Record<string, string | undefined>; cwd?: string } = {},
): CliIo & { stdout: BufferStream; stderr: BufferStream } {
  return {
    stdout: new BufferStream(opts.tty ?? false),
    stderr: new BufferStream(opts.tty ?? false),
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
  };
}

/** Options that name a file a command writes. */
const OUTPUT_OPTIONS = ["out", "report", "svg", "swapFile", "plan"] as const;
/** Commands whose positional arguments are input files. */
const FILE_ARGUMENT_COMMANDS = new Set(["convert", "info"]);

/**
 * Before a command runs: drops repeated --policies (through `setOption`), checks --format against
 * the known formats (UsageError, exit 2), starts
 * noting the files it reads (main ends that), then refuses
 * (OutputIsInputError, exit 2) an output option that names one of this command's inputs (--trace
 * FILE, convert's and info's file arguments), so a conflict is reported before any work is done.
 * The writers check again (node/output-file.ts) with every file a reader opened.
 */
export function checkCommandFiles(
  command: string,
  opts: Readonly<Record<string, unknown>>,
  args: readonly unknown[],
  cwd: string,
  setOption: (key: string, value: unknown) => void = () => {},
): void {
  beginCommandInputs();
  // --policies lru,LRU,fifo: one run per distinct spec (ids and keys are case-insensitive).
  if (Array.isArray(opts.policies)) {
    const seen = new Set<string>();
    const distinct = (opts.policies as string[]).filter((p) => {
      const key = normalPolicySpec(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (distinct.length < opts.policies.length) setOption("policies", distinct);
  }
  // --format names one of a fixed list: a malformed option value, so a usage error like --mode's.
  if (typeof opts.format === "string" && !isTraceFormat(opts.format))
    throw new UsageError(`--format "${opts.format}": expected one of ${TRACE_FORMATS.join(", ")}`);
  const inputs: string[] = [];
  // --trace is a list in sweep and mrc (a set of traces).
  for (const t of [opts.trace].flat()) if (typeof t === "string") inputs.push(t);
  if (FILE_ARGUMENT_COMMANDS.has(command)) for (const a of args) if (typeof a === "string") inputs.push(a);
  if (inputs.length === 0) return;
  for (const k of OUTPUT_OPTIONS) {
    const v = opts[k];
    if (typeof v === "string") checkNotInput(v, inputs, cwd);
  }
}

/** A policy spec with its id and keys in lower case and blanks dropped, to compare specs. */
function normalPolicySpec(spec: string): string {
  const colon = spec.indexOf(":");
  if (colon < 0) return spec.trim().toLowerCase();
  const pairs = spec
    .slice(colon + 1)
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      return eq < 0 ? p : `${p.slice(0, eq).trim().toLowerCase()}=${p.slice(eq + 1).trim()}`;
    });
  return `${spec.slice(0, colon).trim().toLowerCase()}:${pairs.join(",")}`;
}
