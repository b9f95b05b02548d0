// Streaming page numbering for the one-pass curves: maps page numbers as trace readers give them
// (Float64 page numbers of any size, batch by batch) to dense ids 0, 1, 2... in order of first
// appearance, with an open-addressing hash table that grows by doubling. Memory is O(distinct
// pages); nothing is allocated per reference.

export class DenseIds {
  private cap = 1024;
  private keys = new Float64Array(1024);
  private vals = new Int32Array(1024).fill(-1);
  /** Distinct pages numbered so far. */
  size = 0;

  /** Writes the dense id of each of `pages[0..count)` into `out` (which must hold `count`). */
  map(pages: ArrayLike<number>, count: number, out: Int32Array): Int32Array {
    for (let i = 0; i < count; i++) out[i] = this.idOf(pages[i]!);
    return out;
  }

  /** The id of page `p`, numbering it if new. */
  idOf(p: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.cap - 1;
    for (let h = hash(p) & mask; ; h = (h + 1) & mask) {
      const v = vals[h]!;
      if (v < 0) {
        keys[h] = p;
        vals[h] = this.size;
        if (++this.size * 2 > this.cap) this.grow();
        return this.size - 1;
      }
      if (keys[h] === p) return v;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    this.cap *= 2;
    this.keys = new Float64Array(this.cap);
    this.vals = new Int32Array(this.cap).fill(-1);
    const mask = this.cap - 1;
    for (let i = 0; i < oldVals.length; i++) {
      const v = oldVals[i]!;
      if (v < 0) continue;
      let h = hash(oldKeys[i]!) & mask;
      while (this.vals[h]! >= 0) h = (h + 1) & mask;
      this.keys[h] = oldKeys[i]!;
      this.vals[h] = v;
    }
  }
}

function hash(p: number): number {
  const lo = p >>> 0;
  const hi = (p / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
