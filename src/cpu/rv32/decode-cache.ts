// The decoded-instruction cache: per physical frame, the decoded form of each instruction slot
// (decode.ts), filled lazily as instructions first run. An entry is valid while its frame holds
// the same page: the frame table's load sequence number changes whenever a frame is handed out
// again (after an eviction, unmap or exit), so a stale entry is noticed on the next fetch. A store
// into a frame with decoded instructions drops them (the CPU and the kernel's copies check), and
// fence.i drops everything. One cache serves every CPU of a machine, since frames are shared.

import type { Machine } from "../../sim/machine.js";

const caches = new WeakMap<Machine, DecodeCache>();

export class DecodeCache {
  /** Decoded slots of frame f: two words per instruction (decode.ts), or undefined. */
  readonly pages: (Int32Array | undefined)[];
  /** The frame's load sequence number when its entry was made (-1: none). */
  readonly seq: Float64Array;
  /** Entries dropped because their frame was written, reloaded or fence.i ran. */
  drops = 0;
  private readonly slots: number;
  private readonly spare: Int32Array[] = [];

  constructor(
    frameCount: number,
    pageSize: number,
    private readonly loadSeq: Float64Array,
  ) {
    this.pages = new Array<Int32Array | undefined>(frameCount).fill(undefined);
    this.seq = new Float64Array(frameCount).fill(-1);
    this.slots = (pageSize / 4) * 2;
  }

  /** The cache of `machine` (made on first use). */
  static of(machine: Machine): DecodeCache {
    let c = caches.get(machine);
    if (c === undefined) {
      c = new DecodeCache(machine.frameCount, machine.pageSize, machine.frames.loadSeq);
      caches.set(machine, c);
    }
    return c;
  }

  /** A fresh (all undecoded) entry for frame `f`, now valid for its current page. */
  refresh(f: number): Int32Array {
    let page = this.pages[f];
    if (page === undefined) {
      page = this.spare.pop() ?? new Int32Array(this.slots);
      this.pages[f] = page;
    } else {
      page.fill(0);
      this.drops++;
    }
    this.seq[f] = this.loadSeq[f]!;
    return page;
  }

  /** Drops frame `f`'s entry (its bytes changed). */
  drop(f: number): void {
    const page = this.pages[f];
    if (page === undefined) return;
    page.fill(0);
    this.spare.push(page);
    this.pages[f] = undefined;
    this.seq[f] = -1;
    this.drops++;
  }

  /** Drops every entry (fence.i). */
  clear(): void {
    for (let f = 0; f < this.pages.length; f++) if (this.pages[f] !== undefined) this.drop(f);
  }
}
