// A static ELF32 RISC-V executable, parsed and checked: its PT_LOAD segments, entry point, program
// headers (for the auxiliary vector) and PT_TLS. Anything this machine cannot run is an ElfError
// naming the file and the reason: another class, byte order or machine, compressed instructions,
// a float ABI, a dynamic interpreter, a segment outside the file or overlapping another.

import { ElfError } from "./errors.js";

export const EM_RISCV = 243;
const ET_EXEC = 2;
const ET_DYN = 3;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_TLS = 7;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
const EF_RISCV_RVC = 0x1;
const EF_RISCV_FLOAT_ABI = 0x6;
const EF_RISCV_RVE = 0x8;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const MAX_PHNUM = 256;

export interface ElfSegment {
  /** Index among the program headers. */
  readonly index: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  /** PF_R | PF_W | PF_X. */
  readonly flags: number;
}

export interface ElfProgram {
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly entry: number;
  readonly phoff: number;
  readonly phnum: number;
  /** PT_LOAD segments in file order (memsz > 0). */
  readonly loads: readonly ElfSegment[];
  readonly tls: ElfSegment | undefined;
}

/** Parses and checks `bytes` (the file `source`, for messages). Throws ElfError. */
export function parseElf(bytes: Uint8Array, source: string): ElfProgram {
  const fail = (reason: string, offset?: number): never => {
    throw new ElfError(source, reason, offset);
  };
  if (bytes.length < EHDR_SIZE)
    fail(`too short for an ELF header (${bytes.length} bytes, need ${EHDR_SIZE})`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    fail("not an ELF file (no \\x7fELF magic)", 0);
  }
  if (bytes[4] !== 1) fail(`not a 32-bit ELF (class ${bytes[4]}; RV32 needs ELFCLASS32)`, 4);
  if (bytes[5] !== 1) fail(`not little-endian (data encoding ${bytes[5]})`, 5);
  if (bytes[6] !== 1) fail(`unknown ELF version ${bytes[6]}`, 6);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = v.getUint16(16, true);
  const machine = v.getUint16(18, true);
  if (machine !== EM_RISCV) fail(`not a RISC-V program (machine ${machine}, expected ${EM_RISCV})`, 18);
  if (type === ET_DYN)
    fail("a position-independent or shared object (ET_DYN): only static executables run", 16);
  if (type !== ET_EXEC) fail(`not an executable (type ${type})`, 16);
  const entry = v.getUint32(24, true);
  const phoff = v.getUint32(28, true);
  const flags = v.getUint32(36, true);
  if (flags & EF_RISCV_RVC)
    fail("uses compressed instructions (EF_RISCV_RVC): build with -march=rv32ima", 36);
  if (flags & EF_RISCV_RVE) fail("built for RV32E (EF_RISCV_RVE)", 36);
  if (flags & EF_RISCV_FLOAT_ABI) fail("uses a hardware float ABI: build with -mabi=ilp32 (soft float)", 36);
  const phentsize = v.getUint16(42, true);
  const phnum = v.getUint16(44, true);
  if (phnum === 0) fail("has no program headers", 44);
  if (phnum > MAX_PHNUM) fail(`has ${phnum} program headers (at most ${MAX_PHNUM})`, 44);
  if (phentsize !== PHDR_SIZE) fail(`program header size ${phentsize} (expected ${PHDR_SIZE})`, 42);
  if (phoff + phnum * PHDR_SIZE > bytes.length) fail("program headers run past the end of the file", 28);
  const loads: ElfSegment[] = [];
  let tls: ElfSegment | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE;
    const seg: ElfSegment = {
      index: i,
      offset: v.getUint32(at + 4, true),
      vaddr: v.getUint32(at + 8, true),
      filesz: v.getUint32(at + 16, true),
      memsz: v.getUint32(at + 20, true),
      flags: v.getUint32(at + 24, true),
    };
    const ptype = v.getUint32(at, true);
    if (ptype === PT_INTERP) fail("needs a dynamic interpreter (PT_INTERP): only static executables run", at);
    if (ptype === PT_DYNAMIC) fail("is dynamically linked (PT_DYNAMIC): only static executables run", at);
    if (ptype === PT_TLS) tls = seg;
    if (ptype !== PT_LOAD) continue;
    if (seg.filesz > seg.memsz)
      fail(`segment ${i}: file size ${seg.filesz} exceeds memory size ${seg.memsz}`, at);
    if (seg.offset + seg.filesz > bytes.length)
      fail(`segment ${i}: its bytes run past the end of the file`, at);
    if (seg.vaddr + seg.memsz > 2 ** 32) fail(`segment ${i}: runs past the 32-bit address space`, at);
    if (seg.memsz === 0) continue;
    for (const o of loads) {
      if (seg.vaddr < o.vaddr + o.memsz && o.vaddr < seg.vaddr + seg.memsz) {
        fail(`segment ${i} overlaps segment ${o.index}`, at);
      }
    }
    loads.push(seg);
  }
  if (loads.length === 0) fail("has no loadable segment (PT_LOAD)", phoff);
  const home = loads.find((s) => entry >= s.vaddr && entry < s.vaddr + s.memsz);
  if (home === undefined || (home.flags & PF_X) === 0) {
    fail(`entry point 0x${entry.toString(16)} is not in an executable segment`, 24);
  }
  if (entry % 4 !== 0) fail(`entry point 0x${entry.toString(16)} is not 4-byte aligned`, 24);
  return { source, bytes, entry, phoff, phnum, loads, tls };
}
