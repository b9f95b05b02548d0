import type { Bits, NaivePolicy } from "./common.js";

/** SIEVE: an array oldest first; the hand walks toward the new end, wrapping, and stays put. */
export function naiveSieve(bits: Bits): NaivePolicy {
  const q: number[] = [];
  let hand = -1;
  return {
    victim: () => {
      let i = Math.max(hand, 0);
      while (bits.R.get(q[i]!)) {
        bits.R.set(q[i]!, false);
        i = i + 1 < q.length ? i + 1 : 0;
      }
      const v = q[i]!;
      q.splice(i, 1);
      hand = i < q.length ? i : -1;
      return v;
    },
    admit: (p) => {
      bits.R.set(p, false);
      q.push(p);
    },
  };
}
