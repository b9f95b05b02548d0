// Per-instruction tests of the RV32IMA CPU: tiny programs assembled here, run on a Machine, their
// registers checked against values computed by hand (or with BigInt for the 64-bit products).

import { describe, expect, it } from "vitest";
import { AMO, asm, exitWith, li, makeElf, runElf } from "./helpers.js";

const CONFIG = { frames: 64, shape: "sv32", policy: "fifo", tableFrames: 8 } as const;
const DATA = 0x20000;

/** Runs `text` then exit_group(0); returns the registers, the status and the result. */
function run(text: number[], data?: Uint8Array, bss = 0) {
  const elf = makeElf({
    text: [...text, ...exitWith(0)],
    ...(data ? { data } : {}),
    ...(bss ? { bss } : {}),
  });
  const ran = runElf(elf, CONFIG);
  return { x: ran.process.cpu.x, status: ran.status, result: ran.process.result(), ran };
}
const u = (v: number) => v >>> 0;

describe("RV32I", () => {
  it("lui, auipc, addi and the register-register ALU operations at edge values", () => {
    const { x, status } = run([
      ...li(5, 0x80000000 | 0),
      ...li(6, -1),
      asm.add(7, 5, 6), // 0x7fffffff
      asm.sub(28, 5, 6), // 0x80000001
      asm.slt(29, 5, 6), // -2^31 < -1: 1
      asm.sltu(30, 5, 6), // 0x80000000 < 0xffffffff: 1
      asm.sra(31, 5, 6), // shift by 31: -1
      asm.srl(8, 5, 6), // 1
      asm.sll(9, 6, 6), // -1 << 31 = 0x80000000
      asm.xor(18, 5, 6), // 0x7fffffff
      asm.or(19, 5, 0), // 0x80000000
      asm.and(20, 5, 6), // 0x80000000
      asm.auipc(21, 1), // pc + 0x1000
      asm.lui(22, 0xfffff), // 0xfffff000
      asm.addi(23, 0, -2048),
      asm.slti(24, 23, -2047), // 1
      asm.sltiu(25, 0, -1), // 0 < 0xffffffff: 1
      asm.xori(26, 6, 0x555), // ~0x555
      asm.andi(27, 6, -16), // 0xfffffff0
      asm.ori(11, 0, 0x7ff),
      asm.srai(12, 5, 4), // 0xf8000000
      asm.srli(13, 5, 4), // 0x08000000
      asm.slli(14, 6, 4), // 0xfffffff0
      asm.addi(0, 0, 5), // x0 stays 0
    ]);
    expect(status).toBe(0);
    expect(u(x[7]!)).toBe(0x7fffffff);
    expect(u(x[28]!)).toBe(0x80000001);
    expect([x[29], x[30], x[31], x[8]]).toEqual([1, 1, -1, 1]);
    expect(u(x[9]!)).toBe(0x80000000);
    expect(u(x[18]!)).toBe(0x7fffffff);
    expect(u(x[19]!)).toBe(0x80000000);
    expect(u(x[20]!)).toBe(0x80000000);
    // auipc is instruction 14 (after two li pairs and ten ALU operations).
    expect(u(x[21]!)).toBe(0x10000 + 52 + 32 + 4 * 14 + 0x1000);
    expect(u(x[22]!)).toBe(0xfffff000);
    expect([x[23], x[24], x[25]]).toEqual([-2048, 1, 1]);
    expect(x[26]).toBe(~0x555);
    expect(u(x[27]!)).toBe(0xfffffff0);
    expect(x[11]).toBe(0x7ff);
    expect(u(x[12]!)).toBe(0xf8000000);
    expect(u(x[13]!)).toBe(0x08000000);
    expect(u(x[14]!)).toBe(0xfffffff0);
    expect(x[0]).toBe(0);
  });

  it("branches taken and not taken, signed and unsigned; jal and jalr link", () => {
    // Each branch skips an `addi x5, x5, 1` when taken; x6 counts the branches not taken.
    const br = (b: number) => [b, asm.addi(6, 6, 1)];
    const { x } = run([
      ...li(7, -1),
      asm.addi(8, 0, 1),
      ...br(asm.beq(8, 8, 8)), // taken
      ...br(asm.bne(8, 8, 8)), // not
      ...br(asm.blt(7, 8, 8)), // -1 < 1 taken
      ...br(asm.bltu(7, 8, 8)), // 0xffffffff < 1 not
      ...br(asm.bge(7, 8, 8)), // not
      ...br(asm.bgeu(7, 8, 8)), // taken
      asm.jal(9, 8), // skip one
      asm.addi(6, 6, 100),
      asm.auipc(10, 0),
      asm.jalr(11, 10, 12), // to auipc + 12, skipping one
      asm.addi(6, 6, 100),
    ]);
    expect(x[6]).toBe(3);
    const entry = 0x10000 + 52 + 32;
    // jal is instruction 15 (links 16); jalr is instruction 18 (links 19).
    expect(u(x[9]!)).toBe(entry + 4 * 16);
    expect(u(x[11]!)).toBe(entry + 4 * 19);
  });

  it("loads sign- or zero-extend; misaligned and page-straddling loads and stores work", () => {
    const data = new Uint8Array(8192);
    data.set([0x80, 0xff, 0x34, 0x12], 0);
    data.set([0xa1, 0xb2, 0xc3, 0xd4], 4094); // straddles the page boundary at DATA + 4096
    const { x } = run(
      [
        ...li(5, DATA),
        asm.lb(6, 5, 0), // 0xffffff80
        asm.lbu(7, 5, 0), // 0x80
        asm.lh(8, 5, 0), // 0xffffff80
        asm.lhu(9, 5, 0), // 0xff80
        asm.lw(18, 5, 1), // misaligned: 0x??1234ff -> bytes ff 34 12 00
        ...li(10, DATA + 4094),
        asm.lw(19, 10, 0), // straddling: 0xd4c3b2a1
        asm.lh(20, 10, 1), // straddling half: 0xc3b2
        ...li(11, 0x11223344),
        asm.sw(11, 10, 1), // straddling store at DATA + 4095
        asm.lw(21, 10, 0), // a1 44 33 22 -> 0x223344a1
        asm.lbu(22, 10, 4), // 0x11 (the store's last byte, at DATA + 4098)
        asm.sh(11, 5, 3), // misaligned half
        asm.lw(23, 5, 0), // 80 ff 34 44
        asm.lbu(24, 5, 4), // 0x33
      ],
      data,
    );
    expect(u(x[6]!)).toBe(0xffffff80);
    expect(x[7]).toBe(0x80);
    expect(u(x[8]!)).toBe(0xffffff80);
    expect(x[9]).toBe(0xff80);
    expect(u(x[18]!)).toBe(0x001234ff);
    expect(u(x[19]!)).toBe(0xd4c3b2a1);
    expect(u(x[20]!)).toBe(0xffffc3b2);
    expect(u(x[21]!)).toBe(0x223344a1);
    expect(x[22]).toBe(0x11);
    expect(u(x[23]!)).toBe(0x4434ff80);
    expect(x[24]).toBe(0x33);
  });

  it("a store into the code drops the decoded instruction (self-modifying code, fence.i)", () => {
    // The instruction at `slot` is first `addi x5, x5, 1`; the program overwrites it with
    // `addi x5, x5, 100` and runs it again (loop twice): 1 + 100 = 101.
    const text = [
      asm.addi(6, 0, 2), // loop counter
      asm.auipc(7, 0), // x7 = entry + 4
      asm.addi(5, 5, 1), // slot: entry + 8
      ...li(8, asm.addi(5, 5, 100)),
      asm.sw(8, 7, 4), // overwrite the slot
      asm.fenceI(),
      asm.addi(6, 6, -1),
      asm.bne(6, 0, -(4 * 6)), // back to the slot
    ];
    const elf = makeElf({ text: [...text, ...exitWith(0)], textFlags: 7 });
    const ran = runElf(elf, CONFIG);
    expect(ran.status).toBe(0);
    expect(ran.process.cpu.x[5]).toBe(101);
  });
});

