// Address-space management for the Machine: the initial memory map of a program or a trace
// process, the break (sbrk), anonymous and shared mappings (mmap, munmap, shm objects) and the
// vmalloc heap that lives on top of the break. Stack growth itself happens on the fault path
// (the pager grows the stack region down to Process.stackLimitVpn); the map laid out here sets
// that limit and keeps a guard page between the mmap area, the heap and the stack.

import { type AddressLayout, isCanonical } from "../core/addr.js";
import { AddressError, ConfigError, OutOfMemoryError } from "../core/errors.js";
import type { PageTables } from "../mmu/page-table.js";
import { PTE_U, PTE_W, PTE_X, pteMapped } from "../mmu/pte.js";
import { SharedObject } from "../pager/memory-object.js";
import type { Pager } from "../pager/pager.js";
import { PERM_R, PERM_W, PERM_X, type Region, type RegionKind } from "../pager/region.js";
import { FRAME_USER } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import { NEVER } from "../policies/policy.js";
import type { ImageStore } from "../stores/image-store.js";
import type { BackingStore } from "../stores/store.js";
import { VirtualHeap } from "./heap.js";
import type { Process } from "./process.js";
import { addStack, GUARD_PAGES } from "./segments.js";

export interface MmapOptions {
  /** PERM_* bits; default read/write. */
  readonly perm?: number;
  /** Map this shared object (from shmCreate) instead of anonymous memory. */
  readonly shared?: number;
}

/** What the vmalloc heap of a process reaches through the machine (by pid, checked each time). */
export interface HeapHost {
  readU32(pid: number, va: number): number;
  writeU32(pid: number, va: number, v: number): void;
  sbrk(pid: number, delta: number): number;
  brkOf(pid: number): number;
}

export class AddressSpaceManager {
  private nextObj = 1;
  private readonly heaps = new Map<number, VirtualHeap>();
  private readonly pageSize: number;

  constructor(
    private readonly layout: AddressLayout,
    private readonly mem: PhysicalMemory,
    private readonly tables: PageTables,
    private readonly pager: Pager,
    private readonly swap: BackingStore,
    private readonly host: HeapHost,
  ) {
    this.pageSize = layout.pageSize;
  }

  /** A trace process: one region over the whole space, every page valid (rwx). */
  layoutTrace(p: Process): void {
    p.addRegion({
      kind: "trace",
      startVpn: 0,
      endVpn: this.layout.vpnCount,
      perm: PERM_R | PERM_W | PERM_X,
      source: { type: "trace" },
    });
  }

  /** A program: code, data, bss from page 1, an empty heap after them, a one-page stack at the top. */
  layoutProgram(p: Process, image: ImageStore | undefined, bssBytes: number, stackPages?: number): void {
    const vpns = this.layout.vpnCount;
    let at = 1;
    const add = (kind: RegionKind, pages: number, perm: number, source: Region["source"]) => {
      if (pages > 0) p.addRegion({ kind, startVpn: at, endVpn: at + pages, perm, source });
      at += pages;
    };
    if (image) {
      add("code", image.codePages, PERM_R | PERM_X, { type: "image", firstSlot: 0 });
      add("data", image.dataPages, PERM_R | PERM_W, { type: "image", firstSlot: image.codePages });
    }
    add("bss", Math.ceil(bssBytes / this.pageSize), PERM_R | PERM_W, { type: "zero" });
    p.addRegion({ kind: "heap", startVpn: at, endVpn: at, perm: PERM_R | PERM_W, source: { type: "zero" } });
    p.heapStartVpn = at;
    p.brk = at * this.pageSize;
    const maxStack = stackPages ?? Math.max(1, Math.min(2048, Math.floor(vpns / 8)));
    if (!Number.isInteger(maxStack) || maxStack < 1 || at + maxStack + 2 * GUARD_PAGES >= vpns) {
      throw new ConfigError(
        "stackPages",
        maxStack,
        `1 to ${vpns - at - 2 * GUARD_PAGES - 1} pages for this address space`,
      );
    }
    addStack(p, vpns, maxStack);
  }

