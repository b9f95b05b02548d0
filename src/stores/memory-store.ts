// An in-memory backing store emulating a swap disk (the Xinu project's backing stores): slots are
// page-sized ranges of one growable buffer. Optionally bounded.

import { assert, ConfigError } from "../core/errors.js";
import { MAX_SLOTS, SlotAllocator } from "./slot-allocator.js";
import type { BackingStore, Slot } from "./store.js";

export class MemoryStore implements BackingStore {
  readonly id = "memory";
  readonly readOnly = false;
  private readonly slots: SlotAllocator;
  private data: Uint8Array;

  /** `capacity` in slots (Infinity for unbounded); throws ConfigError for a bad one. */
  constructor(
    readonly pageSize: number,
    capacity = Number.POSITIVE_INFINITY,
  ) {
    if (!(capacity === Number.POSITIVE_INFINITY || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new ConfigError(
        "swap.capacity",
        capacity,
        `a positive whole number of slots up to ${MAX_SLOTS}, or Infinity`,
      );
    }
    this.slots = new SlotAllocator(capacity);
    this.data = new Uint8Array(pageSize * 16);
  }

  get capacity(): number {
    return this.slots.capacity;
  }
  get slotsInUse(): number {
    return this.slots.inUse;
  }

  allocSlot(forFault: boolean): Slot {
    const slot = this.slots.alloc(forFault);
    if (slot >= 0 && (slot + 1) * this.pageSize > this.data.length) {
      const bigger = new Uint8Array(Math.max((slot + 1) * this.pageSize, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    return slot;
  }

  freeSlot(slot: Slot): void {
    this.slots.release(slot);
  }

  writePage(slot: Slot, src: Uint8Array, srcOffset: number): void {
    assert(this.slots.isAllocated(slot), `memory-store: write to unallocated slot ${slot}`);
    this.data.set(src.subarray(srcOffset, srcOffset + this.pageSize), slot * this.pageSize);
  }

  readPage(slot: Slot, dst: Uint8Array, dstOffset: number): void {
    assert(this.slots.isAllocated(slot), `memory-store: read of unallocated slot ${slot}`);
    const base = slot * this.pageSize;
    dst.set(this.data.subarray(base, base + this.pageSize), dstOffset);
  }
}
