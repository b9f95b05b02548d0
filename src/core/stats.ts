// Counters, kept by the pager globally and per process (Zephyr's k_mem_paging_stats, grouped as
// plural nouns). Policies and stores keep only their private counters. All fields are plain
// numbers so that a hot path increments them without allocating.

/** Faults by cause. total = zeroFill + fromImage + fromSwap + fromObject + minor + fatal (see fatalFaults). */
export interface FaultCounters {
  total: number;
  /** A page that never had contents (bss, heap, stack, anonymous mmap) got a zeroed frame. */
  zeroFill: number;
  /** A code or initialized-data page was read from the executable image. */
  fromImage: number;
  /** A page was read back from swap. */
  fromSwap: number;
  /** A shared object's page was read from the object's store (or zero-filled on first use). */
  fromObject: number;
  /** The page was already resident (a shared frame mapped by another process): only the PTE was set. */
  minor: number;
  /** Write to a read-only page or fetch from a non-executable one: the process was killed. */
  protection: number;
  /** Access outside every region: the process was killed. */
  segmentation: number;
  /** A dirty victim found no swap slot: the process was killed. */
  outOfSwap: number;
}

export interface Counters {
  references: number;
  reads: number;
  writes: number;
  fetches: number;
  tlb: { hits: number; misses: number; flushes: number };
  faults: FaultCounters;
  evictions: { clean: number; dirty: number };
  /** Pages written to a backing store (dirty evictions and explicit page-outs of dirty pages). */
  writebacks: number;
  /** Pages read from a backing store (swap, image, shared object). */
  pageIns: number;
  /** Simulated time spent, ns. */
  timeNs: number;
  /** Page coloring "prefer": frames handed out whose PFN color differs from the page's VPN color. */
  colorConflicts: number;
  /** Page coloring "strict": evictions made only to free a frame of the page's color. */
  colorEvictions: number;
  /** Sequential read-ahead: pages read in ahead of a fault, without a reference of their own. */
  prefetched: number;
  /** Prefetched pages referenced before they were evicted or freed. */
  prefetchHits: number;
  /** 1 if this process was killed to free memory when swap ran out (largest resident set). */
  outOfSwapKills: number;
}

/** A zeroed counter set. */
export function makeCounters(): Counters {
  return {
    references: 0,
    reads: 0,
    writes: 0,
    fetches: 0,
    tlb: { hits: 0, misses: 0, flushes: 0 },
    faults: {
      total: 0,
      zeroFill: 0,
      fromImage: 0,
      fromSwap: 0,
      fromObject: 0,
      minor: 0,
      protection: 0,
      segmentation: 0,
      outOfSwap: 0,
    },
    evictions: { clean: 0, dirty: 0 },
    writebacks: 0,
    pageIns: 0,
    timeNs: 0,
    colorConflicts: 0,
    colorEvictions: 0,
    prefetched: 0,
    prefetchHits: 0,
    outOfSwapKills: 0,
  };
}

/** A deep copy, for snapshots handed to front ends. */
export function copyCounters(c: Counters): Counters {
  return { ...c, tlb: { ...c.tlb }, faults: { ...c.faults }, evictions: { ...c.evictions } };
}

/** Fatal faults: those that ended a process. */
export function fatalFaults(f: FaultCounters): number {
  return f.protection + f.segmentation + f.outOfSwap;
}
