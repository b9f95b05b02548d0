import { drop, type NaivePolicy } from "./common.js";

/** LRU: an array ordered by last use, oldest first. */
export function naiveLru(): NaivePolicy {
  const q: number[] = [];
  return {
    hit: (p) => {
      drop(q, p);
      q.push(p);
    },
    victim: () => q.shift()!,
    admit: (p) => void q.push(p),
  };
}
