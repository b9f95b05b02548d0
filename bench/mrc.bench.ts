// One-pass miss-ratio curves on a real trace: the exact LRU pass (M refs/s, seconds for every size),
// the exact OPT pass against replaying OPT size by size at 11 sizes, SHARDS at a few rates (time as a
// ratio to the exact pass, mean and largest absolute error of the miss ratio against the exact
// curve), the counts checked against libCacheSim's, and the peak RSS.
// Trace: shared/traces/py50k-50m.pages.zst (50 M references of CPython) next to the repository, or
// PW_BENCH_TRACE (a *.pages or *.pages.zst file); without either, the bundled
// test/fixtures/reference/py-1m.pages.gz (1 M references), which the output says.
// Timed: the passes over dense page ids only (reading, parsing and numbering pages are timed apart).
// Run: npm run build && node dist/bench/mrc.bench.js   (PW_BENCH_QUICK=1 skips the 11 OPT replays)

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import {
  annotateNextUse,
  curveError,
  DEFAULT_SHARDS_RATE,
  densify,
  LruMrc,
  type MissCurve,
  missesAt,
  nextUses,
  optCurve,
  PagesTextParser,
  replay,
  ShardsMrc,
} from "../src/index.js";

const TRACE = "py50k-50m";
const RUNS = 3;
const OPT_SIZES = 11;
const SHARDS_RATES = [0.1, 0.05, 0.02, 0.01];
const LIBCACHESIM_S = 16.7; // libCacheSim's LRU MRC, 11 sizes over 15 M references (issue 6)

const here = path.dirname(fileURLToPath(import.meta.url));

function findTrace(): { file: string; refs: string | null; note: string } {
  const env = process.env.PW_BENCH_TRACE;
  if (env) return { file: env, refs: null, note: `PW_BENCH_TRACE=${env}` };
  for (const d of [
    path.resolve(here, "..", "..", "..", "shared", "traces"),
    path.resolve(process.cwd(), "..", "shared", "traces"),
  ]) {
    const f = path.join(d, `${TRACE}.pages.zst`);
    if (fs.existsSync(f)) return { file: f, refs: path.join(d, "libcachesim-misses.json"), note: f };
  }
  const fx = path.resolve(here, "..", "..", "test", "fixtures", "reference");
  return {
    file: path.join(fx, "py-1m.pages.gz"),
    refs: null,
    note: `${TRACE} not found: using the bundled fixture py-1m.pages.gz (1 M references); figures are not comparable`,
  };
}

function readText(file: string): Uint8Array {
  if (file.endsWith(".gz")) return zlib.gunzipSync(fs.readFileSync(file));
  if (!file.endsWith(".zst")) return fs.readFileSync(file);
  const z = spawnSync("zstd", ["-dc", file], { maxBuffer: 2 ** 31 - 1 });
  if (z.status !== 0 || !z.stdout) throw new Error(`zstd -dc ${file} failed: install zstd`);
  return z.stdout;
}

function loadDense(file: string): { ids: Int32Array; pageSpace: number } {
  let pages = new Float64Array(1 << 22);
  let count = 0;
  const parser = new PagesTextParser(file, (b) => {
    if (count + b.count > pages.length) {
      const np = new Float64Array(pages.length * 2);
      np.set(pages);
      pages = np;
    }
    pages.set(b.pages.subarray(0, b.count), count);
    count += b.count;
  });
  parser.pushBytes(readText(file));
  parser.end();
  const d = densify(pages, count);
  return { ids: d.ids, pageSpace: d.pageSpace };
}

/** Wall seconds and CPU seconds (user + system) of one call. */
function seconds<T>(f: () => T): { s: number; cpu: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = f();
  const c = process.cpuUsage(c0);
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall and CPU time of RUNS runs of `f`, and its last value. */
function timed<T>(f: () => T): { s: number; cpu: number; value: T } {
  const ts: number[] = [];
  const cs: number[] = [];
  let value!: T;
  for (let r = 0; r < RUNS; r++) {
    const x = seconds(f);
    ts.push(x.s);
    cs.push(x.cpu);
    value = x.value;
  }
  return { s: median(ts), cpu: median(cs), value };
}

function lruPass(ids: Int32Array): MissCurve {
  const m = new LruMrc();
  m.feed(ids);
  return m.curve();
}

function shardsPass(ids: Int32Array, rate: number, scaling: "plus-one" | "paper" = "plus-one"): MissCurve {
  const m = new ShardsMrc({ rate, scaling });
  m.feed(ids);
  return m.curve();
}

function sweepSizes(distinct: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < OPT_SIZES; i++) out.add(Math.max(1, Math.round(distinct ** (i / (OPT_SIZES - 1)))));
  let f = 2;
  while (out.size < OPT_SIZES) out.add(f++);
  return [...out].sort((a, b) => a - b);
}

function checkAgainst(name: string, label: string, c: MissCurve, refFile: string | null, key: string): void {
  if (refFile === null || !fs.existsSync(refFile)) return;
  const want = (
    JSON.parse(fs.readFileSync(refFile, "utf8")) as Record<
      string,
      { misses: Record<string, Record<string, number>> }
    >
  )[name]?.misses[key];
  if (!want) return;
  const bad = Object.entries(want).filter(([f, m]) => missesAt(c, Number(f)) !== m);
  console.log(
    `${label} vs libCacheSim ${key} at ${Object.keys(want).join("/")} frames: ${bad.length === 0 ? "equal" : `DIFFER at ${bad.map(([f, m]) => `${f} (${missesAt(c, Number(f))} vs ${m})`).join(", ")}`}`,
  );
  if (bad.length > 0) process.exitCode = 1;
}

