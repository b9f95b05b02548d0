// The synthetic generators that draw their pages at random (generators.ts gives their specs):
// uniform pages, Zipf(alpha) popularity, and working-set phases with locality shifts.

import { PageStream } from "./gen-stream.js";

export class Uniform extends PageStream {
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly pages: number,
  ) {
    super(spec, n, seed, writes);
  }
  protected page(): number {
    return this.rng.below(this.pages);
  }
}

/** Zipf by inversion of the cumulative weights (binary search in a table of `pages` doubles). */
export class Zipf extends PageStream {
  private readonly cdf: Float64Array;
  constructor(spec: string, n: number, seed: number, writes: number, pages: number, alpha: number) {
    super(spec, n, seed, writes);
    this.cdf = new Float64Array(pages);
    let sum = 0;
    for (let k = 0; k < pages; k++) {
      sum += 1 / (k + 1) ** alpha;
      this.cdf[k] = sum;
    }
    for (let k = 0; k < pages; k++) this.cdf[k]! /= sum;
  }
  protected page(): number {
    const u = this.rng.next();
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export class Phases extends PageStream {
  private base = 0;
  private readonly phaseLength: number;
  constructor(
    spec: string,
    n: number,
    seed: number,
    writes: number,
    private readonly pages: number,
    private readonly ws: number,
    phases: number,
    private readonly locality: number,
  ) {
    super(spec, n, seed, writes);
    this.phaseLength = Math.max(1, Math.ceil(n / phases));
  }
  protected page(i: number): number {
    if (i % this.phaseLength === 0) this.base = this.rng.below(this.pages - this.ws + 1);
    if (this.rng.next() < this.locality) return this.base + this.rng.below(this.ws);
    return this.rng.below(this.pages);
  }
}
