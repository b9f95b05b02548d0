// A binary min-heap of frames ordered by two keys (k1, then k2), in typed arrays with a position
// index, so a frame's keys can change in O(log n). OPT keys by -nextUse (furthest next use first);
// LFU by (frequency, arrival).

export class FrameHeap {
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  size = 0;

  constructor(frameCount: number) {
    this.k1 = new Float64Array(frameCount);
    this.k2 = new Float64Array(frameCount);
    this.heap = new Int32Array(frameCount);
    this.pos = new Int32Array(frameCount).fill(-1);
  }

  has(f: number): boolean {
    return this.pos[f]! >= 0;
  }

  /** The frame with the smallest keys, or -1. */
  top(): number {
    return this.size > 0 ? this.heap[0]! : -1;
  }

  /** The i-th entry in heap order (for scans past a frame that may not be taken). */
  at(i: number): number {
    return this.heap[i]!;
  }

  insert(f: number, a: number, b: number): void {
    this.k1[f] = a;
    this.k2[f] = b;
    this.heap[this.size] = f;
    this.pos[f] = this.size++;
    this.up(this.size - 1);
  }

  /** Changes the keys of a frame in the heap. */
  update(f: number, a: number, b: number): void {
    this.k1[f] = a;
    this.k2[f] = b;
    const i = this.pos[f]!;
    this.up(i);
    this.down(this.pos[f]!);
  }

  /**
   * update for keys no greater than the old: only a sift up can be needed, and the heap ends as
   * update would leave it (its sift down would find nothing to do). Greater keys go to update.
   */
  lower(f: number, a: number, b: number): void {
    const x = this.k1[f]!;
    if (a > x || (a === x && b > this.k2[f]!)) {
      this.update(f, a, b);
      return;
    }
    this.k1[f] = a;
    this.k2[f] = b;
    this.up(this.pos[f]!);
  }

  /** Changes the keys of the top frame: at the root, only a sift down can be needed. */
  rekeyTop(a: number, b: number): void {
    const f = this.heap[0]!;
    this.k1[f] = a;
    this.k2[f] = b;
    this.down(0);
  }

  remove(f: number): void {
    const i = this.pos[f]!;
    if (i < 0) return;
    this.pos[f] = -1;
    const last = this.heap[--this.size]!;
    if (i === this.size) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.up(i);
    this.down(this.pos[last]!);
  }

  private less(a: number, b: number): boolean {
    const x = this.k1[a]!;
    const y = this.k1[b]!;
    return x < y || (x === y && this.k2[a]! < this.k2[b]!);
  }

  private up(i: number): void {
    const heap = this.heap;
    const f = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const g = heap[p]!;
      if (!this.less(f, g)) break;
      heap[i] = g;
      this.pos[g] = i;
      i = p;
    }
    heap[i] = f;
    this.pos[f] = i;
  }

  private down(i: number): void {
    // less() written out: the hot path of OPT, LFU and NFU, where a call per comparison showed.
    const { heap, pos, k1, k2 } = this;
    const size = this.size;
    const f = heap[i]!;
    const fa = k1[f]!;
    const fb = k2[f]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      let ci = l;
      let c = heap[l]!;
      let ca = k1[c]!;
      let cb = k2[c]!;
      if (l + 1 < size) {
        const r = heap[l + 1]!;
        const ra = k1[r]!;
        if (ra < ca || (ra === ca && k2[r]! < cb)) {
          ci = l + 1;
          c = r;
          ca = ra;
          cb = k2[r]!;
        }
      }
      if (!(ca < fa || (ca === fa && cb < fb))) break;
      heap[i] = c;
      pos[c] = i;
      i = ci;
    }
    heap[i] = f;
    pos[f] = i;
  }
}
