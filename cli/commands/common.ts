// Pieces several commands share: resolving frame counts against a page size, loading the workload
// named by the options, and the standard --json/--csv/--report option texts.

import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CliIo } from "../io.js";
import { fmtInt } from "../output.js";
import { parseSizeSpec, resolveFrames as resolveSize, type SizeSpec } from "../sizes.js";
import { formatBytes, parseFramesSpec, parseSize } from "../units.js";
import { DEFAULT_PAGE_SIZE, loadWorkload, type Workload, type WorkloadOptions } from "../workload.js";

/** Adds --json and --csv with the given field lists in their help. */
export function addOutputOptions(cmd: Command, jsonFields: string, csvFields: string): Command {
  return cmd
    .option("--json", `print one JSON document on stdout (fields: ${jsonFields})`)
    .option("--csv", `print CSV on stdout (columns: ${csvFields})`);
}

/**
 * Adds --frames (count or size; with `percent`, also a percentage of the trace's distinct pages)
 * and --memory (size).
 */
export function addFramesOption(cmd: Command, what = "physical frames", percent = false): Command {
  return cmd
    .option(
      "--frames <n>",
      percent
        ? `${what}: a count (64), a memory size (256KiB) or a share of the trace's distinct pages (1%)`
        : `${what}: a count (64) or a memory size (256KiB)`,
      percent ? parseSizeSpec : parseFramesSpec,
    )
    .option("--memory <size>", "physical memory size (64MiB): frames = memory / page size", parseSize);
}

/**
 * The frame count from --frames or --memory at the workload's page size; a percentage of the
 * distinct pages needs `distinctPages` (see needsDistinct).
 */
export function resolveFrames(
  opts: { frames?: SizeSpec; memory?: number },
  pageSize: number,
  distinctPages?: number,
): number {
  if (opts.frames !== undefined && opts.memory !== undefined)
    throw new UsageError("give --frames or --memory, not both");
  const spec: SizeSpec | undefined =
    opts.frames ??
    (opts.memory !== undefined ? { kind: "bytes", bytes: opts.memory, text: `${opts.memory}B` } : undefined);
  if (spec === undefined) throw new UsageError("give --frames N (or --memory SIZE)");
  const option = opts.frames !== undefined ? "--frames" : "--memory";
  if (spec.kind === "bytes") checkWholePages(option, spec.bytes, pageSize);
  if (spec.kind === "percent" && distinctPages === undefined)
    throw new Error("resolveFrames: a percentage needs the distinct pages");
  try {
    return resolveSize(spec, pageSize, distinctPages ?? 0);
  } catch (e) {
    throw new UsageError(`${option}: ${(e as Error).message}`);
  }
}

/**
 * A memory size must be a whole number of pages: `--memory 6000` (6000 bytes: a plain number is
 * bytes) at 4 KiB pages is 1.46 pages, and was quietly floored to one frame. Refused (a usage
 * error, exit 2) with the sizes on either side, or --frames for a count.
 */
export function checkWholePages(option: string, bytes: number, pageSize: number): void {
  if (bytes > 0 && bytes % pageSize === 0) return;
  const size = (frames: number) =>
    `${formatBytes(frames * pageSize).replace(" ", "")} (${fmtInt(frames)} frame${frames === 1 ? "" : "s"})`;
  const below = Math.floor(bytes / pageSize);
  const amount =
    below < 1
      ? `less than one ${formatBytes(pageSize)} page`
      : `${Number((bytes / pageSize).toFixed(2))} pages of ${formatBytes(pageSize)}`;
  throw new UsageError(
    `${option}: ${fmtInt(bytes)} bytes is ${amount}, not a whole number of pages (a size without a unit is bytes): give ${below >= 1 ? `${size(below)} or ` : ""}${size(below + 1)}, or --frames N for a number of frames`,
  );
}

/** True when --frames is a percentage: the frame count depends on the trace's distinct pages. */
export function needsDistinct(opts: { frames?: SizeSpec }): boolean {
  return opts.frames?.kind === "percent";
}

/** Loads the workload the options name. */
export async function workloadOf(opts: WorkloadOptions, io: CliIo): Promise<Workload> {
  return loadWorkload(opts, io);
}

export { DEFAULT_PAGE_SIZE };
