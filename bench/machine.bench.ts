// Full-mode throughput: references per second through the Machine (page tables in frames, TLB,
// real bytes, statistics): the TLB-hit path (typed reads and the raw access path), a TLB-miss
// path (more pages than TLB entries, all resident), and a workload that faults and swaps.
// Also checks that the TLB-hit path allocates nothing (heap growth per access, with --expose-gc).

import { ACC_READ, ACC_WRITE, Machine } from "../src/index.js";

const PS = 4096;
const gc = (globalThis as { gc?: () => void }).gc;

function time(label: string, refs: number, fn: () => void): void {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  runs.sort((a, b) => a - b);
  const s = runs[1]!;
  console.log(
    `${label.padEnd(46)} ${(refs / s / 1e6).toFixed(2).padStart(8)} M refs/s   (median of 3, ${refs.toLocaleString("en")} refs)`,
  );
}

const N = 5_000_000;

{
  const m = new Machine({ frames: 256, policy: "fifo" });
  const pid = m.spawn({ trace: true });
  for (let i = 0; i < 16; i++) m.access(pid, i * PS, ACC_WRITE);
  time("access(), TLB hits, 16 pages", N, () => {
    for (let i = 0; i < N; i++) m.access(pid, ((i & 15) << 12) + (i & 0xffc), ACC_READ);
  });
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) m.access(pid, ((i & 15) << 12) + (i & 0xffc), ACC_READ);
  const grew = process.memoryUsage().heapUsed - before;
  console.log(
    `${"heap growth over 5M TLB-hit accesses".padEnd(46)} ${(grew / N).toFixed(4).padStart(8)} bytes/access ${gc ? "" : "(run with --expose-gc for a clean figure)"}`,
  );
}
{
  const m = new Machine({ frames: 256, policy: "fifo" });
  const pid = m.spawn();
  const va = m.mmap(pid, 16 * PS);
  for (let i = 0; i < 16; i++) m.writeU32(pid, va + i * PS, i);
  let sum = 0;
  time("readU32(), TLB hits, 16 pages", N, () => {
    for (let i = 0; i < N; i++) sum += m.readU32(pid, va + ((i & 15) << 12) + (i & 0xffc));
  });
  time("writeU32(), TLB hits, 16 pages", N, () => {
    for (let i = 0; i < N; i++) m.writeU32(pid, va + ((i & 15) << 12) + (i & 0xffc), i);
  });
  if (sum < 0) console.log(sum);
}
{
  const m = new Machine({ frames: 1100, policy: "fifo", tlb: { entries: 64, ways: 4 } });
  const pid = m.spawn({ trace: true });
  for (let i = 0; i < 1024; i++) m.access(pid, i * PS, ACC_WRITE);
  let x = 12345;
  time("access(), TLB misses (1024 resident pages)", N, () => {
    for (let i = 0; i < N; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      m.access(pid, (x & 1023) * PS, ACC_READ);
    }
  });
}
for (const policy of ["fifo", "lru", "second-chance", "opt"]) {
  const m = new Machine({ frames: 64 + 3, policy });
  const pid = m.spawn({ trace: true });
  let x = 99;
  const n = 1_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = x >>> 0;
    const page = r % 100 < 90 ? (r >>> 8) & 63 : 64 + ((r >>> 8) & 255);
    m.access(pid, page * PS, (r & 7) === 0 ? ACC_WRITE : ACC_READ);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const st = m.stats();
  console.log(
    `${`access(), faulting workload, ${policy}`.padEnd(46)} ${(n / s / 1e6).toFixed(2).padStart(8)} M refs/s   (fault rate ${((100 * st.faults.total) / st.references).toFixed(2)}%, ${st.evictions.dirty} dirty evictions)`,
  );
}
