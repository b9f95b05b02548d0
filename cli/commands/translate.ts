// `pagewise translate`: one virtual-to-physical translation explained step by step for a given
// page-table shape: the VPN/offset split, the index used at each level, the entry read there, and
// the physical address (or the page fault). With no options it shows the documents' example:
// 16-bit addresses, 1 KiB pages, page table 0x14, 0x18, 0x08, 0x01: 0x4ED → VPN 1, offset 0x0ED →
// frame 0x18 → physical 0x60ED.

import type { Command } from "commander";
import {
  AddressError,
  type AddressLayout,
  ConfigError,
  isCanonical,
  layoutFor,
  levelIndex,
  makeLayout,
  offsetOf,
  PagewiseError,
  parseShape,
  physAddr,
  vpnOf,
} from "../../src/index.js";
import { UsageError } from "../errors.js";
import type { CommandContext } from "../main.js";
import { colorsFor, outputMode, renderTable, writeCsv, writeJson } from "../output.js";
import { formatBytes, parseAddress, parsePositiveInt, parseSize } from "../units.js";

const EXAMPLE = { va: 0x4ed, shape: "6/10", table: "0x14,0x18,0x08,0x01" };

interface TranslateOptions {
  shape?: string;
  pageSize?: number;
  vaBits?: number;
  table?: string;
  map?: string[];
  ptbr: number;
  json?: boolean;
  csv?: boolean;
}

/** One level of the walk. */
export interface WalkStep {
  level: number;
  /** Frame holding this level's table (the root's is --ptbr). */
  tableFrame: number;
  index: number;
  /** Bits of the VPN this level consumes. */
  bits: number;
  present: boolean;
  /** Next table's frame, or the data frame at the last level; null when not present. */
  entry: number | null;
}

export interface Translation {
  va: number;
  vaBits: number;
  pageSize: number;
  offsetBits: number;
  shape: string;
  levels: number;
  vpn: number;
  offset: number;
  steps: WalkStep[];
  fault: boolean;
  pfn: number | null;
  pa: number | null;
}

/** Leaf mappings VPN → PFN from --table (entry i maps VPN i; `-` leaves it unmapped) and --map VPN=PFN. */
function leafMap(opts: TranslateOptions): Map<number, number> {
  const m = new Map<number, number>();
  if (opts.table !== undefined) {
    opts.table.split(",").forEach((t, i) => {
      const s = t.trim();
      if (s === "-" || s === "x" || s === "") return;
      m.set(i, parseAddress(s));
    });
  }
  for (const pair of opts.map ?? []) {
    for (const item of pair.split(",")) {
      const [vpn, pfn] = item.split("=");
      if (vpn === undefined || pfn === undefined)
        throw new UsageError(`--map "${item}": expected VPN=PFN, e.g. 0x12=0x7`);
      m.set(parseAddress(vpn), parseAddress(pfn));
    }
  }
  return m;
}

/**
 * Walks `va` through a tree of tables built lazily for the mapped VPNs: the root in frame `ptbr`,
 * each further table in the next frame number in VPN order. Returns every step.
 */
export function explain(
  l: AddressLayout,
  va: number,
  leaves: Map<number, number>,
  ptbr: number,
): Translation {
  if (!isCanonical(l, va)) {
    throw new AddressError(`0x${va.toString(16)} is outside the ${l.vaBits}-bit address space`, { va });
  }
  const vpn = vpnOf(l, va);
  const offset = offsetOf(l, va);
  const tableFrames = new Map<string, number>();
  let next = ptbr + 1;
  for (const v of [...leaves.keys()].sort((a, b) => a - b)) {
    for (let lv = 1; lv < l.levels; lv++) {
      const key = `${lv}:${Math.floor(v / (l.levelSpan[lv - 1] ?? 1))}`;
      if (!tableFrames.has(key)) tableFrames.set(key, next++);
    }
  }
  const steps: WalkStep[] = [];
  let tableFrame = ptbr;
  let pfn: number | null = null;
  for (let lv = 0; lv < l.levels; lv++) {
    const index = levelIndex(l, vpn, lv);
    let entry: number | null;
    if (lv === l.levels - 1) {
      entry = leaves.get(vpn) ?? null;
      pfn = entry;
    } else {
      entry = tableFrames.get(`${lv + 1}:${Math.floor(vpn / l.levelSpan[lv]!)}`) ?? null;
    }
    steps.push({ level: lv, tableFrame, index, bits: l.levelBits[lv]!, present: entry !== null, entry });
    if (entry === null) break;
    tableFrame = entry;
  }
  return {
    va,
    vaBits: l.vaBits,
    pageSize: l.pageSize,
    offsetBits: l.pageShift,
    shape: l.shape.name,
    levels: l.levels,
    vpn,
    offset,
    steps,
    fault: pfn === null,
    pfn,
    pa: pfn === null ? null : physAddr(l, pfn, offset),
  };
}

