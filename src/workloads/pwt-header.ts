// pwt's header and trailer (64 bytes, docs/trace-formats.md) and the format's constants, shared
// by the encoder (binary-format.ts) and the decoder (pwt-decoder.ts).

import { ConfigError, TraceParseError } from "../core/errors.js";
import { checkPageSize } from "./trace-decoder.js";

export const PWT_MAGIC = [0x50, 0x57, 0x54, 0x52] as const; // "PWTR"
/** The version written; readers take 1 and 2. */
export const PWT_VERSION = 2;
export const PWT_HEADER_SIZE = 64;
/** Header flag: the counts in the header are final (else read the trailer). */
export const PWT_FLAG_COUNTS = 1;
/** References per block the encoder writes. */
export const PWT_BLOCK_REFS = 65536;
/** Largest block a decoder accepts (guards against corrupt lengths). */
export const PWT_MAX_BLOCK_REFS = 1 << 22;
/**
 * Most bytes a block of n references can take: 16 + 24 n (a token is at most 20 bytes, a dictionary
 * entry at most 20 and its id 2, the encoding byte and dictionary size a few). A larger stated
 * length is corrupt: refused before the decoder buffers it (a 5-byte length read 1.28 GB).
 */
export function pwtMaxBlockBytes(n: number): number {
  return 16 + 24 * n;
}
/** Pages must be below this (so zigzag deltas times 8 stay exact in doubles). */
export const PWT_MAX_PAGE = 2 ** 48;

/** What a pwt header (or trailer) says. */
export interface PwtHeader {
  readonly version: number;
  readonly pageSize: number;
  /** True when the counts below are final; a streamed header may leave them 0 (see the trailer). */
  readonly countsKnown: boolean;
  readonly references: number;
  /** References by kind: I, L, S, M. */
  readonly byKind: readonly [number, number, number, number];
  /** Distinct (pid, page) pairs. */
  readonly distinctPages: number;
  /** Distinct pids. */
  readonly pids: number;
}

/** Counts an encoder has accumulated. */
export interface PwtCounts {
  readonly references: number;
  readonly byKind: readonly [number, number, number, number];
  readonly distinctPages: number;
  readonly pids: number;
}

function putU64(v: DataView, at: number, x: number): void {
  v.setUint32(at, x % 2 ** 32, true);
  v.setUint32(at + 4, Math.floor(x / 2 ** 32), true);
}

function getU64(v: DataView, at: number): number {
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
}

/** The 64 header (or trailer) bytes for `pageSize` and, when given, final `counts`. */
export function encodePwtHeader(pageSize: number, counts?: PwtCounts, version = PWT_VERSION): Uint8Array {
  checkPageSize(pageSize);
  if (version !== 1 && version !== 2) throw new ConfigError("version", version, "pwt version 1 or 2");
  const b = new Uint8Array(PWT_HEADER_SIZE);
  const v = new DataView(b.buffer);
  b.set(PWT_MAGIC, 0);
  b[4] = version;
  b[5] = Math.round(Math.log2(pageSize));
  v.setUint16(6, counts ? PWT_FLAG_COUNTS : 0, true);
  if (counts) {
    putU64(v, 8, counts.references);
    for (let k = 0; k < 4; k++) putU64(v, 16 + 8 * k, counts.byKind[k]!);
    putU64(v, 48, counts.distinctPages);
    v.setUint32(56, counts.pids, true);
  }
  return b;
}

/** True when `bytes` start with the pwt magic (uncompressed). */
export function isPwt(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && PWT_MAGIC.every((m, i) => bytes[i] === m);
}

/**
 * Parses 64 header bytes. Throws TraceParseError (naming `source`) for a wrong magic, an unknown
 * version or a bad page size.
 */
export function decodePwtHeader(bytes: Uint8Array, source = "input"): PwtHeader {
  if (bytes.length < PWT_HEADER_SIZE)
    throw binaryError(
      source,
      0,
      `expected a ${PWT_HEADER_SIZE}-byte pwt header, found ${bytes.length} bytes`,
    );
  if (!isPwt(bytes)) throw binaryError(source, 0, 'expected the pwt magic "PWTR"');
  if (bytes[4] !== 1 && bytes[4] !== 2)
    throw binaryError(source, 4, `expected pwt version 1 or 2, found ${bytes[4]}`);
  const shift = bytes[5]!;
  if (shift > 30) throw binaryError(source, 5, `expected log2(page size) ≤ 30, found ${shift}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, PWT_HEADER_SIZE);
  const flags = v.getUint16(6, true);
  return {
    version: bytes[4]!,
    pageSize: 2 ** shift,
    countsKnown: (flags & PWT_FLAG_COUNTS) !== 0,
    references: getU64(v, 8),
    byKind: [getU64(v, 16), getU64(v, 24), getU64(v, 32), getU64(v, 40)],
    distinctPages: getU64(v, 48),
    pids: v.getUint32(56, true),
  };
}

/** A TraceParseError at byte `offset` of the uncompressed stream. */
export function binaryError(source: string, offset: number, problem: string): TraceParseError {
  return new TraceParseError(
    source,
    0,
    offset + 1,
    `${problem} (at byte ${offset} of the uncompressed pwt stream)`,
  );
}
