#!/usr/bin/env node
// The `pagewise` command line: one commander program, one file per command under commands/.
// `main(argv, io)` runs a command in-process with injected streams and returns the exit code
// (0 success, 1 user error, 2 usage error); the script entry at the bottom wires it to the process.
// The library under src/ never reads argv: commands parse options, call the engine and print.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { CliIo } from "./io.js";
import { packageVersion } from "./version.js";

/**
 * What every command needs but --version does not: the error classes and exit codes, the streams,
 * the guard on output files (and, through them, the engine's errors and the trace formats).
 */
async function runtime() {
  const [errors, io, outputFile] = await Promise.all([
    import("./errors.js"),
    import("./io.js"),
    import("../node/output-file.js"),
  ]);
  return { ...errors, ...io, ...outputFile };
}

type Register = (program: Command, ctx: CommandContext) => void;

/**
 * Each command's module, loaded when the command runs (or for the full help): `pagewise --version`
 * and `pagewise run` load neither the other commands nor what only they import.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import("./commands/demo.js")).registerDemo,
  run: async () => (await import("./commands/run.js")).registerRun,
  sweep: async () => (await import("./commands/sweep.js")).registerSweep,
  mrc: async () => (await import("./commands/mrc.js")).registerMrc,
  merge: async () => (await import("./commands/merge.js")).registerMerge,
  belady: async () => (await import("./commands/belady.js")).registerBelady,
  info: async () => (await import("./commands/info.js")).registerInfo,
  policies: async () => (await import("./commands/policies.js")).registerPolicies,
  kswapd: async () => (await import("./commands/kswapd.js")).registerKswapd,
  thrash: async () => (await import("./commands/thrash.js")).registerThrash,
  pagesize: async () => (await import("./commands/pagesize.js")).registerPageSize,
  translate: async () => (await import("./commands/translate.js")).registerTranslate,
  convert: async () => (await import("./commands/convert.js")).registerConvert,
  trace: async () => (await import("./commands/trace.js")).registerTrace,
  quiz: async () => (await import("./commands/quiz.js")).registerQuiz,
  analyze: async () => (await import("./commands/analyze.js")).registerAnalyze,
  exec: async () => (await import("./commands/exec.js")).registerExec,
  serve: async () => (await import("./commands/serve.js")).registerServe,
};

/** The command modules `argv` needs: none for --version alone, the named one, or all (help, a typo). */
export function commandsFor(argv: readonly string[]): string[] {
  const first = argv[0];
  if (argv.length === 1 && (first === "--version" || first === "-V")) return [];
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  return Object.keys(COMMANDS);
}

/** What every command's `register` receives. */
export interface CommandContext {
  readonly io: CliIo;
}

/**
 * Builds the program with the commands named (default: all, in the order of the help); a fresh one
 * per call, since commander keeps parsed values on it.
 */
export async function buildProgram(
  io: CliIo,
  onErrorPrinted: () => void = () => {},
  commands: readonly string[] = Object.keys(COMMANDS),
): Promise<Command> {
  const [{ Command }, { checkCommandFiles }] = await Promise.all([import("commander"), import("./io.js")]);
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
        write(`pagewise: ${s.trim().replace(/\s*\n\s*/g, " ")} (see --help)\n`);
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
Exit codes: 0 success, 1 user error (a bad file, an unknown policy, a value the engine refuses),
2 usage error (unknown option, missing argument, conflicting options, a malformed option value).`,
    );
  // Outputs are checked against inputs before a command does any work (cli/io.ts).
  program.hook("preAction", (_program, action) => {
    checkCommandFiles(action.name(), action.opts(), action.args, io.cwd, (k, v) =>
      action.setOptionValue(k, v),
    );
  });
  const ctx: CommandContext = { io };
  const registers = await Promise.all(commands.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program, ctx);
  return program;
}

/** Runs the CLI on `argv` (the arguments after the program name) and returns the exit code. */
export async function main(argv: readonly string[], given?: CliIo): Promise<number> {
  let printed = false;
  const commands = commandsFor(argv);
  if (commands.length === 0) {
    // --version alone: nothing else to load (exit code 0, EXIT_OK).
    (given?.stdout ?? process.stdout).write(`${packageVersion()}\n`);
    return 0;
  }
  const { classifyError, EXIT_OK, EXIT_USAGE, processIo, endCommandInputs } = await runtime();
  const io = given ?? processIo();
  try {
    const program = await buildProgram(
      io,
      () => {
        printed = true;
      },
      commands,
    );
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (err) {
    // exec ends with the program's own status (commands/exec.ts, not loaded unless exec runs).
    if (err instanceof Error && err.name === "ProgramExitStatus")
      return (err as Error & { status: number }).status;
    const { CommanderError } = await import("commander");
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
  } finally {
    endCommandInputs();
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

/**
 * Runs the command line of this process and sets its exit code: what the bin does. The bundled
 * CLI's loader, dist/cli/bin.cjs (scripts/cli-entry.cjs), loads this module and calls it.
 */
export function start(): void {
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

if (isEntryPoint()) start();