describe("RV32M", () => {
  const pairs: [number, number][] = [
    [0x80000000 | 0, -1],
    [-1, -1],
    [0x7fffffff, 0x7fffffff],
    [-7, 2],
    [7, -2],
    [123456789, -987654321],
    [0, 5],
    [5, 0],
    [0x80000000 | 0, 0],
  ];
  it.each(pairs)("mul, mulh, mulhsu, mulhu, div, divu, rem, remu of %i and %i", (a, b) => {
    const { x } = run([
      ...li(5, a),
      ...li(6, b),
      asm.mul(7, 5, 6),
      asm.mulh(8, 5, 6),
      asm.mulhsu(9, 5, 6),
      asm.mulhu(18, 5, 6),
      asm.div(19, 5, 6),
      asm.divu(20, 5, 6),
      asm.rem(21, 5, 6),
      asm.remu(22, 5, 6),
    ]);
    const A = BigInt(a);
    const B = BigInt(b);
    const UA = BigInt(a >>> 0);
    const UB = BigInt(b >>> 0);
    const hi = (p: bigint) => Number(BigInt.asIntN(32, p >> 32n));
    expect(x[7]).toBe(Math.imul(a, b));
    expect(x[8]).toBe(hi(A * B));
    expect(x[9]).toBe(hi(A * UB));
    expect(x[18]).toBe(hi(UA * UB));
    // Division by zero and overflow as the ISA defines them.
    const div = b === 0 ? -1 : a === -(2 ** 31) && b === -1 ? a : Math.trunc(a / b) | 0;
    const rem = b === 0 ? a : a === -(2 ** 31) && b === -1 ? 0 : a % b;
    expect(x[19]).toBe(div);
    expect(u(x[20]!)).toBe(b === 0 ? 0xffffffff : Math.floor(u(a) / u(b)));
    expect(x[21]).toBe(rem | 0);
    expect(u(x[22]!)).toBe(b === 0 ? u(a) : u(a) % u(b));
  });
});

