// An RV32IMA hart in user mode. Every instruction fetch, load, store and AMO is a reference made
// through the Machine's access path (Machine.access: the TLB, the sv32 walk, the pager on a
// fault), then the bytes move at the physical address it returns. A fault the pager resolves is
// invisible here: the access is retried inside Machine.access and the instruction goes on. An
// instruction commits nothing until every page it touches is translated, so a fatal fault (a
// segmentation or protection fault ends the process) leaves no partial effect: no register
// written, no half of a straddling store. A load or store that straddles two pages translates
// both; if the second translation faulted (and so may have evicted the first page), both are
// translated again before any byte moves. Misaligned loads and stores work (as Linux emulates
// them); a misaligned LR/SC/AMO or jump target is SIGBUS, as on Linux.
//
// Speed: instructions are decoded once per frame slot (decode-cache.ts), the interpreter keeps
// pc and the register file in locals, and the common case of a load or store inside one page is
// one Machine.access and one typed read or write.

import { OutOfMemoryError } from "../../core/errors.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE } from "../../mmu/mmu.js";
import type { Machine } from "../../sim/machine.js";
import { DecodeCache } from "./decode-cache.js";
import * as D from "./decode.js";

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

/** Most passes a straddling access makes to get both pages resident at once. */
const MAX_STRADDLE_PASSES = 64;

export class Rv32Cpu {
  /** x0..x31; x0 reads as zero. */
  readonly x = new Int32Array(32);
  /** Program counter (unsigned). */
  pc = 0;
  /** Instructions retired. */
  instret = 0;
  /** False once the program exited or was killed. */
  running = true;
  /** Exit status (exit/exit_group), when it exited. */
  exitStatus: number | undefined;
  /** The signal that ended it, if one did. */
  trap: Trap | undefined;
  readonly faults: FaultsByAccess = { fetch: 0, load: 0, store: 0 };
  /** Faults anywhere on the machine since this CPU was made (a straddling access watches it). */
  private machineFaults = 0;
  private reservation = -1;
  private readonly cache: DecodeCache;
  private readonly shift: number;
  private readonly mask: number;
  private readonly unsubscribe: () => void;

  constructor(
    readonly machine: Machine,
    readonly pid: number,
    private readonly host: Rv32Host,
  ) {
    this.cache = DecodeCache.of(machine);
    this.shift = Math.log2(machine.pageSize);
    this.mask = machine.pageSize - 1;
    this.unsubscribe = machine.events.on("fault", (e) => {
      this.machineFaults++;
      if (e.pid !== pid) return;
      if (e.access === "exec") this.faults.fetch++;
      else if (e.access === "read") this.faults.load++;
      else this.faults.store++;
    });
  }

  /** Stops watching the machine's events (call when the program is done). */
  dispose(): void {
    this.unsubscribe();
  }

  /** Ends the program normally with `status` (exit, exit_group). */
  exit(status: number): void {
    this.exitStatus = status;
    this.running = false;
  }

  /** Ends the program by a signal. */
  kill(trap: Trap): void {
    this.trap = trap;
    this.running = false;
  }

  /** Drops every decoded instruction of the machine (fence.i; the kernel after it writes code). */
  flushDecoded(): void {
    this.cache.clear();
  }

  /** Tells the decoded-instruction cache that the bytes of frame `f` changed. */
  wrote(f: number): void {
    if (this.cache.pages[f] !== undefined) this.cache.drop(f);
  }

