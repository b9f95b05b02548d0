// Slot bookkeeping shared by the writable stores: a free stack over a high-water mark, a bitmap of
// allocated slots, an optional capacity, and one slot kept back for the fault path.

import { assert, ConfigError } from "../core/errors.js";
import { NO_SLOT, type Slot } from "./store.js";

/**
 * Most slots a store may use: a PTE names a swap slot in 24 bits (mmu/pte.ts PTE_MAX_FIELD + 1;
 * stores see only core/, so the number is repeated here and a test checks the two agree). A slot
 * at or above it would be truncated in the PTE and another page's data read back.
 */
export const MAX_SLOTS = 2 ** 24;

export class SlotAllocator {
  private free: Int32Array = new Int32Array(64);
  private freeTop = 0;
  private used: Uint8Array = new Uint8Array(64);
  private high = 0;
  inUse = 0;

  /** `capacity` up to MAX_SLOTS, or Infinity: then at most MAX_SLOTS slots are in use at once. */
  constructor(readonly capacity: number) {
    if (capacity > MAX_SLOTS && capacity !== Number.POSITIVE_INFINITY) {
      throw new ConfigError(
        "swap.capacity",
        capacity,
        `at most ${MAX_SLOTS} slots (a PTE holds a slot number in 24 bits), or Infinity`,
      );
    }
  }

  /**
   * A free slot, or NO_SLOT when full; unless `forFault`, the last free slot is refused. Slots are
   * numbered from 0 and reused, so a slot is always below the most ever in use: below MAX_SLOTS.
   */
  alloc(forFault: boolean): Slot {
    const left = Math.min(this.capacity, MAX_SLOTS) - this.inUse;
    if (left <= 0 || (!forFault && left <= 1)) return NO_SLOT;
    const slot = this.freeTop > 0 ? this.free[--this.freeTop]! : this.high++;
    if (slot >= this.used.length) this.used = grow(this.used, slot + 1);
    this.used[slot] = 1;
    this.inUse++;
    return slot;
  }

  /** Returns `slot`; throws InternalError if it is not allocated. */
  release(slot: Slot): void {
    assert(slot >= 0 && slot < this.high && this.used[slot] === 1, `store: free of unallocated slot ${slot}`);
    this.used[slot] = 0;
    if (this.freeTop === this.free.length) this.free = grow(this.free, this.freeTop + 1);
    this.free[this.freeTop++] = slot;
    this.inUse--;
  }

  /** True if `slot` is allocated. */
  isAllocated(slot: Slot): boolean {
    return slot >= 0 && slot < this.high && this.used[slot] === 1;
  }

  /** Slots ever handed out (the high-water mark). */
  get highWater(): number {
    return this.high;
  }
}

function grow<T extends Uint8Array | Int32Array>(a: T, min: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
