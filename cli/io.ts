// The CLI's view of the outside world: two output streams, the environment and the working
// directory, injected so that tests run `main(argv, io)` in-process and read what it printed.
// Colour and progress decisions are made here once: colours only when stdout is a TTY and NO_COLOR
// is unset or empty (https://no-color.org); progress bars only when stderr is a TTY.

import pc from "picocolors";

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
