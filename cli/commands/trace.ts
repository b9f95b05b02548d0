// `pagewise trace [--out FILE] -- COMMAND ARGS…`: runs a real program under Valgrind's lackey tool
// and saves its memory references as a trace (lackey text, or pwt when --out ends in .pwt).

import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { writeJson } from "../output.js";
import { captureTrace } from "../wire.js";

interface TraceOptions {
  out: string;
  json?: boolean;
}

export function registerTrace(program: Command, { io }: CommandContext): void {
  program
    .command("trace")
    .summary("capture a real program's memory references (Valgrind lackey)")
    .description(
      "Run COMMAND under valgrind --tool=lackey --trace-mem=yes and save its references. Needs valgrind\n" +
        "on the PATH. Put -- before the command so its own options are not read as pagewise's.",
    )
    .argument("<command...>", "the program and its arguments")
    .option("--out <file>", "where to write the trace (.lackey text, or .pwt binary)", "trace.lackey")
    .option("--json", "print one JSON document (fields: command, out, references, exitCode)")
    .passThroughOptions()
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise trace --out ls.lackey -- ls -l /
  $ pagewise trace --out sort.pwt -- sort /etc/passwd
  $ pagewise run --trace ls.lackey --policy lru --frames 64`,
    )
    .action(async (command: string[], opts: TraceOptions) => {
      if (command.length === 0) throw new UsageError("give the program to trace after --");
      const r = await captureTrace(io, command, opts.out);
      if (opts.json) return writeJson(io, r);
      io.stdout.write(
        `${command.join(" ")}: ${r.references.toLocaleString("en-US")} references written to ${r.out}\n`,
      );
    });
}
