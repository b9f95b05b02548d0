// A small Linux-ABI kernel for one RV32 process: the system calls a static program built with
// picolibc (or any libc on raw Linux system calls) needs, with qemu-riscv32's semantics. ecall
// passes the number in a7 and arguments in a0..a5; the result goes to a0, -errno on failure.
// Every user pointer is checked against the process's regions before it is touched (-EFAULT
// otherwise), then bytes move through Machine.access page by page, so the kernel's copies fault
// pages in, count references and dirty pages exactly like the program's own accesses. Nothing
// here reaches the host: output goes to the sinks given, input comes from the bytes given.
// An unknown system call returns -ENOSYS and is reported once per number (warnings).

import { OutOfMemoryError, PagewiseError } from "../../core/errors.js";
import { ACC_READ, ACC_WRITE } from "../../mmu/mmu.js";
import { PERM_R, PERM_W, PERM_X } from "../../pager/region.js";
import type { Machine } from "../../sim/machine.js";
import type { Rv32Cpu } from "./cpu.js";
import { DecodeCache } from "./decode-cache.js";
import { fileKey, sharedText } from "./page-cache.js";
import { type Rv32Host, signalFor } from "./trap.js";

export const SYS_OPENAT = 56;
export const SYS_CLOSE = 57;
export const SYS_LLSEEK = 62;
export const SYS_READ = 63;
export const SYS_WRITE = 64;
export const SYS_EXIT = 93;
export const SYS_EXIT_GROUP = 94;
export const SYS_SET_TID_ADDRESS = 96;
export const SYS_GETPID = 172;
export const SYS_BRK = 214;
export const SYS_MUNMAP = 215;
export const SYS_MMAP2 = 222;
export const SYS_STATX = 291;
export const SYS_CLOCK_GETTIME64 = 403;

const ENOENT = 2;
const EBADF = 9;
const ENOMEM = 12;
const EACCES = 13;
const EFAULT = 14;
const ENODEV = 19;
const EINVAL = 22;
const EMFILE = 24;
const EROFS = 30;
const ENAMETOOLONG = 36;
const ENOSYS = 38;

const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const O_ACCMODE = 3;
const PATH_MAX = 4096;
const MAX_FILES = 64;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const PROT_READ = 1;
const PROT_WRITE = 2;
const PROT_EXEC = 4;
/** mmap2's offset unit: 4 KiB whatever the page size. */
const MMAP2_UNIT = 4096;

/** The largest single read or write the kernel moves in one call (Linux's MAX_RW_COUNT, rounded). */
const MAX_IO = 0x7ffff000;
/** Bytes handed to an output sink at a time. */
const WRITE_CHUNK = 1 << 20;

export interface KernelOptions {
  /** Bytes the program reads from fd 0 (default: none, so read returns 0 at once). */
  readonly stdin?: Uint8Array;
  /** Where fd 1 and fd 2 go; each call gets a copy the sink may keep. */
  readonly stdout?: (bytes: Uint8Array) => void;
  readonly stderr?: (bytes: Uint8Array) => void;
  /** Files the program may open, read-only (a directory the user names); none by default. */
  readonly files?: FileSource;
}

/**
 * Read-only files for openat: the bytes of `path` (as the program wrote it, relative to the
 * directory the source stands for), or undefined if there is no such file. The source decides
 * what a program can reach; the kernel never touches the host itself.
 */
export interface FileSource {
  read(path: string): Uint8Array | undefined;
}

interface OpenFile {
  readonly bytes: Uint8Array;
  offset: number;
}

/** A system call the kernel does not implement, seen `count` times (first at `pc`). */
export interface SyscallWarning {
  readonly number: number;
  readonly pc: number;
  count: number;
}

