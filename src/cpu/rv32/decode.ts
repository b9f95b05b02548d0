// RV32IMA instruction decoding into a compact form the interpreter dispatches on: an operation
// number and the register fields in one 32-bit word (op | rd << 8 | rs1 << 13 | rs2 << 18), the
// immediate (sign-extended, already shifted) in a second. Decoding happens once per instruction
// slot of a page and is kept in the decoded-instruction cache (decode-cache.ts).

export const OP_UNDECODED = 0;
export const OP_LUI = 1;
export const OP_AUIPC = 2;
export const OP_JAL = 3;
export const OP_JALR = 4;
export const OP_BEQ = 5;
export const OP_BNE = 6;
export const OP_BLT = 7;
export const OP_BGE = 8;
export const OP_BLTU = 9;
export const OP_BGEU = 10;
export const OP_LB = 11;
export const OP_LH = 12;
export const OP_LW = 13;
export const OP_LBU = 14;
export const OP_LHU = 15;
export const OP_SB = 16;
export const OP_SH = 17;
export const OP_SW = 18;
export const OP_ADDI = 19;
export const OP_SLTI = 20;
export const OP_SLTIU = 21;
export const OP_XORI = 22;
export const OP_ORI = 23;
export const OP_ANDI = 24;
export const OP_SLLI = 25;
export const OP_SRLI = 26;
export const OP_SRAI = 27;
export const OP_ADD = 28;
export const OP_SUB = 29;
export const OP_SLL = 30;
export const OP_SLT = 31;
export const OP_SLTU = 32;
export const OP_XOR = 33;
export const OP_SRL = 34;
export const OP_SRA = 35;
export const OP_OR = 36;
export const OP_AND = 37;
export const OP_FENCE = 38;
export const OP_FENCE_I = 39;
export const OP_ECALL = 40;
export const OP_EBREAK = 41;
/** A read of a counter CSR (csrrs/csrrc rd, csr, x0 and the immediate forms with 0): imm = csr. */
export const OP_CSR_READ = 42;
export const OP_MUL = 43;
export const OP_MULH = 44;
export const OP_MULHSU = 45;
export const OP_MULHU = 46;
export const OP_DIV = 47;
export const OP_DIVU = 48;
export const OP_REM = 49;
export const OP_REMU = 50;
export const OP_LR = 51;
export const OP_SC = 52;
export const OP_AMOSWAP = 53;
export const OP_AMOADD = 54;
export const OP_AMOXOR = 55;
export const OP_AMOAND = 56;
export const OP_AMOOR = 57;
export const OP_AMOMIN = 58;
export const OP_AMOMAX = 59;
export const OP_AMOMINU = 60;
export const OP_AMOMAXU = 61;
/** Not an RV32IMA user-mode instruction (or a CSR access this machine refuses): SIGILL. */
export const OP_ILLEGAL = 62;

/** The counter CSRs user mode may read (cycle, time, instret and their high halves). */
export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
export const CSR_CYCLEH = 0xc80;
export const CSR_TIMEH = 0xc81;
export const CSR_INSTRETH = 0xc82;

/** Packs an operation with its register fields. */
export function pack(op: number, rd: number, rs1: number, rs2: number): number {
  return op | (rd << 8) | (rs1 << 13) | (rs2 << 18);
}

const R = (op: number, w: number) => pack(op, (w >>> 7) & 31, (w >>> 15) & 31, (w >>> 20) & 31);

