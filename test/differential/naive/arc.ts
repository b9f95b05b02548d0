import { drop, type NaivePolicy } from "./common.js";

/** ARC as in the FAST 2003 paper (libCacheSim's variant): four arrays, LRU end first, real p. */
export function naiveArc(c: number): NaivePolicy {
  const t1: number[] = [];
  const t2: number[] = [];
  const b1: number[] = [];
  const b2: number[] = [];
  let p = 0;
  let hitB = 0;
  const replace = (inB2: boolean): number => {
    if ((t1.length > 0 && (t1.length > p || (t1.length === p && inB2))) || t2.length === 0) {
      const v = t1.shift()!;
      b1.push(v);
      return v;
    }
    const v = t2.shift()!;
    b2.push(v);
    return v;
  };
  const resolve = (x: number) => {
    hitB = 0;
    if (b1.includes(x)) {
      p = Math.min(p + Math.max(b2.length / b1.length, 1), c);
      drop(b1, x);
      hitB = 1;
    } else if (b2.includes(x)) {
      p = Math.max(p - Math.max(b1.length / b2.length, 1), 0);
      drop(b2, x);
      hitB = 2;
    }
  };
  let resolved = Number.NaN;
  return {
    hit: (x) => {
      drop(t1, x);
      drop(t2, x);
      t2.push(x);
    },
    victim: (_i, x) => {
      resolve(x);
      resolved = x;
      if (hitB !== 0) return replace(hitB === 2);
      if (t1.length + b1.length + 1 > c) {
        if (b1.length > 0) {
          b1.shift();
          return replace(false);
        }
        return t1.shift()!;
      }
      if (t1.length + b1.length + t2.length + b2.length >= 2 * c && b2.length > 0) b2.shift();
      return replace(false);
    },
    admit: (x) => {
      if (resolved !== x) resolve(x);
      (hitB !== 0 ? t2 : t1).push(x);
      hitB = 0;
      resolved = Number.NaN;
    },
  };
}
