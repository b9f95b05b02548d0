// The A extension's read-modify-write operations: the value each AMO stores, given the old word
// and rs2. The interpreter (cpu.ts) translates, checks alignment and moves the bytes; LR/SC stay
// there too, since they hold the CPU's reservation.

/** The word an AMO (op: decode.ts's OP_ number, 53..61) stores, from the old word and rs2. */
export function amo(op: number, old: number, v: number): number {
  switch (op) {
    case 53 /* AMOSWAP */:
      return v;
    case 54 /* AMOADD */:
      return (old + v) | 0;
    case 55 /* AMOXOR */:
      return old ^ v;
    case 56 /* AMOAND */:
      return old & v;
    case 57 /* AMOOR */:
      return old | v;
    case 58 /* AMOMIN */:
      return Math.min(old, v);
    case 59 /* AMOMAX */:
      return Math.max(old, v);
    case 60 /* AMOMINU */:
      return old >>> 0 < v >>> 0 ? old : v;
    default:
      return old >>> 0 > v >>> 0 ? old : v;
  }
}
