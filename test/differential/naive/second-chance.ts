import type { Bits, NaivePolicy } from "./common.js";

/** Second chance: a queue; a head with its bit set is cleared and sent to the back. */
export function naiveSecondChance(bits: Bits): NaivePolicy {
  const q: number[] = [];
  return {
    victim: () => {
      while (bits.R.get(q[0]!)) {
        const p = q.shift()!;
        bits.R.set(p, false);
        q.push(p);
      }
      return q.shift()!;
    },
    admit: (p) => void q.push(p),
  };
}
