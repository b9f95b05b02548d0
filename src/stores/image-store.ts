// A read-only executable image: the pages of a program's code and initialized data, as a loader
// would find them in the file. Slot i is page i of the image. Code pages are never written to swap:
// when evicted they are dropped and read again from here.

import { ConfigError, InternalError } from "../core/errors.js";
import type { BackingStore, Slot } from "./store.js";
import { NO_SLOT } from "./store.js";

/** A program as the machine loads it: code bytes, initialized data bytes, zeroed bss size. */
export interface ExecutableImage {
  readonly name: string;
  readonly code: Uint8Array;
  readonly data: Uint8Array;
  readonly bssBytes: number;
}

export class ImageStore implements BackingStore {
  readonly id = "image";
  readonly readOnly = true;
  readonly slotsInUse = 0;
  readonly capacity: number;
  /** Pages of code; data pages follow them. */
  readonly codePages: number;
  readonly dataPages: number;
  private readonly bytes: Uint8Array;

  constructor(
    readonly image: ExecutableImage,
    readonly pageSize: number,
  ) {
    if (!Number.isInteger(image.bssBytes) || image.bssBytes < 0) {
      throw new ConfigError("image.bssBytes", image.bssBytes, "a whole number of bytes ≥ 0");
    }
    this.codePages = Math.ceil(image.code.length / pageSize);
    this.dataPages = Math.ceil(image.data.length / pageSize);
    this.capacity = this.codePages + this.dataPages;
    this.bytes = new Uint8Array(this.capacity * pageSize);
    this.bytes.set(image.code, 0);
    this.bytes.set(image.data, this.codePages * pageSize);
  }

  allocSlot(): Slot {
    return NO_SLOT;
  }

  freeSlot(slot: Slot): void {
    throw new InternalError(`image: free of slot ${slot} in a read-only store`);
  }

  writePage(slot: Slot): void {
    throw new InternalError(`image: write to slot ${slot} of a read-only store`);
  }

  readPage(slot: Slot, dst: Uint8Array, dstOffset: number): void {
    if (!(slot >= 0 && slot < this.capacity)) throw new InternalError(`image: no page ${slot}`);
    const base = slot * this.pageSize;
    dst.set(this.bytes.subarray(base, base + this.pageSize), dstOffset);
  }
}
