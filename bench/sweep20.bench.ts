// Issue 16's study-sized sweep: 20 traces × 8 policies × 10 sizes, whole process, beside
// libCacheSim doing the same work on the same files (../shared/anchors, its README).
// The 20 traces are consecutive slices of PW_S20_REFS references (default 1,000,000) of the three
// real traces in ../shared/traces (7 of py50k-50m, 7 of sqlite6k-50m, 6 of sort20k), each written
// once with `pagewise convert --to oracleGeneral` into PW_S20_DIR (default os.tmpdir()/pagewise-sweep20)
// so that both tools read the same uncompressed oracleGeneral files.
// Measured, interleaved for PW_S20_ROUNDS rounds (default 1), CPU seconds (user + sys) and peak RSS
// from /usr/bin/time:
// - pagewise: ONE process, `pagewise sweep --trace "DIR/*.oracleGeneral.bin" --policies
//   lru,fifo,clock,sieve,s3fifo,arc,lirs,opt --frames 1%,2%,3%,5%,7%,10%,15%,20%,30%,50% --csv`;
// - pagewise as 2 shards at once (`--shard 1/2`, `--shard 2/2` into a directory, then `merge`): wall time;
// - libCacheSim: one `cachesim T oracleGeneral POLICY S1,…,S10 --ignore-obj-size 1 --num-thread 1`
//   per (trace, policy), at the frame counts pagewise resolved for that trace (floor of the share of
//   its distinct pages); CPU summed, peak RSS the largest, wall time without the 2-second
//   progress-polling sleep of each multi-size run. (All 8 policies in one cachesim per trace, which
//   reads each trace once, peaked at 12.5 GB for 80 caches on this 23 GB machine shared with others.)
// Then checks that LRU, FIFO and OPT (Belady) miss counts agree at every (trace, size) and prints a
// Markdown table for BENCHMARKS.md. Skips (exit 0) without ../shared or /usr/bin/time.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
// The package's bin, what `pagewise` runs (dist/cli/main.js loads the same loader).
const main = path.join(root, "dist", "cli", "bin.cjs");
const shared = [path.resolve(root, "..", "shared"), path.resolve(process.cwd(), "..", "shared")].find((d) =>
  fs.existsSync(path.join(d, "anchors", "cachesim")),
);
const env = process.env;
const REFS = Number(env.PW_S20_REFS ?? 1_000_000);
const ROUNDS = Number(env.PW_S20_ROUNDS ?? 1);
const DIR = env.PW_S20_DIR ?? path.join(os.tmpdir(), "pagewise-sweep20");
const POLICIES = ["lru", "fifo", "clock", "sieve", "s3fifo", "arc", "lirs", "opt"];
const THEIRS = ["LRU", "FIFO", "Clock", "Sieve", "S3FIFO", "ARC", "LIRS", "Belady"];
const SIZES = "1%,2%,3%,5%,7%,10%,15%,20%,30%,50%";
const SLICES: [string, number][] = [
  ["py50k-50m", 7],
  ["sqlite6k-50m", 7],
  ["sort20k", 6],
];

interface Sample {
  cpu: number;
  wall: number;
  rssKiB: number;
}

