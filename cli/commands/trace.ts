// `pagewise trace [--out FILE] -- COMMAND ARGS…`: runs a real program under Valgrind's lackey tool
// and saves its memory references as a pwt trace that every other command reads.

import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { fmtInt, writeJson } from "../output.js";
import { parsePageSize, parsePositiveInt } from "../units.js";
import { type CaptureSummary, captureTrace } from "../wire.js";

interface TraceOptions {
  out: string;
  pageSize?: number;
  limit?: number;
  quiet?: boolean;
  json?: boolean;
}

export function registerTrace(program: Command, { io }: CommandContext): void {
  program
    .command("trace")
    .summary("capture a real program's memory references (Valgrind lackey)")
    .description(
      "Run COMMAND under valgrind --tool=lackey --trace-mem=yes and save its references as a pwt trace.\n" +
        "Needs valgrind on the PATH (or $PAGEWISE_VALGRIND). Put -- before the command so its options\n" +
        "are not read as pagewise's. The program's own output is shown unless --quiet or --json; pagewise's\n" +
        "summary (the program's exit status, the references saved) goes to stderr.",
    )
    .argument("<command...>", "the program and its arguments")
    .option("--out <file>", "where to write the trace (pwt binary)", "trace.pwt")
    .option("--page-size <size>", "page size of the trace (4KiB)", parsePageSize)
    .option("--limit <n>", "stop after n references (the program is killed)", parsePositiveInt)
    .option("--quiet", "hide the program's own output")
    .option(
      "--json",
      "print one JSON document (fields: command[], out, exitCode, signal, truncated, pageSize, references, distinctPages, byKind{instructions,loads,stores,modifies}, bytesOut, elapsedMs, valgrind)",
    )
    .passThroughOptions()
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise trace --out ls.pwt -- ls -l /
  $ pagewise trace --out sort.pwt --limit 2000000 --quiet -- sort /etc/passwd
  $ pagewise run --trace ls.pwt --policy lru --frames 64`,
    )
    .action(async (command: string[], opts: TraceOptions) => {
      if (command.length === 0) throw new UsageError("give the program to trace after --");
      const r = await captureTrace(io, command, {
        ...opts,
        out: resolve(io.cwd, opts.out),
        quiet: opts.quiet || opts.json,
      });
      if (opts.json) return writeJson(io, r);
      // On stderr: the program's own output is on stdout and stays the program's.
      io.stderr.write(`${traceSummary(r)}\n`);
    });
}

/** How the traced program ended, as a sentence. */
export function exitStatus(r: Pick<CaptureSummary, "exitCode" | "signal" | "truncated">): string {
  if (r.truncated) return "was stopped at --limit";
  if (r.exitCode === 0) return "exited with status 0 (success)";
  if (r.exitCode !== null) return `exited with status ${r.exitCode} (failure)`;
  return r.signal !== null ? `was killed by ${r.signal}` : "was killed";
}

/** The human summary line: how the program ended and what was saved. */
export function traceSummary(r: CaptureSummary): string {
  return (
    `${r.command.join(" ")} ${exitStatus(r)}: ${fmtInt(r.references)} references ` +
    `(${fmtInt(r.distinctPages)} distinct pages) written to ${r.out}`
  );
}
