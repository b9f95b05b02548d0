// The `K PAGE` format (pages-text.ts, the reference traces' format) behind the TraceDecoder
// interface, so openTrace, convert and detection treat it like every other format. The parser pushes
// batches; this adapter queues them (at most one chunk's worth) and hands them out as drain asks.
// Pages are 4 KiB; a larger page size coarsens them. skipBad does not apply: the parser stops at
// the first malformed line with a TraceParseError.

import { PagesTextParser } from "./pages-text.js";
import { makeBatch, type RefBatch } from "./refs.js";
import { BomStripper } from "./trace-bytes.js";
import {
  checkPageSize,
  coarsenFactor,
  type DecodeOptions,
  makeStats,
  type TraceDecoder,
} from "./trace-decoder.js";

/** Page size of the K PAGE format. */
export const PAGES_PAGE_SIZE = 4096;

export class PagesDecoder implements TraceDecoder {
  readonly format = "pages";
  readonly pageSize: number;
  readonly stats = makeStats();
  private readonly parser: PagesTextParser;
  private readonly divisor: number;
  /** Parsed references not yet drained: [head, queue.count). */
  private queue: RefBatch = makeBatch(1 << 16);
  private head = 0;
  private readonly bom = new BomStripper();

  constructor(opts: DecodeOptions = {}) {
    this.pageSize = checkPageSize(opts.pageSize ?? PAGES_PAGE_SIZE);
    this.divisor = coarsenFactor(PAGES_PAGE_SIZE, this.pageSize, "K PAGE");
    this.parser = new PagesTextParser(opts.source ?? "input", (b) => this.enqueue(b));
  }

  push(chunk: Uint8Array): void {
    this.parser.pushBytes(this.bom.strip(chunk));
    this.stats.lines = this.parser.lines;
  }

  end(): void {
    const held = this.bom.flush();
    if (held.length > 0) this.parser.pushBytes(held);
    this.parser.end();
    this.stats.lines = this.parser.lines;
  }

  drain(out: RefBatch): boolean {
    const q = this.queue;
    const n = Math.min(q.count - this.head, out.pages.length - out.count);
    if (n > 0) {
      const from = this.head;
      const to = out.count;
      out.pages.set(q.pages.subarray(from, from + n), to);
      out.kinds.set(q.kinds.subarray(from, from + n), to);
      out.pids.set(q.pids.subarray(from, from + n), to);
      const d = this.divisor;
      if (d !== 1) for (let i = to; i < to + n; i++) out.pages[i] = Math.floor(out.pages[i]! / d);
      const byKind = this.stats.byKind;
      for (let i = to; i < to + n; i++) byKind[out.kinds[i]!]!++;
      this.stats.references += n;
      this.head += n;
      out.count += n;
    }
    if (this.head === q.count) {
      this.head = 0;
      q.count = 0;
      return false;
    }
    return true;
  }

  private enqueue(b: RefBatch): void {
    let q = this.queue;
    const need = q.count + b.count;
    if (need > q.pages.length) {
      let cap = q.pages.length;
      while (cap < need) cap *= 2;
      const g = makeBatch(cap);
      g.pages.set(q.pages.subarray(0, q.count));
      g.kinds.set(q.kinds.subarray(0, q.count));
      g.pids.set(q.pids.subarray(0, q.count));
      g.count = q.count;
      this.queue = q = g;
    }
    q.pages.set(b.pages.subarray(0, b.count), q.count);
    q.kinds.set(b.kinds.subarray(0, b.count), q.count);
    q.pids.set(b.pids.subarray(0, b.count), q.count);
    q.count = need;
  }
}

/** A K PAGE decoder (the factory shape the format registry uses). */
export function pagesDecoder(opts: DecodeOptions = {}): PagesDecoder {
  return new PagesDecoder(opts);
}
