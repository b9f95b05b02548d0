import type { Bits, NaivePolicy } from "./common.js";

/** Clock: an array used as a circle with a hand; the new page takes the victim's slot, bit clear. */
export function naiveClock(bits: Bits): NaivePolicy {
  const ring: number[] = [];
  let hand = 0;
  let victimSlot = -1;
  return {
    victim: () => {
      while (bits.R.get(ring[hand]!)) {
        bits.R.set(ring[hand]!, false);
        hand = (hand + 1) % ring.length;
      }
      victimSlot = hand;
      return ring[hand]!;
    },
    admit: (p) => {
      bits.R.set(p, false);
      if (victimSlot < 0) ring.push(p);
      else {
        ring[victimSlot] = p;
        hand = (victimSlot + 1) % ring.length;
        victimSlot = -1;
      }
    },
  };
}
