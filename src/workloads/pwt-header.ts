// pwt's header and trailer (64 bytes, docs/trace-formats.md) and the format's constants, shared
// by the encoder (binary-format.ts) and the decoder (pwt-decoder.ts).

import { ConfigError, TraceParseError } from "../core/errors.js";
import { getU32, putU32, pwtChecksum } from "./pwt-checksum.js";
import { checkPageSize } from "./trace-decoder.js";

export const PWT_MAGIC = [0x50, 0x57, 0x54, 0x52] as const; // "PWTR"
/** The version written; readers take 1, 2 and 3 (only 3 carries checksums). */
export const PWT_VERSION = 3;
/** The versions a reader takes. */
export type PwtVersion = 1 | 2 | 3;
/** Bytes of a version-3 header checked by its checksum (the checksum is at this offset). */
export const PWT_HEADER_CHECKED = 60;
/** Bytes of the checksum after a version-3 block's payload. */
export const PWT_BLOCK_CHECK = 4;
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
/** Where a header holds its count of distinct pages (bytes 48-55, little-endian). */
export const PWT_DISTINCT_AT = 48;

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

/** Throws ConfigError unless `version` is one pwt has. */
export function checkPwtVersion(version: number): PwtVersion {
  if (version !== 1 && version !== 2 && version !== 3)
    throw new ConfigError("version", version, "pwt version 1, 2 or 3");
  return version;
}

/**
 * The 64 header (or trailer) bytes for `pageSize` and, when given, final `counts`; version 3 puts
 * the checksum of bytes 0-59 in bytes 60-63.
 */
export function encodePwtHeader(
  pageSize: number,
  counts?: PwtCounts,
  version: number = PWT_VERSION,
): Uint8Array {
  checkPageSize(pageSize);
  checkPwtVersion(version);
  const b = new Uint8Array(PWT_HEADER_SIZE);
  const v = new DataView(b.buffer);
  b.set(PWT_MAGIC, 0);
  b[4] = version;
  b[5] = Math.round(Math.log2(pageSize));
  v.setUint16(6, counts ? PWT_FLAG_COUNTS : 0, true);
  if (counts) {
    putU64(v, 8, counts.references);
    for (let k = 0; k < 4; k++) putU64(v, 16 + 8 * k, counts.byKind[k]!);
    putU64(v, PWT_DISTINCT_AT, counts.distinctPages);
    v.setUint32(56, counts.pids, true);
  }
  if (version === 3) putU32(b, PWT_HEADER_CHECKED, pwtChecksum(b, 0, PWT_HEADER_CHECKED));
  return b;
}

/** True when `bytes` start with the pwt magic (uncompressed). */
export function isPwt(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && PWT_MAGIC.every((m, i) => bytes[i] === m);
}

/**
 * Parses 64 header bytes (or the trailer's: `what`), which start at byte `at` of the stream. Throws
 * TraceParseError (naming `source` and the offset) for a wrong magic, an unknown version or a bad
 * page size, and PwtChecksumError when a version-3 header's checksum does not match its bytes.
 */
export function decodePwtHeader(
  bytes: Uint8Array,
  source = "input",
  at = 0,
  what: "header" | "trailer" = "header",
): PwtHeader {
  if (bytes.length < PWT_HEADER_SIZE)
    throw binaryError(
      source,
      at,
      `expected a ${PWT_HEADER_SIZE}-byte pwt ${what}, found ${bytes.length} bytes`,
    );
  if (!isPwt(bytes)) throw binaryError(source, at, `expected the pwt magic "PWTR" in the ${what}`);
  const version = bytes[4]!;
  if (version !== 1 && version !== 2 && version !== 3)
    throw binaryError(source, at + 4, `expected pwt version 1, 2 or 3, found ${version}`);
  if (version === 3) {
    const stored = getU32(bytes, PWT_HEADER_CHECKED);
    const computed = pwtChecksum(bytes, 0, PWT_HEADER_CHECKED);
    if (stored !== computed) throw new PwtChecksumError(source, `the ${what}`, at, stored, computed);
  }
  const shift = bytes[5]!;
  if (shift > 30) throw binaryError(source, at + 5, `expected log2(page size) ≤ 30, found ${shift}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, PWT_HEADER_SIZE);
  const flags = v.getUint16(6, true);
  return {
    version,
    pageSize: 2 ** shift,
    countsKnown: (flags & PWT_FLAG_COUNTS) !== 0,
    references: getU64(v, 8),
    byKind: [getU64(v, 16), getU64(v, 24), getU64(v, 32), getU64(v, 40)],
    distinctPages: getU64(v, PWT_DISTINCT_AT),
    pids: v.getUint32(56, true),
  };
}

/**
 * A version-3 pwt header, trailer or block whose checksum does not match its bytes: the file is
 * damaged. Names the file, the part (`the header`, `block 7`: blocks count from 1) and its byte
 * offset in the uncompressed stream; a TraceParseError (column = offset + 1) like pwt's other errors.
 */
export class PwtChecksumError extends TraceParseError {
  readonly part: string;
  readonly offset: number;
  constructor(source: string, part: string, offset: number, stored: number, computed: number) {
    super(
      source,
      0,
      offset + 1,
      `damaged pwt file: the checksum of ${part} does not match its bytes (stored ${hex(stored)}, ` +
        `computed ${hex(computed)}; at byte ${offset} of the uncompressed pwt stream)`,
    );
    this.part = part;
    this.offset = offset;
  }
}

function hex(x: number): string {
  return `0x${x.toString(16).padStart(8, "0")}`;
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
