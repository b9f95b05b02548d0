// CAR: Clock with Adaptive Replacement (Bansal and Modha, "CAR: Clock with adaptive replacement",
// FAST 2004).
// Theory: ARC's idea on clocks, so hits cost nothing but the hardware accessed bit. T1 (pages seen
// once recently) and T2 (seen twice or more) are clocks of frames; B1 and B2 are LRU ghost lists
// of pages evicted from each. To replace: if |T1| ≥ max(1, p), T1's hand examines its page: bit
// clear → evicted into B1's MRU end; bit set → cleared and the page moves to T2's tail; otherwise
// T2's hand does the same, a set bit sending the page to T2's tail again and a clear one into B2.
// After a replacement, a page in neither ghost list makes room in the directory (B1's LRU if
// |T1|+|B1| = c, else B2's LRU if the total is 2c). A new page enters T1's tail, a page found in B1
// enters T2 and raises p by max(1, |B2|/|B1|), one found in B2 enters T2 and lowers p by
// max(1, |B1|/|B2|). Every loaded page starts with its bit clear. A frame in transit met by a
// hand is treated as referenced (moved to T2's tail).
// Reads: the accessed bit only (no hits); the loaded page at admit.
// Parameters: none.
// Not in the reference set; checked by the conformance table and property tests only.

import { GhostLists } from "./ghosts.js";
import { NodeLists } from "./node-lists.js";
import { type NoParams, noParams } from "./params.js";
import {
  type FrameBits,
  NO_FRAME,
  type PolicyContext,
  type PolicyFactory,
  type ReplacementPolicy,
} from "./policy.js";
import { nodeEntries, type PolicyView, rNote } from "./view.js";

const T1 = 0;
const T2 = 1;
const B1 = 2;
const B2 = 3;

class Car implements ReplacementPolicy {
  readonly id = "car";
  private readonly lists: NodeLists;
  private readonly ghosts: GhostLists;
  private readonly c: number;
  private p = 0;
  /** A replacement ran since the last admit (the cache was full). */
  private replaced = false;

  constructor(
    private readonly bits: FrameBits,
    ctx: PolicyContext,
  ) {
    this.c = bits.frameCount;
    this.lists = new NodeLists(3 * this.c + 1, 4);
    this.ghosts = new GhostLists(this.lists, this.c, 2 * this.c + 1, ctx.pageSpace);
  }

  admit(f: number, page: number): void {
    const g = this.ghosts.find(page);
    const s = this.lists.size;
    if (g < 0 && this.replaced) {
      if (s[T1]! + s[B1]! >= this.c && s[B1]! > 0) this.ghosts.dropOldest(B1);
      else if (s[T1]! + s[T2]! + s[B1]! + s[B2]! >= 2 * this.c && s[B2]! > 0) this.ghosts.dropOldest(B2);
    }
    this.replaced = false;
    this.bits.clearReferenced(f);
    if (g < 0) {
      this.lists.pushTail(T1, f);
      return;
    }
    if (this.lists.listOf[g] === B1) this.p = Math.min(this.p + Math.max(1, s[B2]! / s[B1]!), this.c);
    else this.p = Math.max(this.p - Math.max(1, s[B1]! / s[B2]!), 0);
    this.ghosts.drop(g);
    this.lists.pushTail(T2, f);
  }

  forget(f: number, page: number, why: "evicted" | "freed" | "pinned"): void {
    const l = this.lists.listOf[f]!;
    this.lists.remove(f);
    if (why !== "evicted" || (l !== T1 && l !== T2)) return;
    this.ghosts.add(l === T1 ? B1 : B2, page, this.lists.size[B1]! > 0 ? B1 : B2);
  }

  selectVictim(): number {
    this.replaced = true;
    const l = this.lists;
    const bits = this.bits;
    for (let n = 3 * (l.size[T1]! + l.size[T2]!) + 2; n > 0; n--) {
      const fromT1 = l.size[T1]! >= Math.max(1, this.p) || l.size[T2] === 0;
      const list = fromT1 ? T1 : T2;
      const f = l.head[list]!;
      if (f < 0) return NO_FRAME;
      if (!bits.isEvictable(f)) l.moveToTail(T2, f);
      else if (!bits.referenced(f)) return f;
      else {
        bits.clearReferenced(f);
        l.moveToTail(T2, f);
      }
    }
    return this.anyEvictable();
  }

  /** Last resort when the clocks only meet frames in transit: any evictable frame. */
  private anyEvictable(): number {
    const { head, next } = this.lists;
    for (const list of [T1, T2]) {
      for (let f = head[list]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    }
    return NO_FRAME;
  }

  counters(): Readonly<Record<string, number>> {
    return { p: this.p };
  }

  /** T1 and T2 are clocks whose hand is at the head; B1 and B2 their ghosts, oldest first. */
  describe(): PolicyView {
    const { lists, c } = this;
    const page = (n: number) => this.ghosts.pageOf(n);
    const r = rNote(this.bits);
    const t1 = nodeEntries(lists, T1, c, page, r);
    const t2 = nodeEntries(lists, T2, c, page, r);
    return {
      lists: [
        { name: "T1", order: "from the hand", entries: t1, ...(t1.length > 0 ? { hands: { hand: 0 } } : {}) },
        { name: "T2", order: "from the hand", entries: t2, ...(t2.length > 0 ? { hands: { hand: 0 } } : {}) },
        { name: "B1", order: "oldest first", entries: nodeEntries(lists, B1, c, page), ghost: true },
        { name: "B2", order: "oldest first", entries: nodeEntries(lists, B2, c, page), ghost: true },
      ],
      values: { p: this.p },
    };
  }
}

export const car: PolicyFactory<NoParams> = {
  id: "car",
  summary: "clock with adaptive replacement: ARC's lists as clocks over the accessed bit (FAST 2004)",
  wantsHits: false,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("car"),
  create: (bits, _params, ctx) => new Car(bits, ctx),
};
