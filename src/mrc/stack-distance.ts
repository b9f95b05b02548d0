// Exact LRU stack distances in one pass (Mattson et al. 1970, "Evaluation techniques for storage
// hierarchies"; the counting form of Bennett & Kruskal 1975): a reference's stack distance is the
// number of distinct pages touched since the previous reference to the same page, itself included.
// A reference at distance d hits in every LRU memory of d frames or more, so one histogram of
// distances gives the misses at every frame count.
// How: each access takes a time slot; a Fenwick tree over the slots marks the latest slot of each
// page, so the distance is the number of marks after the page's last slot, in O(log window).
// The window of slots is bounded: when it fills, the live marks (one per page) are renumbered to
// the front in time order and the tree rebuilt, growing the window only while more than half of it
// is live. Memory is O(distinct pages) however long the stream; compaction costs O(window) per
// window/2 references at least, so O(1) amortized. A reference to the page referenced just before
// it (common in instruction traces) has distance 1 and changes nothing: it takes no slot.
// Nothing is allocated per reference: typed arrays only, grown by doubling when pages appear.

import { ConfigError } from "../core/errors.js";

const MIN_WINDOW = 1 << 12;

export class StackDistances {
  /** Window size (a power of two). */
  private cap = MIN_WINDOW;
  /** Fenwick tree over slots, 1-based: tree[i] counts marks in slots (i - lowbit(i), i]. */
  private tree = new Int32Array(MIN_WINDOW + 1);
  /** Page holding each slot's mark, or -1. */
  private pageAt = new Int32Array(MIN_WINDOW).fill(-1);
  /** Each page's latest slot, or -1 (never seen, or removed). */
  private last = new Int32Array(1024).fill(-1);
  /** Next free slot. */
  private t = 0;
  /** Pages currently marked (the LRU stack's depth). */
  live = 0;
  /** hist[d]: references at stack distance d ≥ 1. */
  hist = new Float64Array(1026);
  /** References with no earlier reference to their page. */
  cold = 0;
  references = 0;
  /** Deepest stack reached (distinct pages seen, less any removed). */
  maxLive = 0;
  /** Window compactions done (for tests and benches). */
  compactions = 0;

  /**
   * Records a reference to page `p` (a non-negative integer id; dense ids keep memory small) and
   * returns its stack distance, 0 for a first reference.
   */
  access(p: number): number {
    this.references++;
    if (p >>> 0 >= this.last.length) this.growPages(p);
    if (this.t === this.cap) this.compact();
    const s = this.last[p]!;
    if (s >= 0 && s === this.t - 1) {
      this.hist[1]!++;
      return 1;
    }
    const tree = this.tree;
    const cap = this.cap;
    let d = 0;
    if (s >= 0) {
      // Marks in slots ≤ s, then remove the mark at s.
      let sum = 0;
      for (let i = s + 1; i > 0; i &= i - 1) sum += tree[i]!;
      d = this.live - sum + 1;
      for (let i = s + 1; i <= cap; i += i & -i) tree[i]!--;
      this.pageAt[s] = -1;
      this.hist[d]!++;
    } else {
      this.live++;
      if (this.live > this.maxLive) this.maxLive = this.live;
      if (this.live + 1 >= this.hist.length) this.growHist();
      this.cold++;
    }
    const slot = this.t++;
    for (let i = slot + 1; i <= cap; i += i & -i) tree[i]!++;
    this.pageAt[slot] = p;
    this.last[p] = slot;
    return d;
  }

  /**
   * Feeds `count` page ids from a batch: `access` for each, inlined with the arrays in locals (they
   * are reloaded after a compaction or growth, the only times they change).
   */
  feed(ids: Int32Array | Uint32Array, count = ids.length): void {
    let last = this.last;
    let tree = this.tree;
    let pageAt = this.pageAt;
    let hist = this.hist;
    let cap = this.cap;
    let t = this.t;
    let live = this.live;
    let prev = count > 0 ? ~ids[0]! : 0; // differs from the first id
    for (let i = 0; i < count; i++) {
      const p = ids[i]!;
      if (p === prev) {
        hist[1]!++;
        continue;
      }
      prev = p;
      if (p >>> 0 >= last.length || t === cap) {
        this.t = t;
        this.live = live;
        if (p >>> 0 >= last.length) this.growPages(p);
        if (t === cap) this.compact();
        last = this.last;
        tree = this.tree;
        pageAt = this.pageAt;
        cap = this.cap;
        t = this.t;
      }
      const s = last[p]!;
      if (s >= 0) {
        let sum = 0;
        for (let j = s + 1; j > 0; j &= j - 1) sum += tree[j]!;
        for (let j = s + 1; j <= cap; j += j & -j) tree[j]!--;
        pageAt[s] = -1;
        hist[live - sum + 1]!++;
      } else {
        live++;
        if (live + 1 >= hist.length) {
          this.growHist();
          hist = this.hist;
        }
        this.cold++;
      }
      for (let j = t + 1; j <= cap; j += j & -j) tree[j]!++;
      pageAt[t] = p;
      last[p] = t++;
    }
    this.t = t;
    this.live = live;
    if (live > this.maxLive) this.maxLive = live;
    this.references += count;
  }

  /** Forgets page `p` (SHARDS fixed-size drops pages this way); its next reference is cold. */
  remove(p: number): void {
    if (p >= this.last.length) return;
    const s = this.last[p]!;
    if (s < 0) return;
    for (let i = s + 1; i <= this.cap; i += i & -i) this.tree[i]!--;
    this.pageAt[s] = -1;
    this.last[p] = -1;
    this.live--;
  }

  /** True when page `p` is on the stack. */
  has(p: number): boolean {
    return p < this.last.length && this.last[p]! >= 0;
  }

  /** The window size now (for tests: it stays O(distinct pages)). */
  get window(): number {
    return this.cap;
  }

  private growPages(p: number): void {
    if (!Number.isInteger(p) || p < 0 || p > 0x7ffffffe)
      throw new ConfigError("page id", p, "an integer in [0, 2^31 - 2]: dense page ids");
    let n = this.last.length * 2;
    while (n <= p) n *= 2;
    const a = new Int32Array(n).fill(-1);
    a.set(this.last);
    this.last = a;
  }

  private growHist(): void {
    const h = new Float64Array(this.hist.length * 2);
    h.set(this.hist);
    this.hist = h;
  }

  /** Renumbers the live marks to slots 0..live-1 in time order; doubles the window if over half full. */
  private compact(): void {
    this.compactions++;
    const old = this.pageAt;
    let cap = this.cap;
    while (this.live * 2 > cap) cap *= 2;
    const pageAt = cap === this.cap ? old : new Int32Array(cap);
    let j = 0;
    for (let s = 0; s < this.t; s++) {
      const p = old[s]!;
      if (p < 0) continue;
      pageAt[j] = p;
      this.last[p] = j;
      j++;
    }
    pageAt.fill(-1, j);
    this.pageAt = pageAt;
    if (cap !== this.cap) this.tree = new Int32Array(cap + 1);
    const tree = this.tree;
    // Linear Fenwick build over the marks in slots 0..j-1.
    for (let i = 1; i <= cap; i++) tree[i] = i <= j ? 1 : 0;
    for (let i = 1; i <= cap; i++) {
      const up = i + (i & -i);
      if (up <= cap) tree[up]! += tree[i]!;
    }
    this.cap = cap;
    this.t = j;
  }
}