/** Decodes instruction word `w`; the immediate goes to `out[1]`, the packed fields to `out[0]`. */
export function decode(w: number, out: Int32Array, at: number): void {
  const opcode = w & 0x7f;
  const rd = (w >>> 7) & 31;
  const f3 = (w >>> 12) & 7;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  const f7 = w >>> 25;
  const immI = w >> 20;
  let op = OP_ILLEGAL;
  let imm = 0;
  switch (opcode) {
    case 0x37:
      op = OP_LUI;
      imm = w & 0xfffff000;
      break;
    case 0x17:
      op = OP_AUIPC;
      imm = w & 0xfffff000;
      break;
    case 0x6f:
      op = OP_JAL;
      imm =
        ((w >> 31) << 20) |
        (((w >>> 12) & 0xff) << 12) |
        (((w >>> 20) & 1) << 11) |
        (((w >>> 21) & 0x3ff) << 1);
      break;
    case 0x67:
      if (f3 === 0) {
        op = OP_JALR;
        imm = immI;
      }
      break;
    case 0x63:
      imm =
        ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
      op = [OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU][f3]!;
      break;
    case 0x03:
      imm = immI;
      op = [OP_LB, OP_LH, OP_LW, OP_ILLEGAL, OP_LBU, OP_LHU, OP_ILLEGAL, OP_ILLEGAL][f3]!;
      break;
    case 0x23:
      imm = ((w >> 25) << 5) | ((w >>> 7) & 31);
      op = [OP_SB, OP_SH, OP_SW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL][f3]!;
      break;
    case 0x13:
      imm = immI;
      switch (f3) {
        case 0:
          op = OP_ADDI;
          break;
        case 2:
          op = OP_SLTI;
          break;
        case 3:
          op = OP_SLTIU;
          break;
        case 4:
          op = OP_XORI;
          break;
        case 6:
          op = OP_ORI;
          break;
        case 7:
          op = OP_ANDI;
          break;
        case 1:
          if (f7 === 0) op = OP_SLLI;
          imm = rs2;
          break;
        case 5:
          if (f7 === 0) op = OP_SRLI;
          else if (f7 === 0x20) op = OP_SRAI;
          imm = rs2;
          break;
      }
      break;
    case 0x33:
      if (f7 === 0) op = [OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND][f3]!;
      else if (f7 === 0x20) op = f3 === 0 ? OP_SUB : f3 === 5 ? OP_SRA : OP_ILLEGAL;
      else if (f7 === 1) op = [OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU][f3]!;
      break;
    case 0x0f:
      // fence (any pred/succ, fence.tso included) and fence.i; rd and rs1 are reserved (0).
      if (f3 === 0) op = OP_FENCE;
      else if (f3 === 1) op = OP_FENCE_I;
      break;
    case 0x73:
      if (w === 0x00000073) op = OP_ECALL;
      else if (w === 0x00100073) op = OP_EBREAK;
      else if (f3 === 2 || f3 === 3 || f3 === 6 || f3 === 7) {
        // csrrs/csrrc (rs1 = x0) and csrrsi/csrrci (uimm = 0) read without writing.
        const csr = w >>> 20;
        const counter =
          csr === CSR_CYCLE ||
          csr === CSR_TIME ||
          csr === CSR_INSTRET ||
          csr === CSR_CYCLEH ||
          csr === CSR_TIMEH ||
          csr === CSR_INSTRETH;
        if (counter && rs1 === 0) {
          op = OP_CSR_READ;
          imm = csr;
        }
      }
      break;
    case 0x2f:
      if (f3 === 2) {
        const f5 = w >>> 27;
        switch (f5) {
          case 0x02:
            if (rs2 === 0) op = OP_LR;
            break;
          case 0x03:
            op = OP_SC;
            break;
          case 0x01:
            op = OP_AMOSWAP;
            break;
          case 0x00:
            op = OP_AMOADD;
            break;
          case 0x04:
            op = OP_AMOXOR;
            break;
          case 0x0c:
            op = OP_AMOAND;
            break;
          case 0x08:
            op = OP_AMOOR;
            break;
          case 0x10:
            op = OP_AMOMIN;
            break;
          case 0x14:
            op = OP_AMOMAX;
            break;
          case 0x18:
            op = OP_AMOMINU;
            break;
          case 0x1c:
            op = OP_AMOMAXU;
            break;
        }
      }
      break;
  }
  out[at] =
    op === OP_ILLEGAL
      ? pack(op, 0, 0, 0)
      : opcode === 0x33 || opcode === 0x2f
        ? R(op, w)
        : pack(op, rd, rs1, rs2);
  out[at + 1] = imm;
}
