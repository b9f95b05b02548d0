// Several doubly linked lists over one space of node ids, in typed arrays: a node is on at most one
// list at a time. Policies with ghost entries (ARC, CAR, 2Q, S3-FIFO, LIRS, CLOCK-Pro) use node
// ids [0, frameCount) for resident frames and [frameCount, frameCount + ghosts) for pages that
// have left memory, so one structure holds T1, T2, B1 and B2 and a node moves between them in O(1).
// Order: head is the oldest (LRU, FIFO front) end, tail the newest.

import { InternalError } from "../core/errors.js";

export const NIL = -1;

export class NodeLists {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  /** Which list a node is on, or -1. */
  readonly listOf: Int8Array;
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly size: Int32Array;

  constructor(nodeCount: number, listCount: number) {
    this.prev = new Int32Array(nodeCount).fill(NIL);
    this.next = new Int32Array(nodeCount).fill(NIL);
    this.listOf = new Int8Array(nodeCount).fill(-1);
    this.head = new Int32Array(listCount).fill(NIL);
    this.tail = new Int32Array(listCount).fill(NIL);
    this.size = new Int32Array(listCount);
  }

  /** Appends `n` (on no list) at the tail of list `l`. */
  pushTail(l: number, n: number): void {
    // A node already on a list would make a cycle that later scans loop on: fail fast instead.
    if (this.listOf[n] !== -1)
      throw new InternalError(`node lists: node ${n} is already on list ${this.listOf[n]}`);
    const t = this.tail[l]!;
    this.prev[n] = t;
    this.next[n] = NIL;
    if (t === NIL) this.head[l] = n;
    else this.next[t] = n;
    this.tail[l] = n;
    this.listOf[n] = l;
    this.size[l]!++;
  }

  /** Unlinks `n` from its list; no-op if it is on none. */
  remove(n: number): void {
    const l = this.listOf[n]!;
    if (l < 0) return;
    const p = this.prev[n]!;
    const x = this.next[n]!;
    if (p === NIL) this.head[l] = x;
    else this.next[p] = x;
    if (x === NIL) this.tail[l] = p;
    else this.prev[x] = p;
    this.prev[n] = NIL;
    this.next[n] = NIL;
    this.listOf[n] = -1;
    this.size[l]!--;
  }

  /**
   * Moves `n` (on any list or none) to the tail of list `l`: remove and pushTail fused, without
   * the stores the second undoes (the hit path of LRU-like policies).
   */
  moveToTail(l: number, n: number): void {
    const tail = this.tail;
    const t = tail[l]!;
    const from = this.listOf[n]!;
    if (t === n && from === l) return;
    const prev = this.prev;
    const next = this.next;
    if (from >= 0) {
      const p = prev[n]!;
      const x = next[n]!;
      if (p === NIL) this.head[from] = x;
      else next[p] = x;
      if (x === NIL) tail[from] = p;
      else prev[x] = p;
      if (from !== l) this.size[from]!--;
    }
    // tail[l] is still t: n was not l's tail (else it returned above).
    prev[n] = t;
    next[n] = NIL;
    if (t === NIL) this.head[l] = n;
    else next[t] = n;
    tail[l] = n;
    if (from === l) return;
    this.listOf[n] = l;
    this.size[l]!++;
  }

  /**
   * Moves `n`, which is on list `l`, to `l`'s tail: moveToTail for a node known to stay on its
   * list, without the list and size bookkeeping (the hit path of ARC's T2 and LIRS's stack).
   */
  moveWithin(l: number, n: number): void {
    const tail = this.tail;
    const t = tail[l]!;
    if (t === n) return;
    const prev = this.prev;
    const next = this.next;
    const p = prev[n]!;
    const x = next[n]!; // not NIL: n is not the tail
    if (p === NIL) this.head[l] = x;
    else next[p] = x;
    prev[x] = p;
    prev[n] = t;
    next[n] = NIL;
    next[t] = n;
    tail[l] = n;
  }

  /** Puts `n` (on no list) in the place of `old` (on a list), which leaves its list. */
  replace(old: number, n: number): void {
    const l = this.listOf[old]!;
    const p = this.prev[old]!;
    const x = this.next[old]!;
    this.prev[n] = p;
    this.next[n] = x;
    if (p === NIL) this.head[l] = n;
    else this.next[p] = n;
    if (x === NIL) this.tail[l] = n;
    else this.prev[x] = n;
    this.listOf[n] = l;
    this.prev[old] = NIL;
    this.next[old] = NIL;
    this.listOf[old] = -1;
  }
}
