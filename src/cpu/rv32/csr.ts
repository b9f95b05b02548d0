// The CSR/system group's counters: what a csrr of cycle, time or instret (and their high halves)
// reads in user mode. The machine's clock is the cycle count; time ticks once per 100 cycles.

import * as D from "./decode.js";

/** The value of counter CSR `csr`, with `instret` instructions retired, on a machine whose clock is now(). */
export function readCounter(csr: number, instret: number, machine: { now(): number }): number {
  switch (csr) {
    case D.CSR_INSTRET:
      return instret | 0;
    case D.CSR_INSTRETH:
      return Math.floor(instret / 2 ** 32) | 0;
    case D.CSR_CYCLE:
      return machine.now() | 0;
    case D.CSR_CYCLEH:
      return Math.floor(machine.now() / 2 ** 32) | 0;
    case D.CSR_TIME:
      return Math.floor(machine.now() / 100) | 0;
    default:
      return Math.floor(Math.floor(machine.now() / 100) / 2 ** 32) | 0;
  }
}
