// A real swap file on disk: page-sized slots at fixed offsets, read and written with positional
// synchronous fd calls, so it plugs into the engine's synchronous BackingStore interface. Bounded:
// the file never grows past `capacity` slots. Node only.
//
// The file is the run's own: a path in use is refused (by this process: another open store; by
// another process: its lock file `<path>.lock` naming a live pid), so a second store never
// truncates a file a run depends on. Every slot written keeps a checksum, so a file truncated,
// overwritten or damaged under the run is a StoreIoError on the read, never a page of zeros. Every
// failure of the disk (ENOSPC, EROFS, EACCES, EISDIR, ENOENT, EIO, ...) is a StoreIoError naming
// the file. A store not closed by its owner is closed when it is garbage-collected and at exit,
// descriptor, lock and temporary directory included.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  assert,
  type BackingStore,
  ConfigError,
  type Slot,
  SlotAllocator,
  StoreIoError,
  type StoreOp,
} from "../src/index.js";
import { errnoSentence } from "./errno.js";

export interface FileSwapOptions {
  /** Slots (pages) the file may hold. */
  readonly capacity: number;
  /** The file to use; a fresh file in the OS temp directory by default. */
  readonly path?: string;
  /** Delete the file on close (default: true for a temp file, false for a given path). */
  readonly unlinkOnClose?: boolean;
}

/** What a store holds from the OS, released once by whichever comes first: close, GC, exit. */
class Held {
  fd = -1;
  lock = "";
  /** The temporary directory made for the file ("" for a given path). */
  dir = "";
  constructor(
    readonly file: string,
    readonly unlink: boolean,
  ) {}

  release(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Already closed by the OS; nothing else to do.
      }
      this.fd = -1;
      if (this.unlink) fs.rmSync(this.file, { force: true });
    }
    if (this.lock !== "") fs.rmSync(this.lock, { force: true });
    this.lock = "";
    if (this.dir !== "") fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = "";
    openFiles.delete(this.file);
  }
}

/** The files open by this process's stores (absolute paths), each with what it holds. */
const openFiles = new Map<string, Held>();
const collected = new FinalizationRegistry<Held>((held) => held.release());
let exitHook = false;

/** Closes every swap file this process still has open (run at exit; exported for tests). */
export function closeAllSwapFiles(): void {
  for (const held of [...openFiles.values()]) held.release();
}

/** A StoreIoError for `file` from an fs failure (its errno code named), or rethrows a non-fs error. */
function ioError(file: string, op: StoreOp, slot: number, e: unknown): StoreIoError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== "string") throw e;
  const reason = errnoSentence(code) ?? (e as Error).message.replace(/^[A-Z]+: /, "").split(",")[0]!;
  return new StoreIoError(`swap file ${file}`, op, slot, `${reason} (${code})`, code);
}

/** A checksum of one page that also depends on its slot (a page read from the wrong place fails too). */
function pageSum(bytes: Uint8Array, off: number, n: number, slot: number): number {
  let h = Math.imul(slot + 1, 0x9e3779b1) ^ n;
  if ((bytes.byteOffset + off) % 4 === 0 && n % 4 === 0) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + off, n / 4);
    for (let i = 0; i < w.length; i++) {
      h = Math.imul(h ^ w[i]!, 0x85ebca6b);
      h ^= h >>> 13;
    }
  } else {
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ bytes[off + i]!, 0x85ebca6b);
      h ^= h >>> 13;
    }
  }
  return h >>> 0;
}

export class FileSwapStore implements BackingStore {
  readonly id = "file-swap";
  readonly readOnly = false;
  readonly path: string;
  private readonly held: Held;
  private readonly slots: SlotAllocator;
  /** Checksum of each slot's page as written, and whether the slot holds a page written whole. */
  private sums = new Uint32Array(64);
  private written = new Uint8Array(64);
  reads = 0;
  writes = 0;

