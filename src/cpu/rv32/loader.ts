// Loading a static ELF into a Machine process: PT_LOAD segments become regions at their own
// addresses (proc/segments.ts), the file-backed pages become the process's executable image
// (stores/image-store.ts) and the rest is zero-filled:
//   - a segment's pages that hold file bytes read from the image on first touch: text (r-x) is
//     never dirty, so an evicted text page is dropped and read again; initialized data (rw-) is
//     private: clean pages reload from the image, written ones go to swap;
//   - bytes past the file size in the last file page (.sbss/.bss sharing the page with .data)
//     are zero in the image page, and whole pages past it are a zero-filled bss region.
// The first page of a segment holds the file bytes before its start too (as mmap maps whole
// pages), so lld's segments whose offsets are congruent to their addresses but not page-aligned
// load as Linux loads them, and the ELF header is visible at AT_PHDR's page.
// The initial stack is Linux's: argc, argv[], NULL, envp[], NULL, auxv pairs ending in AT_NULL,
// with the strings and AT_RANDOM's 16 bytes above, sp 16-byte aligned; every other register is 0.

import { PERM_R, PERM_W, PERM_X } from "../../pager/region.js";
import { type Machine, type SegmentSpec, stackTopVpn } from "../../sim/machine.js";
import type { ExecutableImage } from "../../stores/image-store.js";
import type { ElfProgram } from "./elf.js";
import { PF_R, PF_W, PF_X } from "./elf.js";
import { ElfError } from "./errors.js";

export const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_EXECFN = 31;

/** AT_HWCAP: the letters of the ISA, one bit each (I, M, A). */
const HWCAP_IMA = (1 << 8) | (1 << 12) | (1 << 0);

/** What a process is built from: the image's pages and the segments that read them. */
export interface ProgramImage {
  readonly image: ExecutableImage;
  readonly segments: SegmentSpec[];
  /** Where the program headers are in memory (AT_PHDR), or 0 if no segment maps them. */
  readonly phdrVa: number;
}

/** Turns `elf`'s PT_LOAD segments into image pages and segment specs for pages of `pageSize`. */
export function programImage(elf: ElfProgram, pageSize: number): ProgramImage {
  const pages: Uint8Array[] = [];
  const segments: SegmentSpec[] = [];
  const sorted = [...elf.loads].sort((a, b) => a.vaddr - b.vaddr);
  let prevEnd = 0;
  let prevIndex = -1;
  let phdrVa = 0;
  for (const s of sorted) {
    const startVpn = Math.floor(s.vaddr / pageSize);
    const endVpn = Math.ceil((s.vaddr + s.memsz) / pageSize);
    if (startVpn === 0) {
      throw new ElfError(
        elf.source,
        `segment ${s.index} maps page 0 (address 0x${s.vaddr.toString(16)}), which stays unmapped`,
      );
    }
    if (startVpn < prevEnd) {
      throw new ElfError(
        elf.source,
        `segments ${prevIndex} and ${s.index} share a ${pageSize}-byte page (0x${(startVpn * pageSize).toString(16)}): the page size is larger than the program's segment alignment`,
      );
    }
    const perm =
      (s.flags & PF_R ? PERM_R : 0) | (s.flags & PF_W ? PERM_W : 0) | (s.flags & PF_X ? PERM_X : 0);
    const fileEndVpn = s.filesz === 0 ? startVpn : Math.ceil((s.vaddr + s.filesz) / pageSize);
    if (fileEndVpn > startVpn) {
      const slot = pages.length;
      const buf = new Uint8Array((fileEndVpn - startVpn) * pageSize);
      // The page's bytes before the segment start come from the file too, as mmap maps whole pages.
      const lead = s.vaddr - startVpn * pageSize;
      const from = Math.max(0, s.offset - lead);
      buf.set(elf.bytes.subarray(from, s.offset + s.filesz), lead - (s.offset - from));
      for (let i = 0; i < fileEndVpn - startVpn; i++)
        pages.push(buf.subarray(i * pageSize, (i + 1) * pageSize));
      segments.push({
        kind: perm & PERM_X ? "code" : "data",
        startVpn,
        endVpn: fileEndVpn,
        perm,
        imageSlot: slot,
      });
      if (elf.phoff >= from && elf.phoff + elf.phnum * 32 <= s.offset + s.filesz) {
        phdrVa = startVpn * pageSize + lead - (s.offset - elf.phoff);
      }
    }
    if (endVpn > fileEndVpn) segments.push({ kind: "bss", startVpn: fileEndVpn, endVpn, perm });
    prevEnd = endVpn;
    prevIndex = s.index;
  }
  const code = new Uint8Array(pages.length * pageSize);
  for (const [i, p] of pages.entries()) code.set(p, i * pageSize);
  return { image: { name: elf.source, code, data: new Uint8Array(0), bssBytes: 0 }, segments, phdrVa };
}

export interface StackOptions {
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** The 16 bytes AT_RANDOM points at (default: a fixed pattern, so runs are repeatable). */
  readonly random?: Uint8Array;
}

/**
 * Writes the Linux initial stack of process `pid` below the top of the address space (through
 * Machine.write, so its pages fault in as the stack grows) and returns sp.
 */
export function writeInitialStack(
  machine: Machine,
  pid: number,
  elf: ElfProgram,
  phdrVa: number,
  opts: StackOptions,
): number {
  const top = stackTopVpn(machine.layout) * machine.pageSize;
  let at = top - 16;
  const put = (bytes: Uint8Array): number => {
    at -= bytes.length;
    machine.write(pid, at, bytes);
    return at;
  };
  const cstr = (s: string): Uint8Array => {
    const b = utf8(s);
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return z;
  };
  const execfn = put(cstr(opts.argv[0] ?? elf.source));
  const envPtrs = opts.env.map((e) => put(cstr(e)));
  const argPtrs = opts.argv.map((a) => put(cstr(a)));
  at -= at % 16;
  const random = put(opts.random ?? Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff));
  const aux: [number, number][] = [
    [AT_PHDR, phdrVa],
    [AT_PHENT, 32],
    [AT_PHNUM, elf.phnum],
    [AT_PAGESZ, machine.pageSize],
    [AT_ENTRY, elf.entry],
    [AT_UID, 0],
    [AT_EUID, 0],
    [AT_GID, 0],
    [AT_EGID, 0],
    [AT_HWCAP, HWCAP_IMA],
    [AT_CLKTCK, 100],
    [AT_SECURE, 0],
    [AT_RANDOM, random],
    [AT_EXECFN, execfn],
    [AT_NULL, 0],
  ];
  const words = [opts.argv.length, ...argPtrs, 0, ...envPtrs, 0, ...aux.flat()];
  const sp = random - words.length * 4 - ((random - words.length * 4) % 16);
  const block = new Uint8Array(words.length * 4);
  const v = new DataView(block.buffer);
  for (const [i, w] of words.entries()) v.setUint32(i * 4, w >>> 0, true);
  machine.write(pid, sp, block);
  return sp;
}

/** UTF-8 bytes of `s` (the engine has no TextEncoder: it runs without DOM or Node types). */
export function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}
