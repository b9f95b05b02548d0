// The pwt decoder's checks of a stream's frame (pwt-decoder.ts calls them): the page size asked
// for against the header's, a version-3 block's checksum before any of its bytes is used, and the
// trailer against what was decoded (its version, its counts, and in version 3 the header's final
// counts). The header's own checksum is checked where it is decoded (pwt-header.ts).

import { ConfigError } from "../core/errors.js";
import { getU32, pwtChecksum } from "./pwt-checksum.js";
import { binaryError, PwtChecksumError, type PwtHeader } from "./pwt-header.js";
import type { TraceStats } from "./trace-decoder.js";

/**
 * How many of the file's pages make one of `wantPageSize` (references are coarsened by it); a
 * page size smaller than the file's throws ConfigError, since a page cannot be split.
 */
export function pwtPageDivisor(h: PwtHeader, wantPageSize: number): number {
  if (wantPageSize < h.pageSize) {
    throw new ConfigError(
      "pageSize",
      wantPageSize,
      `at least ${h.pageSize}: this pwt file holds ${h.pageSize}-byte pages, which cannot be split`,
    );
  }
  return wantPageSize / h.pageSize;
}

/**
 * Version 3: checks the checksum of the block that starts at `start` in `buf` (its payload whole,
 * up to `blockEnd`, the checksum after it). `block` counts from 1, `offset` is `start` in the
 * whole stream; both are for the PwtChecksumError.
 */
export function checkPwtBlock(
  buf: Uint8Array,
  start: number,
  blockEnd: number,
  source: string,
  block: number,
  offset: number,
): void {
  const stored = getU32(buf, blockEnd);
  const computed = pwtChecksum(buf, start, blockEnd);
  if (stored !== computed) throw new PwtChecksumError(source, `block ${block}`, offset, stored, computed);
}

/**
 * Checks the trailer `t` (read at stream offset `at`) of a file of `version` against the counts
 * decoded (`s`; its kinds only when `kindsKnown`) and, in version 3, against a header (`header`)
 * that carries final counts.
 */
export function checkPwtTrailer(
  t: PwtHeader,
  header: PwtHeader | null,
  version: number,
  s: TraceStats,
  source: string,
  at: number,
  kindsKnown = true,
): void {
  if (t.version !== version)
    throw binaryError(source, at + 4, `trailer of version ${t.version} in a version ${version} file`);
  if (t.references !== s.references || (kindsKnown && t.byKind.some((c, k) => c !== s.byKind[k]))) {
    throw binaryError(source, at, `trailer counts ${t.references} references, decoded ${s.references}`);
  }
  // Version 3: a header with final counts must give the trailer's (both are checksummed, so this
  // catches only a writer that patched one and not the other).
  const h = header;
  if (version === 3 && h !== null && h.countsKnown && !sameCounts(h, t))
    throw binaryError(source, at, "the header's counts differ from the trailer's");
}

function sameCounts(a: PwtHeader, b: PwtHeader): boolean {
  return (
    a.references === b.references &&
    a.byKind.every((c, k) => c === b.byKind[k]) &&
    a.distinctPages === b.distinctPages &&
    a.pids === b.pids
  );
}
