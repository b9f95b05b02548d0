// The paging disk of the multiprogramming layer (src/system): one device with a FIFO queue. A
// request of k pages costs one positioning latency plus k transfer times, so prepaging k pages in
// one request is cheaper than k demand faults. Requests are served in arrival order, one at a time;
// a request's completion time is known when it is submitted (FIFO, deterministic service), which
// is all the scheduler needs to block a process until its page arrives.
//
// Presets. "hdd": the documents' fault service time, 8 ms for one page (seed 004: "200 nano seconds
// vs. 8 milliseconds"): 7.96 ms of seek and rotation plus 40 µs to transfer a 4 KiB page at about
// 100 MB/s. "ssd": about 0.1 ms for one page (80 µs of latency, 20 µs of transfer).
//
// Measured: requests and pages by direction, busy time, and the queue length (waiting plus in
// service) integrated over time for its mean, with its maximum.

import { ConfigError } from "../core/errors.js";

export interface DiskConfig {
  /** Preset name or "custom". */
  readonly name: string;
  /** Positioning time of every request (seek + rotation, or an SSD's command latency), ns. */
  readonly latencyNs: number;
  /** Transfer time of one page, ns. */
  readonly transferNs: number;
}

export const DISK_PRESETS = {
  hdd: { name: "hdd", latencyNs: 7_960_000, transferNs: 40_000 },
  ssd: { name: "ssd", latencyNs: 80_000, transferNs: 20_000 },
} as const satisfies Record<string, DiskConfig>;

export type DiskPreset = keyof typeof DISK_PRESETS;

/** A preset by name, or a checked custom configuration. Throws ConfigError naming the bad field. */
export function diskConfig(spec: DiskPreset | string | Partial<DiskConfig>): DiskConfig {
  if (typeof spec === "string") {
    const p = (DISK_PRESETS as Record<string, DiskConfig>)[spec];
    if (p === undefined)
      throw new ConfigError("disk", spec, `one of ${Object.keys(DISK_PRESETS).join(", ")}`);
    return p;
  }
  const c: DiskConfig = { ...DISK_PRESETS.hdd, name: "custom", ...spec };
  for (const k of ["latencyNs", "transferNs"] as const) {
    if (!Number.isFinite(c[k]) || c[k] < 0)
      throw new ConfigError(`disk.${k}`, c[k], "a finite number of ns ≥ 0");
  }
  return c;
}

export interface DiskStats {
  readonly name: string;
  readonly requests: number;
  readonly reads: number;
  readonly writes: number;
  readonly pagesRead: number;
  readonly pagesWritten: number;
  /** Time the device was serving a request, ns. */
  readonly busyNs: number;
  /** Mean number of requests queued or in service over [0, now]. */
  readonly meanQueue: number;
  readonly maxQueue: number;
}

export class Disk {
  readonly config: DiskConfig;
  private freeAt = 0;
  private requests = 0;
  private reads = 0;
  private writes = 0;
  private pagesRead = 0;
  private pagesWritten = 0;
  private busyNs = 0;
  // Completion times of outstanding requests, non-decreasing (FIFO); [head, done.length) live.
  private done: number[] = [];
  private head = 0;
  private area = 0;
  private areaAt = 0;
  private maxQueue = 0;

  constructor(spec: DiskPreset | string | Partial<DiskConfig> = "hdd") {
    this.config = diskConfig(spec);
  }

  /** Service time of one request of `pages` pages. */
  serviceNs(pages: number): number {
    return this.config.latencyNs + pages * this.config.transferNs;
  }

  /** Queues a request at `nowNs`; returns when it completes. `pages` ≥ 1. */
  submit(nowNs: number, pages: number, kind: "read" | "write"): number {
    this.advance(nowNs);
    const start = Math.max(nowNs, this.freeAt);
    const service = this.serviceNs(pages);
    const end = start + service;
    this.freeAt = end;
    this.busyNs += service;
    this.requests++;
    if (kind === "read") {
      this.reads++;
      this.pagesRead += pages;
    } else {
      this.writes++;
      this.pagesWritten += pages;
    }
    this.done.push(end);
    const q = this.done.length - this.head;
    if (q > this.maxQueue) this.maxQueue = q;
    return end;
  }

  /** Requests queued or in service at `nowNs` (call with non-decreasing times). */
  queueLength(nowNs: number): number {
    this.advance(nowNs);
    return this.done.length - this.head;
  }

  /** When the device will be idle (if nothing more arrives). */
  get idleAt(): number {
    return this.freeAt;
  }

  stats(nowNs: number): DiskStats {
    this.advance(nowNs);
    return {
      name: this.config.name,
      requests: this.requests,
      reads: this.reads,
      writes: this.writes,
      pagesRead: this.pagesRead,
      pagesWritten: this.pagesWritten,
      busyNs: this.busyNs,
      meanQueue: nowNs > 0 ? this.area / nowNs : 0,
      maxQueue: this.maxQueue,
    };
  }

  /** Integrates the queue length up to `t`, retiring requests completed by then. */
  private advance(t: number): void {
    if (t < this.areaAt) return;
    while (this.head < this.done.length && this.done[this.head]! <= t) {
      const c = this.done[this.head]!;
      this.area += (this.done.length - this.head) * (c - this.areaAt);
      this.areaAt = c;
      this.head++;
    }
    this.area += (this.done.length - this.head) * (t - this.areaAt);
    this.areaAt = t;
    if (this.head > 1024 && this.head * 2 > this.done.length) {
      this.done = this.done.slice(this.head);
      this.head = 0;
    }
  }
}
