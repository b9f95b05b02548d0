// Dense page ids for streaming: page numbers (any integers in [0, 2^53)), keyed by (pid, page) as
// cli/engine.ts keys multi-process traces (pageKey; pid 0's key is the page itself), become ids
// 0, 1, 2 ... in order of first appearance, as sim/replay.ts densify gives them for a whole trace.
// An open-addressing table in typed arrays: no allocation per reference, only when it doubles.

import { MAX_ASID, pageKey } from "../core/addr.js";

/** Page numbers (any integers in [0, 2^53)) → dense ids in order of first appearance. */
export class PageIds {
  private cap = 1 << 12;
  private keys = new Float64Array(this.cap);
  private vals = new Int32Array(this.cap).fill(-1);
  /** The key of each id. */
  private order = new Float64Array(1 << 10);
  size = 0;

  /** The key of id `id` (a page number, or a pageKey for pids other than 0). */
  keyOf(id: number): number {
    return this.order[id]!;
  }

  /** The id of (pid, page), added if new. */
  idOf(page: number, pid: number): number {
    const key = pid === 0 ? page : pageKey(pid & MAX_ASID, page);
    let h = hashKey(key) & (this.cap - 1);
    for (;;) {
      const v = this.vals[h]!;
      if (v < 0) return this.add(key, h);
      if (this.keys[h] === key) return v;
      h = (h + 1) & (this.cap - 1);
    }
  }

  /** The id of (pid, page), or -1 when it has none (nothing is added). */
  find(page: number, pid: number): number {
    const key = pid === 0 ? page : pageKey(pid & MAX_ASID, page);
    let h = hashKey(key) & (this.cap - 1);
    for (;;) {
      const v = this.vals[h]!;
      if (v < 0 || this.keys[h] === key) return v;
      h = (h + 1) & (this.cap - 1);
    }
  }

  /**
   * Writes the ids of refs [from, to) to `ids` and their write flags (S, M) to `writes`, at the
   * same indexes. Allocates only when the table grows (doubling, so O(log pages) times in all).
   */
  map(
    pages: Float64Array,
    kinds: Uint8Array,
    pids: Int32Array,
    from: number,
    to: number,
    ids: Int32Array,
    writes: Uint8Array,
  ): void {
    let keys = this.keys;
    let vals = this.vals;
    let mask = this.cap - 1;
    // Cache of the last page and its id: runs of references to one page are common.
    let lastKey = -1;
    let lastId = -1;
    for (let i = from; i < to; i++) {
      const pid = pids[i]!;
      const key = pid === 0 ? pages[i]! : pageKey(pid & MAX_ASID, pages[i]!);
      writes[i] = kinds[i]! >>> 1;
      if (key === lastKey) {
        ids[i] = lastId;
        continue;
      }
      let h = hashKey(key) & mask;
      let v: number;
      for (;;) {
        v = vals[h]!;
        if (v < 0 || keys[h] === key) break;
        h = (h + 1) & mask;
      }
      if (v < 0) {
        v = this.add(key, h);
        keys = this.keys;
        vals = this.vals;
        mask = this.cap - 1;
      }
      ids[i] = v;
      lastKey = key;
      lastId = v;
    }
  }

  private add(key: number, h: number): number {
    const id = this.size++;
    this.keys[h] = key;
    this.vals[h] = id;
    if (id === this.order.length) {
      const o = new Float64Array(2 * this.order.length);
      o.set(this.order);
      this.order = o;
    }
    this.order[id] = key;
    if (this.size * 2 > this.cap) {
      this.cap *= 2;
      this.keys = new Float64Array(this.cap);
      this.vals = new Int32Array(this.cap).fill(-1);
      const mask = this.cap - 1;
      for (let k = 0; k < this.size; k++) {
        const kk = this.order[k]!;
        let j = hashKey(kk) & mask;
        while (this.vals[j]! >= 0) j = (j + 1) & mask;
        this.keys[j] = kk;
        this.vals[j] = k;
      }
    }
    return id;
  }
}

function hashKey(p: number): number {
  const lo = p >>> 0;
  const hi = (p / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
