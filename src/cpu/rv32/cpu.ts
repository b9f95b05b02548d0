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
//
// Beside this file: the signals and Trap (trap.ts), the M extension's arithmetic (m-ext.ts), the A
// extension's read-modify-write values (a-ext.ts), the counter CSRs (csr.ts). The dispatch switch
// in run() keeps the base integer instructions, the loads and stores (with the fast path's TLB
// check) and LR/SC/AMO inline: they read run()'s locals (the register file, the fast-path memos,
// the decoded page), and moving the base integer ALU group to a function of its own, as m-ext.ts
// is for M, cost 1-6% of CPU time in bench/rv32.bench.ts (4 alternating runs each); the M group
// as a call cost nothing measurable.

import { ACC_EXEC, ACC_READ, ACC_WRITE, type Access } from "../../mmu/mmu.js";
import { TLB_D, TLB_VALID, TLB_W } from "../../mmu/tlb.js";
import type { Machine } from "../../sim/machine.js";
import { amo } from "./a-ext.js";
import { readCounter } from "./csr.js";
import { decode } from "./decode.js";
import { DecodeCache } from "./decode-cache.js";
import { StraddleLivelockError } from "./errors.js";
import { execM } from "./m-ext.js";
import {
  type AccessKind,
  type FaultsByAccess,
  type Rv32Host,
  SIGBUS,
  SIGILL,
  SIGTRAP,
  signalFor,
  type Trap,
} from "./trap.js";

