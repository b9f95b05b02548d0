// The frame table: per-frame state in typed arrays indexed by frame number, free lists, pin
// counts, and the reverse map from a frame to every PTE that maps it (one entry for a private
// page, one per process for a shared frame). Nothing here is an object per frame.
//
// Page coloring (seed 002, "Page Coloring": "the low bits of the VPN and PFN are identical"): with
// `colors` = 2^c the free frames are kept in one stack per color (color = PFN mod colors), so a
// frame of a given color is found in O(1). With one color there is one stack and frames come out
// lowest number first, as before coloring existed.

import { assert, InternalError } from "../core/errors.js";

export const FRAME_FREE = 0;
/** Holds a user page (private or of a shared object). */
export const FRAME_USER = 1;
/** Holds a page table; always pinned. */
export const FRAME_TABLE = 2;
/** Taken out of circulation by the caller (e.g. to place a page at a fixed frame). */
export const FRAME_RESERVED = 3;

const NONE = -1;

export class FrameTable {
  readonly frameCount: number;
  /** FRAME_* per frame. */
  readonly state: Uint8Array;
  /** Pin count; a pinned frame is never a victim. Table frames are pinned once for life. */
  readonly pins: Uint16Array;
  /** Dirtiness carried over from mappings that went away while the frame stayed resident. */
  readonly stickyDirty: Uint8Array;
  /** Backing-store slot that holds a copy of this frame's page, or -1 (the page is then unbacked). */
  readonly slot: Int32Array;
  /** The page's key as policies see it. */
  readonly key: Float64Array;
  /** Shared-object id of the page, or -1 for a private page. */
  readonly objId: Int32Array;
  /** For a private page its VPN; for a shared one its index in the object. */
  readonly page: Float64Array;
  /** Pid that owns the frame (faulted it in); picks the policy under local replacement. */
  readonly ownerPid: Int32Array;
  /** Order in which frames were filled: policies adopting a resident set admit in this order. */
  readonly loadSeq: Float64Array;
  /** For a table frame, how many of its entries are non-zero. */
  readonly entries: Uint32Array;

  /** Number of page colors (a power of two; 1 = no coloring). */
  readonly colors: number;
  /** 1 while a frame holds a page read in by read-ahead and not yet known to be referenced. */
  readonly prefetched: Uint8Array;

  /** Free frames, one stack per color: color c owns [colorBase[c], colorBase[c + 1]). */
  private readonly freeStack: Int32Array;
  private readonly colorBase: Int32Array;
  private readonly colorTop: Int32Array;
  private freeTop = 0;
  private anyNext = 0;
  private seq = 0;
  private pinnedUser = 0;
  private tables = 0;

  private readonly rmapHead: Int32Array;
  private rmapNext: Int32Array;
  private rmapPte: Float64Array;
  private rmapAsid: Int32Array;
  private rmapVpn: Float64Array;
  private rmapFree = NONE;
  private rmapUsed = 0;

  constructor(frameCount: number, colors = 1) {
    assert(
      Number.isInteger(colors) && colors >= 1 && (colors & (colors - 1)) === 0 && colors <= frameCount,
      `frames: ${colors} colors for ${frameCount} frames`,
    );
    this.frameCount = frameCount;
    this.colors = colors;
    this.prefetched = new Uint8Array(frameCount);
    this.state = new Uint8Array(frameCount);
    this.pins = new Uint16Array(frameCount);
    this.stickyDirty = new Uint8Array(frameCount);
    this.slot = new Int32Array(frameCount).fill(NONE);
    this.key = new Float64Array(frameCount);
    this.objId = new Int32Array(frameCount).fill(NONE);
    this.page = new Float64Array(frameCount);
    this.ownerPid = new Int32Array(frameCount).fill(NONE);
    this.loadSeq = new Float64Array(frameCount);
    this.entries = new Uint32Array(frameCount);
    this.freeStack = new Int32Array(frameCount);
    this.colorBase = new Int32Array(colors + 1);
    this.colorTop = new Int32Array(colors);
    for (let c = 0; c < colors; c++) {
      // Frames c, c + colors, c + 2 colors, ... below frameCount.
      this.colorBase[c + 1] = this.colorBase[c]! + Math.ceil((frameCount - c) / colors);
      this.colorTop[c] = this.colorBase[c]!;
    }
    for (let f = frameCount - 1; f >= 0; f--) this.push(f);
    this.rmapHead = new Int32Array(frameCount).fill(NONE);
    const cap = Math.max(16, frameCount);
    this.rmapNext = new Int32Array(cap);
    this.rmapPte = new Float64Array(cap);
    this.rmapAsid = new Int32Array(cap);
    this.rmapVpn = new Float64Array(cap);
    this.threadRmapFree(0, cap);
  }

