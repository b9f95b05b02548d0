import { drop, type NaivePolicy } from "./common.js";

/** 2Q (full version): A1in FIFO, A1out ghost FIFO, Am LRU, as plain arrays. */
export function naiveTwoQ(c: number, kinRatio = 0.25, koutRatio = 0.5): NaivePolicy {
  const ain: number[] = [];
  const aout: number[] = [];
  const am: number[] = [];
  const kin = Math.floor(c * kinRatio);
  const kout = Math.floor(c * koutRatio);
  let toAm = false;
  return {
    hit: (x) => {
      if (!am.includes(x)) return;
      drop(am, x);
      am.push(x);
    },
    victim: (_i, x) => {
      toAm = aout.includes(x);
      drop(aout, x);
      if (ain.length > kin || am.length === 0) {
        const v = ain.shift()!;
        if (kout > 0) {
          if (aout.length >= kout) aout.shift();
          aout.push(v);
        }
        return v;
      }
      return am.shift()!;
    },
    admit: (x) => {
      if (aout.includes(x)) {
        toAm = true;
        drop(aout, x);
      }
      (toAm ? am : ain).push(x);
      toAm = false;
    },
  };
}
