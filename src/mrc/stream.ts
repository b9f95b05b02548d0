// One-pass curves over reference batches as the trace readers produce them (workloads/refs.ts):
// each batch's pages, keyed by process (pid, page) as the rest of pagewise keys them, are numbered
// densely on the fly (workloads/page-ids.ts, as the streaming replay numbers them) into one reusable Int32Array and fed to an exact LRU or a
// SHARDS estimator. Memory is O(distinct pages) plus one batch, whatever the stream's length.

import { PageIds } from "../workloads/page-ids.js";
import type { RefBatch } from "../workloads/refs.js";
import type { MissCurve } from "./curve.js";
import { LruMrc } from "./lru.js";
import { ShardsMrc, type ShardsOptions } from "./shards.js";

export class BatchMrc {
  private readonly ids = new PageIds();
  private buf = new Int32Array(0);
  private readonly sink: LruMrc | ShardsMrc;

  /** Exact LRU without `shards`; a SHARDS estimate with it. */
  constructor(shards?: ShardsOptions) {
    this.sink = shards === undefined ? new LruMrc() : new ShardsMrc(shards);
  }

  /** Feeds the batch's `count` references. */
  push(batch: RefBatch): void {
    const n = batch.count;
    if (this.buf.length < n) this.buf = new Int32Array(n);
    const buf = this.buf;
    const pages = batch.pages;
    const pids = batch.pids;
    for (let i = 0; i < n; i++) buf[i] = this.ids.idOf(pages[i]!, pids[i]!);
    this.sink.feed(buf, n);
  }

  /** Distinct (pid, page) pairs seen. */
  get distinct(): number {
    return this.ids.size;
  }

  curve(): MissCurve {
    return this.sink.curve();
  }
}