  /**
   * Opens (creating or truncating) the swap file. Throws ConfigError for a bad capacity, and
   * StoreIoError naming the file if it cannot be created or is in use by another store.
   */
  constructor(
    readonly pageSize: number,
    opts: FileSwapOptions,
  ) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) {
      throw new ConfigError("swap.capacity", opts.capacity, "a positive whole number of slots");
    }
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new ConfigError("swap.pageSize", pageSize, "a positive whole number of bytes");
    }
    const temp = opts.path === undefined;
    let dir = "";
    if (temp) {
      try {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-swap-"));
      } catch (e) {
        throw ioError(path.join(os.tmpdir(), "pagewise-swap-*"), "open", -1, e);
      }
    }
    this.path = temp ? path.join(dir, "swap") : path.resolve(opts.path!);
    const held = new Held(this.path, opts.unlinkOnClose ?? temp);
    held.dir = dir;
    try {
      this.lock(held);
      held.fd = fs.openSync(this.path, "w+");
    } catch (e) {
      held.release();
      throw e instanceof StoreIoError ? e : ioError(this.path, "open", -1, e);
    }
    this.held = held;
    openFiles.set(this.path, held);
    collected.register(this, held, held);
    if (!exitHook) {
      exitHook = true;
      process.once("exit", closeAllSwapFiles);
    }
    this.slots = new SlotAllocator(opts.capacity);
  }

  get capacity(): number {
    return this.slots.capacity;
  }
  get slotsInUse(): number {
    return this.slots.inUse;
  }

  allocSlot(forFault: boolean): Slot {
    const slot = this.slots.alloc(forFault);
    if (slot >= this.sums.length) {
      const n = Math.max(slot + 1, this.sums.length * 2);
      const sums = new Uint32Array(n);
      sums.set(this.sums);
      this.sums = sums;
      const written = new Uint8Array(n);
      written.set(this.written);
      this.written = written;
    }
    return slot;
  }

  freeSlot(slot: Slot): void {
    this.slots.release(slot);
    this.written[slot] = 0;
  }

  writePage(slot: Slot, src: Uint8Array, srcOffset: number): void {
    assert(this.slots.isAllocated(slot), `file-swap: write to unallocated slot ${slot}`);
    const ps = this.pageSize;
    this.written[slot] = 0;
    const fd = this.fdFor("write", slot);
    let n: number;
    try {
      n = fs.writeSync(fd, src, srcOffset, ps, slot * ps);
    } catch (e) {
      throw ioError(this.path, "write", slot, e);
    }
    if (n !== ps) {
      throw new StoreIoError(
        `swap file ${this.path}`,
        "write",
        slot,
        `short write, ${n} of ${ps} bytes (disk full?)`,
        "ENOSPC",
      );
    }
    this.sums[slot] = pageSum(src, srcOffset, ps, slot);
    this.written[slot] = 1;
    this.writes++;
  }

  readPage(slot: Slot, dst: Uint8Array, dstOffset: number): void {
    assert(this.slots.isAllocated(slot), `file-swap: read of unallocated slot ${slot}`);
    const ps = this.pageSize;
    const where = `swap file ${this.path}`;
    if (this.written[slot] !== 1) {
      throw new StoreIoError(where, "read", slot, "the slot holds no page written whole");
    }
    const fd = this.fdFor("read", slot);
    let n: number;
    try {
      n = fs.readSync(fd, dst, dstOffset, ps, slot * ps);
    } catch (e) {
      throw ioError(this.path, "read", slot, e);
    }
    if (n !== ps) {
      throw new StoreIoError(
        where,
        "read",
        slot,
        `short read at offset ${slot * ps}, ${n} of ${ps} bytes (the file was truncated under the run)`,
      );
    }
    if (pageSum(dst, dstOffset, ps, slot) !== this.sums[slot]) {
      throw new StoreIoError(
        where,
        "read",
        slot,
        `checksum mismatch at offset ${slot * ps} (the file was changed under the run)`,
      );
    }
    this.reads++;
  }

  /** Closes the file (deleting it if it was a temp file) and releases its lock. Safe to call twice. */
  close(): void {
    collected.unregister(this.held);
    this.held.release();
  }

  /** The open descriptor, or a StoreIoError if the store was closed. */
  private fdFor(op: StoreOp, slot: number): number {
    const fd = this.held.fd;
    if (fd < 0) throw new StoreIoError(`swap file ${this.path}`, op, slot, "the store is closed");
    return fd;
  }

  /**
   * Claims the file for this store: refused if another store of this process has it open, or if
   * its lock file names a live process; a lock left by a process that died is taken over.
   */
  private lock(held: Held): void {
    const where = `swap file ${this.path}`;
    if (openFiles.has(this.path)) {
      throw new StoreIoError(where, "open", -1, "in use by another swap store of this process");
    }
    const lock = `${this.path}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
        held.lock = lock;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
          const why = ioError(lock, "open", -1, e);
          throw new StoreIoError(where, "open", -1, `lock file ${lock}: ${why.reason}`, why.sysCode);
        }
      }
      const owner = Number.parseInt(readOr(lock, ""), 10);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new StoreIoError(where, "open", -1, `in use by process ${owner} (lock file ${lock})`);
      }
      fs.rmSync(lock, { force: true });
    }
    throw new StoreIoError(where, "open", -1, `its lock file ${lock} keeps coming back`);
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}

/** True if process `pid` exists (a signal-0 probe; EPERM means it exists under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
