// Full mode on a real trace: py50k-50m (50 M references of CPython 3.11, 2,309 pages) through
// Machine.access, one reference at a time from decoded batches, at frame counts where under 1 %
// of references fault. Shows references per second (wall, and per CPU second, steadier on a busy
// machine), the share of references that hit the TLB, walk the page table and fault, and for one
// configuration the time spent in each. Page tables get frames of their own (MachineConfig
// tableFrames), as `pagewise run --mode full` does, so the faults equal replay mode's.
// Each configuration runs in a fresh worker thread (its own JIT state, as one CLI run would have),
// reading the decoded trace from a SharedArrayBuffer: no policy's code makes another's slower.
// Trace: ../shared/traces/py50k-50m.pages.zst through the `zstd` binary (PW_BENCH_TRACES names
// another folder), else the bundled test/fixtures/traces/py-dict.pwt (34 M references).
// Run: npm run build && node dist/bench/machine-trace.bench.js

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { bundledTracePath } from "../node/bundled-traces.js";
import { openTrace } from "../node/trace-file.js";
import {
  ACC_EXEC,
  ACC_READ,
  ACC_WRITE,
  isWrite,
  layoutFor,
  Machine,
  PagesTextParser,
  REF_INSTR,
  type RefBatch,
} from "../src/index.js";

const PS = 4096;
const REAL_TRACE = "py50k-50m";
const BATCH = 65536;
const RUNS = 3;
/** (policy, frames): on py50k-50m each faults on under 1 % of references (libCacheSim agrees). */
const CONFIGS: [string, number][] = [
  ["lru", 1024],
  ["lru", 256],
  ["fifo", 1024],
  ["clock", 1024],
  ["sieve", 1024],
  ["arc", 1024],
];
/** The default TLB (64 entries, 4-way) and a large second-level-sized one. */
const TLBS = [
  { entries: 64, ways: 4 },
  { entries: 2048, ways: 8 },
];

interface Shared {
  readonly pages: SharedArrayBuffer;
  readonly kinds: SharedArrayBuffer;
  readonly count: number;
  readonly vaBits: number;
  readonly tableFrames: number;
}

interface Job {
  readonly kind: "speed" | "breakdown";
  readonly policy: string;
  readonly frames: number;
  readonly tlb: { entries: number; ways: number };
}

interface SpeedResult {
  wallRate: number;
  cpuRate: number;
  references: number;
  tlbHits: number;
  tlbMisses: number;
  faults: number;
  /** Breakdown only: ms in the whole run, in faults and in walks (timer cost removed). */
  ms?: number;
  faultMs?: number;
  walkMs?: number;
  timerNs?: number;
}

if (isMainThread) await main();
else worker();

// ---- main thread: load once, one worker per configuration ---------------------------------

