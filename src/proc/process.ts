// A process: an address space (page-table root, the PTBR its context switch installs, and its
// regions), its heap break, its stack, and its counters. The layout, for a VA space of 2^vaBits:
//
//   0                   page 0 is never mapped (null dereferences fault)
//   code, data, bss     from the executable image, from page 1 up
//   heap                from the end of bss up to the break (brk/sbrk)
//   ... free ...
//   mmap area           anonymous and shared mappings, allocated top-down below the stack gap
//   guard gap           never mapped
//   stack               grows down on demand from the top of the space, up to its limit

import { type Counters, makeCounters } from "../core/stats.js";
import { type Region, regionHas } from "../pager/region.js";
import type { ImageStore } from "../stores/image-store.js";

export type ProcessState = "running" | "exited" | "killed";

export class Process {
  state: ProcessState = "running";
  exitReason = "";
  readonly regions: Region[] = [];
  readonly counters: Counters = makeCounters();
  /** Frames whose pages this process faulted in (its resident set, shared frames included). */
  resident = 0;
  /** Frame quota under local replacement (Infinity: no quota). */
  quota = Number.POSITIVE_INFINITY;
  /** Heap: first VPN and the break as a byte address. */
  heapStartVpn = 0;
  brk = 0;
  /** Lowest VPN the stack may grow down to; the guard gap lies just below. */
  stackLimitVpn = 0;
  /** Top of the mmap area (exclusive VPN): new mappings are placed below it. */
  mmapTopVpn = 0;
  /** Where vmalloc's heap starts (set on first use). */
  heapArenaVa = -1;
  private last: Region | undefined;

  constructor(
    readonly pid: number,
    readonly asid: number,
    readonly root: number,
    readonly name: string,
    readonly image: ImageStore | undefined,
  ) {}

  get alive(): boolean {
    return this.state === "running";
  }

  /** The region holding `vpn`, or undefined. */
  findRegion(vpn: number): Region | undefined {
    const last = this.last;
    if (last !== undefined && regionHas(last, vpn)) return last;
    for (const r of this.regions) {
      if (regionHas(r, vpn)) {
        this.last = r;
        return r;
      }
    }
    return undefined;
  }

  /** Adds a region, keeping the list sorted by start. */
  addRegion(r: Region): void {
    this.regions.push(r);
    this.regions.sort((a, b) => a.startVpn - b.startVpn);
  }

  /** Removes a region. */
  removeRegion(r: Region): void {
    const i = this.regions.indexOf(r);
    if (i >= 0) this.regions.splice(i, 1);
    if (this.last === r) this.last = undefined;
  }

  /** The region of a kind (first one), e.g. the heap or the stack. */
  regionOfKind(kind: Region["kind"]): Region | undefined {
    return this.regions.find((r) => r.kind === kind);
  }

  /** True if [startVpn, endVpn) overlaps no region. */
  isFree(startVpn: number, endVpn: number): boolean {
    return this.regions.every((r) => endVpn <= r.startVpn || startVpn >= r.endVpn);
  }
}
