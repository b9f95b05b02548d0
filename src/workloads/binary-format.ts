// pagewise's compact binary trace format, "pwt": what every other format converts to. This file
// encodes and decodes the uncompressed byte stream; on disk that stream is gzip-compressed (done in
// node/ with node:zlib; in a browser, DecompressionStream("gzip") feeds the decoder the same bytes).
// docs/trace-formats.md gives the layout byte by byte; in short:
//   header   64 bytes: "PWTR", version (3; 1 and 2 still read), log2(page size), flags, then
//            counts; version 3: the checksum of bytes 0-59 in bytes 60-63
//   blocks   varint n (≥ 1 references), varint payload bytes, payload: n tokens (version 1), or
//            an encoding byte then tokens or a dictionary block (versions 2 and 3, pwt-blocks.ts);
//            version 3: then a u32 checksum of the block's bytes from n to the payload's end
//   end      varint 0, varint 64, trailer: the header again with the final counts
// A token is one varint t = zigzag(page - previous page) * 8 + P * 4 + kind, followed when P = 1
// by a varint zigzag(pid), the new current pid. "Previous page" is kept apart for instruction
// fetches (kind 0) and data accesses (kinds 1-3), so the jumps between code and stack cost nothing;
// both start at 0, and the pid at 0 (version 1: once per file; version 2: in every token block).
// The header is in pwt-header.ts, the decoder in pwt-decoder.ts (both re-exported here), the
// version-2 block encodings in pwt-blocks.ts, the checksum in pwt-checksum.ts.
// Varints are LEB128 (7 bits per byte, low first, high bit = more), up to 2^53.

import { ConfigError } from "../core/errors.js";
import { BlockDictionary, putBlockV2, putTokens, putVarint, type TokenState } from "./pwt-blocks.js";
import { putU32, pwtChecksum } from "./pwt-checksum.js";
import {
  checkPwtVersion,
  encodePwtHeader,
  PWT_BLOCK_CHECK,
  PWT_BLOCK_REFS,
  PWT_HEADER_SIZE,
  PWT_MAX_BLOCK_REFS,
  PWT_MAX_PAGE,
  PWT_VERSION,
  type PwtCounts,
  type PwtVersion,
} from "./pwt-header.js";
import type { RefBatch } from "./refs.js";
import { checkPageSize } from "./trace-decoder.js";

export { pwtChecksum } from "./pwt-checksum.js";
export * from "./pwt-decoder.js";
export * from "./pwt-header.js";

/**
 * Encodes references into the uncompressed pwt stream. Call `header()` first and write its bytes,
 * then `add` every batch and write what `take` returns, then write `finish()`. Counts distinct
 * pages with one Set per pid (memory grows with distinct pages, not references). Writes version 3
 * (dictionary blocks where they fit, a checksum on the header and every block) unless asked for
 * version 2 or 1 (tests and tools that need the older files).
 */
export class PwtEncoder {
  readonly pageSize: number;
  readonly version: PwtVersion;
  /** References per block (PWT_BLOCK_REFS unless a test asks for small blocks). */
  readonly blockRefs: number;
  /** The block being gathered. */
  private readonly bPages: Float64Array;
  private readonly bKinds: Uint8Array;
  private readonly bPids: Int32Array;
  private readonly payload: Uint8Array;
  private readonly dict: BlockDictionary | null;
  private gathered = 0;
  /** Version 1: token state across blocks. */
  private readonly tokens: TokenState = { prevCode: 0, prevData: 0, pid: 0 };
  private readonly ready: Uint8Array[] = [];
  private references = 0;
  private readonly byKind: [number, number, number, number] = [0, 0, 0, 0];
  private readonly seen = new Map<number, Set<number>>();
  private seenPid = -1;
  private seenSet: Set<number> = new Set();
  private distinctPages = 0;
  private finished = false;

