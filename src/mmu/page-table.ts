// Multi-level page tables that live in physical frames, one tree per address space. A table is one
// frame of 32-bit PTEs (mmu/pte.ts). Intermediate tables are allocated lazily the first time a page
// under them is mapped, and freed when their last entry is cleared (xv6's walk with alloc, plus
// pruning). Each table frame counts its non-zero entries in FrameTable.entries.

import { type AddressLayout, levelIndex, PTE_SIZE } from "../core/addr.js";
import { assert } from "../core/errors.js";
import { FRAME_TABLE, type FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import { pteFrame, ptePresent, pteTable } from "./pte.js";

/** Supplies a zeroed frame for a new table (the pager may evict to find one); throws if it can't. */
export type TableFrameSource = () => number;

export class PageTables {
  private readonly path: Int32Array;

  constructor(
    private readonly layout: AddressLayout,
    private readonly mem: PhysicalMemory,
    private readonly frames: FrameTable,
    private readonly allocTable: TableFrameSource,
    /** Told after a table frame was released (the machine may keep it for tables). */
    private readonly onFreed?: (frame: number) => void,
  ) {
    this.path = new Int32Array(layout.levels);
  }

  /** Allocates an empty root table; returns its frame (the value a PTBR/CR3 holds). */
  newRoot(): number {
    return this.newTable();
  }

  /** Physical address of the leaf PTE for `vpn`, or -1 when an intermediate table is missing. */
  lookup(root: number, vpn: number): number {
    let table = root;
    const last = this.layout.levels - 1;
    for (let level = 0; level < last; level++) {
      const pte = this.mem.readU32(this.entryAddr(table, vpn, level));
      if (!ptePresent(pte)) return -1;
      table = pteFrame(pte);
    }
    return this.entryAddr(table, vpn, last);
  }

  /** Physical address of the leaf PTE for `vpn`, allocating missing intermediate tables. */
  ensure(root: number, vpn: number): number {
    let table = root;
    const last = this.layout.levels - 1;
    for (let level = 0; level < last; level++) {
      const addr = this.entryAddr(table, vpn, level);
      const pte = this.mem.readU32(addr);
      if (ptePresent(pte)) {
        table = pteFrame(pte);
        continue;
      }
      const child = this.newTable();
      this.mem.writeU32(addr, pteTable(child));
      this.frames.entries[table]!++;
      table = child;
    }
    return this.entryAddr(table, vpn, last);
  }

  /**
   * Writes leaf PTE word `pte` at `addr` (from lookup/ensure), keeping the table's entry count.
   * Writing 0 clears the entry and frees every table left empty on the path to `vpn`.
   */
  setLeaf(root: number, vpn: number, addr: number, pte: number): void {
    const old = this.mem.readU32(addr);
    this.mem.writeU32(addr, pte);
    const table = Math.floor(addr / this.layout.pageSize);
    if (old === 0 && pte !== 0) this.frames.entries[table]!++;
    else if (old !== 0 && pte === 0) {
      this.frames.entries[table]!--;
      this.prune(root, vpn);
    }
  }

  /**
   * Calls `fn(vpn, addr, pte)` for every non-zero leaf entry under `root`, in VPN order. `fn` may
   * rewrite the entry it is given but must not clear others.
   */
  forEachLeaf(root: number, fn: (vpn: number, addr: number, pte: number) => void): void {
    this.visit(root, 0, 0, fn);
  }

  /**
   * Frees every table of the tree, root included. All leaf entries must already be clear of
   * frames (the caller unmaps pages first).
   */
  freeTree(root: number): void {
    this.freeSubtree(root, 0);
  }

  private visit(
    table: number,
    level: number,
    vpnBase: number,
    fn: (vpn: number, a: number, p: number) => void,
  ) {
    const n = this.layout.entriesPerTable[level]!;
    const span = this.layout.levelSpan[level]!;
    const base = table * this.layout.pageSize;
    const leaf = level === this.layout.levels - 1;
    for (let i = 0; i < n; i++) {
      const addr = base + i * PTE_SIZE;
      const pte = this.mem.readU32(addr);
      if (pte === 0) continue;
      if (leaf) fn(vpnBase + i * span, addr, pte);
      else this.visit(pteFrame(pte), level + 1, vpnBase + i * span, fn);
    }
  }

  private freeSubtree(table: number, level: number): void {
    if (level < this.layout.levels - 1) {
      const base = table * this.layout.pageSize;
      for (let i = 0; i < this.layout.entriesPerTable[level]!; i++) {
        const pte = this.mem.readU32(base + i * PTE_SIZE);
        if (ptePresent(pte)) this.freeSubtree(pteFrame(pte), level + 1);
      }
    }
    this.releaseTable(table);
  }

  private prune(root: number, vpn: number): void {
    const last = this.layout.levels - 1;
    let table = root;
    for (let level = 0; level < last; level++) {
      this.path[level] = table;
      table = pteFrame(this.mem.readU32(this.entryAddr(table, vpn, level)));
    }
    this.path[last] = table;
    for (let level = last; level > 0; level--) {
      const t = this.path[level]!;
      if (this.frames.entries[t] !== 0) return;
      const parent = this.path[level - 1]!;
      this.mem.writeU32(this.entryAddr(parent, vpn, level - 1), 0);
      this.frames.entries[parent]!--;
      this.releaseTable(t);
    }
  }

  private newTable(): number {
    const f = this.allocTable();
    assert(this.frames.state[f] === FRAME_TABLE, "page-table: table source returned a non-table frame");
    this.mem.zeroFrame(f);
    return f;
  }

  private releaseTable(f: number): void {
    this.mem.zeroFrame(f);
    this.frames.release(f);
    this.onFreed?.(f);
  }

  private entryAddr(table: number, vpn: number, level: number): number {
    return table * this.layout.pageSize + levelIndex(this.layout, vpn, level) * PTE_SIZE;
  }
}
