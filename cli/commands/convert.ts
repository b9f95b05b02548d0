// `pagewise convert IN --out OUT`: rewrites a trace in pagewise's binary format (pwt), which later
// runs read several times faster than text; the input's format is detected or forced with --format.
// `--to oracleGeneral` writes libCacheSim's binary format instead (node/oracle-general-file.ts).

import { resolve } from "node:path";
import type { Command } from "commander";
import { writeOracleGeneralFile } from "../../node/oracle-general-file.js";
import { openTrace } from "../../node/trace-file.js";
import { groupDigits } from "../../src/index.js";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { writeJson } from "../output.js";
import { Progress } from "../progress.js";
import { parsePageSize } from "../units.js";
import { convertTrace } from "../wire.js";
import { noteValues, valuesText } from "../workload.js";

interface ConvertOptions {
  out: string;
  format?: string;
  pageSize?: number;
  skipBad?: boolean;
  json?: boolean;
  to?: string;
  unitSize?: number;
  csvParams?: string;
  addresses?: boolean;
  pages?: boolean;
}

const OUTPUT_FORMATS = ["pwt", "oracleGeneral"];

export function registerConvert(program: Command, { io }: CommandContext): void {
  program
    .command("convert")
    .summary("convert a trace to the binary format (pwt)")
    .description("Read a trace in any supported format and write it in pagewise's binary format (pwt).")
    .argument("<in>", "input trace: lackey, text, csv, libcachesim-csv or pwt")
    .requiredOption("--out <file>", "output file (.pwt, or .oracleGeneral.bin with --to oracleGeneral)")
    .option("--to <format>", "output format: pwt (default) or oracleGeneral (libCacheSim's binary)", "pwt")
    .option("--format <id>", "force the input format instead of detecting it")
    .option("--page-size <size>", "page size for byte-address inputs (4KiB)", parsePageSize)
    .option("--skip-bad", "skip malformed lines instead of stopping at the first")
    .option(
      "--unit-size <size>",
      "oracleGeneral input: a request of S bytes is ceil(S/size) pages (default: one page a request)",
      parsePageSize,
    )
    .option(
      "--csv-params <params>",
      'libcachesim-csv input: libCacheSim\'s columns, e.g. "obj-id-col=2,has-header=false"',
    )
    .option(
      "--addresses",
      "text input: the values are byte addresses, cut into pages at --page-size (default: detected, and said)",
    )
    .option("--pages", "text input: the values are page numbers (default: detected)")
    .option(
      "--json",
      "print one JSON document (fields: in, out, format, references, bytesIn, bytesOut, pageSize, values{unit, how, why} for a text input)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise convert test/fixtures/traces/ls.lackey --out ls.pwt
  $ pagewise convert test/fixtures/traces/sort500.pwt --to oracleGeneral --out sort500.oracleGeneral.bin
  $ pagewise convert sort500.oracleGeneral.bin --out sort500.pwt
  $ pagewise convert test/fixtures/traces/oracle/raw.oracleGeneral.bin.zst --unit-size 4KiB --out raw.pwt
  $ pagewise convert test/fixtures/traces/oracle/requests.csv --format libcachesim-csv --csv-params "obj-id-col=2,op-col=4,has-header=false" --out requests.pwt
  $ pagewise convert test/fixtures/traces/run.pages --format pages --out run.pwt --json`,
    )
    .action(async (input: string, opts: ConvertOptions) => {
      if (!OUTPUT_FORMATS.includes(opts.to ?? "pwt"))
        throw new UsageError(
          `--to: unknown output format "${opts.to}" (known: ${OUTPUT_FORMATS.join(", ")})`,
        );
      // Relative paths are the caller's (io.cwd: the process's, or a test's).
      const unit = await checkUnitOptions(opts, resolve(io.cwd, input), input);
      const paths = { ...opts, out: resolve(io.cwd, opts.out), ...(unit !== undefined ? { unit } : {}) };
      const r =
        opts.to === "oracleGeneral"
          ? await toOracleGeneral(io, resolve(io.cwd, input), paths)
          : await convertTrace(io, resolve(io.cwd, input), paths);
      noteValues(io, input, r.values, r.pageSize);
      if (opts.json) return writeJson(io, r);
      io.stdout.write(
        `${r.in} (${r.format}) → ${r.out}: ${groupDigits(r.references)} references, ` +
          `${groupDigits(r.bytesIn)} → ${groupDigits(r.bytesOut)} bytes` +
          `${r.values !== undefined ? `; values: ${valuesText(r.values, r.pageSize)}` : ""}\n`,
      );
    });
}

/**
 * The unit --addresses/--pages give (undefined: detect), refused both at once or for an input that
 * is not a text trace (its format is read from the file's first bytes before anything is written).
 */
async function checkUnitOptions(
  opts: ConvertOptions,
  path: string,
  shown: string,
): Promise<"address" | "page" | undefined> {
  if (opts.addresses && opts.pages) throw new UsageError("give --addresses or --pages, not both");
  const flag = opts.addresses ? "--addresses" : opts.pages ? "--pages" : undefined;
  if (flag === undefined) return undefined;
  const t = await openTrace(path, {
    format: opts.format,
    pageSize: opts.pageSize,
    csvParams: opts.csvParams,
  });
  if (t.format !== "text")
    throw new UsageError(
      `${flag} applies to text traces; ${shown} is ${t.format}, whose format says what its values are`,
    );
  return opts.addresses ? "address" : "page";
}

async function toOracleGeneral(
  io: CommandContext["io"],
  input: string,
  opts: ConvertOptions & { unit?: "address" | "page" },
) {
  const bar = new Progress(io, "converting", 1, { unit: "bytes" });
  try {
    const r = await writeOracleGeneralFile(input, opts.out, {
      format: opts.format,
      pageSize: opts.pageSize,
      skipBad: opts.skipBad,
      ...(opts.unit !== undefined ? { unit: opts.unit } : {}),
      unitSize: opts.unitSize,
      csvParams: opts.csvParams,
      onProgress: (read, total) => bar.update(read, Math.max(1, total)),
    });
    return {
      in: r.input,
      out: r.output,
      format: r.format,
      to: "oracleGeneral",
      pageSize: r.pageSize,
      references: r.references,
      skipped: r.stats.skipped,
      bytesIn: r.inputBytes,
      bytesOut: r.outputBytes,
      ...(r.values !== null ? { values: r.values } : {}),
    };
  } finally {
    bar.stop();
  }
}
