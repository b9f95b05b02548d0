// The exact LRU miss-ratio curve in one pass: stack distances (stack-distance.ts) fed batch by batch
// in constant memory per distinct page, read out as misses at every frame count from 0 to the number
// of distinct pages. Equal, size by size, to replaying LRU (tested against src/sim/replay.ts and
// libCacheSim's counts).

import { type MissCurve, missesFromHistogram } from "./curve.js";
import { StackDistances } from "./stack-distance.js";

export class LruMrc {
  private readonly sd = new StackDistances();

  /** Feeds `count` dense page ids (non-negative integers). */
  feed(ids: Int32Array | Uint32Array, count = ids.length): void {
    this.sd.feed(ids, count);
  }

  get references(): number {
    return this.sd.references;
  }

  /** The curve so far (a snapshot: feeding more afterwards does not change it). */
  curve(): MissCurve {
    const sd = this.sd;
    return {
      method: "exact-lru",
      references: sd.references,
      distinct: sd.maxLive,
      coldMisses: sd.cold,
      misses: missesFromHistogram(sd.hist, sd.maxLive, sd.cold),
      exact: true,
      sampleRate: 1,
    };
  }
}

/** The exact LRU curve of a whole trace of dense page ids. */
export function lruCurve(ids: Int32Array | Uint32Array, count = ids.length): MissCurve {
  const m = new LruMrc();
  m.feed(ids, count);
  return m.curve();
}
