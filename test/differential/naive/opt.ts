import type { NaivePolicy } from "./common.js";

/** OPT: scan the future for every resident page; evict the one used furthest ahead. */
export function naiveOpt(refs: readonly number[]): NaivePolicy {
  const resident: number[] = [];
  const nextUse = (p: number, i: number) => {
    for (let j = i + 1; j < refs.length; j++) if (refs[j] === p) return j;
    return Number.POSITIVE_INFINITY;
  };
  return {
    victim: (i) => {
      let best = resident[0]!;
      for (const p of resident) if (nextUse(p, i) > nextUse(best, i)) best = p;
      resident.splice(resident.indexOf(best), 1);
      return best;
    },
    admit: (p) => void resident.push(p),
  };
}

/** Next use of page `p` after reference i (for comparing OPT victims, whose ties are free). */
export function nextUseAfter(refs: readonly number[], p: number, i: number): number {
  for (let j = i + 1; j < refs.length; j++) if (refs[j] === p) return j;
  return Number.POSITIVE_INFINITY;
}