  /** Machine.sbrk for a live process `p`. */
  sbrk(p: Process, delta: number): number {
    const pid = p.pid;
    if (!Number.isSafeInteger(delta)) throw new ConfigError("sbrk.delta", delta, "a whole number of bytes");
    const heap = p.regionOfKind("heap");
    if (heap === undefined)
      throw new AddressError(`sbrk: process ${pid} has no heap (a trace process)`, { pid });
    const old = p.brk;
    const next = old + delta;
    if (next < heap.startVpn * this.pageSize) {
      throw new AddressError(`sbrk: break would fall below the heap start`, { pid, va: next });
    }
    const endVpn = Math.ceil(next / this.pageSize);
    if (endVpn > heap.endVpn && !p.isFree(heap.endVpn, endVpn + GUARD_PAGES)) {
      throw new OutOfMemoryError(
        `sbrk: heap of process ${pid} would run into a mapping at 0x${(heap.endVpn * this.pageSize).toString(16)}`,
        { pid },
      );
    }
    if (delta < 0) this.heaps.get(pid)?.breakMoved(next);
    if (endVpn < heap.endVpn) this.unmapRange(p, endVpn, heap.endVpn);
    heap.endVpn = endVpn;
    p.brk = next;
    return old;
  }

  /** The vmalloc heap of live process `p`, made on first use at its break rounded up to 8. */
  heapOf(p: Process): VirtualHeap {
    const pid = p.pid;
    let h = this.heaps.get(pid);
    if (h === undefined) {
      const host = this.host;
      const start = Math.ceil(p.brk / 8) * 8;
      if (start !== p.brk) host.sbrk(pid, start - p.brk);
      h = new VirtualHeap(
        {
          readU32: (va) => host.readU32(pid, va),
          writeU32: (va, v) => host.writeU32(pid, va, v),
          sbrk: (d) => host.sbrk(pid, d),
          brk: () => host.brkOf(pid),
        },
        start,
        `process ${pid}`,
      );
      this.heaps.set(pid, h);
    }
    return h;
  }

  /** Machine.mmap for a live process `p`. */
  mmap(p: Process, length: number, opts: MmapOptions): number {
    if (!Number.isSafeInteger(length) || length <= 0) {
      throw new ConfigError("mmap.length", length, "a positive whole number of bytes");
    }
    const pages = Math.ceil(length / this.pageSize);
    const obj = opts.shared === undefined ? undefined : this.object(opts.shared);
    if (obj && pages > obj.pageCount) {
      throw new ConfigError("mmap.length", length, `at most the object's ${obj.pageCount} pages`);
    }
    const start = this.findGap(p, pages);
    const perm = opts.perm ?? PERM_R | PERM_W;
    p.addRegion({
      kind: obj ? "shared" : "anon",
      startVpn: start,
      endVpn: start + pages,
      perm,
      source: obj ? { type: "object", object: obj, firstPage: 0 } : { type: "zero" },
    });
    if (obj) obj.mappers++;
    return start * this.pageSize;
  }

  /** Machine.munmap for a live process `p`. */
  munmap(p: Process, va: number, length: number): void {
    if (
      va % this.pageSize !== 0 ||
      length % this.pageSize !== 0 ||
      length <= 0 ||
      !isCanonical(this.layout, va)
    ) {
      throw new AddressError(
        `munmap: range 0x${va.toString(16)}+${length} is not page-aligned and non-empty`,
        { pid: p.pid, va },
      );
    }
    const s = va / this.pageSize;
    const e = s + length / this.pageSize;
    for (const r of [...p.regions]) {
      if (r.endVpn <= s || r.startVpn >= e || r.kind === "heap") continue;
      this.unmapRange(p, Math.max(s, r.startVpn), Math.min(e, r.endVpn));
      this.trimRegion(p, r, s, e);
    }
  }

