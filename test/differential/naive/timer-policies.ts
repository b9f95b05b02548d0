// NRU, NFU and Aging, naively: every resident page in load order with a counter, a timer in
// simulated time, and a linear scan for the victim (ties to the longest resident).

import type { Bits, NaivePolicy } from "./common.js";

function timer(interval: number, onTick: () => void): (now: number) => void {
  let next = interval;
  return (now) => {
    if (now < next) return;
    onTick();
    next = Math.floor(now / interval) * interval + interval;
  };
}

function lowest(pages: number[], key: (p: number) => number): number {
  let best = pages[0]!;
  for (const p of pages) if (key(p) < key(best)) best = p;
  pages.splice(pages.indexOf(best), 1);
  return best;
}

export function naiveNru(bits: Bits, interval: number): NaivePolicy {
  const pages: number[] = [];
  return {
    victim: () => lowest(pages, (p) => (bits.R.get(p) ? 2 : 0) + (bits.D.get(p) ? 1 : 0)),
    admit: (p) => void pages.push(p),
    tick: timer(interval, () => {
      for (const p of pages) bits.R.set(p, false);
    }),
  };
}

export function naiveNfu(bits: Bits, interval: number): NaivePolicy {
  const pages: number[] = [];
  const count = new Map<number, number>();
  return {
    victim: () => lowest(pages, (p) => count.get(p)! + (bits.R.get(p) ? 1 : 0)),
    admit: (p) => {
      pages.push(p);
      count.set(p, 0);
    },
    tick: timer(interval, () => {
      for (const p of pages) {
        if (!bits.R.get(p)) continue;
        count.set(p, count.get(p)! + 1);
        bits.R.set(p, false);
      }
    }),
  };
}

export function naiveAging(bits: Bits, width: number, interval: number, onFault: boolean): NaivePolicy {
  const pages: number[] = [];
  const age = new Map<number, number>();
  const shift = () => {
    for (const p of pages) {
      age.set(p, Math.floor(age.get(p)! / 2) + (bits.R.get(p) ? 2 ** (width - 1) : 0));
      bits.R.set(p, false);
    }
  };
  return {
    victim: () => {
      if (onFault) shift();
      return lowest(pages, (p) => age.get(p)! + (bits.R.get(p) ? 2 ** width : 0));
    },
    admit: (p) => {
      pages.push(p);
      age.set(p, 0);
    },
    tick: onFault ? undefined : timer(interval, shift),
  };
}
