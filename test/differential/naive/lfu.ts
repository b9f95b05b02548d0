import type { NaivePolicy } from "./common.js";

/** LFU: count hits from 1; evict the smallest count, ties to the page that reached it first. */
export function naiveLfu(): NaivePolicy {
  const pages: { page: number; count: number; since: number }[] = [];
  let clock = 0;
  return {
    hit: (p) => {
      const e = pages.find((x) => x.page === p)!;
      e.count++;
      e.since = clock++;
    },
    victim: () => {
      let best = 0;
      pages.forEach((e, k) => {
        const b = pages[best]!;
        if (e.count < b.count || (e.count === b.count && e.since < b.since)) best = k;
      });
      return pages.splice(best, 1)[0]!.page;
    },
    admit: (p) => void pages.push({ page: p, count: 1, since: clock++ }),
  };
}
