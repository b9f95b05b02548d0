// `run --mode full`'s machine options (issue 17 item 17): --scope, --shape, --tlb, --swap-file,
// --switch-at, --fault-cost, --switch-cost and --disk. Each is parsed here with its units (a bad
// value is a UsageError naming the option and the value: exit 2) and handed to the engine as a
// part of FullOptions (cli/engine-full.ts); what each did is printed by machinePairs.

import { type Command, Option } from "commander";
import { type CostModel, makeLayout, PagewiseError, parseShape, SHAPE_PRESETS } from "../../src/index.js";
import type { FullOptions, MachineSettings } from "../engine-full.js";
import { UsageError } from "../errors.js";
import { fmtInt } from "../output.js";

/** One policy switch: after `at` references the policy becomes `policy`. */
export interface PolicySwitch {
  readonly at: number;
  readonly policy: string;
}

/** The disk model of --disk: one request costs latency + seek + transfer per page. */
export interface DiskSpec {
  readonly name: string;
  readonly latencyNs: number;
  readonly seekNs: number;
  readonly transferNs: number;
}

/** What the machine options say (commander's parsed values). */
export interface MachineFlags {
  scope?: { scope: "global" | "local"; allocation?: "equal" | "proportional" };
  shape?: string;
  tlb?: { entries: number; ways: number; mode?: "tagged" | "flush" };
  swapFile?: string;
  switchAt?: PolicySwitch[];
  faultCost?: number;
  switchCost?: number;
  disk?: DiskSpec;
}

/** The options of this file, for the "full mode only" check (flag, value). */
export function machineFlagValues(o: MachineFlags): [string, unknown][] {
  return [
    ["--scope", o.scope],
    ["--shape", o.shape],
    ["--swap-file", o.swapFile],
    ["--switch-at", o.switchAt],
    ["--fault-cost", o.faultCost],
    ["--switch-cost", o.switchCost],
    ["--disk", o.disk],
  ];
}

/**
 * The disks of --disk. "hdd" is the documents' (seed 004): "3ms disk latency, 5ms seek time and
 * 10s of microseconds of data transfer", here 40 µs (a 4 KiB page at about 100 MB/s). "ssd" is
 * src/system/disk.ts's: 80 µs of command latency and 20 µs of transfer, no seek.
 */
export const DISKS: Readonly<Record<string, DiskSpec>> = {
  hdd: { name: "hdd", latencyNs: 3_000_000, seekNs: 5_000_000, transferNs: 40_000 },
  ssd: { name: "ssd", latencyNs: 80_000, seekNs: 0, transferNs: 20_000 },
};

/** Longest time one cost may state: 10 s. */
const MAX_COST_NS = 10e9;
const TIME_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 };

/** A time with its unit ("20us", "3ms", "0"), in ns; a UsageError naming `option` otherwise. */
export function parseTime(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)?\s*$/.exec(text);
  if (m === null || (m[2] === undefined && Number(m[1]) !== 0)) {
    throw new UsageError(`${option} "${text}": expected a time with its unit, such as 20us, 3ms or 0`);
  }
  const ns = Math.round(Number(m[1]) * TIME_UNITS[m[2] ?? "ns"]!);
  if (ns > MAX_COST_NS) throw new UsageError(`${option} "${text}": expected at most 10 s`);
  return ns;
}

/** Parses --scope: global, local (equal quotas) or local:proportional. */
export function parseScope(text: string): NonNullable<MachineFlags["scope"]> {
  const t = text.trim().toLowerCase();
  if (t === "global") return { scope: "global" };
  if (t === "local" || t === "local:equal") return { scope: "local", allocation: "equal" };
  if (t === "local:proportional") return { scope: "local", allocation: "proportional" };
  throw new UsageError(
    `--scope "${text}": expected global, local (equal quotas) or local:proportional (quotas by pages used)`,
  );
}

/** Checks --shape now: a preset or a split whose layout the Machine can build. */
export function parseShapeOption(text: string): string {
  const t = text.trim();
  try {
    makeLayout(parseShape(t));
  } catch (e) {
    if (e instanceof PagewiseError)
      throw new UsageError(
        `--shape "${text}": expected a preset (${Object.keys(SHAPE_PRESETS).join(", ")}) or level bits then offset bits such as 10/10/12 (${e.message})`,
      );
    throw e;
  }
  return t;
}

/** The page size of a --shape, in bytes. */
export function shapePageSize(shape: string): number {
  return 2 ** parseShape(shape).offsetBits;
}

/**
 * Parses --tlb "ENTRIES[,WAYS][,tagged|flush]" (or ENTRIES/WAYS, the older form): without WAYS,
 * fully associative up to 255 entries, else 4-way. The geometry is checked by the engine.
 */