export class Rv32Kernel implements Rv32Host {
  /** System calls made, by number. */
  readonly calls = new Map<number, number>();
  readonly unknown = new Map<number, SyscallWarning>();
  private stdinAt = 0;
  private readonly stdin: Uint8Array;
  private readonly sinks: ((bytes: Uint8Array) => void)[];
  private readonly cache: DecodeCache;
  private readonly files: FileSource | undefined;
  /** Open files by fd (3 and up). */
  private readonly fds = new Map<number, OpenFile>();
  /**
   * Called with every reference the kernel makes in the process's memory (its copies to and from
   * user buffers, one per page), when set: with the CPU's recorder, the whole reference stream.
   */
  recorder: ((va: number, access: number) => void) | undefined;

  constructor(
    private readonly machine: Machine,
    readonly pid: number,
    opts: KernelOptions = {},
  ) {
    this.cache = DecodeCache.of(machine);
    this.files = opts.files;
    this.stdin = opts.stdin ?? new Uint8Array(0);
    const none = () => {};
    this.sinks = [none, opts.stdout ?? none, opts.stderr ?? none];
  }

  ecall(cpu: Rv32Cpu): void {
    const x = cpu.x;
    const nr = x[17]!;
    this.calls.set(nr, (this.calls.get(nr) ?? 0) + 1);
    const a0 = x[10]!;
    const a1 = x[11]!;
    const a2 = x[12]!;
    let r: number;
    try {
      r = this.dispatch(cpu, nr, a0, a1, a2, x[13]!, x[14]!, x[15]!);
    } catch (err) {
      if (err instanceof KilledInKernel) {
        const reason = this.machine.exitReason(this.pid) ?? "";
        cpu.kill({
          signal: signalFor(reason),
          pc: cpu.pc,
          va: err.va,
          access: err.write ? "store" : "load",
          reason,
        });
        return;
      }
      throw err;
    }
    if (cpu.running) x[10] = r;
  }

  private dispatch(
    cpu: Rv32Cpu,
    nr: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    a4: number,
    a5: number,
  ): number {
    switch (nr) {
      case SYS_READ:
        return this.read(a0, a1 >>> 0, a2 >>> 0);
      case SYS_WRITE:
        return this.write(a0, a1 >>> 0, a2 >>> 0);
      case SYS_EXIT:
      case SYS_EXIT_GROUP:
        cpu.exit(a0 & 0xff);
        return 0;
      case SYS_SET_TID_ADDRESS:
      case SYS_GETPID:
        return this.pid;
      case SYS_BRK:
        return this.brk(a0 >>> 0);
      case SYS_MMAP2:
        return this.mmap2(a0 >>> 0, a1 >>> 0, a2, a3, a4, a5 >>> 0);
      case SYS_MUNMAP:
        return this.munmap(a0 >>> 0, a1 >>> 0);
      case SYS_CLOCK_GETTIME64:
        return this.clockGettime(a0, a1 >>> 0);
      case SYS_OPENAT:
        return this.openat(a0, a1 >>> 0, a2);
      case SYS_CLOSE:
        return this.close(a0);
      case SYS_LLSEEK:
        return this.llseek(a0, a1, a2, a3 >>> 0, a4);
      case SYS_STATX:
        return this.statx(a0, a1 >>> 0, a2, a4 >>> 0);
      default: {
        const w = this.unknown.get(nr);
        if (w) w.count++;
        else this.unknown.set(nr, { number: nr, pc: cpu.pc, count: 1 });
        return -ENOSYS;
      }
    }
  }

  /** One line per unknown system call, for a report. */
  warnings(): string[] {
    return [...this.unknown.values()].map(
      (w) =>
        `unknown system call ${w.number} (first at pc 0x${w.pc.toString(16)}, ${w.count} call${w.count === 1 ? "" : "s"}): returned -ENOSYS`,
    );
  }