  /** Frames on the free list. */
  get freeCount(): number {
    return this.freeTop;
  }
  /** Frames holding page tables. */
  get tableCount(): number {
    return this.tables;
  }
  /** User frames with a pin count above zero. */
  get pinnedUserCount(): number {
    return this.pinnedUser;
  }
  /** Reverse-map entries in use (one per PTE that maps a frame). */
  get mappingCount(): number {
    return this.rmapUsed;
  }

  /** Color of frame `f` (its PFN's low bits). */
  colorOf(f: number): number {
    return f & (this.colors - 1);
  }

  /** Free frames of color `c`. */
  freeOfColor(c: number): number {
    return this.colorTop[c]! - this.colorBase[c]!;
  }

  /**
   * Takes a free frame for `state` (USER or TABLE), any color, or returns -1 when none is free.
   * With several colors it takes them in turn, so uncolored requests spread over all colors.
   */
  allocate(state: number): number {
    if (this.freeTop === 0) return NONE;
    let c = 0;
    if (this.colors > 1) {
      c = this.anyNext;
      while (this.colorTop[c] === this.colorBase[c]) c = (c + 1) & (this.colors - 1);
      this.anyNext = (c + 1) & (this.colors - 1);
    }
    return this.pop(c, state);
  }

  /** Takes a free frame of color `c` for `state`, or returns -1 when that color has none. */
  allocateColor(c: number, state: number): number {
    if (this.colorTop[c] === this.colorBase[c]) return NONE;
    return this.pop(c, state);
  }

  /** Takes the specific free frame `f`; throws InternalError if it is not free. */
  claim(f: number, state: number): void {
    const c = this.colorOf(f);
    const base = this.colorBase[c]!;
    let i = this.colorTop[c]! - 1;
    while (i >= base && this.freeStack[i] !== f) i--;
    if (i < base) throw new InternalError(`frames: frame ${f} is not free`);
    this.freeStack[i] = this.freeStack[--this.colorTop[c]!]!;
    this.freeTop--;
    this.take(f, state);
  }

  /** Returns `f` to the free list and clears its state. Its mappings must already be gone. */
  release(f: number): void {
    assert(this.state[f] !== FRAME_FREE, `frames: double release of frame ${f}`);
    assert(this.rmapHead[f] === NONE, `frames: frame ${f} released while still mapped`);
    if (this.state[f] === FRAME_TABLE) this.tables--;
    else if (this.pins[f]! > 0) this.pinnedUser--;
    this.state[f] = FRAME_FREE;
    this.pins[f] = 0;
    this.stickyDirty[f] = 0;
    this.slot[f] = NONE;
    this.objId[f] = NONE;
    this.ownerPid[f] = NONE;
    this.entries[f] = 0;
    this.prefetched[f] = 0;
    this.push(f);
  }

  /** Increments the pin count of user frame `f`; returns true if it went from 0 to 1. */
  pin(f: number): boolean {
    assert(this.state[f] === FRAME_USER, `frames: pin of non-user frame ${f}`);
    assert(this.pins[f]! < 0xffff, `frames: pin count overflow on frame ${f}`);
    if (this.pins[f]++ === 0) {
      this.pinnedUser++;
      return true;
    }
    return false;
  }

