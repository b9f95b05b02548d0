// The Machine's configuration: what MachineConfig and SpawnOptions may say, and the checks that
// turn a bad setting into a ConfigError naming it (run by the Machine constructor in this order:
// layout, frames, costs, then the paging options that depend on the frame count).

import { type AddressLayout, layoutFor, makeLayout, type PageTableShape, parseShape } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import type { CostModel } from "../core/time.js";
import { PTE_MAX_FIELD } from "../mmu/pte.js";
import type { TlbConfig } from "../mmu/tlb.js";
import type { KswapdOptions } from "../pager/kswapd.js";
import type { ColorMode, Scope } from "../pager/pager.js";
import type { SegmentSpec } from "../proc/segments.js";
import type { ExecutableImage } from "../stores/image-store.js";
import type { BackingStore } from "../stores/store.js";
import { minimumFrames } from "./min-frames.js";

export interface MachineConfig {
  /** Physical frames. */
  readonly frames: number;
  /** A shape preset ("x86-32", "sv32", "sv39", "x86-64") or split ("6/10"); default sv32. */
  readonly shape?: string | PageTableShape;
  /** Instead of a shape: page size and VA width; the levels are derived (core/addr.ts layoutFor). */
  readonly pageSize?: number;
  readonly vaBits?: number;
  /** Policy spec, e.g. "lru" or "aging:bits=4"; default "fifo". */
  readonly policy?: string;
  readonly scope?: Scope;
  readonly tlb?: Partial<TlbConfig>;
  /** Swap store; default an unbounded in-memory store (or bounded by swapSlots). */
  readonly swap?: BackingStore;
  readonly swapSlots?: number;
  readonly costs?: Partial<CostModel>;
  /** A background reclaimer with watermarks (src/pager/kswapd.ts): options or a spec ("doc", "linux,clean=off"). */
  readonly kswapd?: KswapdOptions | string;
  /**
   * Frames set aside for page tables, on top of `frames` (default 0: tables and pages share
   * `frames`). Pages then use exactly `frames` frames, as in replay mode; tables take a reserved
   * frame while any is left (a freed one goes back), then compete for `frames` as before.
   */
  readonly tableFrames?: number;
  /**
   * Page coloring (seed 002): number of colors, a power of two up to the frame count (default 1:
   * none). A page's color is the low bits of its VPN, a frame's the low bits of its PFN.
   */
  readonly colors?: number;
  /** How the allocator honours colors: "prefer" (default when colors > 1) or "strict"; "off". */
  readonly coloring?: ColorMode;
  /** Sequential read-ahead: on a fault that reads from a store, read up to this many following pages too (default 0). */
  readonly readAhead?: number;
  /**
   * Largest `memmove` length in bytes (default 0: no bound, each call is checked). An instruction touches every page of
   * its source and destination at once, so the machine must have frames for all of them plus the
   * page tables that map them (see sim/min-frames.ts); fewer frames is a ConfigError.
   */
  readonly maxMoveBytes?: number;
}

export interface SpawnOptions {
  readonly name?: string;
  /** Program to load: code (r-x), data (rw-, from the image), bss (rw-, zero). */
  readonly image?: ExecutableImage;
  /** Trace process: no memory map, every page valid (rwx), as a trace of a real program needs. */
  readonly trace?: boolean;
  /**
   * A loader's memory map (proc/segments.ts): these regions at fixed pages, reading from `image`'s
   * pages by slot, instead of the default layout (code, data, bss from page 1). The image is then
   * only a store of pages (its code bytes, page after page; data and bssBytes unused).
   */
  readonly segments?: readonly SegmentSpec[];
  /** Most pages the stack may grow to (default: 1/8 of the space, at most 2048). */
  readonly stackPages?: number;
  /** Frame quota under local replacement. */
  readonly quota?: number;
}

/** The paging options checked against the frame count (checkPaging). */
export interface PagingOptions {
  readonly colors: number;
  readonly coloring: ColorMode;
  readonly readAhead: number;
  readonly maxMoveBytes: number;
}

/** Most swap slots the default store may have: a PTE holds a 24-bit slot number. */
export const MAX_SWAP_SLOTS = PTE_MAX_FIELD + 1;
/** A replacement scope: "global" or "local"; anything else is a ConfigError naming `key`. */
export function checkScope(scope: unknown, key = "scope"): Scope {
  if (scope !== "global" && scope !== "local") throw new ConfigError(key, scope, `"global" or "local"`);
  return scope;
}

/** A policy spec: a string (the registry checks the id and parameters). */
export function checkPolicySpec(spec: unknown, key = "policy"): string {
  if (typeof spec !== "string") {
    throw new ConfigError(key, spec, `a policy spec such as "lru" or "aging:bits=4"`);
  }
  return spec;
}

function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Checks what the other checks do not: that the configuration is an object and each option has
 * its type (scope, policy, tlb, costs, swap, swapSlots, kswapd). Run first by the constructor.
 */