  private read(fd: number, buf: number, n: number): number {
    const f = fd === 0 ? undefined : this.fds.get(fd);
    if (fd !== 0 && f === undefined) return -EBADF;
    const src = f ? f.bytes : this.stdin;
    const at = f ? f.offset : this.stdinAt;
    const len = Math.max(0, Math.min(n, MAX_IO, src.length - at));
    if (len === 0) return 0;
    if (!this.machine.rangeAllowed(this.pid, buf, len, PERM_W)) return -EFAULT;
    this.copyOut(buf, src.subarray(at, at + len));
    if (f) f.offset += len;
    else this.stdinAt += len;
    return len;
  }

  private openat(dirfd: number, pathPtr: number, flags: number): number {
    const path = this.userString(pathPtr);
    if (typeof path === "number") return path;
    if ((flags & O_ACCMODE) !== 0) return -EROFS;
    if (dirfd !== AT_FDCWD && !path.startsWith("/")) return -EBADF;
    const bytes = this.files?.read(path);
    if (bytes === undefined) return -ENOENT;
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    if (fd >= 3 + MAX_FILES) return -EMFILE;
    this.fds.set(fd, { bytes, offset: 0 });
    return fd;
  }

  private close(fd: number): number {
    if (fd >= 0 && fd <= 2) return 0;
    return this.fds.delete(fd) ? 0 : -EBADF;
  }

