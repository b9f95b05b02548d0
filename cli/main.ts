#!/usr/bin/env node
// The `pagewise` command line: one commander program, one file per command under commands/.
// `main(argv, io)` runs a command in-process with injected streams and returns the exit code
// (0 success, 1 user error, 2 usage error); the script entry at the bottom wires it to the process.
// The library under src/ never reads argv: commands parse options, call the engine and print.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { registerBelady } from "./commands/belady.js";
import { registerConvert } from "./commands/convert.js";
import { registerDemo } from "./commands/demo.js";
import { registerInfo } from "./commands/info.js";
import { registerKswapd } from "./commands/kswapd.js";
import { registerMrc } from "./commands/mrc.js";
import { registerPolicies } from "./commands/policies.js";
import { registerQuiz } from "./commands/quiz.js";
import { registerRun } from "./commands/run.js";
import { registerServe } from "./commands/serve.js";
import { registerSweep } from "./commands/sweep.js";
import { registerThrash } from "./commands/thrash.js";
import { registerTrace } from "./commands/trace.js";
import { registerTranslate } from "./commands/translate.js";
import { classifyError, EXIT_OK, EXIT_USAGE } from "./errors.js";
import { type CliIo, processIo } from "./io.js";
import { packageVersion } from "./version.js";

/** What every command's `register` receives. */
export interface CommandContext {
  readonly io: CliIo;
}

/** Builds the program; a fresh one per call, since commander keeps parsed values on it. */
export function buildProgram(io: CliIo, onErrorPrinted: () => void = () => {}): Command {
  const program = new Command("pagewise");
  program
    .description("A demand-paging virtual memory simulator: replacement policies, traces, reports.")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => {
        onErrorPrinted();
        write(`pagewise: ${s.trim()} (see --help)\n`);
      },
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    })
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise demo                                   every policy on a bundled real trace, with an HTML report
  $ pagewise run --refs 1,2,3,4,1,2,5,1,2,3,4,5 --policy fifo --frames 3
  $ pagewise sweep --gen zipf:pages=1000,alpha=0.9,n=100000,seed=1 --frames 8..512:x2
  $ pagewise translate 0x4ED --shape 6/10 --table 0x14,0x18,0x08,0x01

Every command takes --help. Output: human tables, or --json (one document on stdout), or --csv.
Exit codes: 0 success, 1 user error (bad file, unknown policy, bad value), 2 usage error.`,
    );
  const ctx: CommandContext = { io };
  registerDemo(program, ctx);
  registerRun(program, ctx);
  registerSweep(program, ctx);
  registerMrc(program, ctx);
  registerBelady(program, ctx);
  registerInfo(program, ctx);
  registerPolicies(program, ctx);
  registerKswapd(program, ctx);
  registerThrash(program, ctx);
  registerTranslate(program, ctx);
  registerConvert(program, ctx);
  registerTrace(program, ctx);
  registerQuiz(program, ctx);
  registerServe(program, ctx);
  return program;
}

/** Runs the CLI on `argv` (the arguments after the program name) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let printed = false;
  const program = buildProgram(io, () => {
    printed = true;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT_OK;
      const silent = printed || err.code === "commander.help" || err.code === "commander.helpDisplayed";
      if (!silent) io.stderr.write(`pagewise: error: ${err.message.replace(/^error: /, "")}\n`);
      return EXIT_USAGE;
    }
    const { exitCode, message } = classifyError(err);
    io.stderr.write(`pagewise: error: ${message}\n`);
    if (io.env.PAGEWISE_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitCode;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `pagewise … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`pagewise: internal error: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
