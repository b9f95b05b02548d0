// The page cache for program text: every process running the same ELF maps its read-only,
// executable segments through one shared object per segment (pager/memory-object.ts), so while a
// text page is resident every such process uses the same frame, and a second run's fault on it is
// "minor" (only its PTE is set), as a real kernel's page cache makes it. An object's pages come from
// the file's bytes (TextStore) and are never written: an evicted text page is dropped and read
// again. The object lives while some process maps it (it is unlinked at once, so the last exit
// frees it); a later run makes a new one.

import { InternalError } from "../../core/errors.js";
import type { Machine } from "../../sim/machine.js";
import { type BackingStore, NO_SLOT, type Slot } from "../../stores/store.js";

/** A read-only store over a segment's file pages: slot i is page i. */
export class TextStore implements BackingStore {
  readonly id = "text";
  readonly readOnly = true;
  readonly slotsInUse = 0;
  readonly capacity: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly pageSize: number,
  ) {
    this.capacity = Math.ceil(bytes.length / pageSize);
  }

  allocSlot(): Slot {
    return NO_SLOT;
  }

  /** The file's pages stay: nothing to free when the object goes. */
  freeSlot(): void {}

  writePage(slot: Slot): void {
    throw new InternalError(`text: write to slot ${slot} of a read-only store`);
  }

  readPage(slot: Slot, dst: Uint8Array, dstOffset: number): void {
    if (!(slot >= 0 && slot < this.capacity)) throw new InternalError(`text: no page ${slot}`);
    dst.set(this.bytes.subarray(slot * this.pageSize, (slot + 1) * this.pageSize), dstOffset);
  }
}

const caches = new WeakMap<Machine, Map<string, number>>();

/**
 * The shared object holding `pages` (a segment's or a mapping's file pages, identified by `key`) on
 * `machine`: the one a live process already maps, or a new one of `pageCount` pages (default: the
 * file pages; pages past them read as zeros and cost no host memory). Returns its id.
 */
export function sharedText(machine: Machine, key: string, pages: Uint8Array, pageCount?: number): number {
  let cache = caches.get(machine);
  if (cache === undefined) {
    cache = new Map();
    caches.set(machine, cache);
  }
  const known = cache.get(key);
  if (known !== undefined && machine.pager.objects.has(known)) return known;
  const ps = machine.pageSize;
  const store = new TextStore(pages, ps);
  const id = machine.shmCreate(Math.max(store.capacity, pageCount ?? 0), store);
  const obj = machine.pager.objects.get(id)!;
  for (let i = 0; i < store.capacity; i++) obj.slots[i] = i;
  cache.set(key, id);
  return id;
}

/** FNV-1a hash of `bytes` (32 bits, hex): with the length, the key under which a file's text is shared. */
export function fileKey(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}
