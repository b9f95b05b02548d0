// A shared memory object: pages that several address spaces map at once (the Xinu project's
// xmmap of a backing store, done right). The object, not any one process, owns its pages: while
// resident a page has one frame that every mapping's PTE points at; when evicted its contents go to
// the object's own store slot, and every mapping sees them again on its next fault.

import type { BackingStore } from "../stores/store.js";

export class SharedObject {
  /** Frame holding each page, or -1. */
  readonly frames: Int32Array;
  /** Store slot holding each page's contents while not resident, or -1 (never written: zero). */
  readonly slots: Int32Array;
  /** Regions mapping the object now. */
  mappers = 0;
  /** Once unlinked, the object is freed when its last mapping goes. */
  unlinked = false;

  constructor(
    readonly id: number,
    readonly pageCount: number,
    readonly store: BackingStore,
  ) {
    this.frames = new Int32Array(pageCount).fill(-1);
    this.slots = new Int32Array(pageCount).fill(-1);
  }

  /** True when nothing can reach the object any more. */
  get dead(): boolean {
    return this.unlinked && this.mappers === 0;
  }
}