export function parseTlb(v: string): { entries: number; ways: number; mode?: "tagged" | "flush" } {
  const m = /^(\d+)(?:[/,](\d+))?(?:,(tagged|flush))?$/.exec(v.trim().toLowerCase());
  if (m === null)
    throw new UsageError(
      `--tlb: expected ENTRIES[,WAYS][,tagged|flush] such as 64,4 or 64,4,flush, got "${v}"`,
    );
  const entries = Number(m[1]);
  const ways = m[2] !== undefined ? Number(m[2]) : entries <= 255 ? Math.max(1, entries) : 4;
  return m[3] === undefined ? { entries, ways } : { entries, ways, mode: m[3] as "tagged" | "flush" };
}

/** Parses one --switch-at "REF:POLICY" and adds it to the ones before (sorted by REF). */
export function parseSwitchAt(text: string, before: PolicySwitch[] | undefined): PolicySwitch[] {
  const m = /^\s*(\d+)\s*:\s*(\S.*?)\s*$/.exec(text);
  if (m === null) {
    throw new UsageError(
      `--switch-at "${text}": expected REF:POLICY, the number of references after which the policy changes, such as 5000:lru`,
    );
  }
  const at = Number(m[1]);
  if (!Number.isSafeInteger(at) || at < 1) {
    throw new UsageError(
      `--switch-at "${text}": REF must be 1 or more (at 0, give the policy with --policy)`,
    );
  }
  const list = [...(before ?? [])];
  if (list.some((s) => s.at === at))
    throw new UsageError(`--switch-at "${text}": two switches at reference ${at}`);
  list.push({ at, policy: m[2]! });
  return list.sort((a, b) => a.at - b.at);
}

/** Parses --disk: hdd, ssd, or latency=T,seek=T,transfer=T (keys not given: hdd's). */
export function parseDisk(text: string): DiskSpec {
  const t = text.trim().toLowerCase();
  const preset = DISKS[t];
  if (preset !== undefined) return preset;
  const keys = { latency: "latencyNs", seek: "seekNs", transfer: "transferNs" } as const;
  const out: { -readonly [K in keyof DiskSpec]: DiskSpec[K] } = { ...DISKS.hdd!, name: "custom" };
  const seen = new Set<string>();
  for (const part of t.split(",")) {
    const [k, v] = part.split("=").map((s) => s.trim());
    const key = keys[k as keyof typeof keys];
    if (key === undefined || v === undefined || seen.has(k!)) {
      throw new UsageError(
        `--disk "${text}": expected hdd, ssd or latency=TIME,seek=TIME,transfer=TIME (each key once), such as latency=3ms,seek=5ms,transfer=40us`,
      );
    }
    seen.add(k!);
    out[key] = parseTime(`--disk ${k}`, v);
  }
  return out;
}

/** Adds the machine options to `run`. */
export function addMachineOptions(cmd: Command): void {
  cmd.option(
    "--scope <scope>",
    "full mode's replacement scope: global (the default: a fault may take any process's frame), local (each process replaces its own pages within an equal share of the frames) or local:proportional (shares by pages used)",
    parseScope,
  );
  cmd.option(
    "--shape <shape>",
    `full mode's page-table shape: a preset (${Object.keys(SHAPE_PRESETS).join(", ")}) or bits per level then offset bits, e.g. 6/6/8 (256-byte pages, 2 levels); default: levels fitted to the trace's largest page`,
    parseShapeOption,
  );
  cmd.option(
    "--tlb <spec>",
    "full mode's TLB: ENTRIES[,WAYS][,tagged|flush], entries a power of two (0 for none), e.g. 64,4 (the default) or 16,4,flush (flushed at every context switch instead of tagged by address space); 2048/8 also works",
    parseTlb,
  );
  cmd.option(
    "--swap-file <path>",
    "full mode's swap on disk: a new file at PATH, or a temporary file in PATH if it is a directory (an existing file is refused, never overwritten); removed at the end of the run",
  );
  cmd.addOption(
    new Option(
      "--switch-at <ref:policy>",
      "full mode: change the replacement policy after REF references (the new policy adopts the resident pages); repeatable, e.g. --switch-at 5000:lru --switch-at 20000:clock",
    ).argParser(parseSwitchAt),
  );
  cmd.option(
    "--fault-cost <time>",
    "full mode: the fault handler's own time before any I/O (the documents' 'service the page fault'), e.g. 20us; default 0",
    (v: string) => parseTime("--fault-cost", v),
  );
  cmd.option(
    "--switch-cost <time>",
    "full mode: one context switch, charged at each switch between processes and once per fault that read the disk (the switch back), e.g. 5us; default 0",
    (v: string) => parseTime("--switch-cost", v),
  );
  cmd.option(
    "--disk <spec>",
    "full mode's disk: hdd (3ms latency + 5ms seek + 40us transfer, the documents'), ssd (80us + 20us transfer) or latency=TIME,seek=TIME,transfer=TIME (keys not given: hdd's); default 8 ms a page",
    parseDisk,
  );
}

