// MGLRU: a small model of Linux's multi-generational LRU (Yu Zhao, mm/vmscan.c since 6.1;
// Documentation/admin-guide/mm/multigen_lru.rst). This is a model, not the kernel's algorithm.
// Theory: resident pages belong to generations numbered by sequence, between minSeq (oldest) and
// maxSeq (youngest), at most `gens` at once. A new page joins the youngest generation. Aging makes
// a new youngest generation and walks every resident page, moving each whose accessed bit is set
// (clearing it) into it, as the kernel's page-table walk does. Eviction takes pages from the
// oldest generation in order: one whose accessed bit is set is promoted to the youngest generation
// instead (the kernel's look-around), as is one that cannot be taken now (in transit); the first
// with a clear bit is the victim. When fewer than
// two generations would remain, or the oldest is empty, aging runs first (or minSeq advances).
// Reads: the accessed bit only.
// Parameters: gens (generations kept, 2-16, default 4).
// Left out of the model: tiers and refault-driven protection, the PID controller between anon and
// file pages, Bloom filters for the walk, batching.

import { NodeLists } from "./node-lists.js";
import { checkKeys, numberParam } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { nodeEntries, type PolicyView, type PolicyViewList, rNote } from "./view.js";

export interface MglruParams {
  readonly gens: number;
}

class Mglru implements ReplacementPolicy {
  readonly id = "mglru";
  private readonly lists: NodeLists;
  private readonly gen: Float64Array;
  private minSeq = 0;
  private maxSeq = 1;
  private agings = 0;

  constructor(
    private readonly bits: FrameBits,
    private readonly params: MglruParams,
  ) {
    this.lists = new NodeLists(bits.frameCount, params.gens);
    this.gen = new Float64Array(bits.frameCount);
  }

  admit(f: number): void {
    this.place(f, this.maxSeq);
  }

  forget(f: number): void {
    this.lists.remove(f);
  }

  selectVictim(): number {
    const { bits, lists } = this;
    for (let n = 4 * bits.frameCount + 4 * this.params.gens; n > 0; n--) {
      if (this.maxSeq - this.minSeq + 1 < 2 || this.total() === lists.size[this.slot(this.maxSeq)])
        this.age();
      const l = this.slot(this.minSeq);
      const f = lists.head[l]!;
      if (f < 0) {
        if (this.minSeq < this.maxSeq) this.minSeq++;
        else this.age();
        continue;
      }
      if (!bits.isEvictable(f)) this.place(f, this.maxSeq);
      else if (!bits.referenced(f)) return f;
      else {
        bits.clearReferenced(f);
        this.place(f, this.maxSeq);
      }
    }
    return NO_FRAME;
  }

  counters(): Readonly<Record<string, number>> {
    return { generations: this.maxSeq - this.minSeq + 1, agings: this.agings };
  }

  private total(): number {
    let t = 0;
    for (let s = this.minSeq; s <= this.maxSeq; s++) t += this.lists.size[this.slot(s)]!;
    return t;
  }

  private slot(seq: number): number {
    return seq % this.params.gens;
  }

  private place(f: number, seq: number): void {
    this.gen[f] = seq;
    this.lists.moveToTail(this.slot(seq), f);
  }

  /** A new youngest generation gathers every page accessed since the last walk. */
  private age(): void {
    if (this.maxSeq - this.minSeq + 1 >= this.params.gens) this.mergeOldest();
    this.maxSeq++;
    this.agings++;
    const young = this.slot(this.maxSeq);
    const { lists, bits } = this;
    for (let s = this.minSeq; s < this.maxSeq; s++) {
      const l = this.slot(s);
      for (let f = lists.head[l]!, n = lists.size[l]!; n > 0; n--) {
        const next = lists.next[f]!;
        if (bits.referenced(f)) {
          bits.clearReferenced(f);
          this.gen[f] = this.maxSeq;
          lists.moveToTail(young, f);
        }
        f = next;
      }
    }
  }

  /** No room for another generation: the oldest joins the next one (at its old end). */
  private mergeOldest(): void {
    const from = this.slot(this.minSeq);
    const into = this.slot(this.minSeq + 1);
    const { lists } = this;
    let insertBefore = lists.head[into]!;
    for (let f = lists.tail[from]!; f >= 0; f = lists.tail[from]!) {
      lists.remove(f);
      if (insertBefore < 0) lists.pushTail(into, f);
      else this.pushBefore(into, insertBefore, f);
      this.gen[f] = this.minSeq + 1;
      insertBefore = f;
    }
    this.minSeq++;
  }

  private pushBefore(l: number, at: number, f: number): void {
    const { lists } = this;
    const p = lists.prev[at]!;
    lists.prev[f] = p;
    lists.next[f] = at;
    lists.prev[at] = f;
    if (p < 0) lists.head[l] = f;
    else lists.next[p] = f;
    lists.listOf[f] = l;
    lists.size[l]!++;
  }

  /** Generations oldest first (evicted from), each list oldest first. */
  describe(): PolicyView {
    const r = rNote(this.bits);
    const c = this.bits.frameCount;
    const lists: PolicyViewList[] = [];
    for (let s = this.minSeq; s <= this.maxSeq; s++) {
      lists.push({
        name: `gen ${s}`,
        order: "oldest first",
        entries: nodeEntries(this.lists, this.slot(s), c, () => -1, r),
      });
    }
    return { lists };
  }
}

const PARAMS = { gens: { default: "4", doc: "generations kept at once, 2-16" } };

export const mglru: PolicyFactory<MglruParams> = {
  id: "mglru",
  summary: "a small model of Linux's multi-generational LRU (generations aged by accessed bits)",
  wantsHits: false,
  needsFuture: false,
  params: PARAMS,
  defaults: { gens: 4 },
  parseParams(raw) {
    checkKeys("mglru", raw, PARAMS);
    return { gens: numberParam("mglru", raw, "gens", 4, { min: 2, max: 16, integer: true }) };
  },
  create: (bits, params) => new Mglru(bits, params),
};