  /** Machine.mapFixed for installed process `p`: maps page `vpn` to the free frame `frame`. */
  mapFixed(p: Process, vpn: number, frame: number): void {
    const pid = p.pid;
    const frames = this.pager.parts.frames;
    const frameCount = frames.frameCount;
    const region = p.findRegion(vpn);
    if (!region)
      throw new AddressError(`mapFixed: page ${vpn} is outside every region of process ${pid}`, { pid, vpn });
    if (!(frame >= 0 && frame < frameCount) || frames.state[frame] !== 0) {
      throw new ConfigError("frame", frame, `a free frame below ${frameCount}`);
    }
    frames.claim(frame, FRAME_USER);
    const addr = this.tables.ensure(p.root, vpn);
    const perm = PTE_U | (region.perm & PERM_W ? PTE_W : 0) | (region.perm & PERM_X ? PTE_X : 0);
    this.tables.setLeaf(p.root, vpn, addr, pteMapped(frame, perm));
    frames.addMapping(frame, p.asid, vpn, addr);
    frames.key[frame] = this.pager.keyFor(p, vpn, undefined, -1);
    frames.page[frame] = vpn;
    frames.ownerPid[frame] = pid;
    p.resident++;
    this.pager.policyOf(pid).admit(frame, frames.key[frame]!, NEVER);
  }

  /** Machine.shmCreate. */
  shmCreate(pages: number, store?: BackingStore): number {
    if (!Number.isInteger(pages) || pages < 1)
      throw new ConfigError("shm.pages", pages, "a positive whole number");
    const id = this.nextObj++;
    const obj = new SharedObject(id, pages, store ?? this.swap);
    this.pager.objects.set(id, obj);
    return id;
  }

  /** Machine.shmUnlink. */
  shmUnlink(id: number): void {
    const obj = this.object(id);
    obj.unlinked = true;
    this.reapObject(obj);
  }

  /** At exit: `p`'s regions stop mapping their shared objects (an unlinked one left unmapped is freed). */
  release(p: Process): void {
    for (const r of p.regions) {
      if (r.source.type === "object") {
        r.source.object.mappers--;
        this.reapObject(r.source.object);
      }
    }
  }

  /** Forgets the vmalloc heap of an ended process. */
  forgetHeap(pid: number): void {
    this.heaps.delete(pid);
  }

  private object(id: number): SharedObject {
    const obj = this.pager.objects.get(id);
    if (obj === undefined) throw new ConfigError("shared", id, "the id of a live shared object (shmCreate)");
    return obj;
  }

  private reapObject(obj: SharedObject): void {
    if (!obj.dead) return;
    this.pager.freeObject(obj);
    this.pager.objects.delete(obj.id);
  }

  private findGap(p: Process, pages: number): number {
    let end = p.mmapTopVpn;
    const heap = p.regionOfKind("heap");
    const floor = (heap ? heap.endVpn : 1) + GUARD_PAGES;
    for (;;) {
      const start = end - pages;
      if (start < floor) {
        throw new OutOfMemoryError(`mmap: no gap of ${pages} pages in process ${p.pid}'s address space`, {
          pid: p.pid,
          pages,
        });
      }
      const clash = p.regions.find((r) => r.kind !== "stack" && r.startVpn < end && r.endVpn > start);
      if (clash === undefined) return start;
      end = clash.startVpn;
    }
  }

  private unmapRange(p: Process, s: number, e: number): void {
    for (let vpn = s; vpn < e; vpn++) {
      const addr = this.tables.lookup(p.root, vpn);
      if (addr < 0) {
        vpn = this.nextTableBoundary(vpn) - 1;
        continue;
      }
      const pte = this.mem.readU32(addr);
      if (pte === 0) continue;
      this.pager.unmapPage(p, vpn, pte);
      this.tables.setLeaf(p.root, vpn, addr, 0);
    }
  }

  private nextTableBoundary(vpn: number): number {
    const span = this.layout.entriesPerTable[this.layout.levels - 1]!;
    return (Math.floor(vpn / span) + 1) * span;
  }

  private trimRegion(p: Process, r: Region, s: number, e: number): void {
    p.removeRegion(r);
    const obj = r.source.type === "object" ? r.source : undefined;
    let pieces = 0;
    if (r.startVpn < s) {
      p.addRegion({ ...r, endVpn: s });
      pieces++;
    }
    if (r.endVpn > e) {
      const source = obj ? { ...obj, firstPage: obj.firstPage + (e - r.startVpn) } : r.source;
      p.addRegion({ ...r, startVpn: e, source });
      pieces++;
    }
    if (obj) {
      obj.object.mappers += pieces - 1;
      this.reapObject(obj.object);
    }
  }
}
