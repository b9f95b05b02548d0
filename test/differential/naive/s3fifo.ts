import { drop, type NaivePolicy } from "./common.js";

/** S3-FIFO: arrays for S, M and the ghost queue G; hit counts capped at 3. */
export function naiveS3Fifo(frames: number, smallRatio = 0.1, ghostRatio = 0.9, threshold = 2): NaivePolicy {
  const small: number[] = [];
  const main: number[] = [];
  const ghost: number[] = [];
  const freq = new Map<number, number>();
  const smallSize = Math.floor(frames * smallRatio);
  const ghostSize = Math.floor(frames * ghostRatio);
  let toMain = false;
  const evictSmall = (): number | undefined => {
    while (small.length > 0) {
      const p = small.shift()!;
      if (freq.get(p)! >= threshold) {
        main.push(p);
        freq.set(p, 0);
      } else {
        if (ghostSize > 0) {
          if (ghost.length >= ghostSize) ghost.shift();
          ghost.push(p);
        }
        return p;
      }
    }
    return undefined;
  };
  const evictMain = (): number => {
    for (;;) {
      const p = main.shift()!;
      const f = freq.get(p)!;
      if (f === 0) return p;
      main.push(p);
      freq.set(p, Math.min(f, 3) - 1);
    }
  };
  return {
    hit: (p) => void freq.set(p, Math.min(freq.get(p)! + 1, 3)),
    victim: (_i, incoming) => {
      toMain = ghost.includes(incoming);
      drop(ghost, incoming);
      for (;;) {
        if (main.length > frames - smallSize || small.length === 0) return evictMain();
        const v = evictSmall();
        if (v !== undefined) return v;
      }
    },
    admit: (p) => {
      if (ghost.includes(p)) {
        toMain = true;
        drop(ghost, p);
      }
      (toMain ? main : small).push(p);
      freq.set(p, 0);
      toMain = false;
    },
  };
}
