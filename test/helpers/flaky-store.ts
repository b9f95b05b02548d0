// Fault injection for backing stores: a MemoryStore whose writes (or reads) fail on demand, as a
// swap file on a full or failing disk does. A failed write first scribbles over the first half of
// the slot (a torn write), so nothing may trust a slot whose write failed.

import { MemoryStore } from "../../src/stores/memory-store.js";
import { type BackingStore, type Slot, StoreIoError } from "../../src/stores/store.js";

export class FlakyStore implements BackingStore {
  readonly id = "flaky";
  readonly readOnly = false;
  private readonly inner: MemoryStore;
  /** Writes that still succeed before every write fails (Infinity: never fail). */
  writesLeft = Number.POSITIVE_INFINITY;
  /** While true, every read fails. */
  failReads = false;
  writes = 0;
  failedWrites = 0;
  failedReads = 0;

  constructor(
    readonly pageSize: number,
    capacity = Number.POSITIVE_INFINITY,
  ) {
    this.inner = new MemoryStore(pageSize, capacity);
  }

  get capacity(): number {
    return this.inner.capacity;
  }
  get slotsInUse(): number {
    return this.inner.slotsInUse;
  }
  /** Fails every write from now on (a full disk), or after `n` more. */
  failWritesAfter(n: number): void {
    this.writesLeft = n;
  }
  /** The disk has room again. */
  heal(): void {
    this.writesLeft = Number.POSITIVE_INFINITY;
    this.failReads = false;
  }
  allocSlot(forFault: boolean): Slot {
    return this.inner.allocSlot(forFault);
  }
  freeSlot(slot: Slot): void {
    this.inner.freeSlot(slot);
  }
  writePage(slot: Slot, src: Uint8Array, srcOffset: number): void {
    if (this.writesLeft <= 0) {
      this.failedWrites++;
      const torn = new Uint8Array(this.pageSize).fill(0xee);
      torn.set(src.subarray(srcOffset + this.pageSize / 2, srcOffset + this.pageSize), this.pageSize / 2);
      this.inner.writePage(slot, torn, 0);
      throw new StoreIoError("flaky disk", "write", slot, "no space left on device (ENOSPC)", "ENOSPC");
    }
    this.writesLeft--;
    this.writes++;
    this.inner.writePage(slot, src, srcOffset);
  }
  readPage(slot: Slot, dst: Uint8Array, dstOffset: number): void {
    if (this.failReads) {
      this.failedReads++;
      throw new StoreIoError("flaky disk", "read", slot, "input/output error (EIO)", "EIO");
    }
    this.inner.readPage(slot, dst, dstOffset);
  }
}