/** Entries of the fast path's direct-mapped VPN → TLB-slot memo for reads and for writes. */
const MICRO = 16;
const MICRO_MASK = MICRO - 1;
const NEED_R = TLB_VALID;
const NEED_W = TLB_VALID | TLB_W | TLB_D;

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
  /**
   * Called with every reference this CPU makes (address and access), in order, when set: the
   * TLB-hit fast path is off while it is, so each reference passes here (for --record).
   */
  recorder: ((va: number, access: Access) => void) | undefined;
  /** Faults anywhere on the machine since this CPU was made (a straddling access watches it). */
  private machineFaults = 0;
  private reservation = -1;
  /** The installed address space when this CPU last stopped running. */
  private lastAsid = -1;
  // The TLB-hit fast path (on while Machine.hitsOnlyCount holds): for fetches the page last
  // translated, for reads and writes the last 16 (direct-mapped by VPN), with the TLB slot that
  // maps each. A hit is checked against that slot
  // (tag, ASID, flags) exactly as the MMU checks it, the frame is read from the slot (a page
  // reloaded into another frame may refill the same slot), and the hit is counted here until the
  // next flushHits.
  private fast = false;
  private asid = -1;
  private readonly rVpns = new Int32Array(MICRO).fill(-1);
  private readonly rSlots = new Int32Array(MICRO);
  private readonly wVpns = new Int32Array(MICRO).fill(-1);
  private readonly wSlots = new Int32Array(MICRO);
  private xVpn = -1;
  /**
   * The fetch page's TLB entry was checked (tag, ASID, X) and nothing that can change the TLB has
   * run since: every call into the machine (a translation, a straddling access, a system call)
   * clears it, and only those change TLB entries while this CPU runs.
   */
  private xOk = false;
  private xSlot = 0;
  private hitR = 0;
  private hitW = 0;
  private hitX = 0;
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
    this.fast = m.hitsOnlyCount && this.recorder === undefined;
    // Another address space ran since this CPU last did: its stores may have hit the reserved
    // word, so the reservation is dropped (an SC then fails, and the program retries).
    if (m.mmu.asid !== this.lastAsid) this.reservation = -1;
    this.rVpns.fill(-1);
    this.wVpns.fill(-1);
    this.xVpn = -1;
    const rVpns = this.rVpns;
    const rSlots = this.rSlots;
    const wVpns = this.wVpns;
    const wSlots = this.wSlots;
    const x = this.x;
    const bytes = m.mem.bytes;
    const view = m.mem.view;
    const cache = this.cache;
    const pages = cache.pages;
    const seq = cache.seq;
    const loadSeq = m.frames.loadSeq;
    const tlb = m.tlb;
    const tv = tlb.vpn;
    const ta = tlb.asid;
    const tf = tlb.flags;
    const tfr = tlb.frame;
    const shift = this.shift;
    const mask = this.mask;
    const ps = mask + 1;
    let pc = this.pc;
    let n = 0;
    let done = 0;
    let curFrame = -1;
    let page: Int32Array = new Int32Array(0);
    try {
      while (done + n < limit) {
        // Fetch: the TLB-hit fast path, else Machine.access (walk, fault, restart).
        const xv = pc >>> shift;
        let fpa: number;
        if (xv === this.xVpn && this.xOk) {
          // No machine call since this page's entry was checked: its frame holds the same page,
          // and curFrame is reset whenever one of our stores drops the frame's decoded slots.
          this.hitX++;
          fpa = (tfr[this.xSlot]! << shift) + (pc & mask);
          const f = fpa >>> shift;
          if (f !== curFrame) {
            const p = pages[f];
            page = p !== undefined && seq[f] === loadSeq[f] ? p : cache.refresh(f);
            curFrame = f;
          }
        } else {
          fpa = this.translate(pc, ACC_EXEC);
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
        }
        const slot = (fpa & mask) >>> 1;
        let w = page[slot]!;
        if (w === 0) {
          decode(view.getUint32(fpa, true), page, slot);
          w = page[slot]!;
        }
        const imm = page[slot + 1]!;
        const rd = (w >>> 8) & 31;
        const rs1 = (w >>> 13) & 31;
        const rs2 = (w >>> 18) & 31;
        let next = (pc + 4) >>> 0;
        // Case labels are literals (decode.ts's OP_ numbers) so the switch compiles to a jump table.
        // The hot groups stay inline here (see the file comment: a call per ALU op cost time).
        switch (w & 0xff) {
          case 1 /* LUI */:
            x[rd] = imm;
            break;
          case 2 /* AUIPC */:
            x[rd] = pc + imm;
            break;
          case 3 /* JAL */:
            {
              const t = (pc + imm) >>> 0;
              if ((t & 3) !== 0) {
                this.misalignedJump(pc, t);
                break;
              }
              x[rd] = next;
              next = t;
              break;
            }
          case 4 /* JALR */:
            {
              const t = ((x[rs1]! + imm) & ~1) >>> 0;
              if ((t & 3) !== 0) {
                this.misalignedJump(pc, t);
                break;
              }
              x[rd] = next;
              next = t;
              break;
            }
          case 5 /* BEQ */:
            if (x[rs1] === x[rs2]) next = (pc + imm) >>> 0;
            break;
          case 6 /* BNE */:
            if (x[rs1] !== x[rs2]) next = (pc + imm) >>> 0;
            break;
          case 7 /* BLT */:
            if (x[rs1]! < x[rs2]!) next = (pc + imm) >>> 0;
            break;
          case 8 /* BGE */:
            if (x[rs1]! >= x[rs2]!) next = (pc + imm) >>> 0;
            break;
          case 9 /* BLTU */:
            if (x[rs1]! >>> 0 < x[rs2]! >>> 0) next = (pc + imm) >>> 0;
            break;
          case 10 /* BGEU */:
            if (x[rs1]! >>> 0 >= x[rs2]! >>> 0) next = (pc + imm) >>> 0;
            break;
          case 11 /* LB */:
          case 14 /* LBU */:
            {
              const va = (x[rs1]! + imm) >>> 0;
              const rv = va >>> shift;
              let pa: number;
              const rk = rSlots[rv & MICRO_MASK]!;
              if (
                rVpns[rv & MICRO_MASK] === rv &&
                tv[rk] === rv &&
                ta[rk] === this.asid &&
                (tf[rk]! & NEED_R) !== 0
              ) {
                this.hitR++;
                pa = (tfr[rk]! << shift) + (va & mask);
              } else {
                pa = this.translate(va, ACC_READ);
                if (pa < 0) {
                  this.fatal(pc, va, "load");
                  break;
                }
              }
              const b = bytes[pa]!;
              x[rd] = (w & 0xff) === 11 /* LB */ ? (b << 24) >> 24 : b;
              break;
            }
          case 12 /* LH */:
          case 15 /* LHU */:
            {
              const va = (x[rs1]! + imm) >>> 0;
              let v: number;
              if ((va & mask) <= ps - 2) {
                const rv = va >>> shift;
                let pa: number;
                const rk = rSlots[rv & MICRO_MASK]!;
                if (
                  rVpns[rv & MICRO_MASK] === rv &&
                  tv[rk] === rv &&
                  ta[rk] === this.asid &&
                  (tf[rk]! & NEED_R) !== 0
                ) {
                  this.hitR++;
                  pa = (tfr[rk]! << shift) + (va & mask);
                } else {
                  pa = this.translate(va, ACC_READ);
                  if (pa < 0) {
                    this.fatal(pc, va, "load");
                    break;
                  }
                }
                v = view.getUint16(pa, true);
              } else {
                v = this.loadSplit(pc, va, 2);
                if (!this.running) break;
              }
              x[rd] = (w & 0xff) === 12 /* LH */ ? (v << 16) >> 16 : v;
              break;
            }
          case 13 /* LW */:
            {
              const va = (x[rs1]! + imm) >>> 0;
              if ((va & mask) <= ps - 4) {
                const rv = va >>> shift;
                let pa: number;
                const rk = rSlots[rv & MICRO_MASK]!;
                if (
                  rVpns[rv & MICRO_MASK] === rv &&
                  tv[rk] === rv &&
                  ta[rk] === this.asid &&
                  (tf[rk]! & NEED_R) !== 0
                ) {
                  this.hitR++;
                  pa = (tfr[rk]! << shift) + (va & mask);
                } else {
                  pa = this.translate(va, ACC_READ);
                  if (pa < 0) {
                    this.fatal(pc, va, "load");
                    break;
                  }
                }
                x[rd] = view.getInt32(pa, true);
              } else {
                const v = this.loadSplit(pc, va, 4);
                if (!this.running) break;
                x[rd] = v;
              }
              break;
            }
          case 16 /* SB */:
            {
              const va = (x[rs1]! + imm) >>> 0;
              const wv = va >>> shift;
              let pa: number;
              const wk = wSlots[wv & MICRO_MASK]!;
              if (
                wVpns[wv & MICRO_MASK] === wv &&
                tv[wk] === wv &&
                ta[wk] === this.asid &&
                (tf[wk]! & NEED_W) === NEED_W
              ) {
                this.hitW++;
                pa = (tfr[wk]! << shift) + (va & mask);
              } else {
                pa = this.translate(va, ACC_WRITE);
                if (pa < 0) {
                  this.fatal(pc, va, "store");
                  break;
                }
              }
              if (pages[pa >>> shift] !== undefined) {
                cache.drop(pa >>> shift);
                curFrame = -1;
              }
              bytes[pa] = x[rs2]!;
              break;
            }
          case 17 /* SH */:
            {
              const va = (x[rs1]! + imm) >>> 0;
              if ((va & mask) <= ps - 2) {
                const wv = va >>> shift;
                let pa: number;
                const wk = wSlots[wv & MICRO_MASK]!;
                if (
                  wVpns[wv & MICRO_MASK] === wv &&
                  tv[wk] === wv &&
                  ta[wk] === this.asid &&
                  (tf[wk]! & NEED_W) === NEED_W
                ) {
                  this.hitW++;
                  pa = (tfr[wk]! << shift) + (va & mask);
                } else {
                  pa = this.translate(va, ACC_WRITE);
                  if (pa < 0) {
                    this.fatal(pc, va, "store");
                    break;
                  }
                }
                if (pages[pa >>> shift] !== undefined) {
                  cache.drop(pa >>> shift);
                  curFrame = -1;
                }
                view.setUint16(pa, x[rs2]!, true);
              } else this.storeSplit(pc, va, 2, x[rs2]!);
              break;
            }
          case 18 /* SW */:
            {
              const va = (x[rs1]! + imm) >>> 0;
              if ((va & mask) <= ps - 4) {
                const wv = va >>> shift;
                let pa: number;
                const wk = wSlots[wv & MICRO_MASK]!;
                if (
                  wVpns[wv & MICRO_MASK] === wv &&
                  tv[wk] === wv &&
                  ta[wk] === this.asid &&
                  (tf[wk]! & NEED_W) === NEED_W
                ) {
                  this.hitW++;
                  pa = (tfr[wk]! << shift) + (va & mask);
                } else {
                  pa = this.translate(va, ACC_WRITE);
                  if (pa < 0) {
                    this.fatal(pc, va, "store");
                    break;
                  }
                }
                if (pages[pa >>> shift] !== undefined) {
                  cache.drop(pa >>> shift);
                  curFrame = -1;
                }
                view.setInt32(pa, x[rs2]!, true);
              } else this.storeSplit(pc, va, 4, x[rs2]!);
              break;
            }
          case 19 /* ADDI */:
            x[rd] = x[rs1]! + imm;
            break;
          case 20 /* SLTI */:
            x[rd] = x[rs1]! < imm ? 1 : 0;
            break;
          case 21 /* SLTIU */:
            x[rd] = x[rs1]! >>> 0 < imm >>> 0 ? 1 : 0;
            break;
          case 22 /* XORI */:
            x[rd] = x[rs1]! ^ imm;
            break;
          case 23 /* ORI */:
            x[rd] = x[rs1]! | imm;
            break;
          case 24 /* ANDI */:
            x[rd] = x[rs1]! & imm;
            break;
          case 25 /* SLLI */:
            x[rd] = x[rs1]! << imm;
            break;
          case 26 /* SRLI */:
            x[rd] = x[rs1]! >>> imm;
            break;
          case 27 /* SRAI */:
            x[rd] = x[rs1]! >> imm;
            break;
          case 28 /* ADD */:
            x[rd] = x[rs1]! + x[rs2]!;
            break;
          case 29 /* SUB */:
            x[rd] = x[rs1]! - x[rs2]!;
            break;
          case 30 /* SLL */:
            x[rd] = x[rs1]! << x[rs2]!;
            break;
          case 31 /* SLT */:
            x[rd] = x[rs1]! < x[rs2]! ? 1 : 0;
            break;
          case 32 /* SLTU */:
            x[rd] = x[rs1]! >>> 0 < x[rs2]! >>> 0 ? 1 : 0;
            break;
          case 33 /* XOR */:
            x[rd] = x[rs1]! ^ x[rs2]!;
            break;
          case 34 /* SRL */:
            x[rd] = x[rs1]! >>> x[rs2]!;
            break;
          case 35 /* SRA */:
            x[rd] = x[rs1]! >> x[rs2]!;
            break;
          case 36 /* OR */:
            x[rd] = x[rs1]! | x[rs2]!;
            break;
          case 37 /* AND */:
            x[rd] = x[rs1]! & x[rs2]!;
            break;
          case 38 /* FENCE */:
            break;
          case 39 /* FENCE_I */:
            cache.clear();
            curFrame = -1;
            break;
          case 40 /* ECALL */:
            this.pc = pc;
            this.instret += n;
            done += n;
            n = 0;
            this.flushHits();
            this.xOk = false;
            this.host.ecall(this);
            // The kernel may have written memory or changed mappings: nothing cached is trusted.
            curFrame = -1;
            rVpns.fill(-1);
            wVpns.fill(-1);
            this.xVpn = -1;
            if (!this.running && this.exitStatus !== undefined) {
              // exit: the ecall retires; a kill leaves pc at the ecall.
              this.pc = next;
              this.instret++;
              return done + 1;
            }
            break;
          case 41 /* EBREAK */:
            this.kill({ signal: SIGTRAP, pc, va: pc, access: "execute", reason: "ebreak" });
            break;
          case 42 /* CSR_READ */:
            this.flushHits();
            x[rd] = readCounter(imm, this.instret + n, this.machine);
            break;
          case 43 /* MUL */:
          case 44 /* MULH */:
          case 45 /* MULHSU */:
          case 46 /* MULHU */:
          case 47 /* DIV */:
          case 48 /* DIVU */:
          case 49 /* REM */:
          case 50 /* REMU */:
            x[rd] = execM(w & 0xff, x[rs1]!, x[rs2]!);
            break;
          case 51 /* LR */:
            {
              const va = x[rs1]! >>> 0;
              if ((va & 3) !== 0) {
                this.misaligned(pc, va, "load", "lr.w");
                break;
              }
              const pa = this.translate(va, ACC_READ);
              if (pa < 0) {
                this.fatal(pc, va, "load");
                break;
              }
              x[rd] = view.getInt32(pa, true);
              this.reservation = va;
              break;
            }
          case 52 /* SC */:
            {
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
              const pa = this.translate(va, ACC_WRITE);
              if (pa < 0) {
                this.fatal(pc, va, "store");
                break;
              }
              if (pages[pa >>> shift] !== undefined) {
                cache.drop(pa >>> shift);
                curFrame = -1;
              }
              view.setInt32(pa, x[rs2]!, true);
              this.reservation = -1;
              x[rd] = 0;
              break;
            }
          case 53 /* AMOSWAP */:
          case 54 /* AMOADD */:
          case 55 /* AMOXOR */:
          case 56 /* AMOAND */:
          case 57 /* AMOOR */:
          case 58 /* AMOMIN */:
          case 59 /* AMOMAX */:
          case 60 /* AMOMINU */:
          case 61 /* AMOMAXU */:
            {
              const va = x[rs1]! >>> 0;
              if ((va & 3) !== 0) {
                this.misaligned(pc, va, "store", "AMO");
                break;
              }
              const pa = this.translate(va, ACC_WRITE);
              if (pa < 0) {
                this.fatal(pc, va, "store");
                break;
              }
              if (pages[pa >>> shift] !== undefined) {
                cache.drop(pa >>> shift);
                curFrame = -1;
              }
              const old = view.getInt32(pa, true);
              view.setInt32(pa, amo(w & 0xff, old, x[rs2]!), true);
              x[rd] = old;
              break;
            }
          default: {
            const word = view.getUint32(fpa, true);
            const hex = word.toString(16).padStart(8, "0");
            this.kill({
              signal: SIGILL,
              pc,
              va: word,
              access: "execute",
              reason: `illegal instruction 0x${hex}`,
            });
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
    } finally {
      this.flushHits();
    }
    this.pc = pc;
    this.instret += n;
    this.lastAsid = m.mmu.asid;
    return done + n;
  }

  /**
   * Translation by Machine.access (a TLB miss, a fault, or the fast path off): reports the fast
   * path's hits first, so the machine's clock and counters are exact whenever it looks at them,
   * then remembers the TLB slot that now maps the page for the next hit check.
   */
  private translate(va: number, access: Access): number {
    this.flushHits();
    this.xOk = false;
    const m = this.machine;
    const pa = m.access(this.pid, va, access);
    if (pa >= 0 && this.recorder !== undefined) this.recorder(va, access);
    if (pa < 0 || !this.fast) return pa;
    const vpn = va >>> this.shift;
    this.asid = m.mmu.asid;
    const slot = m.tlb.find(this.asid, vpn);
    if (access === ACC_READ) {
      this.rVpns[vpn & MICRO_MASK] = slot < 0 ? -1 : vpn;
      this.rSlots[vpn & MICRO_MASK] = Math.max(0, slot);
    } else if (access === ACC_WRITE) {
      this.wVpns[vpn & MICRO_MASK] = slot < 0 ? -1 : vpn;
      this.wSlots[vpn & MICRO_MASK] = Math.max(0, slot);
    } else {
      this.xVpn = slot < 0 ? -1 : vpn;
      this.xSlot = slot;
      this.xOk = slot >= 0;
    }
    return pa;
  }

  /** Reports the fast path's TLB hits to the machine (as the Machine.access calls they replace). */
  private flushHits(): void {
    const m = this.machine;
    if (this.hitR !== 0) m.countHits(ACC_READ, this.hitR);
    if (this.hitW !== 0) m.countHits(ACC_WRITE, this.hitW);
    if (this.hitX !== 0) m.countHits(ACC_EXEC, this.hitX);
    this.hitR = this.hitW = this.hitX = 0;
  }

  private misalignedJump(pc: number, target: number): void {
    this.kill({ signal: SIGBUS, pc, va: target, access: "execute", reason: "misaligned jump target" });
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
    this.flushHits();
    this.xOk = false;
    const first = this.mask + 1 - (va & this.mask);
    const va2 = va + first;
    for (let pass = 0; ; pass++) {
      const pa1 = m.access(this.pid, va, ACC_READ);
      if (pa1 < 0) {
        this.fatal(pc, va, "load");
        return 0;
      }
      this.recorder?.(va, ACC_READ);
      const before = this.machineFaults;
      const pa2 = m.access(this.pid, va2, ACC_READ);
      if (pa2 < 0) {
        this.fatal(pc, va2, "load");
        return 0;
      }
      this.recorder?.(va2, ACC_READ);
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
    this.flushHits();
    this.xOk = false;
    const first = this.mask + 1 - (va & this.mask);
    const va2 = va + first;
    for (let pass = 0; ; pass++) {
      const pa1 = m.access(this.pid, va, ACC_WRITE);
      if (pa1 < 0) {
        this.fatal(pc, va, "store");
        return;
      }
      this.recorder?.(va, ACC_WRITE);
      const before = this.machineFaults;
      const pa2 = m.access(this.pid, va2, ACC_WRITE);
      if (pa2 < 0) {
        this.fatal(pc, va2, "store");
        return;
      }
      this.recorder?.(va2, ACC_WRITE);
      if (this.machineFaults !== before) {
        this.checkPasses(pass, va);
        continue;
      }
      this.wrote(pa1 >>> this.shift);
      this.wrote(pa2 >>> this.shift);
      const bytes = m.mem.bytes;
      for (let i = 0; i < size; i++)
        bytes[i < first ? pa1 + i : pa2 + i - first] = (value >>> (8 * i)) & 0xff;
      return;
    }
  }

  private checkPasses(pass: number, va: number): void {
    if (pass + 1 >= MAX_STRADDLE_PASSES) {
      throw new StraddleLivelockError(this.pid, va, MAX_STRADDLE_PASSES);
    }
  }
}