  /**
   * Runs up to `limit` instructions (fewer if the program ends or an ecall asks to yield by
   * clearing `running`). Returns the number retired. Throws what Machine.access throws (an
   * OutOfMemoryError when no frame can be freed).
   */
  run(limit: number): number {
    if (!this.running) return 0;
    const m = this.machine;
    const pid = this.pid;
    if (!m.isAlive(pid)) {
      const reason = m.exitReason(pid) ?? "";
      this.kill({ signal: signalFor(reason), pc: this.pc, va: 0, access: "execute", reason });
      return 0;
    }
    const x = this.x;
    const bytes = m.mem.bytes;
    const view = m.mem.view;
    const cache = this.cache;
    const pages = cache.pages;
    const seq = cache.seq;
    const loadSeq = m.frames.loadSeq;
    const shift = this.shift;
    const mask = this.mask;
    const ps = mask + 1;
    let pc = this.pc;
    let n = 0;
    let done = 0;
    let curFrame = -1;
    let page: Int32Array = new Int32Array(0);
    while (done + n < limit) {
      const fpa = m.access(pid, pc, ACC_EXEC);
      if (fpa < 0) {
        this.fatal(pc, pc, "fetch");
        break;
      }
      const f = fpa >>> shift;
      if (f !== curFrame || seq[f] !== loadSeq[f]) {
        const p = pages[f];
        page = p !== undefined && seq[f] === loadSeq[f] ? p : cache.refresh(f);
        curFrame = f;
      }
      const slot = (fpa & mask) >>> 1;
      let w = page[slot]!;
      if (w === 0) {
        D.decode(view.getUint32(fpa, true), page, slot);
        w = page[slot]!;
      }
      const imm = page[slot + 1]!;
      const rd = (w >>> 8) & 31;
      const rs1 = (w >>> 13) & 31;
      const rs2 = (w >>> 18) & 31;
      let next = (pc + 4) >>> 0;
      switch (w & 0xff) {
        case D.OP_LUI:
          x[rd] = imm;
          break;
        case D.OP_AUIPC:
          x[rd] = pc + imm;
          break;
        case D.OP_JAL: {
          const t = (pc + imm) >>> 0;
          if ((t & 3) !== 0) {
            this.misalignedJump(pc, t);
            break;
          }
          x[rd] = next;
          next = t;
          break;
        }
        case D.OP_JALR: {
          const t = ((x[rs1]! + imm) & ~1) >>> 0;
          if ((t & 3) !== 0) {
            this.misalignedJump(pc, t);
            break;
          }
          x[rd] = next;
          next = t;
          break;
        }
        case D.OP_BEQ:
          if (x[rs1] === x[rs2]) next = (pc + imm) >>> 0;
          break;
        case D.OP_BNE:
          if (x[rs1] !== x[rs2]) next = (pc + imm) >>> 0;
          break;
        case D.OP_BLT:
          if (x[rs1]! < x[rs2]!) next = (pc + imm) >>> 0;
          break;
        case D.OP_BGE:
          if (x[rs1]! >= x[rs2]!) next = (pc + imm) >>> 0;
          break;
        case D.OP_BLTU:
          if (x[rs1]! >>> 0 < x[rs2]! >>> 0) next = (pc + imm) >>> 0;
          break;
        case D.OP_BGEU:
          if (x[rs1]! >>> 0 >= x[rs2]! >>> 0) next = (pc + imm) >>> 0;
          break;
        case D.OP_LB:
        case D.OP_LBU: {
          const va = (x[rs1]! + imm) >>> 0;
          const pa = m.access(pid, va, ACC_READ);
          if (pa < 0) {
            this.fatal(pc, va, "load");
            break;
          }
          const b = bytes[pa]!;
          x[rd] = (w & 0xff) === D.OP_LB ? (b << 24) >> 24 : b;
          break;
        }
        case D.OP_LH:
        case D.OP_LHU: {
          const va = (x[rs1]! + imm) >>> 0;
          let v: number;
          if ((va & mask) <= ps - 2) {
            const pa = m.access(pid, va, ACC_READ);
            if (pa < 0) {
              this.fatal(pc, va, "load");
              break;
            }
            v = view.getUint16(pa, true);
          } else {
            v = this.loadSplit(pc, va, 2);
            if (!this.running) break;
          }
          x[rd] = (w & 0xff) === D.OP_LH ? (v << 16) >> 16 : v;
          break;
        }
        case D.OP_LW: {
          const va = (x[rs1]! + imm) >>> 0;
          if ((va & mask) <= ps - 4) {
            const pa = m.access(pid, va, ACC_READ);
            if (pa < 0) {
              this.fatal(pc, va, "load");
              break;
            }
            x[rd] = view.getInt32(pa, true);
          } else {
            const v = this.loadSplit(pc, va, 4);
            if (!this.running) break;
            x[rd] = v;
          }
          break;
        }
        case D.OP_SB: {
          const va = (x[rs1]! + imm) >>> 0;
          const pa = m.access(pid, va, ACC_WRITE);
          if (pa < 0) {
            this.fatal(pc, va, "store");
            break;
          }
          if (pages[pa >>> shift] !== undefined) cache.drop(pa >>> shift);
          bytes[pa] = x[rs2]!;
          break;
        }
        case D.OP_SH: {
          const va = (x[rs1]! + imm) >>> 0;
          if ((va & mask) <= ps - 2) {
            const pa = m.access(pid, va, ACC_WRITE);
            if (pa < 0) {
              this.fatal(pc, va, "store");
              break;
            }
            if (pages[pa >>> shift] !== undefined) cache.drop(pa >>> shift);
            view.setUint16(pa, x[rs2]!, true);
          } else this.storeSplit(pc, va, 2, x[rs2]!);
          break;
        }
        case D.OP_SW: {
          const va = (x[rs1]! + imm) >>> 0;
          if ((va & mask) <= ps - 4) {
            const pa = m.access(pid, va, ACC_WRITE);
            if (pa < 0) {
              this.fatal(pc, va, "store");
              break;
            }
            if (pages[pa >>> shift] !== undefined) cache.drop(pa >>> shift);
            view.setInt32(pa, x[rs2]!, true);
          } else this.storeSplit(pc, va, 4, x[rs2]!);
          break;
        }
        case D.OP_ADDI:
          x[rd] = x[rs1]! + imm;
          break;
        case D.OP_SLTI:
          x[rd] = x[rs1]! < imm ? 1 : 0;
          break;
        case D.OP_SLTIU:
          x[rd] = x[rs1]! >>> 0 < imm >>> 0 ? 1 : 0;
          break;
        case D.OP_XORI:
          x[rd] = x[rs1]! ^ imm;
          break;
        case D.OP_ORI:
          x[rd] = x[rs1]! | imm;
          break;
        case D.OP_ANDI:
          x[rd] = x[rs1]! & imm;
          break;
        case D.OP_SLLI:
          x[rd] = x[rs1]! << imm;
          break;
        case D.OP_SRLI:
          x[rd] = x[rs1]! >>> imm;
          break;
        case D.OP_SRAI:
          x[rd] = x[rs1]! >> imm;
          break;
        case D.OP_ADD:
          x[rd] = x[rs1]! + x[rs2]!;
          break;
        case D.OP_SUB:
          x[rd] = x[rs1]! - x[rs2]!;
          break;
        case D.OP_SLL:
          x[rd] = x[rs1]! << x[rs2]!;
          break;
        case D.OP_SLT:
          x[rd] = x[rs1]! < x[rs2]! ? 1 : 0;
          break;
        case D.OP_SLTU:
          x[rd] = x[rs1]! >>> 0 < x[rs2]! >>> 0 ? 1 : 0;
          break;
        case D.OP_XOR:
          x[rd] = x[rs1]! ^ x[rs2]!;
          break;
        case D.OP_SRL:
          x[rd] = x[rs1]! >>> x[rs2]!;
          break;
        case D.OP_SRA:
          x[rd] = x[rs1]! >> x[rs2]!;
          break;
        case D.OP_OR:
          x[rd] = x[rs1]! | x[rs2]!;
          break;
        case D.OP_AND:
          x[rd] = x[rs1]! & x[rs2]!;
          break;
        case D.OP_MUL:
          x[rd] = Math.imul(x[rs1]!, x[rs2]!);
          break;
        case D.OP_MULH:
          x[rd] = mulh(x[rs1]!, x[rs2]!);
          break;
        case D.OP_MULHSU:
          x[rd] = mulhsu(x[rs1]!, x[rs2]!);
          break;
        case D.OP_MULHU:
          x[rd] = mulhu(x[rs1]! >>> 0, x[rs2]! >>> 0);
          break;
        case D.OP_DIV: {
          const b = x[rs2]!;
          x[rd] = b === 0 ? -1 : (x[rs1]! / b) | 0;
          break;
        }
        case D.OP_DIVU: {
          const b = x[rs2]! >>> 0;
          x[rd] = b === 0 ? -1 : (x[rs1]! >>> 0) / b;
          break;
        }
        case D.OP_REM: {
          const b = x[rs2]!;
          x[rd] = b === 0 ? x[rs1]! : x[rs1]! % b;
          break;
        }
        case D.OP_REMU: {
          const b = x[rs2]! >>> 0;
          x[rd] = b === 0 ? x[rs1]! : (x[rs1]! >>> 0) % b;
          break;
        }
        case D.OP_FENCE:
          break;
        case D.OP_FENCE_I:
          cache.clear();
          curFrame = -1;
          break;
        case D.OP_ECALL:
          this.pc = pc;
          this.instret += n;
          done += n;
          n = 0;
          this.host.ecall(this);
          // The kernel may have written memory (read into a buffer): revalidate the current page.
          curFrame = -1;
          if (!this.running && this.exitStatus !== undefined) {
            // exit: the ecall retires; a kill leaves pc at the ecall.
            this.pc = next;
            this.instret++;
            return done + 1;
          }
          break;
        case D.OP_EBREAK:
          this.kill({ signal: SIGTRAP, pc, va: pc, access: "execute", reason: "ebreak" });
          break;
        case D.OP_CSR_READ:
          x[rd] = this.readCounter(imm, n);
          break;
        case D.OP_LR: {
          const va = x[rs1]! >>> 0;
          if ((va & 3) !== 0) {
            this.misaligned(pc, va, "load", "lr.w");
            break;
          }
          const pa = m.access(pid, va, ACC_READ);
          if (pa < 0) {
            this.fatal(pc, va, "load");
            break;
          }
          x[rd] = view.getInt32(pa, true);
          this.reservation = va;
          break;
        }
        case D.OP_SC: {
          const va = x[rs1]! >>> 0;
          if ((va & 3) !== 0) {
            this.misaligned(pc, va, "store", "sc.w");
            break;
          }
          if (this.reservation !== va) {
            this.reservation = -1;
            x[rd] = 1;
            break;
          }
          const pa = m.access(pid, va, ACC_WRITE);
          if (pa < 0) {
            this.fatal(pc, va, "store");
            break;
          }
          if (pages[pa >>> shift] !== undefined) cache.drop(pa >>> shift);
          view.setInt32(pa, x[rs2]!, true);
          this.reservation = -1;
          x[rd] = 0;
          break;
        }
        case D.OP_AMOSWAP:
        case D.OP_AMOADD:
        case D.OP_AMOXOR:
        case D.OP_AMOAND:
        case D.OP_AMOOR:
        case D.OP_AMOMIN:
        case D.OP_AMOMAX:
        case D.OP_AMOMINU:
        case D.OP_AMOMAXU: {
          const va = x[rs1]! >>> 0;
          if ((va & 3) !== 0) {
            this.misaligned(pc, va, "store", "AMO");
            break;
          }
          const pa = m.access(pid, va, ACC_WRITE);
          if (pa < 0) {
            this.fatal(pc, va, "store");
            break;
          }
          if (pages[pa >>> shift] !== undefined) cache.drop(pa >>> shift);
          const old = view.getInt32(pa, true);
          view.setInt32(pa, amo(w & 0xff, old, x[rs2]!), true);
          x[rd] = old;
          break;
        }
        default: {
          const word = view.getUint32(fpa, true);
          const hex = word.toString(16).padStart(8, "0");
          this.kill({ signal: SIGILL, pc, va: word, access: "execute", reason: `illegal instruction 0x${hex}` });
          break;
        }
      }
      if (!this.running) break;
      x[0] = 0;
      if ((next & 3) !== 0) {
        // A taken branch to a target that is 2 mod 4 (jal and jalr checked theirs before writing rd).
        this.misalignedJump(pc, next);
        break;
      }
      pc = next;
      n++;
    }
    this.pc = pc;
    this.instret += n;
    return done + n;
  }