const { file, refs, note } = findTrace();
console.log(`trace: ${note}`);
const load = seconds(() => loadDense(file));
const { ids, pageSpace } = load.value;
const n = ids.length;
console.log(
  `${n} references, ${pageSpace} distinct pages; read, parse and number pages: ${load.s.toFixed(2)} s`,
);

const lru = timed(() => lruPass(ids));
console.log(
  `\nexact LRU, one pass, every size 1..${lru.value.distinct}: ${lru.s.toFixed(3)} s wall (${lru.cpu.toFixed(3)} s CPU), ` +
    `${(n / lru.s / 1e6).toFixed(1)} M refs/s (median of ${RUNS})`,
);
if (n >= 15e6) {
  const first = ids.subarray(0, 15e6);
  const l15 = timed(() => lruPass(first));
  console.log(
    `exact LRU on the first 15 M references: ${l15.s.toFixed(3)} s wall (${l15.cpu.toFixed(3)} s CPU), every size 1..${l15.value.distinct}; ` +
      `libCacheSim took ${LIBCACHESIM_S} s for 11 sizes: ${(LIBCACHESIM_S / l15.s).toFixed(0)}x`,
  );
}
checkAgainst(TRACE, "exact LRU", lru.value, refs, "lru");

const annot = timed(() => nextUses(ids, n, pageSpace));
const opt = timed(() => optCurve(ids, n, pageSpace, annot.value));
console.log(
  `\nexact OPT, one pass, every size: ${(annot.s + opt.s).toFixed(3)} s wall, ${(annot.cpu + opt.cpu).toFixed(3)} s CPU (next-use annotation ${annot.s.toFixed(3)} s + stack pass ${opt.s.toFixed(3)} s, ${(n / opt.s / 1e6).toFixed(1)} M refs/s)`,
);
checkAgainst(TRACE, "exact OPT", opt.value, refs, "belady");
if (process.env.PW_BENCH_QUICK === undefined) {
  const sizes = sweepSizes(pageSpace);
  const nu = seconds(() => annotateNextUse(ids, n, pageSpace));
  let total = nu.s;
  let cpu = nu.cpu;
  let same = 0;
  for (const f of sizes) {
    const r = seconds(() =>
      replay({ count: n, pages: ids, pageSpace }, { policy: "opt", frames: f, nextUse: nu.value }),
    );
    total += r.s;
    cpu += r.cpu;
    if (r.value.faults === missesAt(opt.value, f)) same++;
  }
  console.log(
    `replaying OPT at ${sizes.length} sizes (${sizes.join(", ")}): ${total.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (annotation included); ` +
      `one pass is ${(total / (annot.s + opt.s)).toFixed(1)}x faster (CPU ${(cpu / (annot.cpu + opt.cpu)).toFixed(1)}x); faults equal at ${same}/${sizes.length} sizes`,
  );
  if (same !== sizes.length) process.exitCode = 1;
}

console.log(
  `\nSHARDS (fixed rate, SHARDS_adj; default R=${DEFAULT_SHARDS_RATE}), against the exact LRU curve at every size 1..${lru.value.distinct}:`,
);
shardsPass(ids.subarray(0, Math.min(n, 1 << 20)), SHARDS_RATES[0]!); // warm-up: compile the loops first
for (const rate of SHARDS_RATES) {
  const sh = timed(() => shardsPass(ids, rate));
  const e = curveError(sh.value, lru.value);
  console.log(
    `  R=${rate}: ${sh.s.toFixed(3)} s, ${(n / sh.s / 1e6).toFixed(0)} M refs/s, ${(lru.s / sh.s).toFixed(1)}x the exact pass (CPU ${(lru.cpu / sh.cpu).toFixed(1)}x); ` +
      `MAE ${e.mae.toFixed(5)}, max error ${e.max.toFixed(4)} at ${e.maxAt} frames`,
  );
}
const paper = timed(() => shardsPass(ids, DEFAULT_SHARDS_RATE, "paper"));
const pe = curveError(paper.value, lru.value);
console.log(
  `  R=${DEFAULT_SHARDS_RATE} with the paper's d/R scaling: ${paper.s.toFixed(3)} s; MAE ${pe.mae.toFixed(5)}, max error ${pe.max.toFixed(4)} at ${pe.maxAt} frames`,
);
const fixed = timed(() => {
  const m = new ShardsMrc({ rate: 1, maxPages: 256 });
  m.feed(ids);
  return m.curve();
});
const fe = curveError(fixed.value, lru.value);
console.log(
  `  fixed size s_max=256: ${fixed.s.toFixed(3)} s, ${(lru.s / fixed.s).toFixed(1)}x the exact pass (CPU ${(lru.cpu / fixed.cpu).toFixed(1)}x), final R=${fixed.value.sampleRate.toFixed(4)}; MAE ${fe.mae.toFixed(5)}, max error ${fe.max.toFixed(4)}`,
);
console.log(
  `\npeak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (trace held in memory as Int32 ids)`,
);
