// Replay speed of every registered policy on a real trace of at least 10 million references, and
// a check of miss counts against libCacheSim's at 64 / 256 / 1024 / 4096 frames.
// Trace: shared/traces/py50k-50m.pages.zst (50 M references, CPython), found next to the
// repository (../shared/traces from the repository root or the working directory), or the file
// named by PW_BENCH_TRACE (a *.pages.zst or *.pages text file). PW_BENCH_CHECK_ALL=1 also checks
// the other traces in the same folder; PW_BENCH_CHECK_ONLY=1 skips the speed table. Speed: median of 3 replays, million references per second,
// replay loop only (parsing, densify and OPT's next-use annotation are timed apart).
// Run: npm run build && node dist/bench/policies.bench.js

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { decompress } from "fzstd";
import { getPolicyFactory, policyIds } from "../src/policies/registry.js";
import { densify, type ReplayTrace, replay } from "../src/sim/replay.js";
import { annotateNextUse } from "../src/workloads/oracle.js";
import { PagesTextParser } from "../src/workloads/pages-text.js";
import { isWrite } from "../src/workloads/refs.js";

const TRACE = "py50k-50m";
const SPEED_FRAMES = [64, 1024];
const CHECK_FRAMES = [64, 256, 1024, 4096];
const CHECK_POLICIES: Record<string, string> = {
  fifo: "fifo",
  lru: "lru",
  clock: "clock",
  opt: "belady",
  arc: "arc",
  lirs: "lirs",
  s3fifo: "s3fifo",
  sieve: "sieve",
};
const RUNS = 3;

function sharedTraces(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, "..", "..", "..", "shared", "traces"),
    path.resolve(process.cwd(), "..", "shared", "traces"),
    path.resolve(process.cwd(), "shared", "traces"),
  ];
  return candidates.find((d) => fs.existsSync(path.join(d, `${TRACE}.pages.zst`))) ?? null;
}

/** Reads a *.pages(.zst) file into a dense trace with write flags. */
function loadTrace(file: string): ReplayTrace {
  let pages = new Float64Array(1 << 24);
  let writes = new Uint8Array(1 << 24);
  let count = 0;
  const parser = new PagesTextParser(file, (b) => {
    if (count + b.count > pages.length) {
      const np = new Float64Array(pages.length * 2);
      np.set(pages);
      pages = np;
      const nw = new Uint8Array(writes.length * 2);
      nw.set(writes);
      writes = nw;
    }
    pages.set(b.pages.subarray(0, b.count), count);
    for (let i = 0; i < b.count; i++) writes[count + i] = isWrite(b.kinds[i]!) ? 1 : 0;
    count += b.count;
  });
  parser.pushBytes(readText(file));
  parser.end();
  const dense = densify(pages, count);
  return { count, pages: dense.ids, writes: writes.slice(0, count), pageSpace: dense.pageSpace };
}

/**
 * The file's text: zstd-compressed files through the `zstd` binary when it exists. fzstd 0.1.1 is
 * only a fallback: on py50k-50m.pages.zst it returns the right length with wrong bytes (md5 differs
 * from zstdcat's; a line comes out as "I 4aI 4ac3"), so the parser rejects its output.
 */
function readText(file: string): Uint8Array {
  if (!file.endsWith(".zst")) return fs.readFileSync(file);
  const z = spawnSync("zstd", ["-dc", file], { maxBuffer: 2 ** 31 - 1 });
  if (z.status === 0 && z.stdout) return z.stdout;
  console.log("(zstd binary not usable; decompressing with fzstd, whose output may be corrupt)");
  return decompress(fs.readFileSync(file));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Garbage collections seen so far: a replay that allocates nothing per reference triggers none. */
let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ["gc"] });
const flushObservers = () => new Promise((resolve) => setTimeout(resolve, 0));

async function timeReplay(
  trace: ReplayTrace,
  policy: string,
  frames: number,
  nextUse: Float64Array | undefined,
) {
  const rates: number[] = [];
  let faults = 0;
  await flushObservers();
  const gcBefore = gcCount;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    const res = replay(trace, { policy, frames, ...(nextUse ? { nextUse } : {}) });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(trace.count / s / 1e6);
    faults = res.faults;
  }
  await flushObservers();
  return { rate: median(rates), faults, gcs: gcCount - gcBefore };
}