  private misalignedJump(pc: number, target: number): void {
    this.kill({ signal: SIGBUS, pc, va: target, access: "execute", reason: "misaligned jump target" });
  }

  private readCounter(csr: number, n: number): number {
    const instret = this.instret + n;
    switch (csr) {
      case D.CSR_INSTRET:
        return instret | 0;
      case D.CSR_INSTRETH:
        return Math.floor(instret / 2 ** 32) | 0;
      case D.CSR_CYCLE:
        return this.machine.now() | 0;
      case D.CSR_CYCLEH:
        return Math.floor(this.machine.now() / 2 ** 32) | 0;
      case D.CSR_TIME:
        return Math.floor(this.machine.now() / 100) | 0;
      default:
        return Math.floor(Math.floor(this.machine.now() / 100) / 2 ** 32) | 0;
    }
  }

  /** The process was killed by the access at `va` (segmentation, protection, out of swap). */
  private fatal(pc: number, va: number, access: AccessKind): void {
    const reason = this.machine.exitReason(this.pid) ?? "";
    this.kill({ signal: signalFor(reason), pc, va, access, reason });
  }

  private misaligned(pc: number, va: number, access: AccessKind, what: string): void {
    this.kill({ signal: SIGBUS, pc, va, access, reason: `misaligned ${what} address` });
  }

