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
// window/2 references at least, so O(1) amortized.
// The top of the stack is kept apart: the `top` most recent pages sit in a small move-to-front
// array with no slot and no mark, so a reference found there (in real programs, nearly all: 97 %
// of py50k-50m's references have distance ≤ 16) costs a few compares and moves and no tree work.
// The tree holds only the pages below; the page pushed out of the array takes the next slot,
// which is right, as it is more recent than every page below. A page's distance below the array
// is top + (marks after its slot) + 1.
// Nothing is allocated per reference: typed arrays only, grown by doubling when pages appear.

import { ConfigError } from "../core/errors.js";

const MIN_WINDOW = 1 << 12;
/** `last` value of a page in the move-to-front array. */
const IN_FRONT = -2;

export class StackDistances {
  /** Size of the move-to-front array over the top of the stack. */
  readonly top: number;
  /** The most recent pages, most recent first; `inTop` of them are valid. */
  private front: Int32Array;
  private inTop = 0;
  /** Window size (a power of two). */
  private cap = MIN_WINDOW;
  /** Fenwick tree over slots, 1-based: tree[i] counts marks in slots (i - lowbit(i), i]. */
  private tree = new Int32Array(MIN_WINDOW + 1);
  /** Page holding each slot's mark, or -1. */
  private pageAt = new Int32Array(MIN_WINDOW).fill(-1);
  /** Each page's slot below the array, IN_FRONT, or -1 (never seen, or removed). */
  private last = new Int32Array(1024).fill(-1);
  /** Next free slot. */
  private t = 0;
  /** Pages below the array (marks in the tree). */
  private below = 0;
  /** hist[d]: references at stack distance d ≥ 1. */
  hist = new Float64Array(1026);
  /** References with no earlier reference to their page. */
  cold = 0;
  references = 0;
  /** Deepest stack reached (distinct pages seen, less any removed). */
  maxLive = 0;
  /** Window compactions done (for tests and benches). */
  compactions = 0;
  private readonly one = new Int32Array(1);
  private lastDistance = 0;

  /** `top`: pages kept in the move-to-front array (default 16; tests vary it). */
  constructor(top = 16) {
    if (!Number.isInteger(top) || top < 1 || top > 1024)
      throw new ConfigError("stack-distance top", top, "an integer in [1, 1024]");
    this.top = top;
    this.front = new Int32Array(top);
  }

  /** Pages on the stack now. */
  get live(): number {
    return this.inTop + this.below;
  }

  /**
   * Records a reference to page `p` (a non-negative integer id; dense ids keep memory small) and
   * returns its stack distance, 0 for a first reference.
   */
  access(p: number): number {
    this.one[0] = p;
    this.feed(this.one, 1);
    return this.lastDistance;
  }

  /**
   * Feeds `count` page ids from a batch; `out`, if given, receives each reference's distance (0 for
   * a first reference). The arrays live in locals, reloaded after a compaction or a growth (the
   * only times they change).
   */
  feed(ids: Int32Array | Uint32Array, count = ids.length, out?: Int32Array): void {
    const front = this.front;
    const top = this.top;
    let last = this.last;
    let tree = this.tree;
    let pageAt = this.pageAt;
    let hist = this.hist;
    let cap = this.cap;
    let t = this.t;
    let below = this.below;
    let inTop = this.inTop;
    let d = 0;
    for (let i = 0; i < count; i++) {
      const p = ids[i]!;
      if (p >>> 0 >= last.length || t === cap) {
        this.t = t;
        this.below = below;
        if (p >>> 0 >= last.length) this.growPages(p);
        if (t === cap) this.compact();
        last = this.last;
        tree = this.tree;
        pageAt = this.pageAt;
        cap = this.cap;
        t = this.t;
      }
      const s = last[p]!;
      if (s === IN_FRONT) {
        // In the array: the distance is its index + 1; move it to the front.
        let j = 0;
        while (front[j] !== p) j++;
        d = j + 1;
        hist[d]!++;
        if (out !== undefined) out[i] = d;
        for (; j > 0; j--) front[j] = front[j - 1]!;
        front[0] = p;
        continue;
      }
      if (s >= 0) {
        let sum = 0;
        for (let j = s + 1; j > 0; j &= j - 1) sum += tree[j]!;
        d = inTop + below - sum + 1;
        for (let j = s + 1; j <= cap; j += j & -j) tree[j]!--;
        pageAt[s] = -1;
        below--;
        hist[d]!++;
      } else {
        d = 0;
        if (inTop + below + 2 >= hist.length) {
          this.growHist();
          hist = this.hist;
        }
        this.cold++;
      }
      // p goes to the front; the array's last page, if the array is full, goes below.
      let j = inTop;
      if (inTop === top) {
        const q = front[top - 1]!;
        for (let k = t + 1; k <= cap; k += k & -k) tree[k]!++;
        pageAt[t] = q;
        last[q] = t++;
        below++;
        j = top - 1;
      } else inTop++;
      for (; j > 0; j--) front[j] = front[j - 1]!;
      front[0] = p;
      last[p] = IN_FRONT;
      if (out !== undefined) out[i] = d;
      if (inTop + below > this.maxLive) this.maxLive = inTop + below;
    }
    this.t = t;
    this.below = below;
    this.inTop = inTop;
    this.lastDistance = d;
    this.references += count;
  }

  /** Forgets page `p` (SHARDS fixed-size drops pages this way); its next reference is cold. */
  remove(p: number): void {
    if (p >>> 0 >= this.last.length) return;
    const s = this.last[p]!;
    if (s === IN_FRONT) {
      let j = 0;
      while (this.front[j] !== p) j++;
      for (; j + 1 < this.inTop; j++) this.front[j] = this.front[j + 1]!;
      this.inTop--;
      // Refill the array's end with the most recent page below, if any.
      if (this.below > 0) {
        let m = this.t - 1;
        while (this.pageAt[m]! < 0) m--;
        const q = this.pageAt[m]!;
        this.unmark(m);
        this.front[this.inTop++] = q;
        this.last[q] = IN_FRONT;
      }
    } else if (s >= 0) this.unmark(s);
    else return;
    this.last[p] = -1;
  }

  private unmark(s: number): void {
    for (let i = s + 1; i <= this.cap; i += i & -i) this.tree[i]!--;
    this.pageAt[s] = -1;
    this.below--;
  }

  /** True when page `p` is on the stack. */
  has(p: number): boolean {
    return p >>> 0 < this.last.length && this.last[p]! !== -1;
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

  /** Renumbers the marks to slots 0..below-1 in time order; doubles the window if over half full. */
  private compact(): void {
    this.compactions++;
    const old = this.pageAt;
    let cap = this.cap;
    while (this.below * 2 > cap) cap *= 2;
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