  constructor(pageSize: number, version: number = PWT_VERSION, blockRefs: number = PWT_BLOCK_REFS) {
    this.pageSize = checkPageSize(pageSize);
    this.version = checkPwtVersion(version);
    if (!(Number.isInteger(blockRefs) && blockRefs >= 1 && blockRefs <= PWT_MAX_BLOCK_REFS))
      throw new ConfigError("blockRefs", blockRefs, `an integer from 1 to ${PWT_MAX_BLOCK_REFS}`);
    this.blockRefs = blockRefs;
    this.bPages = new Float64Array(blockRefs);
    this.bKinds = new Uint8Array(blockRefs);
    this.bPids = new Int32Array(blockRefs);
    this.payload = new Uint8Array(blockRefs * 20 + 16);
    this.dict = this.version >= 2 ? new BlockDictionary(blockRefs) : null;
  }

  /** The header to write first; its counts are unknown (a file writer may patch them later). */
  header(): Uint8Array {
    return encodePwtHeader(this.pageSize, undefined, this.version);
  }

  /** Encodes the batch's references. Throws ConfigError for a page outside [0, 2^48) or a bad kind. */
  add(b: RefBatch): void {
    const { pages, kinds, pids } = b;
    const n = b.count;
    for (let i = 0; i < n; i++) {
      const page = pages[i]!;
      const kind = kinds[i]!;
      const pid = pids[i]!;
      if (!(page >= 0 && page < PWT_MAX_PAGE && Math.floor(page) === page)) {
        throw new ConfigError("page", page, "an integer page number in [0, 2^48)");
      }
      if (kind > 3) throw new ConfigError("kind", kind, "a reference kind 0..3");
      if (pid !== this.seenPid) {
        let s = this.seen.get(pid);
        if (!s) {
          s = new Set();
          this.seen.set(pid, s);
        }
        this.seenSet = s;
        this.seenPid = pid;
      }
      const set = this.seenSet;
      if (!set.has(page)) {
        set.add(page);
        this.distinctPages++;
      }
      this.byKind[kind as 0 | 1 | 2 | 3]++;
      const k = this.gathered;
      this.bPages[k] = page;
      this.bKinds[k] = kind;
      this.bPids[k] = pid;
      if (++this.gathered === this.blockRefs) this.closeBlock();
      this.references++;
    }
  }

  /** Completed blocks since the last call, in order; the caller writes them. */
  take(): Uint8Array[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** The remaining blocks, the end marker and the trailer; the encoder accepts nothing after. */
  finish(): Uint8Array {
    if (this.finished) throw new ConfigError("encoder", "finished", "an encoder that has not been finished");
    this.finished = true;
    if (this.gathered > 0) this.closeBlock();
    const trailer = encodePwtHeader(this.pageSize, this.counts(), this.version);
    const end = new Uint8Array(2 + PWT_HEADER_SIZE);
    end[0] = 0;
    end[1] = PWT_HEADER_SIZE;
    end.set(trailer, 2);
    this.ready.push(end);
    const parts = this.take();
    const total = parts.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Counts so far (final after `finish`). */
  counts(): PwtCounts {
    return {
      references: this.references,
      byKind: [...this.byKind],
      distinctPages: this.distinctPages,
      pids: this.seen.size,
    };
  }

  private closeBlock(): void {
    const n = this.gathered;
    const used =
      this.dict === null
        ? putTokens(this.bPages, this.bKinds, this.bPids, n, this.payload, 0, this.tokens)
        : putBlockV2(this.bPages, this.bKinds, this.bPids, n, this.dict, this.payload, 0);
    const block = new Uint8Array(20 + used + PWT_BLOCK_CHECK);
    let at = putVarint(block, 0, n);
    at = putVarint(block, at, used);
    block.set(this.payload.subarray(0, used), at);
    at += used;
    // Version 3: the checksum of everything from n to the payload's end.
    if (this.version === 3) {
      putU32(block, at, pwtChecksum(block, 0, at));
      at += PWT_BLOCK_CHECK;
    }
    this.ready.push(block.subarray(0, at));
    this.gathered = 0;
  }
}
