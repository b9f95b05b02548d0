// Page size as a trade-off (seed 002: "Bigger pages yield more Internal Fragmentation. Smaller pages
// get us a bigger page table and take more CPU time to manage"): one program's byte addresses
// replayed at several page sizes in the same physical memory, reporting side by side the faults
// (and the bytes they move), the page-table frames needed to map the pages it touches, and the
// internal fragmentation, the bytes mapped past each region's end when its last page is only
// partly used. Pure: typed arrays in, rows out; the replay is the same one every command uses.

import { layoutFor } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import { densify, replay } from "./replay.js";

/** A region of the program (text, data, heap, stack …), page aligned at every page size. */
export interface SizedRegion {
  readonly name: string;
  readonly bytes: number;
}

export interface PageSizeSweepInput {
  /** Byte addresses of the references, in order. */
  readonly addresses: ArrayLike<number>;
  readonly count: number;
  /** 1 where the reference writes; absent means all reads. */
  readonly writes?: Uint8Array;
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
  /** Bytes mapped past the regions' ends: Σ (⌈bytes / pageSize⌉ × pageSize − bytes). */
  readonly fragmentationBytes: number;
}

/** Page tables that map `vpns`: the root and, at each lower level, one per distinct parent entry. */
function tablesFor(vpns: Float64Array, levelSpan: readonly number[], levels: number): number {
  let tables = 1;
  for (let level = 1; level < levels; level++) {
    const span = levelSpan[level - 1]!;
    const seen = new Set<number>();
    for (const v of vpns) seen.add(Math.floor(v / span));
    tables += seen.size;
  }
  return tables;
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
    for (let i = 0; i < input.count; i++) {
      const a = input.addresses[i]!;
      if (!(a >= 0 && a < 2 ** vaBits))
        throw new ConfigError(`addresses[${i}]`, a, `an address below 2^${vaBits}`);
      pages[i] = Math.floor(a / pageSize);
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
    const tables = tablesFor(dense.pageOfId, layout.levelSpan, layout.levels);
    let frag = 0;
    for (const g of input.regions) frag += Math.ceil(g.bytes / pageSize) * pageSize - g.bytes;
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