export function checkOptions(config: MachineConfig): void {
  if (!isObject(config)) throw new ConfigError("config", config, "an object of machine options");
  if (config.scope !== undefined) checkScope(config.scope);
  if (config.policy !== undefined) checkPolicySpec(config.policy);
  for (const key of ["tlb", "costs"] as const) {
    if (config[key] !== undefined && !isObject(config[key])) {
      throw new ConfigError(key, config[key], "an object of options");
    }
  }
  const k = config.kswapd;
  if (k !== undefined && typeof k !== "string" && !isObject(k)) {
    throw new ConfigError("kswapd", k, `kswapd options or a spec such as "linux"`);
  }
  const swap = config.swap;
  if (
    swap !== undefined &&
    !(
      isObject(swap) &&
      ["allocSlot", "freeSlot", "writePage", "readPage"].every(
        (m) => typeof (swap as unknown as Record<string, unknown>)[m] === "function",
      )
    )
  ) {
    throw new ConfigError("swap", swap, "a backing store (allocSlot, freeSlot, writePage, readPage)");
  }
  const slots = config.swapSlots;
  if (
    slots !== undefined &&
    !(
      slots === Number.POSITIVE_INFINITY ||
      (Number.isInteger(slots) && slots >= 1 && slots <= MAX_SWAP_SLOTS)
    )
  ) {
    throw new ConfigError(
      "swapSlots",
      slots,
      `1 to ${MAX_SWAP_SLOTS} slots, or Infinity (a PTE holds a 24-bit slot number)`,
    );
  }
}

/** Checks a process's spawn options' types (quota and stackPages are checked where they are used). */
export function checkSpawn(opts: SpawnOptions): void {
  if (!isObject(opts)) throw new ConfigError("spawn options", opts, "an object");
  if (opts.name !== undefined && typeof opts.name !== "string") {
    throw new ConfigError("name", opts.name, "a string");
  }
  if (opts.trace !== undefined && typeof opts.trace !== "boolean") {
    throw new ConfigError("trace", opts.trace, "true or false");
  }
  if (opts.image !== undefined && !isObject(opts.image)) {
    throw new ConfigError("image", opts.image, "an executable image (name, code, data, bssBytes)");
  }
}

/** Checks tableFrames and frames against the layout's depth; returns tableFrames (phys/memory.ts bounds the total). */
export function checkFrames(config: MachineConfig, levels: number): number {
  const tableFrames = config.tableFrames ?? 0;
  if (!Number.isInteger(tableFrames) || tableFrames < 0) {
    throw new ConfigError("tableFrames", tableFrames, "a whole number of frames, 0 or more");
  }
  const minFrames = Math.max(1, levels + 1 - tableFrames);
  if (!Number.isInteger(config.frames) || config.frames < minFrames) {
    throw new ConfigError(
      "frames",
      config.frames,
      `at least ${minFrames}: a process needs ${levels} page-table frame(s) on the way to a page, plus the page`,
    );
  }
  return tableFrames;
}

/** Checks colors, coloring, readAhead and maxMoveBytes (with the frames a memmove needs). */
export function checkPaging(
  config: MachineConfig,
  layout: AddressLayout,
  tableFrames: number,
): PagingOptions {
  const total = config.frames + tableFrames;
  const colors = config.colors ?? 1;
  if (!Number.isInteger(colors) || colors < 1 || (colors & (colors - 1)) !== 0 || colors > total) {
    throw new ConfigError("colors", colors, `a power of two from 1 to the frame count, ${total}`);
  }
  const coloring = config.coloring ?? "prefer";
  if (coloring !== "off" && coloring !== "prefer" && coloring !== "strict") {
    throw new ConfigError("coloring", coloring, `"off", "prefer" or "strict"`);
  }
  const readAhead = config.readAhead ?? 0;
  if (!Number.isInteger(readAhead) || readAhead < 0 || readAhead > 1024) {
    throw new ConfigError("readAhead", readAhead, "a whole number of pages from 0 to 1024");
  }
  const maxMoveBytes = config.maxMoveBytes ?? 0;
  const need = minimumFrames(layout, maxMoveBytes);
  if (config.frames + tableFrames < need.frames || config.frames < need.pages) {
    throw new ConfigError("frames", config.frames, `at least ${need.frames} in all: ${need.why}`);
  }
  return { colors, coloring, readAhead, maxMoveBytes };
}

/** The address layout a configuration asks for: a shape, or a page size and VA width. */
export function resolveLayout(config: MachineConfig): AddressLayout {
  if (config.shape !== undefined) {
    const shape = typeof config.shape === "string" ? parseShape(config.shape) : config.shape;
    const layout = makeLayout(shape);
    if (config.pageSize !== undefined && config.pageSize !== layout.pageSize) {
      throw new ConfigError(
        "pageSize",
        config.pageSize,
        `${layout.pageSize}, the page size of shape ${shape.name}`,
      );
    }
    return layout;
  }
  if (config.pageSize !== undefined || config.vaBits !== undefined) {
    return layoutFor(config.pageSize ?? 4096, config.vaBits ?? 32);
  }
  return makeLayout(parseShape("sv32"));
}

/** A frame quota: a positive whole number or Infinity. */
export function checkQuota(frames: number): number {
  if (!(frames === Number.POSITIVE_INFINITY || (Number.isInteger(frames) && frames >= 1))) {
    throw new ConfigError("quota", frames, "a positive whole number of frames");
  }
  return frames;
}
