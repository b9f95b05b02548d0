// Page size as a trade-off (seed 002: "Bigger pages yield more Internal Fragmentation. Smaller pages
// get us a bigger page table and take more CPU time to manage"): one program's byte addresses
// replayed at several page sizes in the same physical memory, reporting side by side the faults
// (and the bytes they move), the page-table frames needed to map the pages it touches, and the
// internal fragmentation, the bytes mapped past each region's end when its last page is only
// partly used. Pure: typed arrays in, rows out; the replay is the same one every command uses.

import { layoutFor } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import { densify } from "./densify.js";
import { replay } from "./replay-trace.js";

/**
 * A region of the program (text, data, heap, stack …). Without `start` it is page aligned at every
 * page size (as a loader places it); with `start` its pages are those covering [start, start +
 * bytes), shared with any other region of the same process that covers them.
 */
export interface SizedRegion {
  readonly name: string;
  readonly bytes: number;
  readonly start?: number;
  /** The process it belongs to (default 0). */
  readonly pid?: number;
}

export interface PageSizeSweepInput {
  /** Byte addresses of the references, in order. */
  readonly addresses: ArrayLike<number>;
  readonly count: number;
  /** 1 where the reference writes; absent means all reads. */
  readonly writes?: Uint8Array;
  /** The process of each reference (each has its own address space and page tables); absent: one. */
  readonly pids?: ArrayLike<number>;
  readonly regions: readonly SizedRegion[];
  /** Physical memory for pages, the same at every page size: frames = memoryBytes / pageSize. */
  readonly memoryBytes: number;
  readonly pageSizes: readonly number[];
  /** Virtual address bits for the page-table layout (default 32). */
  readonly vaBits?: number;
  /** Replacement policy (default lru). */
  readonly policy?: string;
}

export interface PageSizeRow {
  readonly pageSize: number;
  readonly frames: number;
  /** Distinct pages the program touches. */
  readonly pages: number;
  readonly faults: number;
  readonly missRatio: number;
  /** Bytes brought in by the faults (faults × page size). */
  readonly faultBytes: number;
  /** Page-table frames that map every touched page (root included; one table per frame). */
  readonly pageTableFrames: number;
  readonly pageTableBytes: number;
  /**
   * Internal fragmentation: bytes mapped but outside every region, the pages covering the regions
   * times the page size less the regions' bytes (Σ (⌈bytes / pageSize⌉ × pageSize − bytes) for
   * regions without a start).
   */
  readonly fragmentationBytes: number;
}

/** Page tables that map the pages `keys` (pid × vpnSpace + vpn): per process, the root and, at each lower level, one per distinct parent entry. */
function tablesFor(
  keys: Float64Array,
  vpnSpace: number,
  levelSpan: readonly number[],
  levels: number,
): number {
  const roots = new Set<number>();
  for (const k of keys) roots.add(Math.floor(k / vpnSpace));
  let tables = roots.size;
  for (let level = 1; level < levels; level++) {
    const span = levelSpan[level - 1]!;
    const seen = new Set<number>();
    for (const k of keys) seen.add(Math.floor(k / vpnSpace) * vpnSpace + Math.floor((k % vpnSpace) / span));
    tables += seen.size;
  }
  return tables;
}

/** Bytes mapped beyond the regions at `pageSize`. */
function fragmentation(regions: readonly SizedRegion[], pageSize: number): number {
  let frag = 0;
  const covered = new Set<string>();
  let placed = 0;
  for (const g of regions) {
    if (g.start === undefined) {
      frag += Math.ceil(g.bytes / pageSize) * pageSize - g.bytes;
      continue;
    }
    placed += g.bytes;
    if (g.bytes === 0) continue;
    const first = Math.floor(g.start / pageSize);
    const last = Math.floor((g.start + g.bytes - 1) / pageSize);
    for (let v = first; v <= last; v++) covered.add(`${g.pid ?? 0}:${v}`);
  }
  return frag + covered.size * pageSize - placed;
}

/**
 * The regions a trace shows at its own granularity: per process, each maximal run of consecutive
 * touched units of `unitBytes` (a trace of page numbers at 4 KiB gives runs of 4 KiB pages).
 */
export function touchedRegions(
  addresses: ArrayLike<number>,
  count: number,
  unitBytes: number,
  pids?: ArrayLike<number>,
): SizedRegion[] {
  const byPid = new Map<number, Set<number>>();
  for (let i = 0; i < count; i++) {
    const pid = pids ? pids[i]! : 0;
    let set = byPid.get(pid);
    if (set === undefined) {
      set = new Set<number>();
      byPid.set(pid, set);
    }
    set.add(Math.floor(addresses[i]! / unitBytes));
  }
  const out: SizedRegion[] = [];
  for (const [pid, set] of [...byPid].sort((a, b) => a[0] - b[0])) {
    const units = [...set].sort((a, b) => a - b);
    let from = 0;
    for (let i = 1; i <= units.length; i++) {
      if (i < units.length && units[i] === units[i - 1]! + 1) continue;
      out.push({
        name: `pid ${pid} run ${out.length + 1}`,
        pid,
        start: units[from]! * unitBytes,
        bytes: (i - from) * unitBytes,
      });
      from = i;
    }
  }
  return out;
}

/** One row per page size, in the order given. Throws ConfigError for a bad size or memory. */
export function pageSizeSweep(input: PageSizeSweepInput): PageSizeRow[] {
  const vaBits = input.vaBits ?? 32;
  const policy = input.policy ?? "lru";
  for (const r of input.regions)
    if (!Number.isSafeInteger(r.bytes) || r.bytes < 0)
      throw new ConfigError(`regions.${r.name}`, r.bytes, "a whole number of bytes");
  const pages = new Float64Array(input.count);
  return input.pageSizes.map((pageSize) => {
    const layout = layoutFor(pageSize, vaBits);
    const frames = Math.floor(input.memoryBytes / pageSize);
    if (frames < 1)
      throw new ConfigError("memoryBytes", input.memoryBytes, `at least one page of ${pageSize} bytes`);
    const vpnSpace = 2 ** vaBits / pageSize;
    for (let i = 0; i < input.count; i++) {
      const a = input.addresses[i]!;
      if (!(a >= 0 && a < 2 ** vaBits))
        throw new ConfigError(`addresses[${i}]`, a, `an address below 2^${vaBits}`);
      pages[i] = (input.pids ? input.pids[i]! : 0) * vpnSpace + Math.floor(a / pageSize);
    }
    const dense = densify(pages, input.count);
    const r = replay(
      {
        count: input.count,
        pages: dense.ids,
        pageSpace: dense.pageSpace,
        ...(input.writes ? { writes: input.writes } : {}),
      },
      { policy, frames },
    );
    const tables = tablesFor(dense.pageOfId, vpnSpace, layout.levelSpan, layout.levels);
    const frag = fragmentation(input.regions, pageSize);
    return {
      pageSize,
      frames,
      pages: dense.pageSpace,
      faults: r.faults,
      missRatio: r.missRatio,
      faultBytes: r.faults * pageSize,
      pageTableFrames: tables,
      pageTableBytes: tables * pageSize,
      fragmentationBytes: frag,
    };
  });
}
