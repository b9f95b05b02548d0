// Ghost lists, for the policies that remember pages no longer resident (ARC's B1 and B2, CAR's,
// 2Q's A1out, S3-FIFO's G, LIRS's non-resident HIR pages): ghost nodes from a GhostPool (ids past
// the frames, found by page) kept on lists of the policy's own NodeLists, so a ghost and a frame
// move between lists alike. One place for find, take, remember (dropping the oldest ghost when no
// node is free) and forget. Every operation is O(1) and allocates nothing.

import type { NodeLists } from "./node-lists.js";
import { GhostPool } from "./page-map.js";

export class GhostLists {
  private readonly pool: GhostPool;

  /**
   * Ghost nodes [base, base + capacity) on `lists`; `also` is a second NodeLists a ghost may sit
   * on at the same time (LIRS: the stack S besides NH), left when the ghost is dropped.
   */
  constructor(
    private readonly lists: NodeLists,
    base: number,
    capacity: number,
    pageSpace: number,
    private readonly also: NodeLists | null = null,
  ) {
    this.pool = new GhostPool(base, capacity, pageSpace);
  }

  /** Ghost nodes in all (0: the policy keeps no history). */
  get capacity(): number {
    return this.pool.capacity;
  }

  /** The page ghost node `g` remembers (for display: describe()). */
  pageOf(g: number): number {
    return this.pool.pageOf(g);
  }

  /** The ghost node of `page`, or -1. */
  find(page: number): number {
    return this.pool.find(page);
  }

  /** Forgets ghost node `g`: off its lists, its page forgotten, the node free. */
  drop(g: number): void {
    this.lists.remove(g);
    if (this.also !== null) this.also.remove(g);
    this.pool.release(g);
  }

  /** Forgets the oldest ghost of `list` (which must not be empty). */
  dropOldest(list: number): void {
    this.drop(this.lists.head[list]!);
  }

  /** If `page` has a ghost, forgets it and returns the list it was on; else returns -1. */
  take(page: number): number {
    const g = this.pool.find(page);
    if (g < 0) return -1;
    const l = this.lists.listOf[g]!;
    this.drop(g);
    return l;
  }

  /**
   * Remembers `page` (which has no ghost) as the newest ghost of `list`; when no node is free, the
   * oldest ghost of `whenFull` goes first. Returns the ghost node.
   */
  add(list: number, page: number, whenFull: number): number {
    if (this.pool.available() === 0) this.dropOldest(whenFull);
    const g = this.pool.add(page);
    this.lists.pushTail(list, g);
    return g;
  }
}
