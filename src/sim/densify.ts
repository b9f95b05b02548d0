// Dense page ids: maps arbitrary page numbers (a trace's, below 2^53) to ids in [0, pageSpace) in
// order of first appearance, as replay mode (sim/replay.ts) and the frame-count searches need them,
// with an open-addressing hash in typed arrays (no Map, no allocation per reference).

/** Dense ids for arbitrary page numbers: ids in order of first appearance. */
export interface DenseTrace {
  readonly ids: Int32Array;
  readonly pageSpace: number;
  /** The page number of each id. */
  readonly pageOfId: Float64Array;
}

/**
 * Maps page numbers (any non-negative integers below 2^53) to dense ids in [0, pageSpace), in order
 * of first appearance, with an open-addressing hash in typed arrays (no Map, no per-reference
 * allocation).
 */
export function densify(pages: ArrayLike<number>, count: number): DenseTrace {
  const ids = new Int32Array(count);
  let cap = 1024;
  let keys: Float64Array = new Float64Array(cap);
  let vals: Int32Array = new Int32Array(cap).fill(-1);
  let order: Float64Array = new Float64Array(256);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const p = pages[i]!;
    let h = hashPage(p) & (cap - 1);
    for (;;) {
      const v = vals[h]!;
      if (v < 0) break;
      if (keys[h] === p) break;
      h = (h + 1) & (cap - 1);
    }
    if (vals[h]! >= 0) {
      ids[i] = vals[h]!;
      continue;
    }
    keys[h] = p;
    vals[h] = n;
    if (n === order.length) order = grow(order);
    order[n] = p;
    ids[i] = n++;
    if (n * 2 > cap) {
      cap *= 2;
      ({ keys, vals } = rehash(order, n, cap));
    }
  }
  return { ids, pageSpace: n, pageOfId: order.slice(0, n) };
}

function hashPage(p: number): number {
  const lo = p >>> 0;
  const hi = (p / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function rehash(order: Float64Array, n: number, cap: number): { keys: Float64Array; vals: Int32Array } {
  const keys = new Float64Array(cap);
  const vals = new Int32Array(cap).fill(-1);
  for (let id = 0; id < n; id++) {
    const p = order[id]!;
    let h = hashPage(p) & (cap - 1);
    while (vals[h]! >= 0) h = (h + 1) & (cap - 1);
    keys[h] = p;
    vals[h] = id;
  }
  return { keys, vals };
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
