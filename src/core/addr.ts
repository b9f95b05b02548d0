// Address arithmetic: page size, the VPN/offset split, page-table level indices and page keys.
// Everything that shifts or masks an address lives here under a name (xv6's PX, PGROUNDDOWN).
// Virtual addresses may be up to 48 bits wide, beyond JavaScript's 32-bit bitwise operators, so the
// helpers use exact integer arithmetic on doubles (every value stays below 2^53).

import { ConfigError } from "./errors.js";

/** Smallest and largest supported page sizes in bytes. */
export const MIN_PAGE_SIZE = 256;
export const MAX_PAGE_SIZE = 65536;
/** Supported virtual address widths in bits. */
export const MIN_VA_BITS = 16;
export const MAX_VA_BITS = 48;
/** Size of one page-table entry in bytes (pagewise PTEs are 32-bit words, see mmu/pte.ts). */
export const PTE_SIZE = 4;
/**
 * Span of VPNs reserved per address space in a PageKey: 2^40 covers a 48-bit space with 256-byte
 * pages. Address-space ids stay below 2^53 / 2^40 = 8192.
 */
export const VPN_SPAN = 2 ** 40;
export const MAX_ASID = 8191;

/** A page-table shape: bits of VPN per level, root first, and the offset bits. */
export interface PageTableShape {
  readonly name: string;
  readonly levelBits: readonly number[];
  readonly offsetBits: number;
}

/** Named shapes. Each fixes the page size through its offset bits (4 KiB for all of these). */
export const SHAPE_PRESETS = {
  "x86-32": { name: "x86-32", levelBits: [10, 10], offsetBits: 12 },
  sv32: { name: "sv32", levelBits: [10, 10], offsetBits: 12 },
  sv39: { name: "sv39", levelBits: [9, 9, 9], offsetBits: 12 },
  "x86-64": { name: "x86-64", levelBits: [9, 9, 9, 9], offsetBits: 12 },
} as const satisfies Record<string, PageTableShape>;

export type ShapePresetId = keyof typeof SHAPE_PRESETS;

/**
 * The machine's address layout, derived once from a shape. Read-only after construction; the
 * helpers below take it as their first argument.
 */
export interface AddressLayout {
  readonly shape: PageTableShape;
  readonly pageSize: number;
  readonly pageShift: number;
  readonly vaBits: number;
  /** Number of virtual pages: 2^(vaBits - pageShift). */
  readonly vpnCount: number;
  /** Levels root first; `levelSpan[i]` is how many VPNs one entry at level i covers. */
  readonly levels: number;
  readonly levelBits: readonly number[];
  readonly levelSpan: readonly number[];
  readonly entriesPerTable: readonly number[];
}

/** True when `n` is a positive integer power of two. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** log2 of a power of two. */
export function log2Exact(n: number): number {
  return Math.round(Math.log2(n));
}

/**
 * Parses a shape: a preset id (`sv39`), or a custom split "10/10/12" whose last number is the
 * offset bits. Throws ConfigError naming `key`.
 */
export function parseShape(spec: string, key = "shape"): PageTableShape {
  if (spec in SHAPE_PRESETS) return SHAPE_PRESETS[spec as ShapePresetId];
  const parts = spec.split("/");
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new ConfigError(
      key,
      spec,
      `a preset (${Object.keys(SHAPE_PRESETS).join(", ")}) or bits like 10/10/12`,
    );
  }
  const nums = parts.map(Number);
  const offsetBits = nums[nums.length - 1]!;
  return { name: spec, levelBits: nums.slice(0, -1), offsetBits };
}

/**
 * Builds a layout from a shape, validating every limit: page size a power of two in
 * [256 B, 64 KiB], VA width in [16, 48] bits, every level 1..16 bits and its table no larger than
 * one frame (tables live in frames). Throws ConfigError.
 */
