// The M extension: the result of each multiply and divide instruction from its two operands
// (execM, called by the interpreter's switch in cpu.ts), with the high halves of the 64-bit
// products (mulh, mulhsu, mulhu) that JavaScript has no single operator for. Division by zero and
// overflow give RISC-V's results, no trap.

/** The result of M-extension instruction `op` (decode.ts's OP_ number, 43..50) on rs1 = a, rs2 = b. */
export function execM(op: number, a: number, b: number): number {
  switch (op) {
    case 43 /* MUL */:
      return Math.imul(a, b);
    case 44 /* MULH */:
      return mulh(a, b);
    case 45 /* MULHSU */:
      return mulhsu(a, b);
    case 46 /* MULHU */:
      return mulhu(a >>> 0, b >>> 0);
    case 47 /* DIV */:
      return b === 0 ? -1 : (a / b) | 0;
    case 48 /* DIVU */:
      {
        const d = b >>> 0;
        return d === 0 ? -1 : (a >>> 0) / d;
      }
    case 49 /* REM */:
      return b === 0 ? a : a % b;
    default: /* REMU */ {
      const d = b >>> 0;
      return d === 0 ? a : (a >>> 0) % d;
    }
  }
}

/** High 32 bits of the unsigned product of two uint32 values. */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536)) | 0;
}

/** High 32 bits of the signed product. */
export function mulh(a: number, b: number): number {
  let h = mulhu(a >>> 0, b >>> 0);
  if (a < 0) h -= b;
  if (b < 0) h -= a;
  return h | 0;
}

/** High 32 bits of signed `a` times unsigned `b`. */
export function mulhsu(a: number, b: number): number {
  let h = mulhu(a >>> 0, b >>> 0);
  if (a < 0) h -= b >>> 0;
  return h | 0;
}
