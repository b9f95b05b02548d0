// pwt version 3's checksum (docs/trace-formats.md, "The checksum"): a 32-bit multiply-rotate hash in
// four lanes over little-endian words, then a finalizer that mixes every bit into every other.
//
// Why this and not CRC-32C: the replay of an uncompressed pwt stream decodes 50 M references in
// about 0.6 s of CPU, over 71 MB of bytes; a table CRC-32C in JavaScript runs at 0.45 GB/s a byte at
// a time and 1.1 GB/s sliced by 8 (65 ms: over 10 %), this hash at 4-5 GB/s (14-18 ms), measured on
// that stream. What it guarantees: each lane step is a bijection of the lane (xor with the word,
// multiply by an odd constant, rotate), and so is the finalizer, so any damage confined to one
// 4-byte word of the checked bytes (every single flipped bit, any garbled byte) always changes the
// checksum. Random damage spread wider goes unnoticed with a chance of about 1 in 2^32.
// It guards against accidents (bad disks, bad copies), not against someone forging a file.

const P = 0x9e3779b1 | 0;
const SEED0 = 0x2545f491 | 0;
const SEED1 = 0x6a09e667 | 0;
const SEED2 = 0xbb67ae85 | 0;
const SEED3 = 0x3c6ef372 | 0;
/** Bytes copied at a time into the aligned scratch (a multiple of 16). */
const CHUNK = 1 << 16;
const scratch8 = new Uint8Array(CHUNK);
const scratch32 = new Int32Array(scratch8.buffer);
/** Int32Array reads little-endian words on this machine (else the checksum assembles them byte by byte). */
const LITTLE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The checksum of `b[from, to)`, an unsigned 32-bit number. */
export function pwtChecksum(b: Uint8Array, from: number, to: number): number {
  if (!LITTLE) return pwtChecksumPortable(b, from, to);
  let s0 = SEED0;
  let s1 = SEED1;
  let s2 = SEED2;
  let s3 = SEED3;
  let p = from;
  let x: number;
  // Whole 16-byte groups, copied a chunk at a time into an aligned buffer (the bytes may sit at any
  // offset; copying is cheaper than assembling words from bytes, and leaves them in cache).
  while (to - p >= 16) {
    const m = Math.min(to - p, CHUNK) & ~15;
    scratch8.set(b.subarray(p, p + m));
    const w = scratch32;
    const words = m >>> 2;
    let i = 0;
    // Four groups an iteration (measured: 5 GB/s against 3 for one), then the rest one by one.
    for (; i + 16 <= words; i += 16) {
      x = Math.imul(s0 ^ w[i]!, P);
      s0 = (x << 13) | (x >>> 19);
      x = Math.imul(s1 ^ w[i + 1]!, P);
      s1 = (x << 13) | (x >>> 19);
      x = Math.imul(s2 ^ w[i + 2]!, P);
      s2 = (x << 13) | (x >>> 19);
      x = Math.imul(s3 ^ w[i + 3]!, P);
      s3 = (x << 13) | (x >>> 19);
      x = Math.imul(s0 ^ w[i + 4]!, P);
      s0 = (x << 13) | (x >>> 19);
      x = Math.imul(s1 ^ w[i + 5]!, P);
      s1 = (x << 13) | (x >>> 19);
      x = Math.imul(s2 ^ w[i + 6]!, P);
      s2 = (x << 13) | (x >>> 19);
      x = Math.imul(s3 ^ w[i + 7]!, P);
      s3 = (x << 13) | (x >>> 19);
      x = Math.imul(s0 ^ w[i + 8]!, P);
      s0 = (x << 13) | (x >>> 19);
      x = Math.imul(s1 ^ w[i + 9]!, P);
      s1 = (x << 13) | (x >>> 19);
      x = Math.imul(s2 ^ w[i + 10]!, P);
      s2 = (x << 13) | (x >>> 19);
      x = Math.imul(s3 ^ w[i + 11]!, P);
      s3 = (x << 13) | (x >>> 19);
      x = Math.imul(s0 ^ w[i + 12]!, P);
      s0 = (x << 13) | (x >>> 19);
      x = Math.imul(s1 ^ w[i + 13]!, P);
      s1 = (x << 13) | (x >>> 19);
      x = Math.imul(s2 ^ w[i + 14]!, P);
      s2 = (x << 13) | (x >>> 19);
      x = Math.imul(s3 ^ w[i + 15]!, P);
      s3 = (x << 13) | (x >>> 19);
    }
    for (; i < words; i += 4) {
      x = Math.imul(s0 ^ w[i]!, P);
      s0 = (x << 13) | (x >>> 19);
      x = Math.imul(s1 ^ w[i + 1]!, P);
      s1 = (x << 13) | (x >>> 19);
      x = Math.imul(s2 ^ w[i + 2]!, P);
      s2 = (x << 13) | (x >>> 19);
      x = Math.imul(s3 ^ w[i + 3]!, P);
      s3 = (x << 13) | (x >>> 19);
    }
    p += m;
  }
  return finish(b, p, to, to - from, s0, s1, s2, s3);
}

