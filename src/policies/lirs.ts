// LIRS: low inter-reference recency set (Jiang and Zhang, "LIRS: an efficient low inter-reference
// recency set replacement policy to improve buffer cache performance", SIGMETRICS 2002).
// Theory: pages with a short reuse distance (LIR) keep most frames; the rest (HIR) share a few
// (1 % by default, at least one). Stack S orders pages by recency and holds LIR pages, resident
// HIR pages and non-resident HIR pages (ghosts) newer than the oldest LIR page; list Q holds the
// resident HIR pages, the next victim at its front. A HIR page referenced again while in S has
// shown a reuse distance shorter than the oldest LIR page's, so it becomes LIR and that page
// becomes HIR (to Q's end). "Pruning" removes HIR entries from S's bottom so it always ends with a
// LIR page. A ghost evicted from S is forgotten; S holds at most 2c entries (oldest ghosts first).
// Reads: every access (wantsHits).
// Parameters: hir (fraction of frames for resident HIR pages, default 0.01, at least one frame).
// Deliberate difference from libCacheSim's LIRS.c: there, a hit on a resident HIR page that is not
// in S demotes S's oldest LIR page, and since Q is full that evicts Q's front page, on a hit; a
// pager evicts only on a fault, so here (as in the paper) such a hit just moves the page to S's top
// and Q's end. The rest agrees. Measured effect: on the reference traces equal at 128 frames and
// up except sort3k-1m (355 vs 354), within 1.2 % below that (largest: sort3k-1m at 16 frames, 8000
// vs 7909; at 8 frames 31144 vs 30886), test/golden asserts 2 %; on the large traces equal at 1024
// and 4096 frames, and at 64 / 256 frames py50k-50m 114760/16051 vs 114398/16066, sort20k
// 4491/855 vs 4486/856, sqlite6k-50m 135174 vs 135598 at 64 (equal at 256): within 0.4 %.

import { GhostLists } from "./ghosts.js";
import { NodeLists } from "./node-lists.js";
import { checkKeys, numberParam } from "./params.js";
import {
  type FrameBits,
  NO_FRAME,
  type PolicyContext,
  type PolicyFactory,
  type ReplacementPolicy,
} from "./policy.js";
import { nodeEntries, type PolicyView } from "./view.js";

export interface LirsParams {
  readonly hir: number;
}

const S = 0;
const Q = 0;
const NH = 1;

class Lirs implements ReplacementPolicy {
  readonly id = "lirs";
  private readonly c: number;
  /** Stack S (head = bottom, the oldest) over frames and ghosts. */
  private readonly s: NodeLists;
  /** Q (resident HIR frames, head = next victim) and NH (ghosts, oldest first). */
  private readonly q: NodeLists;
  private readonly ghosts: GhostLists;
  private readonly isLir: Uint8Array;
  private readonly lirLimit: number;
  private lirCount = 0;

  constructor(
    private readonly bits: FrameBits,
    params: LirsParams,
    ctx: PolicyContext,
  ) {
    const c = bits.frameCount;
    this.c = c;
    this.lirLimit = Math.max(0, c - Math.max(1, Math.floor(params.hir * c)));
    this.s = new NodeLists(3 * c, 1);
    this.q = new NodeLists(3 * c, 2);
    this.ghosts = new GhostLists(this.q, c, 2 * c, ctx.pageSpace, this.s);
    this.isLir = new Uint8Array(c);
  }

  admit(f: number, page: number): void {
    if (this.ghosts.take(page) >= 0) {
      this.pushLir(f);
    } else if (this.lirCount < this.lirLimit) {
      this.pushLir(f);
    } else {
      this.isLir[f] = 0;
      this.s.pushTail(S, f);
      this.q.pushTail(Q, f);
    }
    this.limitStack();
  }