/** CPU seconds, wall seconds and peak RSS of one process, its stdout kept in `stdoutFile`. */
function timed(cmd: string, args: string[], stdoutFile?: string): Sample {
  const out = path.join(os.tmpdir(), `pagewise-s20-time-${process.pid}`);
  const fd = stdoutFile !== undefined ? fs.openSync(stdoutFile, "w") : "ignore";
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", out, cmd, ...args], {
    stdio: ["ignore", fd, "ignore"],
    cwd: os.tmpdir(),
  });
  const wall = (performance.now() - t0) / 1000;
  if (typeof fd === "number") fs.closeSync(fd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal})`);
  const [u, s, m] = fs.readFileSync(out, "utf8").trim().split(/\s+/).slice(-3).map(Number);
  return { cpu: u! + s!, wall, rssKiB: m! };
}

/** The 20 oracleGeneral slices, made once: `zstdcat | (split into slices) | pagewise convert`. */
async function traces(): Promise<string[]> {
  fs.mkdirSync(DIR, { recursive: true });
  const out: string[] = [];
  for (const [name, count] of SLICES) {
    const files = Array.from({ length: count }, (_, i) =>
      path.join(DIR, `${name}-${String(i + 1).padStart(2, "0")}.oracleGeneral.bin`),
    );
    out.push(...files);
    if (files.every((f) => fs.existsSync(f))) continue;
    const src = path.join(shared!, "traces", `${name}.pages.zst`);
    console.log(`making ${count} slices of ${REFS} references of ${name} in ${DIR}`);
    const z = spawn("zstdcat", [src], { stdio: ["ignore", "pipe", "inherit"] });
    let slice = 0;
    let lines = 0;
    let text = path.join(DIR, `slice-${process.pid}.pages`);
    let w = fs.createWriteStream(text);
    let rest = "";
    const finish = async () => {
      await new Promise<void>((r) => w.end(r));
      execFileSync(
        process.execPath,
        [main, "convert", text, "--format", "pages", "--to", "oracleGeneral", "--out", files[slice]!],
        {
          stdio: "ignore",
        },
      );
      fs.rmSync(text);
      slice++;
      lines = 0;
      if (slice < count) {
        text = path.join(DIR, `slice-${process.pid}-${slice}.pages`);
        w = fs.createWriteStream(text);
      }
    };
    for await (const chunk of z.stdout) {
      const all = rest + chunk;
      const parts = all.split("\n");
      rest = parts.pop()!;
      for (const p of parts) {
        if (slice >= count) break;
        if (!w.write(`${p}\n`)) await new Promise<void>((r) => w.once("drain", () => r()));
        if (++lines === REFS) await finish();
      }
      if (slice >= count) break;
    }
    z.kill();
    if (slice < count) {
      await new Promise<void>((r) => w.end(r));
      fs.rmSync(text, { force: true });
    }
    if (slice < count) throw new Error(`${name}: only ${slice} slices of ${REFS} references`);
  }
  return out;
}

/** The sweep of the 20 traces (pagewise's arguments after node). */
function pagewiseArgs(): string[] {
  const glob = path.join(DIR, "*.oracleGeneral.bin");
  return [main, "sweep", "--trace", glob, "--policies", POLICIES.join(","), "--frames", SIZES];
}

/** Per trace, the frame counts of the sizes, from pagewise's CSV; and each (trace, policy, frames) → faults. */
function readPagewise(csv: string): { frames: Map<string, number[]>; faults: Map<string, number> } {
  const lines = csv.trim().split("\n");
  const head = lines[0]!.split(",");
  const col = (n: string) => head.indexOf(n);
  const frames = new Map<string, number[]>();
  const faults = new Map<string, number>();
  for (const l of lines.slice(1)) {
    const c = l.split(",");
    const trace = c[col("trace")]!;
    const f = Number(c[col("frames")]);
    const list = frames.get(trace) ?? [];
    if (!list.includes(f)) list.push(f);
    frames.set(trace, list);
    faults.set(`${path.basename(trace)}/${c[col("policy")]}/${f}`, Number(c[col("faults")]));
  }
  return { frames, faults };
}

async function main_(): Promise<void> {
  if (!shared || !fs.existsSync("/usr/bin/time")) {
    console.log("skipped: needs ../shared (anchors, traces) and /usr/bin/time");
    return;
  }
  const files = await traces();
  const cachesim = path.join(shared, "anchors", "cachesim");
  const csvFile = path.join(os.tmpdir(), `pagewise-s20-${process.pid}.csv`);
  const results: { pw: Sample; shards: number; lcs: Sample }[] = [];
  let agree = 0;
  let compared = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const pw = timed(process.execPath, [...pagewiseArgs(), "--csv"], csvFile);
    const { frames, faults } = readPagewise(fs.readFileSync(csvFile, "utf8"));
    // Two shards at once, then merge: wall time of the whole.
    const shardDir = path.join(os.tmpdir(), `pagewise-s20-shards-${process.pid}`);
    fs.rmSync(shardDir, { recursive: true, force: true });
    const t0 = performance.now();
    await Promise.all(
      [1, 2].map(
        (k) =>
          new Promise<void>((resolve, reject) => {
            const p = spawn(process.execPath, [...pagewiseArgs(), "--shard", `${k}/2`, "--out", shardDir], {
              stdio: "ignore",
            });
            p.on("close", (code) =>
              code === 0 ? resolve() : reject(new Error(`shard ${k} exited ${code}`)),
            );
          }),
      ),
    );
    const merged = execFileSync(process.execPath, [main, "merge", shardDir, "--csv"], { encoding: "utf8" });
    const shards = (performance.now() - t0) / 1000;
    fs.rmSync(shardDir, { recursive: true, force: true });
    if (merged !== fs.readFileSync(csvFile, "utf8"))
      throw new Error("the merged shards differ from the sweep");
    // libCacheSim, trace by trace, at the same frame counts.
    const lcs: Sample = { cpu: 0, wall: 0, rssKiB: 0 };
    for (const f of files) {
      const sizes = frames.get(path.join(DIR, path.basename(f)))!;
      const outFile = path.join(os.tmpdir(), `pagewise-s20-lcs-${process.pid}.txt`);
      for (const theirs of THEIRS) {
        const s = timed(
          cachesim,
          [f, "oracleGeneral", theirs, sizes.join(","), "--ignore-obj-size", "1", "--num-thread", "1"],
          outFile,
        );
        lcs.cpu += s.cpu;
        lcs.wall += s.wall - 2;
        lcs.rssKiB = Math.max(lcs.rssKiB, s.rssKiB);
        for (const line of fs.readFileSync(outFile, "utf8").split("\n")) {
          const m = /\s(LRU|FIFO|Belady) cache size\s+(\d+), \d+ req, (\d+) miss/.exec(line);
          if (!m) continue;
          const ours = { LRU: "lru", FIFO: "fifo", Belady: "opt" }[m[1] as "LRU" | "FIFO" | "Belady"];
          const mine = faults.get(`${path.basename(f)}/${ours}/${m[2]}`);
          compared++;
          if (mine === Number(m[3])) agree++;
          else
            console.log(
              `differs: ${path.basename(f)} ${m[1]} ${m[2]}: libCacheSim ${m[3]}, pagewise ${mine}`,
            );
        }
      }
    }
    results.push({ pw, shards, lcs });
    console.log(
      `round ${round + 1}: pagewise ${pw.cpu.toFixed(1)} s CPU, ${pw.wall.toFixed(1)} s wall, ${(pw.rssKiB / 1024).toFixed(0)} MiB; ` +
        `2 shards + merge ${shards.toFixed(1)} s wall; libCacheSim ${lcs.cpu.toFixed(1)} s CPU, ${lcs.wall.toFixed(1)} s wall (sleeps removed), ${(lcs.rssKiB / 1024).toFixed(0)} MiB`,
    );
  }
  const refs = files.length * REFS;
  console.log(
    `\nLRU, FIFO and OPT miss counts equal to libCacheSim's at ${agree} of ${compared} (trace, size) points`,
  );
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}\n`,
  );
  console.log(
    "| round | pagewise, 1 process: CPU s / wall s / peak MiB | pagewise, 2 shards + merge: wall s | libCacheSim, 160 processes: CPU s / wall s / peak MiB | CPU ratio libCacheSim / pagewise |",
  );
  console.log("|---|---|---|---|---|");
  for (const [i, r] of results.entries())
    console.log(
      `| ${i + 1} | ${r.pw.cpu.toFixed(1)} / ${r.pw.wall.toFixed(1)} / ${(r.pw.rssKiB / 1024).toFixed(0)} | ${r.shards.toFixed(1)} | ${r.lcs.cpu.toFixed(1)} / ${r.lcs.wall.toFixed(1)} / ${(r.lcs.rssKiB / 1024).toFixed(0)} | ${(r.lcs.cpu / r.pw.cpu).toFixed(2)} |`,
    );
  console.log(
    `\n${files.length} traces × ${REFS.toLocaleString("en-US")} references (${refs.toLocaleString("en-US")} in all), ${POLICIES.length} policies × 10 sizes (${SIZES} of each trace's distinct pages): ${files.length * POLICIES.length * 10} runs.`,
  );
}

main_().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