export function makeLayout(shape: PageTableShape): AddressLayout {
  const { levelBits, offsetBits } = shape;
  const pageSize = 2 ** offsetBits;
  if (!Number.isInteger(offsetBits) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
    throw new ConfigError(
      "pageSize",
      pageSize,
      `a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} bytes`,
    );
  }
  if (levelBits.length < 1) throw new ConfigError("shape", shape.name, "at least one page-table level");
  const vaBits = offsetBits + levelBits.reduce((a, b) => a + b, 0);
  if (vaBits < MIN_VA_BITS || vaBits > MAX_VA_BITS) {
    throw new ConfigError("vaBits", vaBits, `${MIN_VA_BITS} to ${MAX_VA_BITS} bits (shape ${shape.name})`);
  }
  levelBits.forEach((bits, i) => {
    if (!Number.isInteger(bits) || bits < 1 || bits > 16) {
      throw new ConfigError(`shape level ${i}`, bits, "1 to 16 bits");
    }
    if (2 ** bits * PTE_SIZE > pageSize) {
      throw new ConfigError(
        `shape level ${i}`,
        bits,
        `at most ${log2Exact(pageSize / PTE_SIZE)} bits: a table of 2^${bits} ${PTE_SIZE}-byte entries must fit one ${pageSize}-byte frame`,
      );
    }
  });
  const levelSpan: number[] = [];
  let span = 1;
  for (let i = levelBits.length - 1; i >= 0; i--) {
    levelSpan[i] = span;
    span *= 2 ** levelBits[i]!;
  }
  return {
    shape,
    pageSize,
    pageShift: offsetBits,
    vaBits,
    vpnCount: 2 ** (vaBits - offsetBits),
    levels: levelBits.length,
    levelBits,
    levelSpan,
    entriesPerTable: levelBits.map((b) => 2 ** b),
  };
}

/**
 * A layout from a page size and a VA width, splitting the VPN into levels that each fill at most
 * one frame (the leaf level gets the remainder). Throws ConfigError for a bad size or width.
 */
export function layoutFor(pageSize: number, vaBits: number): AddressLayout {
  if (!isPowerOfTwo(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
    throw new ConfigError(
      "pageSize",
      pageSize,
      `a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} bytes`,
    );
  }
  if (!Number.isInteger(vaBits) || vaBits < MIN_VA_BITS || vaBits > MAX_VA_BITS) {
    throw new ConfigError("vaBits", vaBits, `an integer from ${MIN_VA_BITS} to ${MAX_VA_BITS}`);
  }
  const offsetBits = log2Exact(pageSize);
  let vpnBits = vaBits - offsetBits;
  const perLevel = Math.min(16, offsetBits - log2Exact(PTE_SIZE));
  const levels: number[] = [];
  while (vpnBits > 0) {
    const b = Math.min(perLevel, vpnBits);
    levels.unshift(b);
    vpnBits -= b;
  }
  return makeLayout({ name: `${levels.join("/")}/${offsetBits}`, levelBits: levels, offsetBits });
}

/** Virtual page number of `va`. */
export function vpnOf(l: AddressLayout, va: number): number {
  return Math.floor(va / l.pageSize);
}

/** Byte offset of `va` within its page. */
export function offsetOf(l: AddressLayout, va: number): number {
  return va % l.pageSize;
}

/** First address of page `vpn` (or of frame `pfn`: the arithmetic is the same). */
export function pageBase(l: AddressLayout, vpn: number): number {
  return vpn * l.pageSize;
}

/** `va` rounded down to its page boundary. */
export function pageRoundDown(l: AddressLayout, va: number): number {
  return va - (va % l.pageSize);
}

/** `n` rounded up to a multiple of the page size. */
export function pageRoundUp(l: AddressLayout, n: number): number {
  const r = n % l.pageSize;
  return r === 0 ? n : n + l.pageSize - r;
}

/** Index into the level-`level` table (0 = root) for `vpn`. */
export function levelIndex(l: AddressLayout, vpn: number, level: number): number {
  return Math.floor(vpn / l.levelSpan[level]!) % l.entriesPerTable[level]!;
}

/** Physical address from a frame number and an offset. */
export function physAddr(l: AddressLayout, pfn: number, off: number): number {
  return pfn * l.pageSize + off;
}

/** True when `va` is a valid virtual address for the layout. */
export function isCanonical(l: AddressLayout, va: number): boolean {
  return Number.isInteger(va) && va >= 0 && va < 2 ** l.vaBits;
}

/** Packs (asid, vpn) into one safe integer identifying a page machine-wide. */
export function pageKey(asid: number, vpn: number): number {
  return asid * VPN_SPAN + vpn;
}

/** The address-space id of a page key. */
export function pageKeyAsid(key: number): number {
  return Math.floor(key / VPN_SPAN);
}

/** The VPN of a page key. */
export function pageKeyVpn(key: number): number {
  return key % VPN_SPAN;
}
