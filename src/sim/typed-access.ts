// Typed access to a process's virtual memory for the Machine: byte ranges (read/write across
// pages, one reference per page touched) and little-endian u8/u16/u32/u64/f64 loads and stores.
// A value inside one page is one reference through the MMU straight into physical memory; one that
// straddles a page boundary goes through an 8-byte scratch buffer page by page. Every reference is
// made by the machine's own access path (Machine.access), so faults, counters and policies see
// exactly what a trace reference would make them see.

import { AddressError, ProcessFaultError } from "../core/errors.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE, type Access } from "../mmu/mmu.js";
import { FAULT_KILLED, type Pager } from "../pager/pager.js";
import type { PhysicalMemory } from "../phys/memory.js";

/** The reference path typed access runs on (Machine.access). */
export interface Accessor {
  access(pid: number, va: number, access: Access): number;
}

/** The error for an access that ended process `pid` at `va`, from the pager's last answer. */
export function faultError(pager: Pager, pid: number, va: number): ProcessFaultError {
  const r = pager.lastResponse;
  const kind = r === "protection" ? "protection" : r === "out-of-swap" ? "out-of-swap" : "segmentation";
  return new ProcessFaultError(pid, kind, va, pager.lastReason);
}

export class TypedAccess {
  private readonly scratch = new Uint8Array(8);
  private readonly scratchView = new DataView(this.scratch.buffer);
  /** Where loadView's answer holds the value (a physical address, or 0 in the scratch view). */
  private viewAt = 0;

  constructor(
    private readonly host: Accessor,
    private readonly mem: PhysicalMemory,
    private readonly pager: Pager,
    private readonly pageSize: number,
  ) {}

  readU8(pid: number, va: number): number {
    return this.mem.bytes[this.pa(pid, va, ACC_READ)]!;
  }
  readU16(pid: number, va: number): number {
    return this.loadView(pid, va, 2).getUint16(this.viewAt, true);
  }
  readU32(pid: number, va: number): number {
    return this.loadView(pid, va, 4).getUint32(this.viewAt, true);
  }
  readU64(pid: number, va: number): bigint {
    return this.loadView(pid, va, 8).getBigUint64(this.viewAt, true);
  }
  readF64(pid: number, va: number): number {
    return this.loadView(pid, va, 8).getFloat64(this.viewAt, true);
  }
  writeU8(pid: number, va: number, v: number): void {
    this.mem.bytes[this.pa(pid, va, ACC_WRITE)] = v;
  }
  writeU16(pid: number, va: number, v: number): void {
    if (this.inPage(va, 2)) {
      this.mem.view.setUint16(this.pa(pid, va, ACC_WRITE), v, true);
      return;
    }
    this.scratchView.setUint16(0, v, true);
    this.store(pid, va, 2);
  }
  writeU32(pid: number, va: number, v: number): void {
    if (this.inPage(va, 4)) {
      this.mem.view.setUint32(this.pa(pid, va, ACC_WRITE), v >>> 0, true);
      return;
    }
    this.scratchView.setUint32(0, v >>> 0, true);
    this.store(pid, va, 4);
  }
  writeU64(pid: number, va: number, v: bigint): void {
    this.scratchView.setBigUint64(0, BigInt.asUintN(64, v), true);
    this.store(pid, va, 8);
  }
  writeF64(pid: number, va: number, v: number): void {
    if (this.inPage(va, 8)) {
      this.mem.view.setFloat64(this.pa(pid, va, ACC_WRITE), v, true);
      return;
    }
    this.scratchView.setFloat64(0, v, true);
    this.store(pid, va, 8);
  }

  /** An instruction word (an exec access). */
  fetchU32(pid: number, va: number): number {
    return this.loadView(pid, va, 4, ACC_EXEC).getUint32(this.viewAt, true);
  }

  /** Moves bytes between `buf` and virtual memory, one reference per page touched. */
  copy(pid: number, va: number, buf: Uint8Array, access: Access): void {
    if (!Number.isSafeInteger(va) || va < 0) throw new AddressError(`bad address ${va}`, { pid, va });
    let done = 0;
    while (done < buf.length) {
      const at = va + done;
      const n = Math.min(buf.length - done, this.pageSize - (at % this.pageSize));
      const pa = this.host.access(pid, at, access);
      if (pa === FAULT_KILLED) throw faultError(this.pager, pid, at);
      if (access === ACC_WRITE) this.mem.bytes.set(buf.subarray(done, done + n), pa);
      else buf.set(this.mem.bytes.subarray(pa, pa + n), done);
      done += n;
    }
  }

  /** True when [va, va + size) lies within one page. */
  private inPage(va: number, size: number): boolean {
    return (va % this.pageSize) + size <= this.pageSize;
  }

  /** Physical address of a reference that stays within one page (the caller checked). */
  private pa(pid: number, va: number, access: Access): number {
    if (!Number.isSafeInteger(va) || va < 0) throw new AddressError(`bad address ${va}`, { pid, va });
    const pa = this.host.access(pid, va, access);
    if (pa === FAULT_KILLED) throw faultError(this.pager, pid, va);
    return pa;
  }

  private loadView(pid: number, va: number, size: number, access: Access = ACC_READ): DataView {
    if ((va % this.pageSize) + size <= this.pageSize) {
      this.viewAt = this.pa(pid, va, access);
      return this.mem.view;
    }
    this.copy(pid, va, this.scratch.subarray(0, size), access);
    this.viewAt = 0;
    return this.scratchView;
  }

  private store(pid: number, va: number, size: number): void {
    if ((va % this.pageSize) + size <= this.pageSize) {
      const pa = this.pa(pid, va, ACC_WRITE);
      this.mem.bytes.set(this.scratch.subarray(0, size), pa);
    } else {
      this.copy(pid, va, this.scratch.subarray(0, size), ACC_WRITE);
    }
  }
}
