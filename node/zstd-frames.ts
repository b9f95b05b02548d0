// zstd decompression in pure JavaScript (fzstd), checked frame by frame: the frame-header window,
// the refusal of windows fzstd may decode wrongly, content checksums (XXH64). No Node APIs, so the
// web app decodes zstd trace files with it too; node/zstd.ts adds the system's zstd binary. Why
// the window guard: see node/zstd.ts.

import { Decompress as ZstdDecompress } from "fzstd";
import { PagewiseError } from "../src/index.js";

/** The largest window for which fzstd was seen to decode correctly (see above). */
export const FZSTD_MAX_WINDOW = 64 * 2 ** 20;

const MAGIC = 0xfd2fb528;

/** A zstd stream that cannot be decompressed here: `source` names it, the message says what to do. */
export class DecompressError extends PagewiseError {
  static readonly code = "DECOMPRESS";
  constructor(source: string, problem: string) {
    super(DecompressError.code, `${source}: ${problem}`, { source, problem });
  }
}

/**
 * The window size in bytes declared by the zstd frame at the start of `head`, or undefined when
 * `head` does not start with a complete zstd frame header. A single-segment frame's window is its
 * content size (RFC 8878, 3.1.1.1).
 */
export function zstdWindowSize(head: Uint8Array): number | undefined {
  if (head.length < 6) return undefined;
  const magic = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
  if (magic !== MAGIC) return undefined;
  const fhd = head[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  if (singleSegment === 0) {
    const wd = head[5]!;
    const base = 2 ** (10 + (wd >> 3));
    return base + (base / 8) * (wd & 7);
  }
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = [1, 2, 4, 8][fcsFlag]!;
  const at = 5 + dictBytes;
  if (head.length < at + fcsBytes) return undefined;
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + head[at + i]!;
  return fcsBytes === 2 ? size + 256 : size;
}

export function largeWindowError(source: string, window: number): DecompressError {
  return new DecompressError(
    source,
    `zstd frame with a ${formatMiB(window)} window (written by zstd --long?): the built-in decoder ` +
      `(fzstd) can decode windows above ${formatMiB(FZSTD_MAX_WINDOW)} wrongly, so it is not used. ` +
      "Install the zstd binary (apt-get install zstd) or decompress first: " +
      `zstd -dc --long=31 ${source} > trace`,
  );
}

function formatMiB(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// The built-in path: a walk over the frame structure (RFC 8878: frame header, block headers,
// optional content checksum; skippable frames) that hands each frame to a fresh fzstd decoder,
// refuses a frame whose window fzstd may decode wrongly, and checks the content checksum, which
// fzstd itself skips: so a damaged file is an error with its offset, never different output.

const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const MAX_BLOCK = 128 * 1024;

const S_MAGIC = 0;
const S_SKIP_SIZE = 1;
const S_SKIP = 2;
const S_FRAME_HEADER = 3;
const S_BLOCK_HEADER = 4;
const S_BLOCK = 5;
const S_CHECKSUM = 6;

/** Streaming zstd decompression with fzstd, checked frame by frame (see above). */
export class ZstdJsReader {
  private readonly source: string;
  private readonly checkWindow: boolean;
  private state = S_MAGIC;
  /** Bytes of the stream consumed so far: the offset of the next byte. */
  private offset = 0;
  /** Small fields (magic, frame header, block header, checksum) being gathered. */
  private readonly small = new Uint8Array(18);
  private have = 0;
  private need = 4;
  /** Bytes left in a skippable frame or a block's content. */
  private left = 0;
  private lastBlock = false;
  private frameStart = 0;
  private hasChecksum = false;
  private dec: ZstdDecompress | null = null;
  private readonly hash = new Xxh64();
  private readonly out: Uint8Array[] = [];

  private readonly requireChecksum: boolean;

  /**
   * `checkWindow` false: decode whatever the window (only for the first bytes of a file);
   * `requireChecksum`: refuse a frame without a content checksum.
   */
  constructor(source: string, opts: { checkWindow?: boolean; requireChecksum?: boolean } = {}) {
    this.source = source;
    this.checkWindow = opts.checkWindow ?? true;
    this.requireChecksum = opts.requireChecksum ?? false;
  }

  /** Decompressed bytes of the next chunk of the stream (possibly none yet). */
  push(chunk: Uint8Array): Uint8Array[] {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === S_BLOCK || this.state === S_SKIP) {
        const take = Math.min(this.left, n - i);
        if (this.state === S_BLOCK) this.feed(chunk.subarray(i, i + take));
        i += take;
        this.offset += take;
        this.left -= take;
        if (this.left === 0) this.afterContent();
        continue;
      }
      const take = Math.min(this.need - this.have, n - i);
      this.small.set(chunk.subarray(i, i + take), this.have);
      this.have += take;
      i += take;
      this.offset += take;
      if (this.have === this.need) this.field();
    }
    return this.out.splice(0, this.out.length);
  }

  /** The stream ended: throws DecompressError if it ends inside a frame. */
  end(): Uint8Array[] {
    if (this.state !== S_MAGIC || this.have !== 0) {
      const what = this.state === S_SKIP || this.state === S_SKIP_SIZE ? "skippable frame" : "frame";
      throw new DecompressError(
        this.source,
        `truncated zstd stream: the file ends at byte ${this.offset} inside the ${what} that starts at byte ${this.frameStart}`,
      );
    }
    return this.out.splice(0, this.out.length);
  }

  private fail(at: number, problem: string): never {
    throw new DecompressError(this.source, `${problem} (at byte ${at} of the zstd stream)`);
  }

  /** A small field is complete. */
  private field(): void {
    const b = this.small;
    const at = this.offset - this.have;
    switch (this.state) {
      case S_MAGIC: {
        const magic = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        this.frameStart = at;
        if (magic === MAGIC) {
          this.state = S_FRAME_HEADER;
          this.need = 5;
          return;
        }
        if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
          this.state = S_SKIP_SIZE;
          this.have = 0;
          this.need = 4;
          return;
        }
        this.fail(at, "expected a zstd frame (magic 28 b5 2f fd)");
        break;
      }
      case S_SKIP_SIZE: {
        this.left = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        this.have = 0;
        this.need = 4;
        if (this.left === 0) this.state = S_MAGIC;
        else this.state = S_SKIP;
        return;
      }
      case S_FRAME_HEADER: {
        const fhd = b[4]!;
        if (fhd & 8) this.fail(at + 4, "corrupt zstd frame header (reserved bit set)");
        const single = (fhd >> 5) & 1;
        const size = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + [single, 2, 4, 8][fhd >> 6]!;
        if (this.need < size) {
          this.need = size;
          return;
        }
        this.hasChecksum = (fhd & 4) !== 0;
        if (!this.hasChecksum && this.requireChecksum)
          this.fail(at, "a zstd frame without a content checksum, which this stream must have");
        if (this.checkWindow) {
          const window = zstdWindowSize(b.subarray(0, size));
          if (window !== undefined && window > FZSTD_MAX_WINDOW) throw largeWindowError(this.source, window);
        }
        const out = this.out;
        const hash = this.hash;
        hash.reset();
        this.dec = new ZstdDecompress((data) => {
          if (data.length === 0) return;
          hash.update(data);
          out.push(data);
        });
        this.feed(b.slice(0, size));
        this.state = S_BLOCK_HEADER;
        this.have = 0;
        this.need = 3;
        return;
      }
      case S_BLOCK_HEADER: {
        const v = b[0]! | (b[1]! << 8) | (b[2]! << 16);
        const type = (v >> 1) & 3;
        const size = v >>> 3;
        if (type === 3) this.fail(at, "corrupt zstd block header (reserved block type)");
        if (size > MAX_BLOCK) this.fail(at, `corrupt zstd block header (a block of ${size} bytes)`);
        this.lastBlock = (v & 1) === 1;
        this.feed(b.slice(0, 3));
        this.left = type === 1 ? 1 : size;
        this.state = S_BLOCK;
        this.have = 0;
        if (this.left === 0) this.afterContent();
        return;
      }
      case S_CHECKSUM: {
        const stored = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        this.feed(b.slice(0, 4));
        this.finishFrame();
        const actual = this.hash.digestLow32();
        if (stored !== actual)
          this.fail(
            at,
            `damaged zstd frame (the frame at byte ${this.frameStart}): its content checksum ${hex(stored)} does not match the decoded content's ${hex(actual)}`,
          );
        this.state = S_MAGIC;
        this.have = 0;
        this.need = 4;
        return;
      }
    }
  }

  /** A block's content or a skippable frame's data has been consumed. */
  private afterContent(): void {
    this.have = 0;
    if (this.state === S_SKIP) {
      this.state = S_MAGIC;
      this.need = 4;
      return;
    }
    if (!this.lastBlock) {
      this.state = S_BLOCK_HEADER;
      this.need = 3;
      return;
    }
    if (this.hasChecksum) {
      this.state = S_CHECKSUM;
      this.need = 4;
      return;
    }
    this.finishFrame();
    this.state = S_MAGIC;
    this.need = 4;
  }

  /** Hands bytes to fzstd, which may keep a reference to them: pass a copy of reused memory. */
  private feed(bytes: Uint8Array, final = false): void {
    try {
      this.dec!.push(bytes, final);
    } catch (e) {
      if (e instanceof PagewiseError) throw e;
      this.fail(
        this.offset,
        `corrupt zstd data in the frame at byte ${this.frameStart}: ${(e as Error).message}`,
      );
    }
  }

  private finishFrame(): void {
    this.feed(new Uint8Array(0), true);
    this.dec = null;
  }
}

