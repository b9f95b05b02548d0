// The backing-store contract: where a page lives while it is not in a frame. The pager treats a
// slot as an opaque token (Zephyr's location); the store decides what it means. The interface is
// synchronous: the Node swap file uses positional fd reads and writes, and a browser worker could
// use OPFS's synchronous access handles behind the same calls.

/** A store location token. */
export type Slot = number;
/** No slot: the store is full, or the page has no copy in it. */
export const NO_SLOT: Slot = -1;

export interface BackingStore {
  /** Kind id, lowercase kebab ("memory", "file-swap", "image"). */
  readonly id: string;
  readonly pageSize: number;
  /** Slots the store can hold; Infinity for an unbounded store. */
  readonly capacity: number;
  /** Slots allocated now. */
  readonly slotsInUse: number;
  /** A read-only store (an executable image) refuses allocSlot and writePage. */
  readonly readOnly: boolean;
  /**
   * Allocates a free slot, or returns NO_SLOT when full. Unless `forFault`, the last free slot is
   * kept back so that background write-back never takes the slot a fault needs (Zephyr ram.c).
   */
  allocSlot(forFault: boolean): Slot;
  /** Returns `slot` to the free pool. Freeing a slot that is not allocated is an InternalError. */
  freeSlot(slot: Slot): void;
  /** Copies one page from `src[srcOffset …]` into `slot`. */
  writePage(slot: Slot, src: Uint8Array, srcOffset: number): void;
  /** Copies one page from `slot` into `dst[dstOffset …]`. */
  readPage(slot: Slot, dst: Uint8Array, dstOffset: number): void;
  /** Releases OS resources (the swap file's descriptor). */
  close?(): void;
}
