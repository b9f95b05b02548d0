// kswapd's cost in wall time: the same workload through a full-mode Machine with and without kswapd
// (doc watermarks, clock), runs interleaved, median of 3, reported as a ratio measured in the same
// process. kswapd adds nothing to a reference that hits (its hooks sit on the frame-allocation
// path only); on a faulting workload it adds its reclaim batches, the clean-ahead scan over the
// frames each time it sleeps, and the faults the free pool costs.
// Run: npm run build && node dist/bench/kswapd.bench.js

import { ACC_READ, ACC_WRITE, generateAll, isWrite, Machine } from "../src/index.js";

const FRAMES = 1000;
const CASES = [
  {
    label: "hits: 600 pages fit in 1000 frames",
    spec: "zipf:pages=600,alpha=0.8,n=3000000,seed=1,writes=0.3",
  },
  {
    label: "faulting: 4000 pages in 1000 frames",
    spec: "zipf:pages=4000,alpha=0.8,n=3000000,seed=1,writes=0.3",
  },
];

function once(refs: ReturnType<typeof generateAll>, kswapd: boolean): { s: number; m: Machine } {
  const m = new Machine({
    frames: FRAMES,
    tableFrames: 8,
    pageSize: refs.pageSize,
    vaBits: 32,
    policy: "clock",
    ...(kswapd ? { kswapd: "doc" } : {}),
  });
  const pid = m.spawn({ trace: true });
  const { pages, kinds, count } = refs;
  const ps = refs.pageSize;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) m.access(pid, pages[i]! * ps, isWrite(kinds[i]!) ? ACC_WRITE : ACC_READ);
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, m };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `${"workload".padEnd(38)} ${"without".padStart(10)} ${"with".padStart(10)} ${"ratio".padStart(7)}  kswapd: wake-ups, reclaimed, cleaned, direct; faults without → with`,
);
for (const c of CASES) {
  const refs = generateAll(c.spec);
  const off: number[] = [];
  const on: number[] = [];
  let mOff: Machine | undefined;
  let mOn: Machine | undefined;
  for (let r = 0; r < 3; r++) {
    const a = once(refs, false);
    const b = once(refs, true);
    off.push(a.s);
    on.push(b.s);
    mOff = a.m;
    mOn = b.m;
  }
  const k = mOn!.stats().reclaim.kswapd!;
  const rate = (s: number) => `${(refs.count / s / 1e6).toFixed(2)} M/s`;
  console.log(
    `${c.label.padEnd(38)} ${rate(median(off)).padStart(10)} ${rate(median(on)).padStart(10)} ${(median(on) / median(off)).toFixed(3).padStart(7)}  ${k.wakeups}, ${k.reclaimed}, ${k.cleaned}, ${k.directReclaims}; ${mOff!.stats().faults.total} → ${mOn!.stats().faults.total}`,
  );
}
