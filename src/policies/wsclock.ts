// WSClock: the working-set model run by a clock hand (Carr and Hennessy, "WSCLOCK: a simple and
// effective algorithm for virtual memory management", SOSP 1981; working sets from Denning, "The
// working set model for program behavior", CACM 1968).
// Theory: frames sit on a circle with the time of their last observed use. At a fault the hand
// examines the frame under it: accessed bit set → clear it, record now as its last use, move on;
// clear and older than τ → outside the working set: a clean page is the victim, a dirty one would
// be scheduled for write-back and passed over. After a full circle with no clean old page, the
// first dirty old page is taken (its write "completes"); with no old page at all, the page with
// the oldest last use.
// Reads: the accessed and dirty bits, and simulated time through tick.
// Parameters: tau (the working-set window τ in ns of simulated time, default 100 ms).
// Deliberate difference: the policy cannot start writes, so a dirty old page stays dirty until it
// is evicted; the pager counts its write-back then.

import { checkKeys, durationParam } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { Ring } from "./ring.js";
import { type PolicyView, ringEntries } from "./view.js";

export interface WsClockParams {
  readonly tau: number;
}

class WsClock implements ReplacementPolicy {
  readonly id = "wsclock";
  private readonly ring: Ring;
  private readonly lastUse: Float64Array;
  private now = 0;

  constructor(
    private readonly bits: FrameBits,
    private readonly params: WsClockParams,
  ) {
    this.ring = new Ring(bits.frameCount);
    this.lastUse = new Float64Array(bits.frameCount);
  }

  admit(f: number): void {
    this.lastUse[f] = this.now;
    this.ring.insert(f);
  }

  forget(f: number): void {
    this.ring.remove(f);
  }

  /** Only the time of the next fault matters: the driver calls before each one. */
  tick(now: number): number {
    this.now = now;
    return Number.POSITIVE_INFINITY;
  }

  selectVictim(): number {
    const { ring, bits, lastUse } = this;
    let dirtyOld = NO_FRAME;
    for (let seen = 0, n = ring.size; seen < n; seen++) {
      const f = ring.hand;
      if (bits.isEvictable(f)) {
        if (bits.referenced(f)) {
          bits.clearReferenced(f);
          lastUse[f] = this.now;
        } else if (this.now - lastUse[f]! > this.params.tau) {
          if (!bits.dirty(f)) return f;
          if (dirtyOld < 0) dirtyOld = f;
        }
      }
      ring.advance();
    }
    return dirtyOld >= 0 ? dirtyOld : this.oldest();
  }

  private oldest(): number {
    const { ring, bits, lastUse } = this;
    let best = NO_FRAME;
    let f = ring.hand;
    for (let k = 0; k < ring.size; k++, f = ring.next[f]!) {
      if (bits.isEvictable(f) && (best < 0 || lastUse[f]! < lastUse[best]!)) best = f;
    }
    return best;
  }

  /** The ring from the hand; each frame's R bit and the simulated time of its last use seen (µs). */
  describe(): PolicyView {
    const note = (f: number) =>
      `${this.bits.referenced(f) ? "R=1" : "R=0"} t=${Math.round(this.lastUse[f]! / 1000)}us`;
    const entries = ringEntries(this.ring, note);
    return {
      lists: [
        {
          name: "ring",
          order: `from the hand; t: last use seen, µs (τ = ${this.params.tau / 1000} µs)`,
          entries,
          ...(entries.length > 0 ? { hands: { hand: 0 } } : {}),
        },
      ],
    };
  }
}

const PARAMS = {
  tau: {
    default: "100ms",
    doc: "working-set window τ in simulated time (10ms, 500us; a plain number is ns)",
  },
};

export const wsclock: PolicyFactory<WsClockParams> = {
  id: "wsclock",
  summary: "working-set clock: evict clean pages unused for longer than τ",
  wantsHits: false,
  needsFuture: false,
  params: PARAMS,
  defaults: { tau: 100_000_000 },
  parseParams(raw) {
    checkKeys("wsclock", raw, PARAMS);
    return { tau: durationParam("wsclock", raw, "tau", 100_000_000, { min: 0, max: 1e18 }) };
  },
  create: (bits, params) => new WsClock(bits, params),
};
