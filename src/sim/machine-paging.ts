// The Machine's explicit paging below its public API: pageIn, pageOut, pin and unpin of the page
// holding an address, with the checks they share (the address lies in the address space; the page
// is resident, and in which frame). Machine.pageIn/pageOut/pin/unpin check the pid (and switch to
// the process where the page may fault in) and call these. Module-internal (not exported from
// src/index.ts).

import { type AddressLayout, isCanonical } from "../core/addr.js";
import { AddressError, OutOfSwapError } from "../core/errors.js";
import type { PageTables } from "../mmu/page-table.js";
import { pteFrame, ptePresent } from "../mmu/pte.js";
import type { Pager } from "../pager/pager.js";
import type { FrameTable } from "../phys/frames.js";
import type { PhysicalMemory } from "../phys/memory.js";
import { NEVER } from "../policies/policy.js";
import type { Process } from "../proc/process.js";
import type { BackingStore } from "../stores/store.js";
import { faultError } from "./typed-access.js";

export class ExplicitPaging {
  constructor(
    private readonly layout: AddressLayout,
    private readonly mem: PhysicalMemory,
    private readonly tables: PageTables,
    private readonly frames: FrameTable,
    private readonly pager: Pager,
    private readonly swap: BackingStore,
  ) {}

  /** The page number of `va`; AddressError when it lies outside the address space. */
  vpnChecked(p: Process, va: number): number {
    if (!isCanonical(this.layout, va)) {
      throw new AddressError(`0x${va.toString(16)} is outside the ${this.layout.vaBits}-bit address space`, {
        pid: p.pid,
        va,
      });
    }
    return Math.floor(va / this.layout.pageSize);
  }

  /** Brings the page holding `va` into memory for `p` (the running process); returns its frame. */
  pageIn(p: Process, va: number): number {
    const f = this.pager.pageIn(p, this.vpnChecked(p, va));
    if (f >= 0) return f;
    // The fault ended the process (out of swap with the largest resident set): say so and why.
    if (!p.alive) throw faultError(this.pager, p.pid, va);
    throw new AddressError(`pageIn: 0x${va.toString(16)} is not mapped in process ${p.pid}`, {
      pid: p.pid,
      va,
    });
  }

  /** Evicts the page holding `va` if resident (writing it back if dirty); true if it was resident. */
  pageOut(p: Process, va: number): boolean {
    const f = this.residentFrame(p, this.vpnChecked(p, va));
    if (f < 0) return false;
    if (this.frames.pins[f]! > 0)
      throw new AddressError(`pageOut: page at 0x${va.toString(16)} is pinned`, { pid: p.pid, va });
    if (!this.pager.supply.pageOut(f)) throw new OutOfSwapError(this.swap.id, this.swap.capacity);
    return true;
  }

  /** Pins frame `f` (resident already): its policy forgets it on the first pin. */
  pin(f: number): void {
    const pol = this.pager.supply.trackingPolicy(f);
    if (this.frames.pin(f)) pol?.forget(f, this.frames.key[f]!, "pinned");
  }

  /** Undoes one pin of the page holding `va`: its policy takes it back on the last unpin. */
  unpin(p: Process, va: number): void {
    const f = this.residentFrame(p, this.vpnChecked(p, va));
    if (f < 0 || this.frames.pins[f] === 0) {
      throw new AddressError(`unpin: page at 0x${va.toString(16)} is not pinned`, { pid: p.pid, va });
    }
    if (this.frames.unpin(f)) this.pager.supply.trackingPolicy(f)?.admit(f, this.frames.key[f]!, NEVER);
  }

  /** The frame holding page `vpn` of `p`, or -1 when it is not resident. */
  private residentFrame(p: Process, vpn: number): number {
    const addr = this.tables.lookup(p.root, vpn);
    if (addr < 0) return -1;
    const pte = this.mem.readU32(addr);
    return ptePresent(pte) ? pteFrame(pte) : -1;
  }
}
