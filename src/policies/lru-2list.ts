// LRU-2list: Linux's active and inactive lists, the "modified second chance" kswapd runs (Gorman,
// Understanding the Linux Virtual Memory Manager, ch. 10; mm/vmscan.c shrink_active_list and
// shrink_inactive_list, folio_check_references).
// Theory: a new page enters the inactive list's tail. Reclaim first balances the lists: while the
// active list is larger than `ratio` times the inactive one, the oldest active page is deactivated
// (its accessed bit cleared, moved to the inactive tail). Then it scans the inactive list from the
// oldest page: accessed bit clear → the victim; set, and the page already had its software
// "referenced" flag (PG_referenced: it was seen accessed by an earlier scan) → activated (to the
// active tail, flag cleared); set for the first time → the flag is set, the bit cleared and the
// page rotates to the inactive tail (its second chance). So a page must be found accessed by two
// scans while inactive to be promoted, and the active list is aged only by deactivation.
// Reads: the accessed bit only.
// Parameters: ratio (largest active:inactive size ratio before deactivation, default 1).
// A model: no LRU batching, no separate anon/file lists, no swappiness, no refault distance.

import { FrameList } from "./frame-list.js";
import { checkKeys, numberParam } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { listEntries, type PolicyView } from "./view.js";

export interface Lru2ListParams {
  readonly ratio: number;
}

class Lru2List implements ReplacementPolicy {
  readonly id = "lru-2list";
  private readonly active: FrameList;
  private readonly inactive: FrameList;
  private readonly flagged: Uint8Array;
  private activations = 0;
  private deactivations = 0;

  constructor(
    private readonly bits: FrameBits,
    private readonly params: Lru2ListParams,
  ) {
    this.active = new FrameList(bits.frameCount);
    this.inactive = new FrameList(bits.frameCount);
    this.flagged = new Uint8Array(bits.frameCount);
  }

  admit(f: number): void {
    this.flagged[f] = 0;
    this.inactive.pushTail(f);
  }

  forget(f: number): void {
    this.active.remove(f);
    this.inactive.remove(f);
    this.flagged[f] = 0;
  }

  selectVictim(): number {
    this.balance();
    const { bits, inactive } = this;
    let busy = 0;
    for (let seen = 0, limit = 3 * (inactive.size + this.active.size) + 1; seen < limit; seen++) {
      if ((inactive.size === 0 || busy >= inactive.size) && !this.deactivateOne()) break;
      if (busy >= inactive.size) busy = 0;
      const f = inactive.head;
      if (!bits.isEvictable(f)) {
        inactive.moveToTail(f);
        busy++;
      } else if (!bits.referenced(f)) return f;
      else this.secondLook(f);
    }
    return this.anyEvictable();
  }

  /** Last resort when the scans only meet frames in transit: any evictable frame. */
  private anyEvictable(): number {
    for (const list of [this.inactive, this.active]) {
      for (let f = list.head; f >= 0; f = list.next[f]!) if (this.bits.isEvictable(f)) return f;
    }
    return NO_FRAME;
  }

  counters(): Readonly<Record<string, number>> {
    return { activations: this.activations, deactivations: this.deactivations, active: this.active.size };
  }

  /** An inactive page found accessed: activated if flagged before, else flagged and rotated. */
  private secondLook(f: number): void {
    this.bits.clearReferenced(f);
    if (this.flagged[f] === 1) {
      this.flagged[f] = 0;
      this.inactive.remove(f);
      this.active.pushTail(f);
      this.activations++;
    } else {
      this.flagged[f] = 1;
      this.inactive.moveToTail(f);
    }
  }

  private balance(): void {
    while (this.active.size > this.params.ratio * this.inactive.size && this.deactivateOne());
  }

  private deactivateOne(): boolean {
    const f = this.active.head;
    if (f < 0) return false;
    this.bits.clearReferenced(f);
    this.active.remove(f);
    this.inactive.pushTail(f);
    this.deactivations++;
    return true;
  }

  /** The inactive list (the next victim first), then the active list, oldest first; "*": flagged referenced. */
  describe(): PolicyView {
    const note = (f: number) =>
      `${this.bits.referenced(f) ? "R=1" : "R=0"}${this.flagged[f] === 1 ? "*" : ""}`;
    return {
      lists: [
        {
          name: "inactive",
          order: "oldest first (examined first)",
          entries: listEntries(this.inactive, note),
        },
        { name: "active", order: "oldest first", entries: listEntries(this.active, note) },
      ],
    };
  }
}

const PARAMS = { ratio: { default: "1", doc: "largest active:inactive size ratio before deactivation" } };

export const lru2List: PolicyFactory<Lru2ListParams> = {
  id: "lru-2list",
  summary: "Linux-style active and inactive lists with a referenced flag (kswapd's second chance)",
  wantsHits: false,
  needsFuture: false,
  params: PARAMS,
  defaults: { ratio: 1 },
  parseParams(raw) {
    checkKeys("lru-2list", raw, PARAMS);
    return { ratio: numberParam("lru-2list", raw, "ratio", 1, { min: 0, max: 1000 }) };
  },
  create: (bits, params) => new Lru2List(bits, params),
};
