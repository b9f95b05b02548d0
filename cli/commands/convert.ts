// `pagewise convert IN --out OUT`: rewrites a trace in pagewise's binary format (pwt), which later
// runs read several times faster than text; the input's format is detected or forced with --format.

import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { writeJson } from "../output.js";
import { parsePageSize } from "../units.js";
import { convertTrace } from "../wire.js";

interface ConvertOptions {
  out: string;
  format?: string;
  pageSize?: number;
  skipBad?: boolean;
  json?: boolean;
}

export function registerConvert(program: Command, { io }: CommandContext): void {
  program
    .command("convert")
    .summary("convert a trace to the binary format (pwt)")
    .description("Read a trace in any supported format and write it in pagewise's binary format (pwt).")
    .argument("<in>", "input trace: lackey, text, csv, libcachesim-csv or pwt")
    .requiredOption("--out <file>", "output file (.pwt)")
    .option("--format <id>", "force the input format instead of detecting it")
    .option("--page-size <size>", "page size for byte-address inputs (4KiB)", parsePageSize)
    .option("--skip-bad", "skip malformed lines instead of stopping at the first")
    .option(
      "--json",
      "print one JSON document (fields: in, out, format, references, bytesIn, bytesOut, pageSize)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise convert test/fixtures/traces/ls.lackey --out ls.pwt
  $ pagewise convert test/fixtures/traces/run.pages --format pages --out run.pwt --json`,
    )
    .action(async (input: string, opts: ConvertOptions) => {
      // Relative paths are the caller's (io.cwd: the process's, or a test's).
      const r = await convertTrace(io, resolve(io.cwd, input), { ...opts, out: resolve(io.cwd, opts.out) });
      if (opts.json) return writeJson(io, r);
      io.stdout.write(
        `${r.in} (${r.format}) → ${r.out}: ${r.references.toLocaleString("en-US")} references, ` +
          `${r.bytesIn.toLocaleString("en-US")} → ${r.bytesOut.toLocaleString("en-US")} bytes\n`,
      );
    });
}
