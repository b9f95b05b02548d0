// ARC: adaptive replacement cache (Megiddo and Modha, "ARC: a self-tuning, low overhead
// replacement cache", FAST 2003).
// Theory: T1 holds pages seen once recently, T2 pages seen at least twice (both LRU); ghost lists
// B1 and B2 remember the pages evicted from each (pages only, no frames), |T1|+|B1| ≤ c and the
// total ≤ 2c. A target p for |T1| adapts: a miss found in B1 says T1 was too small (p grows by
// max(|B2|/|B1|, 1)), one found in B2 says the opposite. REPLACE evicts T1's LRU page into B1 if
// |T1| > p (or = p on a B2 hit), else T2's LRU into B2. A hit in T1 or T2 moves the page to T2's
// MRU end; a ghost hit loads the page into T2.
// Reads: every access (wantsHits) and the page being loaded (selectVictim's `incoming`, to resolve
// a ghost hit before REPLACE as the paper does).
// Parameters: none (p starts at 0 and is a real number, as in libCacheSim since 2023).
// Follows libCacheSim's ARC.c, including its REPLACE taking T1 when T2 is empty and its case IV
// evicting T1's LRU without a ghost when B1 is empty; matches its counts (test/golden).
// Speed: while the frames are few (at most STAMP_MAX_FRAMES), T1 and T2 are kept by stamps
// instead of linked lists, since nearly every reference is a hit: a hit only stores a counter's
// next value in the frame's stamp. A frame admitted into T1 is still in T1 while its stamp is the
// one it got at admission (any hit moves a T1 page to T2); both lists are in stamp order (a list's
// order is that of pushes at its most recent end, each taking the next stamp). selectVictim scans
// the frames once for both lists' sizes and least recent evictable frames. When those scans cost
// more than STAMP_SCAN_BUDGET frames per stamp, T1 and T2 become linked lists again, built in
// stamp order. The ghost lists B1 and B2 are always linked.

import { InternalError } from "../core/errors.js";
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
import { frameEntry, nodeEntries, type PolicyView } from "./view.js";

const T1 = 0;
const T2 = 1;
const B1 = 2;
const B2 = 3;

/** T1 and T2 by stamps for at most this many frames (selectVictim scans the frames). */
const STAMP_MAX_FRAMES = 4096;
/** Frames scanned per stamp given, past which T1 and T2 go back to linked lists. */
const STAMP_SCAN_BUDGET = 8;
const STAMP_SCAN_SLACK = 1 << 22;
/** A frame's state while stamped: on no list, admitted into T1, admitted into T2. */
const NONE = 0;
const IN_T1 = 1;
const IN_T2 = 2;

class Arc implements ReplacementPolicy {
  readonly id = "arc";
  /** A touched frame is at its list's most recent end: touching it again changes nothing. */
  readonly repeatTouchIsNoop = true;
  private readonly lists: NodeLists;
  private readonly ghosts: GhostLists;
  private readonly c: number;
  private readonly noGhost: Uint8Array;
  private p = 0;
  /** T1 and T2 kept by stamps (see the file's note); when false, they are linked on `lists`. */
  private stamped: boolean;
  /** While `stamped`: each frame's last touch or admission, in `clock` ticks. */
  private readonly stamp: Float64Array;
  /** While `stamped`: each frame's stamp at admission (still its stamp: the frame is in T1 if admitted there). */
  private readonly born: Float64Array;
  /** While `stamped`: NONE, IN_T1 or IN_T2, the list each frame was admitted into. */
  private readonly admitted: Uint8Array;
  private clock = 0;
  /** While `stamped`: the replay writes the stamps (replayStamps), `clock` is the reference index it gave. */
  private external = false;
  /** While `external`: the scans passed their budget; the replay calls unstamp between its loops. */
  private overBudget = false;
  /** Frames scanned by selectVictim so far, against STAMP_SCAN_BUDGET. */
  private scanned = 0;
  /** While `stamped`, from selectVictim's scan: the lists' sizes and least recent evictable frames. */
  private t1Size = 0;
  private t2Size = 0;
  private t1Oldest = -1;
  private t2Oldest = -1;
  private resolvedPage = Number.NaN;
  /** 0: the incoming page was in no ghost list; 1: in B1; 2: in B2. */
  private ghostHit = 0;

