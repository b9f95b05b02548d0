// The one in-memory workload: every reference of a trace, a generator or a reference string in
// typed arrays, with what reports print about it. `WorkloadBuilder` is its one builder (decoders
// reading whole inputs, the CLI, the web app and the benchmarks append batches to it), and
// `workloadSource` turns a workload back into a ReferenceSource so the one driver (sim/run.ts,
// sim/machine-run.ts) runs it like a file. Commands that stream never build one.

import type { ReferenceSource } from "./source.js";
import type { DecodedRefs } from "./trace-decoder.js";

export type { DecodedRefs } from "./trace-decoder.js";

/** A whole workload in memory. Entries [0, count) are valid. */
export interface Workload extends DecodedRefs {
  readonly name: string;
  /** What it was read from, for reports: "refs", a file path, or a generator spec. */
  readonly source: string;
  readonly kind: "refs" | "trace" | "gen";
  /** Bytes a page number stands for. */
  readonly pageSize: number;
}

/**
 * Growable typed arrays that batches (or single references) are appended to. `room`, when given,
 * is called with the size the arrays are about to grow to, before they grow: it throws to refuse
 * (the CLI's cap on references held in memory).
 */
export class WorkloadBuilder {
  count = 0;
  pages = new Float64Array(1024);
  kinds = new Uint8Array(1024);
  pids = new Int32Array(1024);

  constructor(private readonly room?: (references: number) => void) {}

  private grow(need: number): void {
    if (need <= this.pages.length) return;
    this.room?.(need);
    let cap = this.pages.length;
    while (cap < need) cap *= 2;
    const p = new Float64Array(cap);
    p.set(this.pages.subarray(0, this.count));
    const k = new Uint8Array(cap);
    k.set(this.kinds.subarray(0, this.count));
    const d = new Int32Array(cap);
    d.set(this.pids.subarray(0, this.count));
    this.pages = p;
    this.kinds = k;
    this.pids = d;
  }

  /** Appends up to `max` references of `b` (entries [0, b.count)); returns how many were taken. */
  append(b: DecodedRefs, max = Number.POSITIVE_INFINITY): number {
    const n = Math.min(b.count, max);
    this.grow(this.count + n);
    this.pages.set(b.pages.subarray(0, n), this.count);
    this.kinds.set(b.kinds.subarray(0, n), this.count);
    this.pids.set(b.pids.subarray(0, n), this.count);
    this.count += n;
    return n;
  }

  push(page: number, kind: number, pid = 0): void {
    this.grow(this.count + 1);
    this.pages[this.count] = page;
    this.kinds[this.count] = kind;
    this.pids[this.count] = pid;
    this.count++;
  }

  /** The references so far, as views trimmed to the count. */
  refs(): DecodedRefs {
    return {
      count: this.count,
      pages: this.pages.subarray(0, this.count),
      kinds: this.kinds.subarray(0, this.count),
      pids: this.pids.subarray(0, this.count),
    };
  }

  /** The workload: the references so far with what reports print about them. */
  finish(meta: { name: string; source: string; kind: Workload["kind"]; pageSize: number }): Workload {
    return { ...meta, ...this.refs() };
  }
}

/** The first `n` references of `w` (views, no copy). */
export function truncateWorkload(w: Workload, n: number): Workload {
  if (n >= w.count) return w;
  return {
    ...w,
    count: n,
    pages: w.pages.subarray(0, n),
    kinds: w.kinds.subarray(0, n),
    pids: w.pids.subarray(0, n),
  };
}

/** A workload in memory as a source the drivers read like a file (one batch). */
export function workloadSource(w: Workload): ReferenceSource {
  return {
    kind: "batches",
    name: w.name,
    batches: () => [{ count: w.count, pages: w.pages, kinds: w.kinds, pids: w.pids }],
  };
}
