// The exact OPT (Belady's MIN) miss-ratio curve at every frame count in one pass: Mattson, Gecsei,
// Slutz & Traiger 1970, "Evaluation techniques for storage hierarchies", the stack algorithm with
// OPT's priority. The stack is ordered so that its top k pages are what OPT keeps with k frames.
// On a reference to page x found at depth d (or not found), x goes to the top and the page pushed
// off the top is carried down: at each depth above d the carried page and the page there are
// compared and the one whose next use is sooner stays, the other is carried on; the last carried
// page takes depth d (or the new bottom). A reference at depth d hits with d frames or more.
// OPT needs the future: the references' next uses are annotated first (a backward pass over a
// whole trace here, or sim/run.ts's forward pass over a stream), then the stack runs forwards,
// fed chunk by chunk (OptMrc).
// Cost O(depth) per reference: cheap when most references hit near the top, as in real programs.

import { ConfigError } from "../core/errors.js";
import { type MissCurve, missesFromHistogram } from "./curve.js";

/** Next use of a page never referenced again. */
export const NO_NEXT_USE = 0x7fffffff;

/**
 * For each reference, the index of the next reference to the same page or NO_NEXT_USE. `ids` are
 * dense page ids in [0, pageSpace).
 */
export function nextUses(ids: Int32Array | Uint32Array, count: number, pageSpace: number): Int32Array {
  const next = new Int32Array(count);
  const seen = new Int32Array(pageSpace).fill(NO_NEXT_USE);
  for (let i = count - 1; i >= 0; i--) {
    const p = ids[i]!;
    next[i] = seen[p]!;
    seen[p] = i;
  }
  return next;
}

function checkIds(ids: Int32Array | Uint32Array, count: number): number {
  if (count > NO_NEXT_USE - 1)
    throw new ConfigError("trace length", count, `at most ${NO_NEXT_USE - 1} references for the OPT curve`);
  let max = -1;
  for (let i = 0; i < count; i++) {
    const p = ids[i]!;
    if (p < 0) throw new ConfigError(`page id at reference ${i}`, p, "a non-negative dense id");
    if (p > max) max = p;
  }
  return max + 1;
}

/**
 * The exact OPT curve of a trace of dense page ids. `next` may pass precomputed next uses (from
 * `nextUses`); `pageSpace` defaults to the largest id + 1.
 */
export function optCurve(
  ids: Int32Array | Uint32Array,
  count = ids.length,
  pageSpace?: number,
  next?: Int32Array,
): MissCurve {
  const used = checkIds(ids, count);
  const space = pageSpace ?? used;
  if (used > space)
    throw new ConfigError("pageSpace", pageSpace, `at least ${used}: the largest page id + 1`);
  const m = new OptMrc(next ?? nextUses(ids, count, space), space);
  m.feed(ids, count);
  return m.curve();
}

/**
 * The OPT stack fed in chunks: the references' next uses (`next`, by reference index: Int32 with
 * NO_NEXT_USE, or Float64 with Infinity, as sim/run.ts's NextUseSink annotates a stream) are given
 * up front, the dense ids chunk by chunk as they stream. Memory: the annotation and O(distinct pages).
 */
export class OptMrc {
  private stackPage: Int32Array;
  private stackNext: Float64Array;
  private hist: Float64Array;
  private depth = 0;
  private cold = 0;
  /** References fed so far. */
  references = 0;

  constructor(
    private readonly next: Int32Array | Float64Array,
    pageSpaceHint = 1024,
  ) {
    const n = Math.max(1, pageSpaceHint);
    this.stackPage = new Int32Array(n);
    this.stackNext = new Float64Array(n);
    this.hist = new Float64Array(n + 2);
  }

  private grow(): void {
    const n = 2 * this.stackPage.length;
    const p = new Int32Array(n);
    p.set(this.stackPage);
    const q = new Float64Array(n);
    q.set(this.stackNext);
    const h = new Float64Array(n + 2);
    h.set(this.hist);
    this.stackPage = p;
    this.stackNext = q;
    this.hist = h;
  }

  /** Feeds the next `count` references' dense ids (non-negative). */
  feed(ids: Int32Array | Uint32Array, count = ids.length): void {
    const nu = this.next;
    if (this.references + count > nu.length)
      throw new ConfigError("next uses", nu.length, `one per reference (${this.references + count} fed)`);
    let { stackPage, stackNext, hist, depth, cold } = this;
    for (let k = 0, i = this.references; k < count; k++, i++) {
      const p = ids[k]!;
      const n = nu[i]!;
      if (depth > 0 && stackPage[0] === p) {
        stackNext[0] = n;
        hist[1]!++;
        continue;
      }
      if (depth === stackPage.length) {
        this.grow();
        ({ stackPage, stackNext, hist } = this);
      }
      let carryP = stackPage[0]!;
      let carryN = stackNext[0]!;
      stackPage[0] = p;
      stackNext[0] = n;
      let j = 1;
      for (; j < depth; j++) {
        const sp = stackPage[j]!;
        if (sp === p) break;
        const sn = stackNext[j]!;
        if (sn > carryN) {
          // The page here is needed later than the carried one: it is the one this size evicts.
          stackPage[j] = carryP;
          stackNext[j] = carryN;
          carryP = sp;
          carryN = sn;
        }
      }
      if (depth === 0) {
        depth = 1;
        cold++;
        continue;
      }
      stackPage[j] = carryP;
      stackNext[j] = carryN;
      if (j === depth) {
        depth++;
        cold++;
      } else hist[j + 1]!++;
    }
    this.depth = depth;
    this.cold = cold;
    this.references += count;
  }

  curve(): MissCurve {
    return {
      method: "exact-opt",
      references: this.references,
      distinct: this.depth,
      coldMisses: this.cold,
      misses: missesFromHistogram(this.hist, this.depth, this.cold),
      exact: true,
      sampleRate: 1,
    };
  }
}