/** The cost model the options give (undefined when none of --fault-cost, --switch-cost, --disk is given). */
export function costsOf(o: MachineFlags): Partial<CostModel> | undefined {
  if (o.faultCost === undefined && o.switchCost === undefined && o.disk === undefined) return undefined;
  const d = o.disk;
  const page = d === undefined ? undefined : d.latencyNs + d.seekNs + d.transferNs;
  return {
    ...(o.faultCost !== undefined ? { faultOverheadNs: o.faultCost } : {}),
    ...(o.switchCost !== undefined ? { contextSwitchNs: o.switchCost } : {}),
    ...(d !== undefined && page !== undefined
      ? { diskReadNs: page, diskWriteNs: page, diskTransferNs: d.transferNs }
      : {}),
  };
}

/** The FullOptions of the machine options (the swap store is added by the caller, which owns it). */
export function machineFullOptions(o: MachineFlags): FullOptions {
  const costs = costsOf(o);
  return {
    ...(o.shape !== undefined ? { shape: o.shape } : {}),
    ...(o.scope !== undefined ? { scope: o.scope.scope } : {}),
    ...(o.scope?.allocation !== undefined ? { allocation: o.scope.allocation } : {}),
    ...(o.tlb !== undefined ? { tlb: o.tlb } : {}),
    ...(costs !== undefined ? { costs } : {}),
    ...(o.switchAt !== undefined ? { switches: o.switchAt } : {}),
  };
}

/** A time in its largest unit without trailing zeros: 3 ms, 40 µs, 8.04 ms. */
export function shortNs(ns: number): string {
  const [div, unit] = ns >= 1e9 ? [1e9, "s"] : ns >= 1e6 ? [1e6, "ms"] : ns >= 1e3 ? [1e3, "µs"] : [1, "ns"];
  return `${Number((ns / div).toFixed(3))} ${unit}`;
}

/** Text lines for the machine's settings (those given), after the counters. */
export function machinePairs(
  s: MachineSettings | undefined,
  disk: DiskSpec | undefined,
  swapFile?: { path: string; temporary: boolean; pagesWritten: number; pagesRead: number; bytes: number },
): [string, string][] {
  const pairs: [string, string][] = [];
  if (s?.shape) {
    const k = s.shape;
    pairs.push([
      "page-table shape",
      `${k.name}: ${k.levelBits.length} levels of ${k.levelBits.join("/")} bits, ${2 ** k.offsetBits}-byte pages, ${k.vaBits}-bit addresses`,
    ]);
  }
  if (s?.scope) {
    const k = s.scope;
    pairs.push([
      "replacement scope",
      k.scope === "global"
        ? "global (a fault may take any process's frame)"
        : `local, ${k.allocation} quotas of ${(k.quotas ?? []).map((q) => fmtInt(q.frames)).join(" + ")} frames (pids ${(k.quotas ?? []).map((q) => q.pid).join(", ")})`,
    ]);
  }
  if (s?.tlb) {
    const k = s.tlb;
    pairs.push([
      "TLB",
      k.entries === 0
        ? "none (every access walks)"
        : `${fmtInt(k.entries)} entries, ${k.ways}-way, ${k.mode}${k.mode === "flush" ? ` (${fmtInt(k.flushes)} flushes)` : ""}`,
    ]);
  }
  if (s?.costs) {
    const c = s.costs;
    if (disk !== undefined)
      pairs.push([
        `disk (${disk.name})`,
        `${shortNs(disk.latencyNs)} latency + ${shortNs(disk.seekNs)} seek + ${shortNs(disk.transferNs)} transfer = ${shortNs(c.diskReadNs)} a page`,
      ]);
    pairs.push(
      [
        "fault service (handler + disk + switch)",
        `${shortNs(c.faultOverheadNs)} + ${shortNs(c.diskReadNs)} + ${shortNs(c.contextSwitchNs)} = ${shortNs(c.faultServiceNs)}`,
      ],
      ["context switches", `${fmtInt(c.contextSwitches)} × ${shortNs(c.contextSwitchNs)}`],
    );
  }
  if (s?.switches) {
    pairs.push([
      "policy switches (after references)",
      s.switches.map((w) => `${fmtInt(w.at)}: ${w.policy}${w.applied ? "" : " (not reached)"}`).join("; "),
    ]);
  }
  if (swapFile) {
    pairs.push(
      ["swap file (removed at the end)", swapFile.path],
      ["swap file pages written / read", `${fmtInt(swapFile.pagesWritten)} / ${fmtInt(swapFile.pagesRead)}`],
      ["swap file size at the end", `${fmtInt(swapFile.bytes)} bytes`],
    );
  }
  return pairs;
}
