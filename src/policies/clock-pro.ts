// CLOCK-Pro (Jiang, Chen and Zhang, "CLOCK-Pro: an effective improvement of the CLOCK
// replacement", USENIX ATC 2005).
// Theory: LIRS's reuse-distance idea on one clock. Resident pages are hot or cold; a cold page
// just loaded gets a "test period", and a cold page in its test period stays on the clock as a
// non-resident page (its frame freed) until the period ends. A re-reference during the test
// period shows a reuse distance shorter than a hot page's: the page becomes hot. Three hands move
// over the clock: HAND_cold finds a victim among cold resident pages (accessed and in test →
// hot; accessed, not in test → a new test period, moved to the head; not accessed → evicted,
// kept as non-resident if in test); HAND_hot demotes a hot page whose bit is clear (clearing set
// bits) and ends the test periods it passes; HAND_test ends test periods and drops non-resident
// pages when there are more than c of them. The cold target mc adapts: +1 when a non-resident
// page is re-referenced (a fault that a larger cold area would have saved), −1 when a test period
// expires unused. New pages enter at the head (just behind HAND_hot) with the bit clear.
// Reads: the accessed bit only (no hits); the loaded page at admit.
// Parameters: cold (initial fraction of frames for cold pages mc, default 0.1).
// A compact rendering of the paper's description: one circular list over frames and non-resident
// entries (typed arrays), not the kernel patch. Not in the reference set.

import { GhostPool } from "./page-map.js";
import { checkKeys, numberParam } from "./params.js";
import {
  type FrameBits,
  NO_FRAME,
  type PolicyContext,
  type PolicyFactory,
  type ReplacementPolicy,
} from "./policy.js";
import { frameEntry, ghostEntry, type PolicyView, type PolicyViewEntry } from "./view.js";

export interface ClockProParams {
  readonly cold: number;
}

const NIL = -1;

class ClockPro implements ReplacementPolicy {
  readonly id = "clock-pro";
  private readonly c: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly onRing: Uint8Array;
  private readonly hot: Uint8Array;
  private readonly test: Uint8Array;
  private readonly ghosts: GhostPool;
  private handHot = NIL;
  private handCold = NIL;
  private handTest = NIL;
  private size = 0;
  private hotCount = 0;
  private nonResident = 0;
  private mc: number;

  constructor(
    private readonly bits: FrameBits,
    params: ClockProParams,
    ctx: PolicyContext,
  ) {
    const c = bits.frameCount;
    this.c = c;
    const n = 2 * c + 1;
    this.next = new Int32Array(n).fill(NIL);
    this.prev = new Int32Array(n).fill(NIL);
    this.onRing = new Uint8Array(n);
    this.hot = new Uint8Array(n);
    this.test = new Uint8Array(n);
    this.ghosts = new GhostPool(c, c + 1, ctx.pageSpace);
    this.mc = Math.min(Math.max(1, Math.floor(c * params.cold)), Math.max(1, c - 1));
  }

  admit(f: number, page: number): void {
    this.bits.clearReferenced(f);
    const g = this.ghosts.find(page);
    if (g >= 0) {
      this.mc = Math.min(this.mc + 1, Math.max(1, this.c - 1));
      this.unlink(g);
      this.ghosts.release(g);
      this.nonResident--;
      this.hot[f] = 1;
      this.test[f] = 0;
      this.hotCount++;
      this.insertAtHead(f);
      this.limitHot();
    } else {
      this.hot[f] = 0;
      this.test[f] = 1;
      this.insertAtHead(f);
    }
  }

  forget(f: number, page: number, why: "evicted" | "freed" | "pinned"): void {
    if (this.onRing[f] !== 1) return;
    if (this.hot[f] === 1) this.hotCount--;
    if (why === "evicted" && this.hot[f] === 0 && this.test[f] === 1 && this.ghosts.available() > 0) {
      const g = this.ghosts.add(page);
      this.test[g] = 1;
      this.hot[g] = 0;
      this.swapIn(f, g);
      this.nonResident++;
      while (this.nonResident > this.c) this.runHandTest();
    } else {
      this.unlink(f);
    }
    this.hot[f] = 0;
    this.test[f] = 0;
  }