  /** A load of `size` bytes at `va` that straddles two pages (see the file comment). */
  private loadSplit(pc: number, va: number, size: number): number {
    const m = this.machine;
    const first = this.mask + 1 - (va & this.mask);
    const va2 = va + first;
    for (let pass = 0; ; pass++) {
      const pa1 = m.access(this.pid, va, ACC_READ);
      if (pa1 < 0) {
        this.fatal(pc, va, "load");
        return 0;
      }
      const before = this.machineFaults;
      const pa2 = m.access(this.pid, va2, ACC_READ);
      if (pa2 < 0) {
        this.fatal(pc, va2, "load");
        return 0;
      }
      if (this.machineFaults !== before) {
        this.checkPasses(pass, va);
        continue;
      }
      const bytes = m.mem.bytes;
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = (v << 8) | bytes[i < first ? pa1 + i : pa2 + i - first]!;
      return v >>> 0;
    }
  }

  /** A store of `size` bytes at `va` that straddles two pages: both translated before any byte moves. */
  private storeSplit(pc: number, va: number, size: number, value: number): void {
    const m = this.machine;
    const first = this.mask + 1 - (va & this.mask);
    const va2 = va + first;
    for (let pass = 0; ; pass++) {
      const pa1 = m.access(this.pid, va, ACC_WRITE);
      if (pa1 < 0) {
        this.fatal(pc, va, "store");
        return;
      }
      const before = this.machineFaults;
      const pa2 = m.access(this.pid, va2, ACC_WRITE);
      if (pa2 < 0) {
        this.fatal(pc, va2, "store");
        return;
      }
      if (this.machineFaults !== before) {
        this.checkPasses(pass, va);
        continue;
      }
      this.wrote(pa1 >>> this.shift);
      this.wrote(pa2 >>> this.shift);
      const bytes = m.mem.bytes;
      for (let i = 0; i < size; i++) bytes[i < first ? pa1 + i : pa2 + i - first] = (value >>> (8 * i)) & 0xff;
      return;
    }
  }

