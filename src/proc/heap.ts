// vmalloc/vfree: a first-fit allocator whose bookkeeping lives in the process's own virtual
// memory (the Xinu project's virtual heap), so its headers are paged, evicted and swapped like
// any other data. Each block starts with an 8-byte header:
//   u32 size   bytes of the whole block, header included, a multiple of 8
//   u32 tag    TAG_USED or TAG_FREE: a wrong tag exposes a double free or a stray pointer
// Blocks tile arenas with no gaps. An arena is a stretch of the break the heap itself asked sbrk
// for; the heap remembers where its arenas start and end (two numbers each, outside the process's
// memory), so an sbrk by the process itself between two vmallocs leaves a gap the heap never walks
// (the next arena starts above it), and a break moved down over the heap trims it (breakMoved).
// Freed blocks are merged with free neighbours that follow them when a later allocation scans past.
//
// Every header is checked when it is read (size a multiple of 8, at least a header, inside its
// arena; a known tag), so a header the process overwrote is a HeapError naming the address, not a
// walk that never ends. Once corrupt, the heap stays so: every later vmalloc/vfree of that process
// throws the same HeapError (the machine and the other processes go on).

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

/** A stretch [start, end) of the break tiled by blocks. */
interface Arena {
  readonly start: number;
  end: number;
}

export class VirtualHeap {
  /** Bytes handed out and not yet freed (payloads only). */
  allocatedBytes = 0;
  allocations = 0;
  private readonly arenas: Arena[] = [];
  /** Set once a corrupt header is found: the message every later call throws. */
  private corrupt: string | undefined;

  /** `start` must be 8-aligned; it is the break when the heap was created. `owner` names it in errors. */
  constructor(
    private readonly mem: HeapMemory,
    readonly start: number,
    private readonly owner = "the process",
  ) {}

  /** Allocates `size` bytes; returns the payload's virtual address. Throws HeapError for a bad size or a corrupt heap. */
  alloc(size: number): number {
    if (!Number.isInteger(size) || size <= 0 || size > MAX_ALLOC) {
      throw new HeapError(
        `vmalloc: bad size ${size} (expected a whole number of bytes from 1 to ${MAX_ALLOC})`,
        {
          size,
        },
      );
    }
    this.checkHealthy("vmalloc");
    const need = roundUp(size + HEADER);
    const va = this.findFit(need) ?? this.extend(need);
    this.allocatedBytes += this.mem.readU32(va) - HEADER;
    this.allocations++;
    return va + HEADER;
  }

  /** Frees the block at payload address `va`. Throws HeapError for a double free, a stray pointer or a corrupt heap. */
  free(va: number): void {
    this.checkHealthy("vfree");
    const h = va - HEADER;
    const arena = Number.isInteger(va) ? this.arenaOf(h) : undefined;
    if (arena === undefined || (h - arena.start) % ALIGN !== 0 || va >= arena.end) {
      throw new HeapError(`vfree: 0x${hex(va)} is not an address vmalloc returned`, { va });
    }
    const tag = this.mem.readU32(h + 4);
    if (tag === TAG_FREE) throw new HeapError(`vfree: double free of 0x${hex(va)}`, { va });
    if (tag !== TAG_USED) {
      throw new HeapError(`vfree: 0x${hex(va)} is not an address vmalloc returned`, { va });
    }
    const size = this.sizeAt(h, arena.end, "vfree");
    this.mem.writeU32(h + 4, TAG_FREE);
    this.allocatedBytes -= size - HEADER;
    this.allocations--;
  }

  /** Payload size of the live block at `va` (for tests and reports). */
  sizeOf(va: number): number {
    return this.mem.readU32(va - HEADER) - HEADER;
  }

  /** Where the heap's blocks lie: [start, end) per arena (for tests and reports). */
  get extents(): ReadonlyArray<{ readonly start: number; readonly end: number }> {
    return this.arenas.map((a) => ({ start: a.start, end: a.end }));
  }

  /**
   * Called before the break moves down to `brk`: blocks at or above it are gone (live ones leave
   * the counters), a block it cuts keeps what is left below it. Never throws: a corrupt header met
   * on the way marks the heap corrupt for the next call.
   */
  breakMoved(brk: number): void {
    while (this.arenas.length > 0) {
      const a = this.arenas[this.arenas.length - 1]!;
      if (a.end <= brk) return;
      const cut = Math.max(a.start, brk);
      try {
        this.trimArena(a, cut);
      } catch (e) {
        if (!(e instanceof HeapError)) throw e;
        a.end = Math.min(a.end, cut);
      }
      if (a.end <= a.start) this.arenas.pop();
      if (cut > a.start) return;
    }
  }