function hex(n: number, bits: number): string {
  return `0x${n
    .toString(16)
    .toUpperCase()
    .padStart(Math.max(1, Math.ceil(bits / 4)), "0")}`;
}

function binary(n: number, bits: number): string {
  return n.toString(2).padStart(bits, "0");
}

function layoutFromOptions(opts: TranslateOptions): AddressLayout {
  if (opts.shape !== undefined) {
    if (opts.pageSize !== undefined || opts.vaBits !== undefined) {
      throw new UsageError("--shape fixes the page size and address width: drop --page-size/--va-bits");
    }
    try {
      return makeLayout(parseShape(opts.shape, "--shape"));
    } catch (e) {
      // A malformed --shape is a usage error (exit 2), like every malformed option value.
      if (e instanceof PagewiseError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (opts.pageSize !== undefined || opts.vaBits !== undefined) {
    return layoutFor(opts.pageSize ?? 4096, opts.vaBits ?? 32);
  }
  return makeLayout(parseShape(EXAMPLE.shape));
}

function describe(t: Translation, c: ReturnType<typeof colorsFor>): string {
  const vpnBits = t.vaBits - t.offsetBits;
  const lines: string[] = [];
  lines.push(
    c.bold(`Translating virtual address ${hex(t.va, t.vaBits)}`) +
      ` (${t.vaBits}-bit addresses, ${formatBytes(t.pageSize)} pages, shape ${t.shape})`,
  );
  const bits = binary(t.va, t.vaBits);
  lines.push(`  bits:    ${c.cyan(bits.slice(0, vpnBits))}|${c.yellow(bits.slice(vpnBits))}`);
  lines.push(`           ${"VPN".padEnd(vpnBits)} ${"offset"}`);
  lines.push(
    `  1. split: VPN = ${hex(t.va, t.vaBits)} >> ${t.offsetBits} = ${c.cyan(String(t.vpn))} (${hex(t.vpn, vpnBits)}),` +
      ` offset = ${hex(t.va, t.vaBits)} & ${hex(t.pageSize - 1, t.offsetBits)} = ${c.yellow(hex(t.offset, t.offsetBits))}`,
  );
  let n = 2;
  for (const s of t.steps) {
    const where = t.levels === 1 ? "page table" : `level-${s.level} table (frame ${hex(s.tableFrame, 0)})`;
    const leaf = s.level === t.levels - 1;
    const what =
      s.entry === null
        ? c.red("not present")
        : leaf
          ? `frame ${c.green(hex(s.entry, 0))}`
          : `next table in frame ${hex(s.entry, 0)}`;
    lines.push(`  ${n++}. ${where}[${s.index}] (${s.bits} bits of the VPN): ${what}`);
  }
  if (t.fault || t.pfn === null || t.pa === null) {
    lines.push(
      `  ${n}. ${c.red("page fault")}: the pager must bring VPN ${t.vpn} in, map it and restart the access`,
    );
  } else {
    lines.push(
      `  ${n}. physical = frame ${hex(t.pfn, 0)} << ${t.offsetBits} | offset ${hex(t.offset, t.offsetBits)} = ${c.green(c.bold(hex(t.pa, t.offsetBits)))}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function registerTranslate(program: Command, { io }: CommandContext): void {
  program
    .command("translate")
    .summary("explain one address translation step by step")
    .description(
      "Explain how a virtual address becomes a physical one for a given page-table shape: the VPN/offset\n" +
        "split, each level's index and entry, and the physical address or the page fault. With no options,\n" +
        "the textbook example: 16-bit addresses, 1 KiB pages, page table 0x14, 0x18, 0x08, 0x01.",
    )
    .argument("[va]", "virtual address, decimal or 0x hex (default 0x4ED)", parseAddress)
    .option(
      "--shape <spec>",
      "page-table shape: sv32, sv39, x86-32, x86-64 or bits per level then offset bits, e.g. 6/10, 10/10/12",
    )
    .option(
      "--page-size <size>",
      "page size with units (1KiB); with --va-bits, the levels are derived",
      parseSize,
    )
    .option("--va-bits <n>", "virtual address width in bits", parsePositiveInt)
    .option(
      "--table <entries>",
      "one-level table: frame numbers indexed by VPN, '-' for not present (0x14,0x18,-,0x01)",
    )
    .option("--map <vpn=pfn...>", "leaf mappings VPN=PFN for any shape (repeatable, comma-separated)")
    .option("--ptbr <frame>", "frame of the root table (page-table base register)", parseAddress, 0)
    .option("--json", "print one JSON document (fields: va, vpn, offset, steps[], fault, pfn, pa, ...)")
    .option("--csv", "print the walk as CSV (level,tableFrame,index,bits,present,entry)")
    .addHelpText(
      "after",
      `
Examples:
  $ pagewise translate                                     the textbook example (0x4ED → 0x60ED)
  $ pagewise translate 0x4ED --shape 6/10 --table 0x14,0x18,0x08,0x01
  $ pagewise translate 0x7FF --page-size 1KiB --va-bits 16 --table 0x14,-
  $ pagewise translate 0x12345678 --shape sv32 --map 0x12345=0x42 --json`,
    )
    .action((vaArg: number | undefined, opts: TranslateOptions) => {
      const mode = outputMode(opts);
      const useExample = opts.shape === undefined && opts.pageSize === undefined && opts.vaBits === undefined;
      const layout = layoutFromOptions(opts);
      if (useExample && opts.table === undefined && (opts.map ?? []).length === 0) opts.table = EXAMPLE.table;
      const leaves = leafMap(opts);
      if (opts.table !== undefined) {
        const n = opts.table.split(",").length;
        if (n > layout.vpnCount)
          throw new ConfigError("--table", n, `at most ${layout.vpnCount} entries (one per VPN)`);
      }
      const va = vaArg ?? (useExample ? EXAMPLE.va : 0);
      const t = explain(layout, va, leaves, opts.ptbr);
      if (mode === "json") writeJson(io, t);
      else if (mode === "csv") {
        writeCsv(
          io,
          ["level", "tableFrame", "index", "bits", "present", "entry"],
          t.steps.map((s) => ({ ...s })),
        );
      } else {
        const c = colorsFor(io);
        io.stdout.write(describe(t, c));
        if (layout.levels === 1 && opts.table !== undefined) {
          const rows = opts.table.split(",").map((e, i) => {
            const used = i === t.vpn;
            const mark = (x: string) => (used ? c.bold(x) : x);
            return [mark(String(i)), mark(e.trim() === "-" ? "not present" : e.trim()), used ? "◀ used" : ""];
          });
          io.stdout.write(
            `${renderTable(c, ["VPN", "entry (frame)", ""], rows, ["right", "right", "left"])}\n`,
          );
        } else if (layout.levels > 1) {
          const rows = t.steps.map((s) => [
            String(s.level),
            hex(s.tableFrame, 0),
            String(s.index),
            String(s.bits),
            s.entry === null ? "not present" : hex(s.entry, 0),
          ]);
          io.stdout.write(
            `${renderTable(c, ["level", "table frame", "index", "VPN bits", "entry"], rows)}\n`,
          );
        }
      }
    });
}
