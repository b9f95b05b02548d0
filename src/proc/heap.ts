// vmalloc/vfree: a first-fit allocator whose bookkeeping lives in the process's own virtual
// memory (the Xinu project's virtual heap), so its headers are paged, evicted and swapped like
// any other data. Each block starts with an 8-byte header:
//   u32 size   bytes of the whole block, header included, a multiple of 8
//   u32 tag    TAG_USED or TAG_FREE: a wrong tag exposes a double free or a stray pointer
// Blocks tile the arena [start, brk) with no gaps; the arena grows with sbrk. Freed blocks are
// merged with free neighbours that follow them when a later allocation scans past.

import { HeapError } from "../core/errors.js";

const HEADER = 8;
const ALIGN = 8;
const TAG_USED = 0xa110c8ed;
const TAG_FREE = 0xf4eeb10c;
/** Largest single allocation (the size field is 32 bits). */
export const MAX_ALLOC = 2 ** 31;

/** The memory a heap works in: word access through the MMU and the process's break. */
export interface HeapMemory {
  readU32(va: number): number;
  writeU32(va: number, v: number): void;
  /** Moves the break by `delta` bytes and returns the old break (throws when memory is exhausted). */
  sbrk(delta: number): number;
  /** The current break. */
  brk(): number;
}

export class VirtualHeap {
  /** Bytes handed out and not yet freed (payloads only). */
  allocatedBytes = 0;
  allocations = 0;

  /** `start` must be 8-aligned; it is the break when the heap was created. */
  constructor(
    private readonly mem: HeapMemory,
    readonly start: number,
  ) {}

  /** Allocates `size` bytes; returns the payload's virtual address. Throws HeapError for a bad size. */
  alloc(size: number): number {
    if (!Number.isInteger(size) || size <= 0 || size > MAX_ALLOC) {
      throw new HeapError(
        `vmalloc: bad size ${size} (expected a whole number of bytes from 1 to ${MAX_ALLOC})`,
        {
          size,
        },
      );
    }
    const need = roundUp(size + HEADER);
    const va = this.findFit(need) ?? this.extend(need);
    this.allocatedBytes += this.mem.readU32(va) - HEADER;
    this.allocations++;
    return va + HEADER;
  }

  /** Frees the block at payload address `va`. Throws HeapError for a double free or a stray pointer. */
  free(va: number): void {
    const end = this.mem.brk();
    const h = va - HEADER;
    if (!Number.isInteger(va) || h < this.start || va >= end || (h - this.start) % ALIGN !== 0) {
      throw new HeapError(`vfree: 0x${va.toString(16)} is not an address vmalloc returned`, { va });
    }
    const tag = this.mem.readU32(h + 4);
    if (tag === TAG_FREE) throw new HeapError(`vfree: double free of 0x${va.toString(16)}`, { va });
    if (tag !== TAG_USED) {
      throw new HeapError(`vfree: 0x${va.toString(16)} is not an address vmalloc returned`, { va });
    }
    const size = this.mem.readU32(h);
    this.mem.writeU32(h + 4, TAG_FREE);
    this.allocatedBytes -= size - HEADER;
    this.allocations--;
  }

  /** Payload size of the live block at `va` (for tests and reports). */
  sizeOf(va: number): number {
    return this.mem.readU32(va - HEADER) - HEADER;
  }

  private findFit(need: number): number | undefined {
    const end = this.mem.brk();
    for (let h = this.start; h < end; ) {
      let size = this.mem.readU32(h);
      if (this.mem.readU32(h + 4) === TAG_FREE) {
        size = this.coalesce(h, size, end);
        if (size >= need) {
          this.split(h, size, need);
          this.mem.writeU32(h + 4, TAG_USED);
          return h;
        }
      }
      h += size;
    }
    return undefined;
  }

  private coalesce(h: number, size: number, end: number): number {
    while (h + size < end && this.mem.readU32(h + size + 4) === TAG_FREE) {
      size += this.mem.readU32(h + size);
    }
    this.mem.writeU32(h, size);
    return size;
  }

  private split(h: number, size: number, need: number): void {
    if (size - need < HEADER + ALIGN) return;
    this.mem.writeU32(h, need);
    this.mem.writeU32(h + need, size - need);
    this.mem.writeU32(h + need + 4, TAG_FREE);
  }

  private extend(need: number): number {
    const h = this.mem.sbrk(need);
    this.mem.writeU32(h, need);
    this.mem.writeU32(h + 4, TAG_USED);
    return h;
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
