// The backing-store contract: where a page lives while it is not in a frame. The pager treats a
// slot as an opaque token (Zephyr's location); the store decides what it means. The interface is
// synchronous: the Node swap file uses positional fd reads and writes, and a browser worker could
// use OPFS's synchronous access handles behind the same calls.

import { PagewiseError } from "../core/errors.js";

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

/** What a store was doing when it failed. */
export type StoreOp = "open" | "write" | "read" | "close";

/**
 * A backing store could not do its I/O: the disk is full or read-only, the file went away or was
 * changed under the run (a short read, a checksum that does not match). `where` names the store
 * (the swap file's path); `slot` the page's slot (-1 for open and close); `reason` the cause, with
 * the system's code when there is one (ENOSPC, EACCES, ...). The pager undoes the step that
 * failed, so a failed write leaves the page resident and intact, and a failed read leaves it
 * where it was; the error goes to the API caller whose access or call needed the I/O.
 */
export class StoreIoError extends PagewiseError {
  static readonly code = "STORE_IO";
  constructor(
    readonly where: string,
    readonly op: StoreOp,
    readonly slot: number,
    readonly reason: string,
    readonly sysCode = "",
  ) {
    super(
      StoreIoError.code,
      `${where}: ${op === "open" || op === "close" ? `cannot ${op}` : `${op} of slot ${slot} failed`}: ${reason}`,
      { where, op, slot, reason, sysCode },
    );
  }
}
