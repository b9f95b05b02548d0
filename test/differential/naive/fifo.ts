import type { NaivePolicy } from "./common.js";

/** FIFO: a queue in load order. */
export function naiveFifo(): NaivePolicy {
  const q: number[] = [];
  return {
    victim: () => q.shift()!,
    admit: (p) => void q.push(p),
  };
}
