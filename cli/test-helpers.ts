// Runs the CLI in-process for tests: `runCli(["run", ...])` returns the exit code and what was printed.

import { bufferIo } from "./io.js";
import { main } from "./main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: readonly string[],
  opts: { tty?: boolean; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  const io = bufferIo(opts);
  const code = await main(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}
