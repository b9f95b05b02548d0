// What the RV32 CPU reports to the rest of the system: the Linux signals that end a program, the
// Trap that says why, the system-call interface the kernel implements (Rv32Host), and the
// per-access fault counts of one process.

import type { Rv32Cpu } from "./cpu.js";

/** Linux signal numbers the CPU can end a program with. */
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGBUS = 7;
export const SIGKILL = 9;
export const SIGSEGV = 11;

/** The signal for a process the machine killed: SIGKILL when swap ran out (as the OOM killer), else SIGSEGV. */
export function signalFor(reason: string): number {
  return /^out.of.swap/.test(reason) ? SIGKILL : SIGSEGV;
}

export type AccessKind = "fetch" | "load" | "store";

/** Why a program stopped on a signal: the instruction, the address and what it tried. */
export interface Trap {
  readonly signal: number;
  readonly pc: number;
  /** The faulting data or fetch address (the instruction word for SIGILL). */
  readonly va: number;
  readonly access: AccessKind | "execute";
  readonly reason: string;
}

/** The system-call side: called on ecall with the CPU stopped at the ecall (pc unchanged). */
export interface Rv32Host {
  ecall(cpu: Rv32Cpu): void;
}

/** Faults of one process split by the access that raised them (the documents' distinction). */
export interface FaultsByAccess {
  fetch: number;
  load: number;
  store: number;
}
