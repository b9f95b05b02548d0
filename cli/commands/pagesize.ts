// `pagewise pagesize`: page size as a trade-off (seed 002: "Bigger pages yield more Internal
// Fragmentation. Smaller pages get us a bigger page table"). Replays the workload at each page
// size in the same memory and prints side by side the faults and the bytes they bring in, the
// page-table frames that map the touched pages, and the internal fragmentation: bytes mapped but
// outside the regions the trace touches (its runs of consecutive pages at its own page size).

import type { Command } from "commander";
import { ConfigError, pageSizeSweep, touchedRegions } from "../../src/index.js";
import { UsageError } from "../errors.js";
import { colorsFor } from "../io.js";
import type { CommandContext } from "../main.js";
import { fmtInt, fmtPct, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { formatBytes, parseFramesList, parsePositiveInt, parseSize } from "../units.js";
import { addWorkloadOptions, type WorkloadOptions } from "../workload.js";
import { addOutputOptions, workloadOf } from "./common.js";

interface PageSizeOptions extends WorkloadOptions {
  memory?: number;
  sizes?: string;
  policy: string;
  vaBits?: number;
  json?: boolean;
  csv?: boolean;
}

const COLUMNS = [
  "pageSize",
  "frames",
  "pages",
  "faults",
  "missRatio",
  "faultBytes",
  "pageTableFrames",
  "pageTableBytes",
  "fragmentationBytes",
] as const;

export function registerPageSize(program: Command, { io }: CommandContext): void {
  const cmd = program
    .command("pagesize")
    .summary("page size as a trade-off: faults, page-table frames, internal fragmentation")
    .description(
      "Replays the workload at each page size in the same physical memory (frames = --memory / page\n" +
        "size) and reports side by side the faults and the bytes they bring in, the page-table frames\n" +
        "that map the pages it touches (one table per frame, root included, per process), and the\n" +
        "internal fragmentation: bytes mapped but outside the regions the trace touches (its runs of\n" +
        "consecutive pages at its own page size, so page sizes start there).",
    );
  addWorkloadOptions(cmd);
  cmd
    .option("--memory <size>", "physical memory for pages, the same at every page size (256KiB)", parseSize)
    .option(
      "--sizes <list>",
      "page sizes: 4KiB,16KiB or 4KiB..64KiB:x2 (default: the workload's page size to 16 times it)",
    )
    .option("--policy <spec>", "replacement policy", "lru")
    .option(
      "--va-bits <n>",
      "virtual address bits for the page tables (default: 32, or more if needed)",
      parsePositiveInt,
    );
  addOutputOptions(
    cmd,
    `workload{name, source, pageSize, references}, memoryBytes, vaBits, policy, rows[] {${COLUMNS.join(", ")}}`,
    COLUMNS.join(","),
  );
  cmd
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise pagesize --trace test/fixtures/traces/sort500.pwt --memory 512KiB
  $ pagewise pagesize --gen zipf:pages=4000,alpha=0.9,n=100000,seed=1 --memory 1MiB --sizes 4KiB..64KiB:x2 --csv`,
    )
    .action(async (opts: PageSizeOptions) => {
      const mode = outputMode(opts);
      if (opts.memory === undefined)
        throw new UsageError("give --memory SIZE (the same memory at every page size)");
      const w = await workloadOf(opts, io);
      const unit = w.pageSize;
      const sizes = (
        opts.sizes ? parseFramesList(opts.sizes) : [{ kind: "bytes" as const, bytes: unit, text: "" }]
      ).map((s) => (s.kind === "bytes" ? s.bytes : s.frames));
      const pageSizes = opts.sizes ? sizes : [unit, 2 * unit, 4 * unit, 8 * unit, 16 * unit];
      for (const p of pageSizes)
        if (p % unit !== 0)
          throw new ConfigError(
            "--sizes",
            p,
            `a multiple of the workload's page size, ${formatBytes(unit)} (its addresses are known only to that page)`,
          );
      const addresses = new Float64Array(w.count);
      let max = 0;
      for (let i = 0; i < w.count; i++) {
        addresses[i] = w.pages[i]! * unit;
        if (addresses[i]! > max) max = addresses[i]!;
      }
      const needBits = Math.max(32, Math.ceil(Math.log2(max + unit)));
      const vaBits = opts.vaBits ?? needBits;
      if (vaBits < needBits)
        throw new ConfigError("--va-bits", vaBits, `at least ${needBits} for the workload's highest address`);
      const rows = pageSizeSweep({
        addresses,
        count: w.count,
        pids: w.pids,
        regions: touchedRegions(addresses, w.count, unit, w.pids),
        memoryBytes: opts.memory,
        pageSizes,
        vaBits,
        policy: opts.policy,
      });
      if (mode === "json")
        return writeJson(io, {
          workload: { name: w.name, source: w.source, pageSize: unit, references: w.count },
          memoryBytes: opts.memory,
          vaBits,
          policy: opts.policy,
          rows,
        });
      if (mode === "csv")
        return writeCsv(
          io,
          [...COLUMNS],
          rows.map((r) => ({ ...r })),
        );
      const c = colorsFor(io);
      io.stdout.write(
        `${w.name}: ${fmtInt(w.count)} references, ${formatBytes(opts.memory)} of memory, ${opts.policy}, ` +
          `${vaBits}-bit addresses\n`,
      );
      io.stdout.write(
        `${renderTable(
          c,
          [
            "page size",
            "frames",
            "pages",
            "faults",
            "miss ratio",
            "faulted in",
            "table frames",
            "tables",
            "fragmentation",
          ],
          rows.map((r) => [
            formatBytes(r.pageSize),
            fmtInt(r.frames),
            fmtInt(r.pages),
            fmtInt(r.faults),
            fmtPct(r.missRatio),
            formatBytes(r.faultBytes),
            fmtInt(r.pageTableFrames),
            formatBytes(r.pageTableBytes),
            formatBytes(r.fragmentationBytes),
          ]),
        )}\n`,
      );
      io.stdout.write(
        c.dim(
          "faulted in: faults x page size. fragmentation: bytes mapped outside the runs of pages the trace\n" +
            `touches at its own ${formatBytes(unit)} pages (so ${formatBytes(unit)} shows none).\n`,
        ),
      );
    });
}