  /** Decrements the pin count of `f`; returns true if it reached 0. */
  unpin(f: number): boolean {
    assert(this.pins[f]! > 0, `frames: unpin of unpinned frame ${f}`);
    if (--this.pins[f]! === 0) {
      this.pinnedUser--;
      return true;
    }
    return false;
  }

  /** Records that the PTE at physical address `pteAddr` (of page `vpn` in `asid`) maps `f`. */
  addMapping(f: number, asid: number, vpn: number, pteAddr: number): void {
    if (this.rmapFree === NONE) this.growRmap();
    const n = this.rmapFree;
    this.rmapFree = this.rmapNext[n]!;
    this.rmapPte[n] = pteAddr;
    this.rmapAsid[n] = asid;
    this.rmapVpn[n] = vpn;
    this.rmapNext[n] = this.rmapHead[f]!;
    this.rmapHead[f] = n;
    this.rmapUsed++;
  }

  /** Removes the mapping of `f` by (asid, vpn); returns how many mappings remain. */
  removeMapping(f: number, asid: number, vpn: number): number {
    let prev = NONE;
    let n = this.rmapHead[f]!;
    while (n !== NONE && !(this.rmapAsid[n] === asid && this.rmapVpn[n] === vpn)) {
      prev = n;
      n = this.rmapNext[n]!;
    }
    if (n === NONE) throw new InternalError(`frames: frame ${f} has no mapping for asid ${asid} vpn ${vpn}`);
    const next = this.rmapNext[n]!;
    if (prev === NONE) this.rmapHead[f] = next;
    else this.rmapNext[prev] = next;
    this.rmapNext[n] = this.rmapFree;
    this.rmapFree = n;
    this.rmapUsed--;
    return this.mappingsOf(f);
  }

  /** Number of PTEs mapping `f`. */
  mappingsOf(f: number): number {
    let c = 0;
    for (let n = this.rmapHead[f]!; n !== NONE; n = this.rmapNext[n]!) c++;
    return c;
  }

  /** First reverse-map node of `f` (or -1); walk with rmapNextOf. */
  rmapFirst(f: number): number {
    return this.rmapHead[f]!;
  }
  rmapNextOf(n: number): number {
    return this.rmapNext[n]!;
  }
  rmapPteOf(n: number): number {
    return this.rmapPte[n]!;
  }
  rmapAsidOf(n: number): number {
    return this.rmapAsid[n]!;
  }
  rmapVpnOf(n: number): number {
    return this.rmapVpn[n]!;
  }

  private push(f: number): void {
    const c = f & (this.colors - 1);
    this.freeStack[this.colorTop[c]!++] = f;
    this.freeTop++;
  }

  private pop(c: number, state: number): number {
    const f = this.freeStack[--this.colorTop[c]!]!;
    this.freeTop--;
    this.take(f, state);
    return f;
  }

  private take(f: number, state: number): void {
    this.state[f] = state;
    this.loadSeq[f] = this.seq++;
    if (state === FRAME_TABLE) {
      this.tables++;
      this.pins[f] = 1;
    }
  }

  private growRmap(): void {
    const old = this.rmapNext.length;
    const cap = old * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.rmapNext = grow(this.rmapNext, (n) => new Int32Array(n));
    this.rmapPte = grow(this.rmapPte, (n) => new Float64Array(n));
    this.rmapAsid = grow(this.rmapAsid, (n) => new Int32Array(n));
    this.rmapVpn = grow(this.rmapVpn, (n) => new Float64Array(n));
    this.threadRmapFree(old, cap);
  }

  private threadRmapFree(from: number, to: number): void {
    for (let i = to - 1; i >= from; i--) {
      this.rmapNext[i] = this.rmapFree;
      this.rmapFree = i;
    }
  }
}
