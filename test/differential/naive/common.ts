// The naive simulator every reference policy in this folder plugs into: plain Sets and Maps, pages
// rather than frames, the same hardware-bit rules as replay mode (accessed bit set on every access,
// the faulting one included, before admit; dirty bit on writes; both reset when a page loads) and
// the same simulated clock (200 ns per reference, 8 ms per fault and per dirty eviction).

export interface Bits {
  readonly R: Map<number, boolean>;
  readonly D: Map<number, boolean>;
}

export interface NaivePolicy {
  /** A hit on a resident page at reference i. */
  hit?(page: number, i: number): void;
  /** The resident page to evict for `incoming` at reference i. */
  victim(i: number, incoming: number): number;
  /** `page` was just loaded at reference i. */
  admit(page: number, i: number): void;
  tick?(now: number): void;
}

/** Runs `make(bits)` over the references; returns the evicted pages in order. */
export function runNaive(
  make: (bits: Bits) => NaivePolicy,
  refs: readonly number[],
  writes: readonly boolean[],
  frames: number,
): number[] {
  const bits: Bits = { R: new Map(), D: new Map() };
  const p = make(bits);
  const resident = new Set<number>();
  const victims: number[] = [];
  let faults = 0;
  let dirty = 0;
  refs.forEach((page, i) => {
    if (resident.has(page)) {
      bits.R.set(page, true);
      if (writes[i]) bits.D.set(page, true);
      p.hit?.(page, i);
    } else {
      faults++;
      if (resident.size === frames) {
        const v = p.victim(i, page);
        if (!resident.has(v)) throw new Error(`naive: victim ${v} is not resident`);
        resident.delete(v);
        if (bits.D.get(v)) dirty++;
        bits.R.delete(v);
        bits.D.delete(v);
        victims.push(v);
      }
      resident.add(page);
      bits.R.set(page, true);
      bits.D.set(page, writes[i] ?? false);
      p.admit(page, i);
    }
    p.tick?.((i + 1) * 200 + (faults + dirty) * 8_000_000);
  });
  return victims;
}

/** Removes the first occurrence of `x` from `a`. */
export function drop(a: number[], x: number): void {
  const i = a.indexOf(x);
  if (i >= 0) a.splice(i, 1);
}
