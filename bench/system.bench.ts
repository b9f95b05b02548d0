// The multiprogramming layer's cost (src/system): references per second through System.run on
// processes that do not fault (5 processes looping over 20 resident pages, ordinary I/O between
// bursts), beside the bare Machine.access loop on the same references; and the heap growth per
// reference of System.run (it must allocate nothing per reference).

import { ACC_EXEC, Machine, prepareWorkload, REF_INSTR, System } from "../src/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
const pages = Array.from({ length: 100_000 }, (_, i) => i % 20);
const w = prepareWorkload(
  "loop20",
  pages,
  pages.map(() => REF_INSTR),
);

function system(): System {
  const m = new Machine({ frames: 128, policy: "lru", scope: "local" });
  const s = new System(m, { allocation: "equal", io: { everyRefs: 20_000, ns: 8e6 } });
  for (let i = 0; i < 5; i++) s.spawn({ workload: w, loop: true });
  s.run(1e9); // warm: every page resident
  return s;
}

const sysRates: number[] = [];
const bareRates: number[] = [];
for (let r = 0; r < 3; r++) {
  const s = system();
  const before = s.totals().completed;
  const t0 = process.hrtime.bigint();
  s.run(3e9);
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const refs = s.totals().completed - before;
  sysRates.push(refs / sec);
  const m = new Machine({ frames: 128, policy: "lru" });
  const pid = m.spawn({ trace: true });
  for (let i = 0; i < 20; i++) m.access(pid, i * 4096, ACC_EXEC);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < refs; i++) m.access(pid, pages[i % 100_000]! * 4096, ACC_EXEC);
  bareRates.push(refs / (Number(process.hrtime.bigint() - t1) / 1e9));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
console.log(
  `${"System.run, 5 processes, no faults".padEnd(46)} ${(med(sysRates) / 1e6).toFixed(2).padStart(8)} M refs/s   (median of 3)`,
);
console.log(
  `${"Machine.access, same references".padEnd(46)} ${(med(bareRates) / 1e6).toFixed(2).padStart(8)} M refs/s   (median of 3, same run)`,
);
{
  const s = system();
  gc?.();
  const h0 = process.memoryUsage().heapUsed;
  const c0 = s.totals().completed;
  s.run(3e9);
  const refs = s.totals().completed - c0;
  const grew = process.memoryUsage().heapUsed - h0;
  console.log(
    `${"heap growth per reference in System.run".padEnd(46)} ${(grew / refs).toFixed(4).padStart(8)} bytes/ref ${gc ? "" : "(run with --expose-gc for a clean figure)"}`,
  );
}
