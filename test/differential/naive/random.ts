import { Rng } from "../../../src/index.js";
import type { NaivePolicy } from "./common.js";

/** Random: pages in an array; a draw picks an index, the last page fills its place. */
export function naiveRandom(seed: number): NaivePolicy {
  const pages: number[] = [];
  const rng = new Rng(seed);
  return {
    victim: () => {
      const k = rng.below(pages.length);
      const v = pages[k]!;
      pages[k] = pages[pages.length - 1]!;
      pages.pop();
      return v;
    },
    admit: (p) => void pages.push(p),
  };
}
