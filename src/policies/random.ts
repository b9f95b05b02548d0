// Random: evict a frame chosen uniformly at random, from a seeded generator (deterministic for a
// seed). The baseline every other policy should beat; immune to Belady-style adversarial strings
// only in expectation. Tracked frames sit in a dense array with a position index: O(1) per call.
// Reads: nothing.
// Parameters: seed (unsigned 32-bit integer, default 1).

import { checkKeys, numberParam } from "./params.js";
import { type FrameBits, NO_FRAME, type PolicyFactory, type ReplacementPolicy } from "./policy.js";
import { Rng } from "./rng.js";
import { frameEntry, type PolicyView } from "./view.js";

export interface RandomParams {
  readonly seed: number;
}

class RandomPolicy implements ReplacementPolicy {
  readonly id = "random";
  private readonly dense: Int32Array;
  private readonly pos: Int32Array;
  private size = 0;
  private readonly rng: Rng;

  constructor(
    private readonly bits: FrameBits,
    params: RandomParams,
  ) {
    this.dense = new Int32Array(bits.frameCount);
    this.pos = new Int32Array(bits.frameCount).fill(-1);
    this.rng = new Rng(params.seed);
  }

  admit(f: number): void {
    if (this.pos[f]! >= 0) return;
    this.pos[f] = this.size;
    this.dense[this.size++] = f;
  }

  forget(f: number): void {
    const i = this.pos[f]!;
    if (i < 0) return;
    const last = this.dense[--this.size]!;
    this.dense[i] = last;
    this.pos[last] = i;
    this.pos[f] = -1;
  }

  selectVictim(): number {
    if (this.size === 0) return NO_FRAME;
    const start = this.rng.below(this.size);
    for (let k = 0; k < this.size; k++) {
      const f = this.dense[(start + k) % this.size]!;
      if (this.bits.isEvictable(f)) return f;
    }
    return NO_FRAME;
  }

  describe(): PolicyView {
    const entries = Array.from(this.dense.subarray(0, this.size), (f) => frameEntry(f));
    return { lists: [{ name: "frames", order: "no order: the victim is a random pick", entries }] };
  }
}

const PARAMS = { seed: { default: "1", doc: "seed of the generator (0 to 4294967295)" } };

export const random: PolicyFactory<RandomParams> = {
  id: "random",
  summary: "a uniformly random frame, from a seeded generator",
  wantsHits: false,
  needsFuture: false,
  params: PARAMS,
  defaults: { seed: 1 },
  parseParams(raw) {
    checkKeys("random", raw, PARAMS);
    return { seed: numberParam("random", raw, "seed", 1, { min: 0, max: 4294967295, integer: true }) };
  },
  create: (bits, params) => new RandomPolicy(bits, params),
};