  private checkPasses(pass: number, va: number): void {
    if (pass + 1 >= MAX_STRADDLE_PASSES) {
      throw new StraddleLivelockError(this.pid, va, MAX_STRADDLE_PASSES);
    }
  }
}

/** The two pages of a straddling access never stayed resident together (too few frames for the policy). */
export class StraddleLivelockError extends OutOfMemoryError {
  constructor(pid: number, va: number, passes: number) {
    super(
      `process ${pid}: an access at 0x${va.toString(16)} straddling two pages could not keep both resident in ${passes} tries (too few frames for this policy)`,
      { pid, va, passes },
    );
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

function amo(op: number, old: number, v: number): number {
  switch (op) {
    case D.OP_AMOSWAP:
      return v;
    case D.OP_AMOADD:
      return (old + v) | 0;
    case D.OP_AMOXOR:
      return old ^ v;
    case D.OP_AMOAND:
      return old & v;
    case D.OP_AMOOR:
      return old | v;
    case D.OP_AMOMIN:
      return old < v ? old : v;
    case D.OP_AMOMAX:
      return old > v ? old : v;
    case D.OP_AMOMINU:
      return old >>> 0 < v >>> 0 ? old : v;
    default:
      return old >>> 0 > v >>> 0 ? old : v;
  }
}
