// Page → small integer map for policies that remember pages no longer resident (ghost lists,
// history). With a dense page space (PolicyContext.pageSpace > 0) it is an Int32Array indexed by
// page and allocates nothing (it doubles when a larger page appears, as when a replay streams a
// trace whose page space grows); otherwise it falls back to a Map.

export class PageMap {
  private dense: Int32Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(pageSpace: number) {
    this.dense = pageSpace > 0 ? new Int32Array(pageSpace).fill(-1) : null;
    this.sparse = pageSpace > 0 ? null : new Map();
  }

  /** The value for `page`, or -1. */
  get(page: number): number {
    if (this.dense !== null) return page >= 0 && page < this.dense.length ? this.dense[page]! : -1;
    return this.sparse!.get(page) ?? -1;
  }

  set(page: number, v: number): void {
    if (this.dense !== null) {
      if (page >= this.dense.length) this.grow(page);
      this.dense[page] = v;
    } else this.sparse!.set(page, v);
  }

  private grow(page: number): void {
    const d = new Int32Array(Math.max(page + 1, 2 * this.dense!.length)).fill(-1);
    d.set(this.dense!);
    this.dense = d;
  }

  delete(page: number): void {
    if (this.dense !== null) {
      if (page >= 0 && page < this.dense.length) this.dense[page] = -1;
    } else this.sparse!.delete(page);
  }
}

/**
 * A pool of ghost nodes: ids [base, base + capacity) for pages that left memory, each remembering
 * its page, found by page through a PageMap. Allocation and release are O(1) with no garbage.
 */
export class GhostPool {
  readonly base: number;
  readonly capacity: number;
  private readonly pageOfSlot: Float64Array;
  private readonly free: Int32Array;
  private freeCount: number;
  private readonly byPage: PageMap;

  constructor(base: number, capacity: number, pageSpace: number) {
    this.base = base;
    this.capacity = capacity;
    this.pageOfSlot = new Float64Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
    this.byPage = new PageMap(pageSpace);
  }

  /** The ghost node holding `page`, or -1. */
  find(page: number): number {
    return this.byPage.get(page);
  }

  /** A node for `page`; precondition: not already held and `available() > 0`. */
  add(page: number): number {
    const n = this.base + this.free[--this.freeCount]!;
    this.pageOfSlot[n - this.base] = page;
    this.byPage.set(page, n);
    return n;
  }

  /** Releases node `n` (and forgets its page). */
  release(n: number): void {
    this.byPage.delete(this.pageOfSlot[n - this.base]!);
    this.free[this.freeCount++] = n - this.base;
  }

  pageOf(n: number): number {
    return this.pageOfSlot[n - this.base]!;
  }

  available(): number {
    return this.freeCount;
  }
}