  constructor(
    private readonly bits: FrameBits,
    ctx: PolicyContext,
  ) {
    this.c = bits.frameCount;
    this.lists = new NodeLists(3 * this.c, 4);
    this.ghosts = new GhostLists(this.lists, this.c, 2 * this.c, ctx.pageSpace);
    this.noGhost = new Uint8Array(this.c);
    this.stamped = this.c <= STAMP_MAX_FRAMES;
    const n = this.stamped ? this.c : 0;
    this.stamp = new Float64Array(n);
    this.born = new Float64Array(n);
    this.admitted = new Uint8Array(n);
  }

  admit(f: number, page: number): void {
    if (this.resolvedPage !== page) this.resolve(page);
    if (this.stamped) {
      if (this.admitted[f] !== NONE) throw new InternalError(`arc: frame ${f} admitted twice`);
      this.admitted[f] = this.ghostHit !== 0 ? IN_T2 : IN_T1;
      const t = this.external ? this.clock : ++this.clock;
      this.stamp[f] = t;
      this.born[f] = t;
    } else this.lists.pushTail(this.ghostHit !== 0 ? T2 : T1, f);
    this.resolvedPage = Number.NaN;
    this.ghostHit = 0;
  }

  touch(f: number): void {
    if (this.stamped) {
      this.stamp[f] = ++this.clock;
      return;
    }
    const l = this.lists.listOf[f]!;
    if (l === T2) this.lists.moveWithin(T2, f);
    else if (l === T1) this.lists.moveToTail(T2, f);
  }

  forget(f: number, page: number, why: "evicted" | "freed" | "pinned"): void {
    const l = this.listOf(f);
    if (this.stamped) this.admitted[f] = NONE;
    else this.lists.remove(f);
    const keep = why === "evicted" && this.noGhost[f] === 0 && (l === T1 || l === T2);
    this.noGhost[f] = 0;
    if (keep) this.addGhost(l === T1 ? B1 : B2, page);
  }

  selectVictim(incoming?: number): number {
    if (incoming !== undefined) this.resolve(incoming);
    if (this.stamped) this.scan();
    if (this.ghostHit !== 0) return this.replace(this.ghostHit === 2);
    const s = this.lists.size;
    if (this.sizeOf(T1) + s[B1]! + 1 > this.c) {
      if (s[B1]! > 0) {
        this.ghosts.dropOldest(B1);
        return this.replace(false);
      }
      const f = this.lruEvictable(T1, T2);
      if (f >= 0) this.noGhost[f] = 1;
      return f;
    }
    if (this.sizeOf(T1) + s[B1]! + this.sizeOf(T2) + s[B2]! >= 2 * this.c && s[B2]! > 0)
      this.ghosts.dropOldest(B2);
    return this.replace(false);
  }

  counters(): Readonly<Record<string, number>> {
    return { p: this.p, ghostsB1: this.lists.size[B1]!, ghostsB2: this.lists.size[B2]! };
  }

  /** A ghost hit on the incoming page adapts p and removes the ghost. */
  private resolve(page: number): void {
    this.resolvedPage = page;
    this.ghostHit = 0;
    const g = this.ghosts.find(page);
    if (g < 0) return;
    const s = this.lists.size;
    if (this.lists.listOf[g] === B1) {
      this.p = Math.min(this.p + Math.max(s[B2]! / s[B1]!, 1), this.c);
      this.ghostHit = 1;
    } else {
      this.p = Math.max(this.p - Math.max(s[B1]! / s[B2]!, 1), 0);
      this.ghostHit = 2;
    }
    this.ghosts.drop(g);
  }

  /** The paper's REPLACE: T1's LRU page if T1 is over target, else T2's. */
  private replace(inB2: boolean): number {
    const t1 = this.sizeOf(T1);
    const takeT1 = (t1 > 0 && (t1 > this.p || (t1 === this.p && inB2))) || this.sizeOf(T2) === 0;
    return takeT1 ? this.lruEvictable(T1, T2) : this.lruEvictable(T2, T1);
  }

  /** The least recently used evictable frame of `first`, else of `second`. */
  private lruEvictable(first: number, second: number): number {
    let f = this.lruEvictableOf(first);
    if (f < 0) f = this.lruEvictableOf(second);
    return f < 0 ? NO_FRAME : f;
  }

