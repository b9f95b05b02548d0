// Runs `$ pagewise ...` example lines as the user would type them, for tests: the words of a line
// (double or single quotes group words), run in-process from a scratch directory where `test/`
// points at the repository's test directory, so examples name the committed fixtures and write
// their outputs to the scratch directory.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../built-cli.js";
import { type CliResult, runCli } from "../test-helpers.js";

/** The words of a shell-like command line (no variables, no escapes but quotes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** The `$ pagewise ...` lines of a help text or document, without the `$ pagewise `. */
export function exampleLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => /^\s*\$ pagewise (.*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
}

/** A scratch directory with `test` linked to the repository's; run examples there in order. */
export async function runExamples(lines: readonly string[]): Promise<{ line: string; result: CliResult }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-examples-"));
  fs.symlinkSync(path.join(ROOT, "test"), path.join(dir, "test"));
  const before = process.cwd();
  process.chdir(dir);
  try {
    const out: { line: string; result: CliResult }[] = [];
    for (const line of lines) out.push({ line, result: await runCli(shellWords(line), { cwd: dir }) });
    return out;
  } finally {
    process.chdir(before);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