  private llseek(fd: number, hi: number, lo: number, result: number, whence: number): number {
    const f = this.fds.get(fd);
    if (f === undefined) return fd >= 0 && fd <= 2 ? -29 /* ESPIPE */ : -EBADF;
    const off = hi * 2 ** 32 + (lo >>> 0);
    const base = whence === 0 ? 0 : whence === 1 ? f.offset : whence === 2 ? f.bytes.length : Number.NaN;
    const next = base + off;
    if (!(next >= 0) || !Number.isSafeInteger(next)) return -EINVAL;
    if (!this.machine.rangeAllowed(this.pid, result, 8, PERM_W)) return -EFAULT;
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(next), true);
    this.copyOut(result, out);
    f.offset = next;
    return 0;
  }

  private statx(dirfd: number, pathPtr: number, flags: number, buf: number): number {
    const path = this.userString(pathPtr);
    if (typeof path === "number") return path;
    let size: number;
    let mode: number;
    if (path === "" && (flags & AT_EMPTY_PATH) !== 0) {
      const f = this.fds.get(dirfd);
      if (f === undefined && !(dirfd >= 0 && dirfd <= 2)) return -EBADF;
      size = f ? f.bytes.length : 0;
      mode = f ? S_IFREG | 0o444 : S_IFCHR | 0o620;
    } else {
      if (dirfd !== AT_FDCWD && !path.startsWith("/")) return -EBADF;
      const bytes = this.files?.read(path);
      if (bytes === undefined) return -ENOENT;
      size = bytes.length;
      mode = S_IFREG | 0o444;
    }
    if (!this.machine.rangeAllowed(this.pid, buf, 256, PERM_W)) return -EFAULT;
    const out = new Uint8Array(256);
    const v = new DataView(out.buffer);
    v.setUint32(0, 0x7ff, true); // stx_mask: STATX_BASIC_STATS
    v.setUint32(4, 4096, true); // stx_blksize
    v.setUint32(16, 1, true); // stx_nlink
    v.setUint16(28, mode, true);
    v.setBigUint64(40, BigInt(size), true);
    v.setBigUint64(48, BigInt(Math.ceil(size / 512)), true);
    this.copyOut(buf, out);
    return 0;
  }

  /** A NUL-terminated string from the process (UTF-8), or -EFAULT / -ENAMETOOLONG. */
  private userString(va: number): string | number {
    const bytes: number[] = [];
    for (let at = va; ; ) {
      if (!this.machine.rangeAllowed(this.pid, at, 1, PERM_R)) return -EFAULT;
      const ps = this.machine.pageSize;
      const chunk = this.copyIn(at, Math.min(ps - (at % ps), PATH_MAX + 1 - bytes.length));
      const z = chunk.indexOf(0);
      for (const b of z >= 0 ? chunk.subarray(0, z) : chunk) bytes.push(b);
      if (z >= 0) break;
      if (bytes.length > PATH_MAX) return -ENAMETOOLONG;
      at += chunk.length;
    }
    return decodeUtf8(bytes);
  }

  private write(fd: number, buf: number, n: number): number {
    if (fd !== 1 && fd !== 2) return -EBADF;
    const len = Math.min(n, MAX_IO);
    if (len === 0) return 0;
    if (!this.machine.rangeAllowed(this.pid, buf, len, PERM_R)) return -EFAULT;
    // In chunks, so a large write never needs a host buffer of its size.
    for (let done = 0; done < len; done += WRITE_CHUNK)
      this.sinks[fd]!(this.copyIn(buf + done, Math.min(WRITE_CHUNK, len - done)));
    return len;
  }

  private brk(want: number): number {
    const m = this.machine;
    const cur = m.sbrk(this.pid, 0);
    if (want === 0 || want === cur) return cur;
    try {
      return m.brk(this.pid, want);
    } catch (err) {
      // Below the heap's start, or into a mapping: Linux leaves the break where it was.
      if (err instanceof PagewiseError) return cur;
      throw err;
    }
  }

  private mmap2(
    addr: number,
    length: number,
    prot: number,
    flags: number,
    fd: number,
    pgoff: number,
  ): number {
    if (length === 0) return -EINVAL;
    if ((flags & (MAP_SHARED | MAP_PRIVATE)) === 0) return -EINVAL;
    if ((flags & MAP_ANONYMOUS) === 0) return this.mmapFile(length, prot, flags, fd, pgoff);
    if ((flags & MAP_FIXED) !== 0) return this.unsupported(SYS_MMAP2, -EINVAL);
    void addr;
    try {
      return this.machine.mmap(this.pid, length, { perm: permOf(prot) });
    } catch (err) {
      if (err instanceof OutOfMemoryError) return -ENOMEM;
      throw err;
    }
  }

  /**
   * mmap2 of an open file (read-only, as every file here is). A mapping that cannot be written is
   * file-backed: its pages come from the file on first touch through the page cache (one shared
   * object per file range, so every mapping of those pages, in this process or another, uses the
   * same frames; a clean page is dropped on eviction and read again). A private writable mapping
   * is a private copy: anonymous pages filled with the file's bytes, written to swap if evicted.
   * Bytes past the end of the file read as zero (Linux would raise SIGBUS on whole pages past it).
   */
  private mmapFile(length: number, prot: number, flags: number, fd: number, pgoff: number): number {
    if ((flags & MAP_FIXED) !== 0) return this.unsupported(SYS_MMAP2, -EINVAL);
    const f = this.fds.get(fd);
    if (f === undefined) return fd >= 0 && fd <= 2 ? -ENODEV : -EBADF;
    if ((flags & MAP_SHARED) !== 0 && (prot & PROT_WRITE) !== 0) return -EACCES;
    const m = this.machine;
    const ps = m.pageSize;
    const offset = pgoff * MMAP2_UNIT;
    if (offset % ps !== 0) return -EINVAL;
    const pages = Math.ceil(length / ps);
    // The file's bytes in the mapping: host memory is bounded by the file, not by `length`.
    const inFile =
      offset < f.bytes.length
        ? f.bytes.subarray(offset, Math.min(f.bytes.length, offset + pages * ps))
        : new Uint8Array(0);
    const perm = permOf(prot);
    try {
      if ((prot & PROT_WRITE) === 0) {
        const filePages = new Uint8Array(Math.ceil(inFile.length / ps) * ps);
        filePages.set(inFile);
        const id = sharedText(m, `file:${fileKey(f.bytes)}:${offset}:${pages}`, filePages, pages);
        const va = m.mmap(this.pid, length, { perm, shared: id });
        m.shmUnlink(id);
        return va;
      }
      const va = m.mmap(this.pid, length, { perm: perm | PERM_W });
      this.copyOut(va, inFile);
      return va;
    } catch (err) {
      if (err instanceof OutOfMemoryError) return -ENOMEM;
      throw err;
    }
  }

  private munmap(addr: number, length: number): number {
    const ps = this.machine.pageSize;
    if (addr % ps !== 0 || length === 0) return -EINVAL;
    const len = Math.ceil(length / ps) * ps;
    if (addr + len > 2 ** 32) return -EINVAL;
    this.machine.munmap(this.pid, addr, len);
    return 0;
  }

  private clockGettime(clock: number, tp: number): number {
    // REALTIME, MONOTONIC, PROCESS/THREAD_CPUTIME, MONOTONIC_RAW, the COARSE ones, BOOTTIME.
    if (clock < 0 || clock > 7) return -EINVAL;
    if (!this.machine.rangeAllowed(this.pid, tp, 16, PERM_W)) return -EFAULT;
    const ns = Math.floor(this.machine.now());
    const out = new Uint8Array(16);
    const v = new DataView(out.buffer);
    v.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
    v.setBigInt64(8, BigInt(ns % 1e9), true);
    this.copyOut(tp, out);
    return 0;
  }

  /** A flag or mode of a known call that this kernel does not support: reported like an unknown call. */
  private unsupported(nr: number, result: number): number {
    const key = -nr;
    const w = this.unknown.get(key);
    if (w) w.count++;
    else this.unknown.set(key, { number: nr, pc: 0, count: 1 });
    return result;
  }

  /** Copies `len` bytes from the process at `va` (checked by the caller), page by page. */
  copyIn(va: number, len: number): Uint8Array {
    const m = this.machine;
    const out = new Uint8Array(len);
    const ps = m.pageSize;
    for (let done = 0; done < len; ) {
      const at = va + done;
      const n = Math.min(len - done, ps - (at % ps));
      const pa = m.access(this.pid, at, ACC_READ);
      if (pa < 0) throw new KilledInKernel(at, false);
      this.recorder?.(at, ACC_READ);
      out.set(m.mem.bytes.subarray(pa, pa + n), done);
      done += n;
    }
    return out;
  }

  /** Copies `src` into the process at `va` (checked by the caller), page by page. */
  copyOut(va: number, src: Uint8Array): void {
    const m = this.machine;
    const ps = m.pageSize;
    for (let done = 0; done < src.length; ) {
      const at = va + done;
      const n = Math.min(src.length - done, ps - (at % ps));
      const pa = m.access(this.pid, at, ACC_WRITE);
      if (pa < 0) throw new KilledInKernel(at, true);
      this.recorder?.(at, ACC_WRITE);
      m.mem.bytes.set(src.subarray(done, done + n), pa);
      this.cache.drop(Math.floor(pa / ps));
      done += n;
    }
  }
}

/** PERM_* bits of mmap's PROT_* bits. */
function permOf(prot: number): number {
  return (prot & PROT_READ ? PERM_R : 0) | (prot & PROT_WRITE ? PERM_W : 0) | (prot & PROT_EXEC ? PERM_X : 0);
}

/** A copy in the kernel ended the process (out of swap while paging in its buffer). */
class KilledInKernel extends Error {
  constructor(
    readonly va: number,
    readonly write: boolean,
  ) {
    super("killed in kernel");
  }
}

/** UTF-8 text of `bytes` (invalid sequences become U+FFFD). */
function decodeUtf8(bytes: readonly number[]): string {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    if (n === 0 || i + n > bytes.length) {
      out += "\ufffd";
      i++;
      continue;
    }
    let c = n === 1 ? b : b & (0xff >> (n + 1));
    let ok = true;
    for (let k = 1; k < n; k++) {
      const t = bytes[i + k]!;
      if ((t & 0xc0) !== 0x80) ok = false;
      c = (c << 6) | (t & 0x3f);
    }
    if (c > 0x10ffff) ok = false;
    out += ok ? String.fromCodePoint(c) : "\ufffd";
    i += ok ? n : 1;
  }
  return out;
}
