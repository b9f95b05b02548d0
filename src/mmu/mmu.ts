// The MMU: translates a virtual address of the current address space to a physical one, as
// hardware does. The fast path is a TLB lookup and a flag-mask test; a miss walks the page table
// in physical memory (a cold, separate function), sets the accessed bit (and the dirty bit on a
// write) in the PTE, and fills the TLB. A write through a TLB entry whose dirty bit is not yet
// known also walks, so the PTE's D bit is set exactly as an x86 or RISC-V MMU would.
// A fault is a value: `translate` returns a physical address ≥ 0 or a negative FAULT_* code,
// with details in the one reusable `fault` record. Nothing here throws or allocates per access.

import type { AddressLayout } from "../core/addr.js";
import type { PhysicalMemory } from "../phys/memory.js";
import type { PageTables } from "./page-table.js";
import { PTE_A, PTE_D, PTE_P, PTE_W, PTE_X, pteFrame } from "./pte.js";
import { TLB_D, TLB_U, TLB_VALID, TLB_W, TLB_X, type Tlb } from "./tlb.js";

export const ACC_READ = 0;
export const ACC_WRITE = 1;
export const ACC_EXEC = 2;
export type Access = typeof ACC_READ | typeof ACC_WRITE | typeof ACC_EXEC;
export const ACCESS_NAMES = ["read", "write", "exec"] as const;

/** The page is not present (or no table maps it yet): the pager decides if it is valid. */
export const FAULT_NOT_PRESENT = -1;
/** The page is present but the access is not allowed (write to read-only, fetch from no-exec). */
export const FAULT_PROTECTION = -2;
/** The address is outside the virtual address space. */
export const FAULT_BAD_ADDRESS = -3;

/** Details of the last fault; one record, reused. */
export interface FaultInfo {
  va: number;
  vpn: number;
  access: Access;
  code: number;
}

const NEED_BY_ACCESS = Uint8Array.of(TLB_VALID, TLB_VALID | TLB_W | TLB_D, TLB_VALID | TLB_X);

export class Mmu {
  /** Address-space id and page-table root of the running process (the PTBR). */
  asid = 0;
  root = -1;
  readonly fault: FaultInfo = { va: 0, vpn: 0, access: ACC_READ, code: 0 };
  walks = 0;
  /** Frame of the last successful translation (the machine's hit path reads it, no division). */
  frame = 0;
  /**
   * TLB slot of the last hit or fill: checked first, as most references stay on their page. A
   * batch loop (Machine.accessRefs) may make the same check itself and call translate only when
   * it fails (the hit it counts is the same).
   */
  last = 0;
  private readonly pageSize: number;
  private readonly invPageSize: number;
  private readonly vaLimit: number;
  private readonly setMask: number;
  private readonly ways: number;

  constructor(
    readonly layout: AddressLayout,
    private readonly mem: PhysicalMemory,
    readonly tlb: Tlb,
    private readonly tables: PageTables,
  ) {
    this.pageSize = layout.pageSize;
    this.invPageSize = 1 / layout.pageSize;
    this.vaLimit = 2 ** layout.vaBits;
    this.setMask = Math.max(0, tlb.sets - 1);
    this.ways = tlb.ways;
  }

  /** Installs an address space (a context switch loads the PTBR). Flushes the TLB in "flush" mode. */
  install(asid: number, root: number): void {
    if (asid === this.asid && root === this.root) return;
    this.asid = asid;
    this.root = root;
    if (this.tlb.config.mode === "flush") this.tlb.flush();
  }

  /**
   * Translates `va` for `access` in the installed address space. Returns the physical address, or
   * a negative FAULT_* code with `fault` filled in. Sets PTE accessed/dirty bits as hardware does.
   */
  translate(va: number, access: Access): number {
    if (!(va >= 0 && va < this.vaLimit)) return this.raise(va, -1, access, FAULT_BAD_ADDRESS);
    const vpn = Math.floor(va * this.invPageSize);
    const ways = this.ways;
    if (ways !== 0) {
      const tlb = this.tlb;
      const need = NEED_BY_ACCESS[access]!;
      // The slot that hit last: an entry invalidated or replaced since fails the tag or flag test.
      let i = this.last;
      if (tlb.vpn[i] === vpn && tlb.asid[i] === this.asid && (tlb.flags[i]! & need) === need) {
        tlb.hits++;
        const f = tlb.frame[i]!;
        this.frame = f;
        return f * this.pageSize + (va - vpn * this.pageSize);
      }
      const base = (vpn & this.setMask) * ways;
      for (i = base; i < base + ways; i++) {
        if (tlb.vpn[i] === vpn && tlb.asid[i] === this.asid) {
          if ((tlb.flags[i]! & need) !== need) break;
          tlb.hits++;
          this.last = i;
          const f = tlb.frame[i]!;
          this.frame = f;
          return f * this.pageSize + (va - vpn * this.pageSize);
        }
      }
    }
    return this.walk(va, vpn, access);
  }

  /** The TLB-miss path: walk, check permissions, set A/D in the PTE, fill the TLB. */
  private walk(va: number, vpn: number, access: Access): number {
    this.tlb.misses++;
    this.walks++;
    if (this.root < 0) return this.raise(va, vpn, access, FAULT_NOT_PRESENT);
    const addr = this.tables.lookup(this.root, vpn);
    if (addr < 0) return this.raise(va, vpn, access, FAULT_NOT_PRESENT);
    const pte = this.mem.readU32(addr);
    if ((pte & PTE_P) === 0) return this.raise(va, vpn, access, FAULT_NOT_PRESENT);
    if ((access === ACC_WRITE && (pte & PTE_W) === 0) || (access === ACC_EXEC && (pte & PTE_X) === 0)) {
      return this.raise(va, vpn, access, FAULT_PROTECTION);
    }
    const updated = pte | PTE_A | (access === ACC_WRITE ? PTE_D : 0);
    if (updated !== pte) this.mem.writeU32(addr, updated);
    const frame = pteFrame(updated);
    const flags =
      TLB_U | (updated & PTE_W ? TLB_W : 0) | (updated & PTE_D ? TLB_D : 0) | (updated & PTE_X ? TLB_X : 0);
    const slot = this.tlb.fill(this.asid, vpn, frame, flags);
    if (slot >= 0) this.last = slot;
    this.frame = frame;
    return frame * this.pageSize + (va - vpn * this.pageSize);
  }

  private raise(va: number, vpn: number, access: Access, code: number): number {
    const f = this.fault;
    f.va = va;
    f.vpn = vpn;
    f.access = access;
    f.code = code;
    return code;
  }
}
