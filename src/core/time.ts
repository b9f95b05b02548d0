// Simulated time: what each event costs, in nanoseconds. Never the wall clock. The defaults are the
// documents' figures: about 200 ns per memory access and 8 ms to service a fault from disk, so the
// measured effective access time can be set beside EAT = (1 - p) x 200 ns + p x 8 ms.

import { ConfigError } from "./errors.js";

export interface CostModel {
  /** One memory reference that hits (TLB hit, page resident). */
  readonly memoryAccessNs: number;
  /** Extra cost of a TLB miss per page-table level read during the walk. */
  readonly walkPerLevelNs: number;
  /** Trap and handler overhead of every fault, before any disk I/O. */
  readonly faultOverheadNs: number;
  /** Reading one page from a backing store (swap, image, shared object): one request, latency included. */
  readonly diskReadNs: number;
  /**
   * Transfer time of one more page in the same request (sequential read-ahead): a request for
   * 1 + k pages costs diskReadNs + k × diskTransferNs. The default, 40 µs, is a 4 KiB page at
   * about 100 MB/s; it is part of the 8 ms of a single-page read, so EAT stays the documents'.
   */
  readonly diskTransferNs: number;
  /** Writing one page to a backing store. */
  readonly diskWriteNs: number;
  /**
   * One context switch (default 0): charged on every switch from one process to another, and once
   * per fault that read a page from a store, for switching back to the process when the page has
   * arrived (the third part of a fault's service in the documents, after the handler and the I/O).
   */
  readonly contextSwitchNs: number;
}

export const DEFAULT_COSTS: CostModel = {
  memoryAccessNs: 200,
  walkPerLevelNs: 200,
  faultOverheadNs: 0,
  diskReadNs: 8_000_000,
  diskTransferNs: 40_000,
  diskWriteNs: 8_000_000,
  contextSwitchNs: 0,
};

/** Merges overrides into the defaults; throws ConfigError for a negative or non-finite cost. */
export function makeCosts(over: Partial<CostModel> = {}): CostModel {
  const c = { ...DEFAULT_COSTS, ...over };
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new ConfigError(`costs.${k}`, v, "a finite number of nanoseconds ≥ 0");
    }
  }
  return c;
}

/** The documents' formula: EAT = (1 - p) * memory + p * fault service. */
export function eatFormulaNs(faultRate: number, memoryNs = 200, faultNs = 8_000_000): number {
  return (1 - faultRate) * memoryNs + faultRate * faultNs;
}
