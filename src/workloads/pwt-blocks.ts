// The block encodings of pwt version 2 (docs/trace-formats.md, "Version 2 blocks"): every block is
// self-contained and starts with an encoding byte. 0: the version-1 tokens, with the previous pages
// and the pid starting afresh at 0. 1 and 2: a dictionary block, the block's distinct (page, pid)
// pairs once, then one byte (1: at most 64 entries) or two (2: at most 16,384) per reference,
// entry × 4 + kind. Decoding a dictionary block is a table lookup per reference, with no varint,
// which is what makes the decoder fast; the encoder picks it whenever the block allows.
// This file holds the encoder side and the shared varint writer; binary-format.ts decodes.

/** Block encodings (the payload's first byte, version 2). */
export const ENC_TOKENS = 0;
export const ENC_DICT8 = 1;
export const ENC_DICT16 = 2;
/** Largest dictionary of each width. */
export const DICT8_MAX = 64;
export const DICT16_MAX = 16384;

/** Appends the LEB128 varint of `x` (an integer in [0, 2^53)) at `at`; returns the new end. */
export function putVarint(buf: Uint8Array, at: number, x: number): number {
  if (x < 0x80000000) {
    while (x >= 0x80) {
      buf[at++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    buf[at++] = x;
    return at;
  }
  while (x >= 0x80) {
    buf[at++] = (x % 128) | 0x80;
    x = Math.floor(x / 128);
  }
  buf[at++] = x;
  return at;
}

/** zigzag of a signed integer: 0, -1, 1, -2 ... → 0, 1, 2, 3 ... */
export function zigzag(d: number): number {
  return d >= 0 ? d * 2 : -d * 2 - 1;
}

/** Token state carried from reference to reference (across blocks in version 1). */
export interface TokenState {
  prevCode: number;
  prevData: number;
  pid: number;
}

/** Writes the tokens of refs [0, n) at `at` (buffer big enough: 20 bytes a reference); returns the end. */
export function putTokens(
  pages: Float64Array,
  kinds: Uint8Array,
  pids: Int32Array,
  n: number,
  buf: Uint8Array,
  at: number,
  st: TokenState,
): number {
  let { prevCode, prevData, pid: cur } = st;
  for (let i = 0; i < n; i++) {
    const page = pages[i]!;
    const kind = kinds[i]!;
    const pid = pids[i]!;
    let d: number;
    if (kind === 0) {
      d = page - prevCode;
      prevCode = page;
    } else {
      d = page - prevData;
      prevData = page;
    }
    if (pid === cur) {
      at = putVarint(buf, at, zigzag(d) * 8 + kind);
    } else {
      at = putVarint(buf, at, zigzag(d) * 8 + 4 + kind);
      at = putVarint(buf, at, zigzag(pid));
      cur = pid;
    }
  }
  st.prevCode = prevCode;
  st.prevData = prevData;
  st.pid = cur;
  return at;
}

/**
 * Builds a block's dictionary of distinct (page, pid) pairs in order of first appearance, with an
 * open-addressing table in typed arrays reset per block (only the slots used are cleared).
 */
export class BlockDictionary {
  readonly pages = new Float64Array(DICT16_MAX);
  readonly pids = new Int32Array(DICT16_MAX);
  /** Entry of each reference of the last block. */
  readonly entryOf: Int32Array;
  size = 0;
  private readonly slotPage = new Float64Array(2 * DICT16_MAX);
  private readonly slotPid = new Int32Array(2 * DICT16_MAX);
  private readonly slotEntry = new Int32Array(2 * DICT16_MAX).fill(-1);
  private readonly usedSlots = new Int32Array(DICT16_MAX);

  constructor(blockRefs: number) {
    this.entryOf = new Int32Array(blockRefs);
  }

  /** Fills the dictionary for refs [0, n); false (dictionary unusable) past DICT16_MAX entries. */
  build(pages: Float64Array, pids: Int32Array, n: number): boolean {
    this.clear();
    const mask = 2 * DICT16_MAX - 1;
    for (let i = 0; i < n; i++) {
      const page = pages[i]!;
      const pid = pids[i]!;
      let h =
        (Math.imul((page >>> 0) ^ ((page / 4294967296) >>> 0) ^ Math.imul(pid, 0x27d4eb2d), 0x9e3779b1) >>>
          15) &
        mask;
      let e: number;
      for (;;) {
        e = this.slotEntry[h]!;
        if (e < 0 || (this.slotPage[h] === page && this.slotPid[h] === pid)) break;
        h = (h + 1) & mask;
      }
      if (e < 0) {
        if (this.size === DICT16_MAX) return false;
        e = this.size++;
        this.slotEntry[h] = e;
        this.slotPage[h] = page;
        this.slotPid[h] = pid;
        this.usedSlots[e] = h;
        this.pages[e] = page;
        this.pids[e] = pid;
      }
      this.entryOf[i] = e;
    }
    return true;
  }

  private clear(): void {
    for (let e = 0; e < this.size; e++) this.slotEntry[this.usedSlots[e]!] = -1;
    this.size = 0;
  }
}

/**
 * Writes the payload of a version-2 block for refs [0, n) at `at` of `buf` (room for 20 bytes a
 * reference plus 4): a dictionary block when the block has at most DICT16_MAX distinct (page, pid)
 * pairs, else tokens from a fresh state. Returns the end.
 */
export function putBlockV2(
  pages: Float64Array,
  kinds: Uint8Array,
  pids: Int32Array,
  n: number,
  dict: BlockDictionary,
  buf: Uint8Array,
  at: number,
): number {
  if (!dict.build(pages, pids, n)) {
    buf[at++] = ENC_TOKENS;
    return putTokens(pages, kinds, pids, n, buf, at, { prevCode: 0, prevData: 0, pid: 0 });
  }
  const d = dict.size;
  buf[at++] = d <= DICT8_MAX ? ENC_DICT8 : ENC_DICT16;
  at = putVarint(buf, at, d);
  let prevPage = 0;
  let prevPid = 0;
  for (let e = 0; e < d; e++) {
    const page = dict.pages[e]!;
    const pid = dict.pids[e]!;
    const samePid = pid === prevPid;
    at = putVarint(buf, at, zigzag(page - prevPage) * 2 + (samePid ? 0 : 1));
    if (!samePid) at = putVarint(buf, at, zigzag(pid));
    prevPage = page;
    prevPid = pid;
  }
  const entryOf = dict.entryOf;
  if (d <= DICT8_MAX) {
    for (let i = 0; i < n; i++) buf[at++] = entryOf[i]! * 4 + kinds[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      const v = entryOf[i]! * 4 + kinds[i]!;
      buf[at++] = v & 0xff;
      buf[at++] = v >>> 8;
    }
  }
  return at;
}