  /** The least recently used evictable frame of T1 or T2, or -1 (while stamped: from the last scan). */
  private lruEvictableOf(l: number): number {
    if (this.stamped) return l === T1 ? this.t1Oldest : this.t2Oldest;
    const { head, next } = this.lists;
    for (let f = head[l]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    return -1;
  }

  /** The number of frames in T1 or T2 (while stamped: at the last scan). */
  private sizeOf(l: number): number {
    if (this.stamped) return l === T1 ? this.t1Size : this.t2Size;
    return this.lists.size[l]!;
  }

  /** T1, T2 or -1 (on neither) for frame `f`. */
  private listOf(f: number): number {
    if (!this.stamped) return this.lists.listOf[f]!;
    const a = this.admitted[f]!;
    if (a === NONE) return -1;
    return a === IN_T1 && this.stamp[f] === this.born[f] ? T1 : T2;
  }

  /**
   * While stamped: T1's and T2's sizes and least recent evictable frames, in one pass over the
   * frames; past the scan budget, the lists are linked again for the next fault.
   */
  private scan(): void {
    const { stamp, born, admitted, bits } = this;
    let n1 = 0;
    let n2 = 0;
    let o1 = -1;
    let o2 = -1;
    let s1 = Number.POSITIVE_INFINITY;
    let s2 = Number.POSITIVE_INFINITY;
    for (let g = 0; g < this.c; g++) {
      const a = admitted[g]!;
      if (a === NONE) continue;
      const t = stamp[g]!;
      if (a === IN_T1 && t === born[g]) {
        n1++;
        if (t < s1 && bits.isEvictable(g)) {
          s1 = t;
          o1 = g;
        }
      } else {
        n2++;
        if (t < s2 && bits.isEvictable(g)) {
          s2 = t;
          o2 = g;
        }
      }
    }
    this.t1Size = n1;
    this.t2Size = n2;
    this.t1Oldest = o1;
    this.t2Oldest = o2;
    this.scanned += this.c;
    if (this.scanned > STAMP_SCAN_BUDGET * this.clock + STAMP_SCAN_SLACK) {
      if (this.external) this.overBudget = true;
      else this.unstamp();
    }
  }

  /**
   * For replay (sim/replay.ts HitStamped): the stamps, which the replay then writes itself, each hit
   * storing its reference index (so touch is not called); null if T1 and T2 are lists. Only
   * before the first admission.
   */
  replayStamps(): Float64Array | null {
    if (!this.stamped || this.clock !== 0) return null;
    this.external = true;
    return this.stamp;
  }

  /** For replay: the next admission is at reference `i` (its stamp). */
  stampAt(i: number): void {
    this.clock = i;
  }

  /** For replay: the scans passed their budget, unstamp is due. */
  stampsOverBudget(): boolean {
    return this.overBudget;
  }

  /** T1 and T2 linked on `lists` again, each least recent first (in stamp order). */
  unstamp(): void {
    this.external = false;
    this.overBudget = false;
    const t1 = this.stampOrder(T1);
    const t2 = this.stampOrder(T2);
    this.stamped = false;
    for (const f of t1) this.lists.pushTail(T1, f);
    for (const f of t2) this.lists.pushTail(T2, f);
  }

  /** While stamped: the frames of T1 or T2, least recent first. */
  private stampOrder(l: number): number[] {
    const order: number[] = [];
    for (let g = 0; g < this.c; g++) if (this.listOf(g) === l) order.push(g);
    return order.sort((a, b) => this.stamp[a]! - this.stamp[b]!);
  }

  private addGhost(list: number, page: number): void {
    this.ghosts.add(list, page, this.lists.size[B1]! > 0 ? B1 : B2);
  }

  /** T1 or T2 head to tail, for describe(). */
  private residentEntries(l: number) {
    if (this.stamped) return this.stampOrder(l).map((f) => frameEntry(f));
    return nodeEntries(this.lists, l, this.c, (n) => this.ghosts.pageOf(n));
  }

  describe(): PolicyView {
    const { lists, c } = this;
    const page = (n: number) => this.ghosts.pageOf(n);
    return {
      lists: [
        { name: "T1", order: "least recent first", entries: this.residentEntries(T1) },
        { name: "T2", order: "least recent first", entries: this.residentEntries(T2) },
        { name: "B1", order: "least recent first", entries: nodeEntries(lists, B1, c, page), ghost: true },
        { name: "B2", order: "least recent first", entries: nodeEntries(lists, B2, c, page), ghost: true },
      ],
      values: { p: this.p },
    };
  }
}

export const arc: PolicyFactory<NoParams> = {
  id: "arc",
  summary: "adaptive replacement cache: recency and frequency lists with ghosts (FAST 2003)",
  wantsHits: true,
  needsFuture: false,
  params: {},
  defaults: {},
  parseParams: noParams("arc"),
  create: (bits, _params, ctx) => new Arc(bits, ctx),
};