async function speedTable(trace: ReplayTrace, nextUse: Float64Array): Promise<void> {
  const head = SPEED_FRAMES.map((f) => `${f} frames: M refs/s (faults, GCs)`.padStart(36)).join("");
  console.log(`\npolicy          ${head}`);
  for (const id of policyIds()) {
    const nu = getPolicyFactory(id).needsFuture ? nextUse : undefined;
    const cells: string[] = [];
    for (const f of SPEED_FRAMES) {
      const { rate, faults, gcs } = await timeReplay(trace, id, f, nu);
      cells.push(`${rate.toFixed(1)} (${faults}, ${gcs})`.padStart(36));
    }
    console.log(`${id.padEnd(16)}${cells.join("")}`);
  }
  console.log(`GCs: garbage collections during the ${RUNS} timed replays (${trace.count} references each)`);
}

interface ReferenceFile {
  [trace: string]: { refs: number; misses: Record<string, Record<string, number>> };
}

function checkTable(name: string, trace: ReplayTrace, nextUse: Float64Array, ref: ReferenceFile): number {
  const want = ref[name];
  if (!want) {
    console.log(`(no reference counts for ${name})`);
    return 0;
  }
  console.log(`\n${name}: misses vs libCacheSim (= equal, otherwise ours/theirs)`);
  console.log(`policy    ${CHECK_FRAMES.map((f) => String(f).padStart(18)).join("")}`);
  let mismatches = 0;
  for (const [id, theirs] of Object.entries(CHECK_POLICIES)) {
    const cells = CHECK_FRAMES.map((f) => {
      const nu = id === "opt" ? nextUse : undefined;
      const ours = replay(trace, { policy: id, frames: f, ...(nu ? { nextUse: nu } : {}) }).faults;
      const t = want.misses[theirs]?.[String(f)];
      if (t !== ours) mismatches++;
      return (t === ours ? `= ${ours}` : `${ours}/${t}`).padStart(18);
    });
    console.log(`${id.padEnd(10)}${cells.join("")}`);
  }
  return mismatches;
}

async function main(): Promise<void> {
  const dir = process.env.PW_BENCH_TRACE ? path.dirname(process.env.PW_BENCH_TRACE) : sharedTraces();
  const file = process.env.PW_BENCH_TRACE ?? (dir ? path.join(dir, `${TRACE}.pages.zst`) : null);
  if (!file || !fs.existsSync(file)) {
    console.log(
      "policies bench: no trace found. Put py50k-50m.pages.zst in ../shared/traces, or point PW_BENCH_TRACE at a\n" +
        "`K PAGE` trace of ≥ 10 M references (record one with `pagewise trace --out t.pwt -- <program>`\n" +
        "and convert it, or reduce a Valgrind lackey trace to pages). Skipping.",
    );
    return;
  }
  let t0 = Date.now();
  const trace = loadTrace(file);
  console.log(
    `${path.basename(file)}: ${trace.count} references, ${trace.pageSpace} pages, loaded in ${Date.now() - t0} ms`,
  );
  t0 = Date.now();
  const nextUse = annotateNextUse(trace.pages, trace.count, trace.pageSpace);
  console.log(`next-use annotation for opt: ${Date.now() - t0} ms`);
  if (!process.env.PW_BENCH_CHECK_ONLY) await speedTable(trace, nextUse);
  const refFile = dir ? path.join(dir, "libcachesim-misses.json") : "";
  if (!fs.existsSync(refFile)) return;
  const ref = JSON.parse(fs.readFileSync(refFile, "utf8")) as ReferenceFile;
  const name = path.basename(file).replace(/\.pages(\.zst)?$/, "");
  let mismatches = checkTable(name, trace, nextUse, ref);
  if (process.env.PW_BENCH_CHECK_ALL && dir) {
    for (const other of Object.keys(ref).filter((n) => n !== name)) {
      const f = path.join(dir, `${other}.pages.zst`);
      if (!fs.existsSync(f)) continue;
      const t = loadTrace(f);
      mismatches += checkTable(other, t, annotateNextUse(t.pages, t.count, t.pageSpace), ref);
    }
  }
  console.log(
    `\n${mismatches === 0 ? "all checked counts equal libCacheSim's" : `${mismatches} counts differ (see the policies' headers)`}`,
  );
}

await main();
