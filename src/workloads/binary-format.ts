// pagewise's compact binary trace format, "pwt": what every other format converts to. This file
// encodes and decodes the uncompressed byte stream; on disk that stream is gzip-compressed (done in
// node/ with node:zlib; in a browser, DecompressionStream("gzip") feeds the decoder the same bytes).
// docs/trace-formats.md gives the layout byte by byte; in short:
//   header   64 bytes: "PWTR", version (2; 1 still read), log2(page size), flags, then counts
//   blocks   varint n (≥ 1 references), varint payload bytes, payload: n tokens (version 1), or
//            an encoding byte then tokens or a dictionary block (version 2, pwt-blocks.ts)
//   end      varint 0, varint 64, trailer: the header again with the final counts
// A token is one varint t = zigzag(page - previous page) * 8 + P * 4 + kind, followed when P = 1
// by a varint zigzag(pid), the new current pid. "Previous page" is kept apart for instruction
// fetches (kind 0) and data accesses (kinds 1-3), so the jumps between code and stack cost nothing;
// both start at 0, and the pid at 0 (version 1: once per file; version 2: in every token block).
// The header is in pwt-header.ts, the decoder in pwt-decoder.ts (both re-exported here), the
// version-2 block encodings in pwt-blocks.ts.
// Varints are LEB128 (7 bits per byte, low first, high bit = more), up to 2^53.

import { ConfigError } from "../core/errors.js";
import { BlockDictionary, putBlockV2, putTokens, putVarint, type TokenState } from "./pwt-blocks.js";
import {
  encodePwtHeader,
  PWT_BLOCK_REFS,
  PWT_HEADER_SIZE,
  PWT_MAX_PAGE,
  PWT_VERSION,
  type PwtCounts,
} from "./pwt-header.js";
import type { RefBatch } from "./refs.js";
import { checkPageSize } from "./trace-decoder.js";

export * from "./pwt-decoder.js";
export * from "./pwt-header.js";

/**
 * Encodes references into the uncompressed pwt stream. Call `header()` first and write its bytes,
 * then `add` every batch and write what `take` returns, then write `finish()`. Counts distinct
 * pages with one Set per pid (memory grows with distinct pages, not references). Writes version 2
 * (dictionary blocks where they fit) unless asked for version 1.
 */
export class PwtEncoder {
  readonly pageSize: number;
  readonly version: 1 | 2;
  /** The block being gathered. */
  private readonly bPages = new Float64Array(PWT_BLOCK_REFS);
  private readonly bKinds = new Uint8Array(PWT_BLOCK_REFS);
  private readonly bPids = new Int32Array(PWT_BLOCK_REFS);
  private readonly payload = new Uint8Array(PWT_BLOCK_REFS * 20 + 16);
  private readonly dict: BlockDictionary | null;
  private blockRefs = 0;
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

  constructor(pageSize: number, version: 1 | 2 = PWT_VERSION) {
    this.pageSize = checkPageSize(pageSize);
    if (version !== 1 && version !== 2) throw new ConfigError("version", version, "pwt version 1 or 2");
    this.version = version;
    this.dict = version === 2 ? new BlockDictionary(PWT_BLOCK_REFS) : null;
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
      const k = this.blockRefs;
      this.bPages[k] = page;
      this.bKinds[k] = kind;
      this.bPids[k] = pid;
      if (++this.blockRefs === PWT_BLOCK_REFS) this.closeBlock();
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
    if (this.blockRefs > 0) this.closeBlock();
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
    const n = this.blockRefs;
    const used =
      this.dict === null
        ? putTokens(this.bPages, this.bKinds, this.bPids, n, this.payload, 0, this.tokens)
        : putBlockV2(this.bPages, this.bKinds, this.bPids, n, this.dict, this.payload, 0);
    const block = new Uint8Array(20 + used);
    let at = putVarint(block, 0, n);
    at = putVarint(block, at, used);
    block.set(this.payload.subarray(0, used), at);
    this.ready.push(block.subarray(0, at + used));
    this.blockRefs = 0;
  }
}