  /** Returns true when `f` is LIR afterwards: at S's top, so a repeated touch would change nothing. */
  touch(f: number): boolean {
    if (this.isLir[f] === 1) {
      const wasBottom = this.s.head[S] === f;
      this.s.moveWithin(S, f);
      if (wasBottom) this.prune();
      return true;
    }
    if (this.s.listOf[f] === S) {
      this.q.remove(f);
      this.s.moveToTail(S, f);
      this.isLir[f] = 1;
      this.lirCount++;
      if (this.lirCount > this.lirLimit) this.demoteBottom();
      return true;
    }
    // A HIR page not in S goes to S's top, still HIR: touched again, it becomes LIR.
    this.s.pushTail(S, f);
    this.q.moveToTail(Q, f);
    this.limitStack();
    return false;
  }

  forget(f: number, page: number, why: "evicted" | "freed" | "pinned"): void {
    const wasLir = this.isLir[f] === 1;
    this.isLir[f] = 0;
    this.q.remove(f);
    if (this.s.listOf[f] !== S) return;
    if (why === "evicted" && !wasLir) {
      this.s.replace(f, this.ghosts.add(NH, page, NH));
      return;
    }
    this.s.remove(f);
    if (wasLir) {
      this.lirCount--;
      this.prune();
    }
  }

  selectVictim(): number {
    if (this.q.size[Q] === 0 && this.lirCount > 0) this.demoteBottom();
    const next = this.q.next;
    for (let f = this.q.head[Q]!; f >= 0; f = next[f]!) if (this.bits.isEvictable(f)) return f;
    for (let f = this.s.head[S]!; f >= 0; f = this.s.next[f]!) {
      if (f < this.c && this.bits.isEvictable(f)) return f;
    }
    return NO_FRAME;
  }

  counters(): Readonly<Record<string, number>> {
    return { lir: this.lirCount, ghosts: this.q.size[NH]! };
  }

  private pushLir(f: number): void {
    this.isLir[f] = 1;
    this.lirCount++;
    this.s.pushTail(S, f);
    if (this.lirCount > this.lirLimit) this.demoteBottom();
  }

  /** S's bottom LIR page becomes HIR at Q's end; then prune. */
  private demoteBottom(): void {
    this.prune();
    const f = this.s.head[S]!;
    if (f < 0) return;
    this.isLir[f] = 0;
    this.lirCount--;
    this.s.remove(f);
    this.q.pushTail(Q, f);
    this.prune();
  }

  /** Removes HIR entries from S's bottom until a LIR page is there. */
  private prune(): void {
    for (let n = this.s.head[S]!; n >= 0 && !(n < this.c && this.isLir[n] === 1); n = this.s.head[S]!) {
      if (n >= this.c) this.ghosts.drop(n);
      else this.s.remove(n);
    }
  }

  private limitStack(): void {
    while (this.s.size[S]! > 2 * this.c && this.q.size[NH]! > 0) this.ghosts.dropOldest(NH);
  }

  /** Stack S bottom first (LIR and HIR pages, non-resident HIR ghosts), then Q (resident HIR, the next victim first). */
  describe(): PolicyView {
    const c = this.c;
    const page = (n: number) => this.ghosts.pageOf(n);
    const kind = (n: number) => (n < c && this.isLir[n] === 1 ? "LIR" : "HIR");
    return {
      lists: [
        { name: "S", order: "bottom (oldest) first", entries: nodeEntries(this.s, S, c, page, kind) },
        { name: "Q", order: "the next victim first", entries: nodeEntries(this.q, Q, c, page) },
      ],
    };
  }
}

const PARAMS = {
  hir: { default: "0.01", doc: "fraction of the frames for resident HIR pages (at least 1)" },
};

export const lirs: PolicyFactory<LirsParams> = {
  id: "lirs",
  summary: "low inter-reference recency set: LIR pages keep frames, HIR pages share a few (2002)",
  wantsHits: true,
  needsFuture: false,
  params: PARAMS,
  defaults: { hir: 0.01 },
  parseParams(raw) {
    checkKeys("lirs", raw, PARAMS);
    return { hir: numberParam("lirs", raw, "hir", 0.01, { min: 0, max: 1 }) };
  },
  create: (bits, params, ctx) => new Lirs(bits, params, ctx),
};
