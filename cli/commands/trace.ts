// `pagewise trace [--out FILE] -- COMMAND ARGS…`: runs a real program under Valgrind's lackey tool
// and saves its memory references as a pwt trace that every other command reads.

import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { fmtInt, writeJson } from "../output.js";
import { parsePageSize, parsePositiveInt } from "../units.js";
import { captureTrace } from "../wire.js";

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
        "are not read as pagewise's. The program's own output is shown unless --quiet or --json.",
    )
    .argument("<command...>", "the program and its arguments")
    .option("--out <file>", "where to write the trace (pwt binary)", "trace.pwt")
    .option("--page-size <size>", "page size of the trace (4KiB)", parsePageSize)
    .option("--limit <n>", "stop after n references (the program is killed)", parsePositiveInt)
    .option("--quiet", "hide the program's own output")
    .option(
      "--json",
      "print one JSON document (fields: command[], out, exitCode, truncated, pageSize, references, distinctPages, byKind{instructions,loads,stores,modifies}, bytesOut, elapsedMs, valgrind)",
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
      io.stdout.write(
        `${command.join(" ")}: ${fmtInt(r.references)} references (${fmtInt(r.distinctPages)} distinct pages)` +
          `${r.truncated ? ", stopped at --limit" : ""} written to ${r.out}\n`,
      );
    });
}
