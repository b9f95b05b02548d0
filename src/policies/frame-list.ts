// A doubly linked list of frames in typed arrays (Zephyr lru.c's per-frame prev/next arrays):
// O(1) push, remove and move-to-tail with no allocation. Used by the queue-shaped policies.

import { InternalError } from "../core/errors.js";

const NIL = -1;

export class FrameList {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  private readonly inList: Uint8Array;
  head = NIL;
  tail = NIL;
  size = 0;

  constructor(frameCount: number) {
    this.prev = new Int32Array(frameCount).fill(NIL);
    this.next = new Int32Array(frameCount).fill(NIL);
    this.inList = new Uint8Array(frameCount);
  }

  has(f: number): boolean {
    return this.inList[f] === 1;
  }

  /**
   * Appends `f` (on no list) at the tail (most recent end). A frame already on the list would make
   * a cycle that every later scan loops on forever: a broken caller fails here instead.
   */
  pushTail(f: number): void {
    if (this.inList[f] === 1) throw new InternalError(`frame list: frame ${f} is already on the list`);
    this.prev[f] = this.tail;
    this.next[f] = NIL;
    if (this.tail === NIL) this.head = f;
    else this.next[this.tail] = f;
    this.tail = f;
    this.inList[f] = 1;
    this.size++;
  }

  /** Unlinks `f`; no-op if absent. */
  remove(f: number): void {
    if (this.inList[f] !== 1) return;
    const p = this.prev[f]!;
    const n = this.next[f]!;
    if (p === NIL) this.head = n;
    else this.next[p] = n;
    if (n === NIL) this.tail = p;
    else this.prev[n] = p;
    this.inList[f] = 0;
    this.size--;
  }

  /**
   * Moves `f` to the tail (appends it if absent): for a member, the unlink and the append fused,
   * without the stores the second undoes (the hit path of LRU).
   */
  moveToTail(f: number): void {
    const t = this.tail;
    if (t === f) return;
    if (this.inList[f] !== 1) {
      this.pushTail(f);
      return;
    }
    const { prev, next } = this;
    const p = prev[f]!;
    const x = next[f]!; // not NIL: f is not the tail
    if (p === NIL) this.head = x;
    else next[p] = x;
    prev[x] = p;
    prev[f] = t;
    next[f] = NIL;
    next[t] = f;
    this.tail = f;
  }
}