describe("RV32A", () => {
  it("LR/SC: a store-conditional succeeds on its reservation once, fails without one", () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setInt32(0, 41, true);
    const { x } = run(
      [
        ...li(5, DATA),
        asm.amo(AMO.lr, 6, 5, 0), // x6 = 41
        asm.addi(6, 6, 1),
        asm.amo(AMO.sc, 7, 5, 6), // succeeds: x7 = 0, mem = 42
        asm.amo(AMO.sc, 8, 5, 6), // no reservation: x8 = 1
        asm.lw(9, 5, 0),
      ],
      data,
    );
    expect([x[6], x[7], x[8], x[9]]).toEqual([42, 0, 1, 42]);
  });

  const amos: [keyof typeof AMO, number, number, number][] = [
    ["swap", 5, -3, -3],
    ["add", 5, -3, 2],
    ["xor", 0b1100, 0b1010, 0b0110],
    ["and", 0b1100, 0b1010, 0b1000],
    ["or", 0b1100, 0b1010, 0b1110],
    ["min", 5, -3, -3],
    ["max", 5, -3, 5],
    ["minu", 5, -3, 5],
    ["maxu", 5, -3, -3],
  ];
  it.each(amos)("amo%s: memory %i with %i becomes %i, rd gets the old value", (op, mem, v, want) => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setInt32(8, mem, true);
    const { x } = run([...li(5, DATA + 8), ...li(6, v), asm.amo(AMO[op], 7, 5, 6), asm.lw(8, 5, 0)], data);
    expect(x[7]).toBe(mem);
    expect(x[8]).toBe(want);
  });

  it("a misaligned AMO is SIGBUS (status 135) and changes nothing", () => {
    const data = new Uint8Array(16);
    const { status, result } = run([...li(5, DATA + 2), ...li(6, 7), asm.amo(AMO.add, 7, 5, 6)], data);
    expect(status).toBe(135);
    expect(result.trap?.access).toBe("store");
  });
});

describe("system instructions and traps", () => {
  it("rdinstret counts retired instructions; fence is a no-op", () => {
    const { x } = run([asm.csrr(5, 0xc02), asm.fence(), asm.addi(0, 0, 0), asm.csrr(6, 0xc02)]);
    expect(x[6]! - x[5]!).toBe(3);
  });

  it("rdcycle and rdtime read the simulated clock (nondecreasing)", () => {
    const { x } = run([asm.csrr(5, 0xc00), asm.csrr(6, 0xc01), asm.csrr(7, 0xc00)]);
    expect(x[7]!).toBeGreaterThan(x[5]!);
    expect(x[6]!).toBeGreaterThanOrEqual(0);
  });

  it("an unknown system call returns -ENOSYS and is reported", () => {
    const { x, result } = run([...li(17, 999), asm.ecall(), asm.addi(5, 10, 0)]);
    expect(x[5]).toBe(-38);
    expect(result.warnings.join()).toMatch(/unknown system call 999/);
  });

  it.each([
    ["ebreak", [asm.ebreak()], 133],
    ["an illegal instruction", [0xffffffff], 132],
    ["a write to the cycle CSR", [asm.csrw(0xc00, 5)], 132],
    ["a jump to a misaligned target", [asm.jal(0, 6)], 135],
  ])("%s ends the program with the Linux signal's status", (_what, text, status) => {
    expect(run(text as number[]).status).toBe(status);
  });

  it("write(1) sends the bytes to stdout; a bad pointer is -EFAULT, not a crash", () => {
    const data = new TextEncoder().encode("hi!\n");
    const ran = runElf(
      makeElf({
        text: [
          ...li(10, 1),
          ...li(11, DATA),
          ...li(12, 4),
          ...li(17, 64),
          asm.ecall(),
          asm.addi(5, 10, 0),
          ...li(10, 1),
          ...li(11, 0x100),
          asm.ecall(),
          asm.addi(6, 10, 0),
          ...exitWith(3),
        ],
        data,
      }),
      CONFIG,
    );
    expect(ran.stdout).toBe("hi!\n");
    expect(ran.process.cpu.x[5]).toBe(4);
    expect(ran.process.cpu.x[6]).toBe(-14);
    expect(ran.status).toBe(3);
  });
});