  private trimArena(a: Arena, cut: number): void {
    for (let h = a.start; h < a.end; ) {
      const size = this.sizeAt(h, a.end, "sbrk");
      const used = this.tagAt(h, "sbrk") === TAG_USED;
      if (h + size > cut) {
        const keep = cut - h >= HEADER + ALIGN ? Math.floor((cut - h) / ALIGN) * ALIGN : 0;
        // Forget every block from h on (read their tags before the break drops the pages).
        let lostBytes = used ? size - HEADER : 0;
        let lostBlocks = used ? 1 : 0;
        for (let k = h + size; k < a.end; ) {
          const s = this.sizeAt(k, a.end, "sbrk");
          if (this.tagAt(k, "sbrk") === TAG_USED) {
            lostBytes += s - HEADER;
            lostBlocks++;
          }
          k += s;
        }
        if (keep > 0) {
          this.mem.writeU32(h, keep);
          if (used) {
            lostBytes -= keep - HEADER;
            lostBlocks--;
          }
        }
        this.allocatedBytes -= lostBytes;
        this.allocations -= lostBlocks;
        a.end = h + keep;
        return;
      }
      h += size;
    }
  }

  private checkHealthy(op: string): void {
    if (this.corrupt !== undefined) throw new HeapError(`${op}: ${this.corrupt}`, { corrupt: true });
  }

  /** The block size in the header at `h`, checked against its arena's `end`. */
  private sizeAt(h: number, end: number, op: string): number {
    const size = this.mem.readU32(h);
    if (size < HEADER || size % ALIGN !== 0 || h + size > end) {
      this.fail(
        op,
        `the block header at 0x${hex(h)} says ${size} bytes (the arena ends at 0x${hex(end)})`,
        h,
      );
    }
    return size;
  }

  private tagAt(h: number, op: string): number {
    const tag = this.mem.readU32(h + 4);
    if (tag !== TAG_USED && tag !== TAG_FREE) {
      this.fail(op, `the block header at 0x${hex(h)} has no block tag (0x${hex(tag)})`, h);
    }
    return tag;
  }

  private fail(op: string, why: string, h: number): never {
    this.corrupt = `the heap of ${this.owner} is corrupt: ${why}; it was overwritten`;
    throw new HeapError(`${op}: ${this.corrupt}`, { va: h, corrupt: true });
  }

  private arenaOf(va: number): Arena | undefined {
    for (const a of this.arenas) if (va >= a.start && va < a.end) return a;
    return undefined;
  }

  private findFit(need: number): number | undefined {
    for (const a of this.arenas) {
      const end = a.end;
      for (let h = a.start; h < end; ) {
        let size = this.sizeAt(h, end, "vmalloc");
        if (this.tagAt(h, "vmalloc") === TAG_FREE) {
          size = this.coalesce(h, size, end);
          if (size >= need) {
            this.split(h, size, need);
            this.mem.writeU32(h + 4, TAG_USED);
            return h;
          }
        }
        h += size;
      }
    }
    return undefined;
  }

  private coalesce(h: number, size: number, end: number): number {
    const first = size;
    while (h + size < end) {
      const next = h + size;
      const s = this.sizeAt(next, end, "vmalloc");
      if (this.tagAt(next, "vmalloc") !== TAG_FREE) break;
      size += s;
    }
    if (size !== first) this.mem.writeU32(h, size);
    return size;
  }

  /** Splits free block h; the new header is written first, so a failed write leaves the tiling whole. */
  private split(h: number, size: number, need: number): void {
    if (size - need < HEADER + ALIGN) return;
    this.mem.writeU32(h + need, size - need);
    this.mem.writeU32(h + need + 4, TAG_FREE);
    this.mem.writeU32(h, need);
  }

  /**
   * A new block at the break: appended to the last arena if the break is still where the heap left
   * it, else a new arena above whatever the process took with sbrk. The arena grows only once the
   * header is written; if that write fails (out of memory, out of swap) the break moves back.
   */
  private extend(need: number): number {
    const brk = this.mem.brk();
    const last = this.arenas[this.arenas.length - 1];
    const first = last === undefined && brk <= this.start;
    const at = last !== undefined && last.end === brk ? brk : first ? this.start : roundUp(brk);
    const delta = at + need - brk;
    this.mem.sbrk(delta);
    try {
      this.mem.writeU32(at, need);
      this.mem.writeU32(at + 4, TAG_USED);
    } catch (e) {
      try {
        if (this.mem.brk() === brk + delta) this.mem.sbrk(-delta);
      } catch {
        // the process is gone or cannot move its break: the first error is the one to report
      }
      throw e;
    }
    if (last !== undefined && last.end === at) last.end = at + need;
    else this.arenas.push({ start: at, end: at + need });
    return at;
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function hex(n: number): string {
  return n.toString(16);
}