function hex(x: number): string {
  return `0x${x.toString(16).padStart(8, "0")}`;
}

// XXH64 in 32-bit halves (hi, lo): BigInt arithmetic allocates per operation and ran at about
// 70 MB/s, halving the built-in decoder's speed; this form runs several times faster. Each helper
// leaves its 64-bit result in (rh, rl).
let rh = 0;
let rl = 0;

const P1H = 0x9e3779b1;
const P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d;
const P2L = 0x27d4eb4f;
const P3H = 0x165667b1;
const P3L = 0x9e3779f9;
const P4H = 0x85ebca77;
const P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f;
const P5L = 0x165667c5;

/** (ah, al) × (bh, bl) mod 2^64. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rh = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah, al) + (bh, bl) mod 2^64. */
function add64(ah: number, al: number, bh: number, bl: number): void {
  const l = al + bl;
  rl = l >>> 0;
  rh = (ah + bh + (l > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotates (h, l) left by r bits, 0 < r < 32. */
function rotl64(h: number, l: number, r: number): void {
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** round(acc, lane) = rotl(acc + lane × P2, 31) × P1. */
function round64(ah: number, al: number, lh: number, ll: number): void {
  mul64(lh, ll, P2H, P2L);
  add64(ah, al, rh, rl);
  rotl64(rh, rl, 31);
  mul64(rh, rl, P1H, P1L);
}

/** Streaming XXH64 with seed 0 (what a zstd frame's content checksum is the low 32 bits of). */
export class Xxh64 {
  private readonly v = new Uint32Array(8);
  private total = 0;
  private readonly tail = new Uint8Array(32);
  private tailLen = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    const v = this.v;
    add64(P1H, P1L, P2H, P2L);
    v[0] = rh;
    v[1] = rl;
    v[2] = P2H;
    v[3] = P2L;
    v[4] = 0;
    v[5] = 0;
    // -P1 mod 2^64
    const nl = (~P1L + 1) >>> 0;
    v[6] = (~P1H + (nl === 0 ? 1 : 0)) >>> 0;
    v[7] = nl;
    this.total = 0;
    this.tailLen = 0;
  }

  update(data: Uint8Array): void {
    this.total += data.length;
    let p = 0;
    const n = data.length;
    if (this.tailLen > 0) {
      const take = Math.min(32 - this.tailLen, n);
      this.tail.set(data.subarray(0, take), this.tailLen);
      this.tailLen += take;
      p = take;
      if (this.tailLen < 32) return;
      this.stripe(this.tail, 0);
      this.tailLen = 0;
    }
    for (; p + 32 <= n; p += 32) this.stripe(data, p);
    if (p < n) {
      this.tail.set(data.subarray(p), 0);
      this.tailLen = n - p;
    }
  }

  private stripe(b: Uint8Array, p: number): void {
    const v = this.v;
    for (let k = 0; k < 4; k++, p += 8) {
      const ll = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
      const lh = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
      round64(v[2 * k]!, v[2 * k + 1]!, lh, ll);
      v[2 * k] = rh;
      v[2 * k + 1] = rl;
    }
  }

  /** The 64-bit hash of everything given since the last reset. */
  digest(): bigint {
    const [h, l] = this.digest32();
    return (BigInt(h) << 32n) | BigInt(l);
  }

  /** The low 32 bits of the digest, as zstd stores them. */
  digestLow32(): number {
    return this.digest32()[1];
  }

  private digest32(): [number, number] {
    const v = this.v;
    let h: number;
    let l: number;
    if (this.total >= 32) {
      rotl64(v[0]!, v[1]!, 1);
      let sh = rh;
      let sl = rl;
      rotl64(v[2]!, v[3]!, 7);
      add64(sh, sl, rh, rl);
      sh = rh;
      sl = rl;
      rotl64(v[4]!, v[5]!, 12);
      add64(sh, sl, rh, rl);
      sh = rh;
      sl = rl;
      rotl64(v[6]!, v[7]!, 18);
      add64(sh, sl, rh, rl);
      h = rh;
      l = rl;
      for (let k = 0; k < 4; k++) {
        round64(0, 0, v[2 * k]!, v[2 * k + 1]!);
        h = (h ^ rh) >>> 0;
        l = (l ^ rl) >>> 0;
        mul64(h, l, P1H, P1L);
        add64(rh, rl, P4H, P4L);
        h = rh;
        l = rl;
      }
    } else {
      h = P5H;
      l = P5L;
    }
    add64(h, l, Math.floor(this.total / 2 ** 32), this.total >>> 0);
    h = rh;
    l = rl;
    const b = this.tail;
    const n = this.tailLen;
    let p = 0;
    for (; p + 8 <= n; p += 8) {
      const ll = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
      const lh = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
      round64(0, 0, lh, ll);
      h = (h ^ rh) >>> 0;
      l = (l ^ rl) >>> 0;
      rotl64(h, l, 27);
      mul64(rh, rl, P1H, P1L);
      add64(rh, rl, P4H, P4L);
      h = rh;
      l = rl;
    }
    if (p + 4 <= n) {
      const w = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
      mul64(0, w, P1H, P1L);
      h = (h ^ rh) >>> 0;
      l = (l ^ rl) >>> 0;
      rotl64(h, l, 23);
      mul64(rh, rl, P2H, P2L);
      add64(rh, rl, P3H, P3L);
      h = rh;
      l = rl;
      p += 4;
    }
    for (; p < n; p++) {
      mul64(0, b[p]!, P5H, P5L);
      h = (h ^ rh) >>> 0;
      l = (l ^ rl) >>> 0;
      rotl64(h, l, 11);
      mul64(rh, rl, P1H, P1L);
      h = rh;
      l = rl;
    }
    // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
    l = (l ^ (h >>> 1)) >>> 0;
    mul64(h, l, P2H, P2L);
    h = rh;
    l = rl;
    l = (l ^ ((l >>> 29) | (h << 3))) >>> 0;
    h = (h ^ (h >>> 29)) >>> 0;
    mul64(h, l, P3H, P3L);
    h = rh;
    l = (rl ^ rh) >>> 0;
    return [h, l];
  }
}
