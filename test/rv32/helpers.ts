// Test helpers for the RV32 machine: an assembler for the instructions the tests use (standard
// RV32 encodings, written from the ISA manual's tables), a minimal static ELF writer, and a runner
// that loads the project's example programs and collects their output.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FileSource } from "../../src/cpu/rv32/kernel.js";
import { Rv32Process } from "../../src/cpu/rv32/program.js";
import { Machine, type MachineConfig } from "../../src/sim/machine.js";

export const EXAMPLES = join(import.meta.dirname, "../../examples/rv32");

const r = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const i = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const s = (imm: number, rs2: number, rs1: number, f3: number, op: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op) >>> 0;
const b = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63) >>>
  0;

/** Encoders: asm.addi(rd, rs1, imm) and so on (register numbers, byte offsets). */
export const asm = {
  lui: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0,
  auipc: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0,
  jal: (rd: number, off: number) =>
    ((((off >> 20) & 1) << 31) |
      (((off >> 1) & 0x3ff) << 21) |
      (((off >> 11) & 1) << 20) |
      (((off >> 12) & 0xff) << 12) |
      (rd << 7) |
      0x6f) >>>
    0,
  jalr: (rd: number, rs1: number, imm: number) => i(imm, rs1, 0, rd, 0x67),
  beq: (a: number, c: number, off: number) => b(off, c, a, 0),
  bne: (a: number, c: number, off: number) => b(off, c, a, 1),
  blt: (a: number, c: number, off: number) => b(off, c, a, 4),
  bge: (a: number, c: number, off: number) => b(off, c, a, 5),
  bltu: (a: number, c: number, off: number) => b(off, c, a, 6),
  bgeu: (a: number, c: number, off: number) => b(off, c, a, 7),
  lb: (rd: number, rs1: number, imm: number) => i(imm, rs1, 0, rd, 3),
  lh: (rd: number, rs1: number, imm: number) => i(imm, rs1, 1, rd, 3),
  lw: (rd: number, rs1: number, imm: number) => i(imm, rs1, 2, rd, 3),
  lbu: (rd: number, rs1: number, imm: number) => i(imm, rs1, 4, rd, 3),
  lhu: (rd: number, rs1: number, imm: number) => i(imm, rs1, 5, rd, 3),
  sb: (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 0, 0x23),
  sh: (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 1, 0x23),
  sw: (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 2, 0x23),
  addi: (rd: number, rs1: number, imm: number) => i(imm, rs1, 0, rd, 0x13),
  slti: (rd: number, rs1: number, imm: number) => i(imm, rs1, 2, rd, 0x13),
  sltiu: (rd: number, rs1: number, imm: number) => i(imm, rs1, 3, rd, 0x13),
  xori: (rd: number, rs1: number, imm: number) => i(imm, rs1, 4, rd, 0x13),
  ori: (rd: number, rs1: number, imm: number) => i(imm, rs1, 6, rd, 0x13),
  andi: (rd: number, rs1: number, imm: number) => i(imm, rs1, 7, rd, 0x13),
  slli: (rd: number, rs1: number, sh: number) => i(sh, rs1, 1, rd, 0x13),
  srli: (rd: number, rs1: number, sh: number) => i(sh, rs1, 5, rd, 0x13),
  srai: (rd: number, rs1: number, sh: number) => i(0x400 | sh, rs1, 5, rd, 0x13),
  add: (rd: number, a: number, c: number) => r(0, c, a, 0, rd, 0x33),
  sub: (rd: number, a: number, c: number) => r(0x20, c, a, 0, rd, 0x33),
  sll: (rd: number, a: number, c: number) => r(0, c, a, 1, rd, 0x33),
  slt: (rd: number, a: number, c: number) => r(0, c, a, 2, rd, 0x33),
  sltu: (rd: number, a: number, c: number) => r(0, c, a, 3, rd, 0x33),
  xor: (rd: number, a: number, c: number) => r(0, c, a, 4, rd, 0x33),
  srl: (rd: number, a: number, c: number) => r(0, c, a, 5, rd, 0x33),
  sra: (rd: number, a: number, c: number) => r(0x20, c, a, 5, rd, 0x33),
  or: (rd: number, a: number, c: number) => r(0, c, a, 6, rd, 0x33),
  and: (rd: number, a: number, c: number) => r(0, c, a, 7, rd, 0x33),
  mul: (rd: number, a: number, c: number) => r(1, c, a, 0, rd, 0x33),
  mulh: (rd: number, a: number, c: number) => r(1, c, a, 1, rd, 0x33),
  mulhsu: (rd: number, a: number, c: number) => r(1, c, a, 2, rd, 0x33),
  mulhu: (rd: number, a: number, c: number) => r(1, c, a, 3, rd, 0x33),
  div: (rd: number, a: number, c: number) => r(1, c, a, 4, rd, 0x33),
  divu: (rd: number, a: number, c: number) => r(1, c, a, 5, rd, 0x33),
  rem: (rd: number, a: number, c: number) => r(1, c, a, 6, rd, 0x33),
  remu: (rd: number, a: number, c: number) => r(1, c, a, 7, rd, 0x33),
  amo: (f5: number, rd: number, rs1: number, rs2: number) => r(f5 << 2, rs2, rs1, 2, rd, 0x2f),
  fence: () => 0x0ff0000f,
  fenceI: () => 0x0000100f,
  ecall: () => 0x00000073,
  ebreak: () => 0x00100073,
  csrr: (rd: number, csr: number) => i(csr, 0, 2, rd, 0x73),
  csrw: (csr: number, rs1: number) => i(csr, rs1, 1, 0, 0x73),
};
export const AMO = {
  lr: 2,
  sc: 3,
  swap: 1,
  add: 0,
  xor: 4,
  and: 12,
  or: 8,
  min: 16,
  max: 20,
  minu: 24,
  maxu: 28,
};

