// The translation lookaside buffer: a set-associative cache of leaf PTEs in flat typed arrays
// (v86's TLB as an int array of flag bits). Entries are tagged with the address-space id; in
// "flush" mode the MMU flushes the whole TLB on every context switch instead. Within a set the
// victim is chosen round-robin. Entries hold the bits the fast path checks, so a hit is a tag
// compare and a mask test.

import { isPowerOfTwo } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";

export const TLB_VALID = 1;
export const TLB_W = 2;
export const TLB_U = 4;
/** The PTE's dirty bit is known to be set: a write may proceed without a walk. */
export const TLB_D = 8;
export const TLB_X = 16;

export type TlbMode = "tagged" | "flush";

export interface TlbConfig {
  /** Total entries; a power of two. 0 disables the TLB (every access walks). */
  readonly entries: number;
  /** Ways per set; divides `entries`. entries = ways makes it fully associative. */
  readonly ways: number;
  readonly mode: TlbMode;
}

export const DEFAULT_TLB: TlbConfig = { entries: 64, ways: 4, mode: "tagged" };

export class Tlb {
  readonly config: TlbConfig;
  readonly sets: number;
  readonly ways: number;
  /** Tags and payloads, index = set * ways + way. */
  readonly vpn: Float64Array;
  readonly asid: Int32Array;
  readonly frame: Int32Array;
  readonly flags: Uint8Array;
  private readonly nextWay: Uint8Array;
  private readonly setMask: number;
  hits = 0;
  misses = 0;
  flushes = 0;
  /**
   * Per set, bumped by every change to its entries (fill, invalidate, flush): while a set's count
   * stays, a lookup in it of one (asid, vpn) gives the slot it gave before, so a caller may
   * remember that slot (Machine.accessRefs does).
   */
  readonly setEpoch: Float64Array;

  /** Throws ConfigError for a size that is not a power of two or ways that do not divide it. */
  constructor(config: TlbConfig = DEFAULT_TLB) {
    const { entries, ways } = config;
    if (entries !== 0 && (!isPowerOfTwo(entries) || entries > 65536)) {
      throw new ConfigError("tlb.entries", entries, "0 or a power of two up to 65536");
    }
    if (entries !== 0 && (!Number.isInteger(ways) || ways < 1 || ways > 255 || entries % ways !== 0)) {
      throw new ConfigError("tlb.ways", ways, `1 to 255 ways dividing ${entries} entries`);
    }
    if (config.mode !== "tagged" && config.mode !== "flush") {
      throw new ConfigError("tlb.mode", config.mode, '"tagged" or "flush"');
    }
    this.config = config;
    this.ways = entries === 0 ? 0 : ways;
    this.sets = entries === 0 ? 0 : entries / ways;
    this.setMask = Math.max(0, this.sets - 1);
    this.vpn = new Float64Array(entries);
    this.asid = new Int32Array(entries);
    this.frame = new Int32Array(entries);
    this.flags = new Uint8Array(entries);
    this.nextWay = new Uint8Array(Math.max(1, this.sets));
    this.setEpoch = new Float64Array(Math.max(1, this.sets));
  }

  /** Index of the valid entry for (asid, vpn), or -1. Does not count hits or misses. */
  find(asid: number, vpn: number): number {
    if (this.ways === 0) return -1;
    const base = (vpn & this.setMask) * this.ways;
    for (let i = base; i < base + this.ways; i++) {
      if (this.vpn[i] === vpn && this.asid[i] === asid && (this.flags[i]! & TLB_VALID) !== 0) return i;
    }
    return -1;
  }

  /** Installs (or refreshes) the entry for (asid, vpn); returns its slot (-1 with no TLB). */
  fill(asid: number, vpn: number, frame: number, flags: number): number {
    if (this.ways === 0) return -1;
    this.setEpoch[vpn & this.setMask]!++;
    let i = this.find(asid, vpn);
    if (i < 0) {
      const set = vpn & this.setMask;
      const base = set * this.ways;
      i = -1;
      for (let j = base; j < base + this.ways; j++) {
        if ((this.flags[j]! & TLB_VALID) === 0) {
          i = j;
          break;
        }
      }
      if (i < 0) {
        i = base + this.nextWay[set]!;
        this.nextWay[set] = (this.nextWay[set]! + 1) % this.ways;
      }
    }
    this.vpn[i] = vpn;
    this.asid[i] = asid;
    this.frame[i] = frame;
    this.flags[i] = flags | TLB_VALID;
    return i;
  }

  /** Drops the entry for (asid, vpn) if present (called whenever that PTE changes). */
  invalidate(asid: number, vpn: number): void {
    const i = this.find(asid, vpn);
    if (i >= 0) {
      this.flags[i] = 0;
      this.setEpoch[vpn & this.setMask]!++;
    }
  }

  /** Drops every entry of `asid` (its address space went away). */
  invalidateAsid(asid: number): void {
    for (let i = 0; i < this.flags.length; i++) if (this.asid[i] === asid) this.flags[i] = 0;
    this.bumpAll();
  }

  /** Drops every entry. */
  flush(): void {
    this.flags.fill(0);
    this.flushes++;
    this.bumpAll();
  }

  private bumpAll(): void {
    for (let s = 0; s < this.setEpoch.length; s++) this.setEpoch[s]!++;
  }

  /** Valid entries now (for tests and the visualizer). */
  validCount(): number {
    let c = 0;
    for (let i = 0; i < this.flags.length; i++) if ((this.flags[i]! & TLB_VALID) !== 0) c++;
    return c;
  }
}