  selectVictim(): number {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.hotCount > 0 && (attempt > 0 || this.hotCount >= this.residentCount())) this.runHandHot();
      const f = this.runHandCold();
      if (f !== NO_FRAME) return f;
    }
    return this.anyEvictable();
  }

  counters(): Readonly<Record<string, number>> {
    return { hot: this.hotCount, nonResident: this.nonResident, coldTarget: this.mc };
  }

  /** Moves HAND_cold until it finds a cold resident page with its bit clear (the victim). */
  private runHandCold(): number {
    for (let n = 4 * this.size + 4; n > 0 && this.handCold !== NIL; n--) {
      const x = this.handCold;
      if (x >= this.c || this.hot[x] === 1 || !this.bits.isEvictable(x)) {
        this.handCold = this.next[x]!;
        continue;
      }
      if (!this.bits.referenced(x)) return x;
      this.bits.clearReferenced(x);
      if (this.test[x] === 1) {
        this.test[x] = 0;
        this.hot[x] = 1;
        this.hotCount++;
        this.moveToHead(x);
        this.limitHot();
      } else {
        this.test[x] = 1;
        this.moveToHead(x);
      }
    }
    return NO_FRAME;
  }

  /** Last resort when the hands find nothing (every cold page in transit): any evictable frame. */
  private anyEvictable(): number {
    let x = this.handCold;
    for (let n = this.size; n > 0 && x !== NIL; n--, x = this.next[x]!) {
      if (x < this.c && this.bits.isEvictable(x)) return x;
    }
    return NO_FRAME;
  }

  private residentCount(): number {
    return this.size - this.nonResident;
  }

  private limitHot(): void {
    for (let n = this.size; n > 0 && this.hotCount > Math.max(0, this.c - this.mc); n--) this.runHandHot();
  }

  /** Moves HAND_hot until it has demoted one hot page (or gone once round). */
  private runHandHot(): void {
    for (let n = 2 * this.size + 1; n > 0 && this.handHot !== NIL; n--) {
      const x = this.handHot;
      this.handHot = this.next[x]!;
      if (x < this.c && this.hot[x] === 1) {
        if (this.bits.referenced(x)) {
          this.bits.clearReferenced(x);
          continue;
        }
        this.hot[x] = 0;
        this.hotCount--;
        return;
      }
      if (this.test[x] === 1) this.endTest(x);
    }
  }

  /** Moves HAND_test until it has dropped one non-resident page. */
  private runHandTest(): void {
    for (let n = 2 * this.size + 1; n > 0 && this.handTest !== NIL; n--) {
      const x = this.handTest;
      this.handTest = this.next[x]!;
      if (this.test[x] === 1 && this.endTest(x)) return;
    }
  }

  /** Ends x's test period; a non-resident page leaves the clock. True if one did. */
  private endTest(x: number): boolean {
    this.test[x] = 0;
    if (x < this.c) return false;
    this.mc = Math.max(this.mc - 1, 1);
    this.unlink(x);
    this.ghosts.release(x);
    this.nonResident--;
    return true;
  }

  private insertAtHead(x: number): void {
    const h = this.handHot;
    if (h === NIL) {
      this.next[x] = x;
      this.prev[x] = x;
      this.handHot = x;
      this.handCold = x;
      this.handTest = x;
    } else {
      const p = this.prev[h]!;
      this.next[p] = x;
      this.prev[x] = p;
      this.next[x] = h;
      this.prev[h] = x;
    }
    this.onRing[x] = 1;
    this.size++;
  }

  private moveToHead(x: number): void {
    this.unlink(x);
    this.insertAtHead(x);
  }

  private unlink(x: number): void {
    if (this.onRing[x] !== 1) return;
    this.onRing[x] = 0;
    this.size--;
    const n = this.next[x]!;
    const p = this.prev[x]!;
    const alone = this.size === 0;
    if (!alone) {
      this.next[p] = n;
      this.prev[n] = p;
    }
    if (this.handHot === x) this.handHot = alone ? NIL : n;
    if (this.handCold === x) this.handCold = alone ? NIL : n;
    if (this.handTest === x) this.handTest = alone ? NIL : n;
  }

  /** Puts node y in x's place on the clock (a resident page leaving, its entry staying). */
  private swapIn(x: number, y: number): void {
    const n = this.next[x]!;
    const p = this.prev[x]!;
    if (n === x) {
      this.next[y] = y;
      this.prev[y] = y;
    } else {
      this.next[y] = n;
      this.prev[y] = p;
      this.next[p] = y;
      this.prev[n] = y;
    }
    this.onRing[x] = 0;
    this.onRing[y] = 1;
    if (this.handHot === x) this.handHot = y;
    if (this.handCold === x) this.handCold = n === x ? y : n;
    if (this.handTest === x) this.handTest = y;
  }

  /**
   * The clock from HAND_cold round: each page hot, cold, or cold in its test period ("test"), with
   * its R bit; ghosts are non-resident cold pages in test.
   */
  describe(): PolicyView {
    const entries: PolicyViewEntry[] = [];
    const at = new Map<number, number>();
    for (let x = this.handCold, n = this.size; x !== NIL && n > 0; x = this.next[x]!, n--) {
      at.set(x, entries.length);
      if (x >= this.c) entries.push(ghostEntry(this.ghosts.pageOf(x), "test"));
      else {
        const kind = this.hot[x] === 1 ? "hot" : this.test[x] === 1 ? "test" : "cold";
        entries.push(frameEntry(x, `${kind} ${this.bits.referenced(x) ? "R=1" : "R=0"}`));
      }
    }
    const hands: Record<string, number> = {};
    for (const [name, x] of [
      ["hot", this.handHot],
      ["cold", this.handCold],
      ["test", this.handTest],
    ] as const) {
      const i = at.get(x);
      if (i !== undefined) hands[name] = i;
    }
    return {
      lists: [{ name: "clock", order: "from HAND_cold", entries, hands }],
      values: { coldTarget: this.mc },
    };
  }
}

const PARAMS = { cold: { default: "0.1", doc: "initial fraction of the frames for cold pages (adapts)" } };

export const clockPro: PolicyFactory<ClockProParams> = {
  id: "clock-pro",
  summary: "CLOCK-Pro: hot and cold pages with test periods on one clock, three hands (ATC 2005)",
  wantsHits: false,
  needsFuture: false,
  params: PARAMS,
  defaults: { cold: 0.1 },
  parseParams(raw) {
    checkKeys("clock-pro", raw, PARAMS);
    return { cold: numberParam("clock-pro", raw, "cold", 0.1, { min: 0, max: 1 }) };
  },
  create: (bits, params, ctx) => new ClockPro(bits, params, ctx),
};