async function main(): Promise<void> {
  const t0 = performance.now();
  const { name, pages, kinds, count } = await loadTrace();
  const distinct = new Set<number>();
  let maxVpn = 0;
  for (let i = 0; i < count; i++) {
    const p = pages[i]!;
    if (p > maxVpn) maxVpn = p;
    distinct.add(p);
  }
  const vaBits = Math.min(48, Math.max(16, Math.ceil(Math.log2((maxVpn + 1) * PS))));
  const layout = layoutFor(PS, vaBits);
  const shared: Shared = {
    pages: pages.buffer as SharedArrayBuffer,
    kinds: kinds.buffer as SharedArrayBuffer,
    count,
    vaBits,
    tableFrames: Machine.tableFramesFor(layout, [...distinct]),
  };
  console.log(
    `${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString()}`,
  );
  console.log(
    `trace ${name}: ${count.toLocaleString("en")} refs, ${distinct.size} pages, decoded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `full mode: ${vaBits}-bit VA, ${layout.levels}-level page tables in ${shared.tableFrames} frames of their own, real bytes, statistics; median of ${RUNS}, each configuration in a fresh worker thread\n`,
  );
  console.log(
    `${"TLB, policy, frames".padEnd(32)}${"M refs/s".padStart(10)}${"per CPU s".padStart(11)}${"TLB hits".padStart(10)}${"walks".padStart(8)}${"faults".padStart(9)}`,
  );
  for (const tlb of TLBS) {
    for (const [policy, frames] of CONFIGS) {
      const r = await inWorker(shared, { kind: "speed", policy, frames, tlb });
      const pct = (x: number, d = 2) => `${((100 * x) / r.references).toFixed(d)}%`;
      console.log(
        `${`${tlb.entries}/${tlb.ways}-way, ${policy}, ${frames}`.padEnd(32)}${r.wallRate.toFixed(2).padStart(10)}${r.cpuRate.toFixed(2).padStart(11)}${pct(r.tlbHits).padStart(10)}${pct(r.tlbMisses - r.faults).padStart(8)}${pct(r.faults, 3).padStart(9)}`,
      );
    }
  }
  const job: Job = { kind: "breakdown", policy: "lru", frames: 1024, tlb: TLBS[0]! };
  const b = await inWorker(shared, job);
  const ms = b.ms!;
  const hitMs = ms - b.faultMs! - b.walkMs!;
  const n = b.references;
  console.log(
    `\nwhere the time goes: ${job.policy}, ${job.frames} frames, TLB ${job.tlb.entries}/${job.tlb.ways}-way: ${n.toLocaleString("en")} refs in ${ms.toFixed(0)} ms`,
  );
  const row = (what: string, k: number, part: number) =>
    console.log(
      `  ${what.padEnd(36)}${((100 * k) / n).toFixed(3).padStart(8)} % of refs${part.toFixed(0).padStart(7)} ms${((100 * part) / ms).toFixed(1).padStart(6)} % of time${((part * 1e6) / Math.max(1, k)).toFixed(0).padStart(8)} ns each`,
    );
  row("TLB hit (loop, counters, LRU touch)", b.tlbHits, hitMs);
  row("TLB miss, walk to a resident page", b.tlbMisses - b.faults, b.walkMs!);
  row("fault (pager, restarted access)", b.faults, b.faultMs!);
  console.log(
    `  (faults and walks timed with performance.now() around each call, less ${b.timerNs!.toFixed(0)} ns per call for the timer; hits are the rest of the run)`,
  );
}

function inWorker(shared: Shared, job: Job): Promise<SpeedResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { shared, job } });
    w.once("message", (r: SpeedResult) => {
      resolve(r);
      void w.terminate();
    });
    w.once("error", reject);
  });
}

/** py50k-50m through the zstd binary, else the bundled py-dict.pwt, into shared arrays. */
async function loadTrace(): Promise<{ name: string; pages: Float64Array; kinds: Uint8Array; count: number }> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dirs = [
    process.env.PW_BENCH_TRACES,
    path.resolve(here, "..", "..", "..", "shared", "traces"),
    path.resolve(process.cwd(), "..", "shared", "traces"),
  ].filter((d): d is string => d !== undefined);
  const file = dirs.map((d) => path.join(d, `${REAL_TRACE}.pages.zst`)).find((f) => fs.existsSync(f));
  let cap = 1 << 22;
  let pages = new Float64Array(new SharedArrayBuffer(cap * 8));
  let kinds = new Uint8Array(new SharedArrayBuffer(cap));
  let count = 0;
  const keep = (b: RefBatch) => {
    if (count + b.count > cap) {
      cap *= 2;
      const np = new Float64Array(new SharedArrayBuffer(cap * 8));
      np.set(pages.subarray(0, count));
      pages = np;
      const nk = new Uint8Array(new SharedArrayBuffer(cap));
      nk.set(kinds.subarray(0, count));
      kinds = nk;
    }
    pages.set(b.pages.subarray(0, b.count), count);
    kinds.set(b.kinds.subarray(0, b.count), count);
    count += b.count;
  };
  const z = file ? spawnSync("zstd", ["-dc", file], { maxBuffer: 2 ** 31 - 1 }) : null;
  if (file && z?.status === 0 && z.stdout) {
    const parser = new PagesTextParser(file, keep, BATCH);
    parser.pushBytes(z.stdout);
    parser.end();
    return { name: `${REAL_TRACE} (${path.relative(process.cwd(), file)})`, pages, kinds, count };
  }
  const bundled = bundledTracePath("py-dict");
  if (bundled === undefined) throw new Error(`neither ${REAL_TRACE} nor the bundled py-dict trace was found`);
  for await (const b of (await openTrace(bundled)).batches(BATCH)) keep(b);
  return { name: `py-dict (${REAL_TRACE} not found; bundled ${bundled})`, pages, kinds, count };
}

// ---- worker: one configuration -----------------------------------------------------------

function worker(): void {
  const { shared, job } = workerData as { shared: Shared; job: Job };
  const pages = new Float64Array(shared.pages, 0, shared.count);
  const kinds = new Uint8Array(shared.kinds, 0, shared.count);
  // The decoded batches, as a trace reader hands them over (views, made once).
  const batches: { pages: Float64Array; kinds: Uint8Array }[] = [];
  for (let s = 0; s < shared.count; s += BATCH) {
    const e = Math.min(shared.count, s + BATCH);
    batches.push({ pages: pages.subarray(s, e), kinds: kinds.subarray(s, e) });
  }
  const machine = () => {
    const m = new Machine({
      frames: job.frames,
      tableFrames: shared.tableFrames,
      pageSize: PS,
      vaBits: shared.vaBits,
      policy: job.policy,
      tlb: job.tlb,
    });
    return { m, pid: m.spawn({ trace: true }) };
  };
  const drive = (m: Machine, pid: number) => {
    for (const b of batches) {
      const bp = b.pages;
      const bk = b.kinds;
      for (let i = 0; i < bp.length; i++) {
        const k = bk[i]!;
        m.access(pid, bp[i]! * PS, k === REF_INSTR ? ACC_EXEC : isWrite(k) ? ACC_WRITE : ACC_READ);
      }
    }
  };
  const runs: { wall: number; cpu: number; m: Machine }[] = [];
  for (let r = 0; r < RUNS; r++) {
    const { m, pid } = machine();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    drive(m, pid);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    runs.push({ wall, cpu: (c.user + c.system) / 1000, m });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = runs[0]!.m.stats();
  const out: SpeedResult = {
    wallRate: shared.count / med(runs.map((r) => r.wall)) / 1e3,
    cpuRate: shared.count / med(runs.map((r) => r.cpu)) / 1e3,
    references: s.references,
    tlbHits: s.tlb.hits,
    tlbMisses: s.tlb.misses,
    faults: s.faults.total,
  };
  if (job.kind === "breakdown") {
    out.ms = med(runs.map((r) => r.wall));
    const timerMs = timerPairMs();
    out.timerNs = timerMs * 1e6;
    const timed = (target: "fault" | "walk") => {
      const { m, pid } = machine();
      const obj = (target === "fault" ? m.pager : m.mmu) as unknown as Record<
        string,
        (...a: unknown[]) => number
      >;
      const name = target === "fault" ? "handleFault" : "walk";
      const orig = obj[name]!.bind(obj);
      let inside = 0;
      let calls = 0;
      obj[name] = (...a: unknown[]) => {
        const a0 = performance.now();
        const r = orig(...a);
        inside += performance.now() - a0;
        calls++;
        return r;
      };
      drive(m, pid);
      return Math.max(0, inside - calls * timerMs);
    };
    out.faultMs = med([timed("fault"), timed("fault"), timed("fault")]);
    out.walkMs = med([timed("walk"), timed("walk"), timed("walk")]);
  }
  parentPort!.postMessage(out);
}

/** Cost of one performance.now() pair, ms. */
function timerPairMs(): number {
  const n = 1_000_000;
  let x = 0;
  const s0 = performance.now();
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    x += performance.now() - a;
  }
  const total = performance.now() - s0;
  if (x < 0) console.log(x);
  return total / n;
}
