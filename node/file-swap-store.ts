// A real swap file on disk: page-sized slots at fixed offsets, read and written with positional
// synchronous fd calls, so it plugs into the engine's synchronous BackingStore interface. Bounded:
// the file never grows past `capacity` slots. Node only.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { assert, ConfigError } from "../src/core/errors.js";
import { SlotAllocator } from "../src/stores/slot-allocator.js";
import type { BackingStore, Slot } from "../src/stores/store.js";

export interface FileSwapOptions {
  /** Slots (pages) the file may hold. */
  readonly capacity: number;
  /** The file to use; a fresh file in the OS temp directory by default. */
  readonly path?: string;
  /** Delete the file on close (default: true for a temp file, false for a given path). */
  readonly unlinkOnClose?: boolean;
}

export class FileSwapStore implements BackingStore {
  readonly id = "file-swap";
  readonly readOnly = false;
  readonly path: string;
  private fd: number;
  private readonly slots: SlotAllocator;
  private readonly unlink: boolean;
  reads = 0;
  writes = 0;

  /** Opens (creating or truncating) the swap file. Throws ConfigError for a bad capacity. */
  constructor(
    readonly pageSize: number,
    opts: FileSwapOptions,
  ) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) {
      throw new ConfigError("swap.capacity", opts.capacity, "a positive whole number of slots");
    }
    const temp = opts.path === undefined;
    this.path = opts.path ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-swap-")), "swap");
    this.unlink = opts.unlinkOnClose ?? temp;
    this.fd = fs.openSync(this.path, "w+");
    this.slots = new SlotAllocator(opts.capacity);
  }

  get capacity(): number {
    return this.slots.capacity;
  }
  get slotsInUse(): number {
    return this.slots.inUse;
  }

  allocSlot(forFault: boolean): Slot {
    return this.slots.alloc(forFault);
  }

  freeSlot(slot: Slot): void {
    this.slots.release(slot);
  }

  writePage(slot: Slot, src: Uint8Array, srcOffset: number): void {
    assert(this.slots.isAllocated(slot), `file-swap: write to unallocated slot ${slot}`);
    const n = fs.writeSync(this.fd, src, srcOffset, this.pageSize, slot * this.pageSize);
    assert(n === this.pageSize, `file-swap: short write (${n} of ${this.pageSize} bytes)`);
    this.writes++;
  }

  readPage(slot: Slot, dst: Uint8Array, dstOffset: number): void {
    assert(this.slots.isAllocated(slot), `file-swap: read of unallocated slot ${slot}`);
    const n = fs.readSync(this.fd, dst, dstOffset, this.pageSize, slot * this.pageSize);
    assert(n === this.pageSize, `file-swap: short read (${n} of ${this.pageSize} bytes) at slot ${slot}`);
    this.reads++;
  }

  /** Closes the file (and deletes it if it was a temp file). Safe to call twice. */
  close(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
    if (this.unlink) {
      fs.rmSync(this.path, { force: true });
      if (path.basename(path.dirname(this.path)).startsWith("pagewise-swap-")) {
        fs.rmSync(path.dirname(this.path), { recursive: true, force: true });
      }
    }
  }
}