let warmed = false;

/**
 * Runs the checksum over 64 KiB of small inputs, once per process: V8 then compiles it while the
 * caller reads its first block, instead of running the first few 90 KB blocks unoptimized (measured:
 * 1-4 ms here saves 5-12 ms over a 71 MB stream). The decoder calls it on reading a version-3 header.
 */
export function warmPwtChecksum(): void {
  if (warmed) return;
  warmed = true;
  const w = new Uint8Array(2048);
  for (let i = 0; i < 32; i++) pwtChecksum(w, 0, w.length - (i & 15));
}

/**
 * The same checksum, each word assembled from its bytes: the definition at its plainest, used on a
 * big-endian machine (where Int32Array words are big-endian) and by the tests.
 */
export function pwtChecksumPortable(b: Uint8Array, from: number, to: number): number {
  let s0 = SEED0;
  let s1 = SEED1;
  let s2 = SEED2;
  let s3 = SEED3;
  let p = from;
  let x: number;
  for (; to - p >= 16; p += 16) {
    x = Math.imul(s0 ^ word(b, p), P);
    s0 = (x << 13) | (x >>> 19);
    x = Math.imul(s1 ^ word(b, p + 4), P);
    s1 = (x << 13) | (x >>> 19);
    x = Math.imul(s2 ^ word(b, p + 8), P);
    s2 = (x << 13) | (x >>> 19);
    x = Math.imul(s3 ^ word(b, p + 12), P);
    s3 = (x << 13) | (x >>> 19);
  }
  return finish(b, p, to, to - from, s0, s1, s2, s3);
}

/** The last 0-15 bytes (from `p`), one at a time into lane 0, then the lanes and length mixed. */
function finish(
  b: Uint8Array,
  p: number,
  to: number,
  n: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
): number {
  for (; p < to; p++) {
    const x = Math.imul(s0 ^ b[p]!, P);
    s0 = (x << 13) | (x >>> 19);
  }
  let h = s0 ^ ((s1 << 8) | (s1 >>> 24)) ^ ((s2 << 16) | (s2 >>> 16)) ^ ((s3 << 24) | (s3 >>> 8)) ^ n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The little-endian 32-bit word at `b[q]`. */
function word(b: Uint8Array, q: number): number {
  return b[q]! | (b[q + 1]! << 8) | (b[q + 2]! << 16) | (b[q + 3]! << 24);
}

/** Writes `v` at `b[at]` as a little-endian u32. */
export function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 255;
  b[at + 1] = (v >>> 8) & 255;
  b[at + 2] = (v >>> 16) & 255;
  b[at + 3] = v >>> 24;
}

/** The little-endian u32 at `b[at]`. */
export function getU32(b: Uint8Array, at: number): number {
  return word(b, at) >>> 0;
}