/** li rd, value (lui + addi). */
export function li(rd: number, value: number): number[] {
  const lo = (value << 20) >> 20;
  const hi = ((value - lo) >>> 12) & 0xfffff;
  return [asm.lui(rd, hi), asm.addi(rd, rd, lo)];
}

/** exit_group(a0 = status register already set): a7 = 94; ecall. */
export const exitWith = (status: number) => [...li(10, status), ...li(17, 94), asm.ecall()];

export interface ElfParts {
  readonly text: readonly number[];
  readonly textVa?: number;
  readonly data?: Uint8Array;
  readonly dataVa?: number;
  readonly bss?: number;
  readonly flags?: number;
  /** PF_ flags of the text segment (default 5, R+X). */
  readonly textFlags?: number;
  /**
   * lld's layout: the data right after the text in the file (offset not page-aligned), at an
   * address congruent to its offset modulo 4096 on the page of dataVa.
   */
  readonly packed?: boolean;
}

/** A static ELF32 RISC-V executable: text (R+X, headers included) and optional data (+bss). */
export function makeElf(p: ElfParts): Uint8Array {
  const textVa = p.textVa ?? 0x10000;
  const phnum = p.data || p.bss ? 2 : 1;
  const hdr = 52 + 32 * phnum;
  const textBytes = new Uint8Array(p.text.length * 4);
  const tv = new DataView(textBytes.buffer);
  p.text.forEach((w, k) => {
    tv.setUint32(k * 4, w, true);
  });
  const textOff = hdr;
  const dataOff = p.packed
    ? textOff + textBytes.length
    : Math.ceil((textOff + textBytes.length) / 4096) * 4096;
  const data = p.data ?? new Uint8Array(0);
  const size = p.data || p.bss ? dataOff + data.length : textOff + textBytes.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  v.setUint16(16, 2, true);
  v.setUint16(18, 243, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, textVa + textOff, true);
  v.setUint32(28, 52, true);
  v.setUint32(36, p.flags ?? 0, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, phnum, true);
  const ph = (k: number, off: number, va: number, filesz: number, memsz: number, flags: number) => {
    const at = 52 + 32 * k;
    v.setUint32(at, 1, true);
    v.setUint32(at + 4, off, true);
    v.setUint32(at + 8, va, true);
    v.setUint32(at + 12, va, true);
    v.setUint32(at + 16, filesz, true);
    v.setUint32(at + 20, memsz, true);
    v.setUint32(at + 24, flags, true);
    v.setUint32(at + 28, 4096, true);
  };
  ph(0, 0, textVa, textOff + textBytes.length, textOff + textBytes.length, p.textFlags ?? 5);
  const dataVa = (p.dataVa ?? 0x20000) + (p.packed ? dataOff % 4096 : 0);
  if (phnum === 2) ph(1, dataOff, dataVa, data.length, data.length + (p.bss ?? 0), 6);
  out.set(textBytes, textOff);
  if (phnum === 2) out.set(data, dataOff);
  return out;
}

export interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
  readonly process: Rv32Process;
  readonly machine: Machine;
}

/** Runs `elf` on a fresh machine and collects its output. */
export function runElf(
  elf: Uint8Array,
  config: MachineConfig,
  argv: readonly string[] = ["prog"],
  stdin?: Uint8Array,
  files?: FileSource,
): Ran {
  const machine = new Machine(config);
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const process = new Rv32Process(machine, elf, argv[0]!, {
    argv,
    stdout: (x) => out.push(x),
    stderr: (x) => err.push(x),
    ...(stdin ? { stdin } : {}),
    ...(files ? { files } : {}),
  });
  const res = process.run();
  return {
    stdout: Buffer.concat(out).toString("latin1"),
    stderr: Buffer.concat(err).toString("latin1"),
    status: res.status,
    process,
    machine,
  };
}

export interface Example {
  readonly name: string;
  readonly elf: Uint8Array;
  readonly argv: string[];
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** An example program with the output qemu-riscv32 recorded for it (examples/rv32/PROVENANCE.md). */
export function example(name: string): Example {
  const read = (f: string) => readFileSync(join(EXAMPLES, f));
  let args: string[] = [];
  try {
    args = read(`args/${name}`)
      .toString("utf8")
      .split("\n")
      .filter((a) => a !== "");
  } catch {
    args = [];
  }
  return {
    name,
    elf: read(`bin/${name}.elf`),
    argv: [`${name}.elf`, ...args],
    stdout: read(`expected/${name}.stdout`).toString("latin1"),
    stderr: read(`expected/${name}.stderr`).toString("latin1"),
    status: Number(read(`expected/${name}.status`).toString("utf8").trim()),
  };
}

export const EXAMPLE_NAMES = [
  "hello",
  "sort",
  "matmul",
  "heap",
  "bigbss",
  "recurse",
  "segv",
  "atomics",
  "readfile",
  "pastbrk",
  "mapfile",
] as const;

/** The files the example programs may open: those under examples/rv32 (qemu ran them there). */
export const EXAMPLE_FILES: FileSource = {
  read(path: string): Uint8Array | undefined {
    if (path.includes("..")) return undefined;
    try {
      return readFileSync(join(EXAMPLES, path));
    } catch {
      return undefined;
    }
  },
};
