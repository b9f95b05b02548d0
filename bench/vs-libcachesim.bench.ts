// Whole process, side by side, interleaved: `pagewise run --trace T.pwt` against libCacheSim's
// `cachesim` on the same trace (../shared/anchors, its README), CPU seconds (user + sys, from
// bench/process-time.ts, to the millisecond) of each process, the median of ROUNDS alternating pairs, and the ratio
// libCacheSim / pagewise (above 1: pagewise is faster). Also pagewise's peak RSS, `pagewise
// --version`'s CPU time and full mode's references per second. Prints a Markdown table for
// BENCHMARKS.md.
// Inputs (made once, cached in PW_VS_DIR, default os.tmpdir()/pagewise-vs): each trace's
// *.pages.zst converted with `pagewise convert` and stored uncompressed (gunzip: both tools then
// read an uncompressed binary file; the gzip-compressed pwt is timed too, for LRU), and
// libCacheSim's oracleGeneral made with the anchors' to-oracle-general.py.
// A trace name NAME-8m (default: sqlite6k-8m) is the first 8 M references of NAME-50m, cut from its
// .pages.zst text (`zstd -dc | head -n 8000000`) before converting: issue 13's "real 8 M-reference
// trace". pagewise reads the uncompressed pwt (dictionary blocks replayed still encoded: the
// fastest format to read, and the one to give `pagewise run`), whose path each table row names.
// Environment: PW_VS_ROUNDS (default 3), PW_VS_TRACES (comma list, default
// py50k-50m,sqlite6k-50m,sqlite6k-8m), PW_VS_POLICIES, PW_VS_FRAMES (default 64,1024). Skips (exit
// 0) without ../shared or /usr/bin/time.

import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { PWT_VERSION } from "../src/index.js";
import { processTime } from "./process-time.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
// The package's bin, what `pagewise` runs (dist/cli/main.js loads the same loader).
const main = path.join(root, "dist", "cli", "bin.cjs");
const shared = [path.resolve(root, "..", "shared"), path.resolve(process.cwd(), "..", "shared")].find((d) =>
  fs.existsSync(path.join(d, "anchors", "cachesim")),
);
const env = process.env;
const ROUNDS = Number(env.PW_VS_ROUNDS ?? 3);
const TRACES = (env.PW_VS_TRACES ?? "py50k-50m,sqlite6k-50m,sqlite6k-8m").split(",");
const POLICIES = (env.PW_VS_POLICIES ?? "lru,fifo,clock,sieve,s3fifo,arc,lirs,opt").split(",");
const FRAMES = (env.PW_VS_FRAMES ?? "64,1024").split(",").map(Number);
const THEIRS: Record<string, string> = {
  lru: "LRU",
  fifo: "FIFO",
  clock: "Clock",
  sieve: "Sieve",
  s3fifo: "S3FIFO",
  arc: "ARC",
  lirs: "LIRS",
  opt: "Belady",
};

interface Sample {
  cpu: number;
  rssKiB: number;
}

/**
 * CPU seconds and peak RSS of one process (tried twice: a shared machine may kill one), run in
 * os.tmpdir() (cachesim writes a result file into its working directory).
 */
function timed(cmd: string, args: string[], retry = true): Sample {
  try {
    return processTime(cmd, args);
  } catch (e) {
    if (retry) return timed(cmd, args, false);
    throw e;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** The uncompressed pwt, the gzip pwt and the oracleGeneral file of a trace, made once. */
function inputs(name: string, dir: string): { raw: string; gz: string; oracle: string } | null {
  let src = path.join(shared!, "traces", `${name}.pages.zst`);
  const cut = /^(.*)-8m$/.exec(name);
  if (cut !== null) {
    // The first 8 M references of NAME-50m.
    const whole = path.join(shared!, "traces", `${cut[1]}-50m.pages.zst`);
    if (!fs.existsSync(whole)) return null;
    src = path.join(dir, `${name}.pages.zst`);
    if (!fs.existsSync(src))
      execFileSync("sh", ["-c", `zstd -dc '${whole}' | head -n 8000000 | zstd -q -o '${src}'`]);
  }
  if (!fs.existsSync(src)) return null;
  // The names carry the pwt version, so files cached by an older build are not reused.
  const gz = path.join(dir, `${name}.v${PWT_VERSION}.pwt`);
  const raw = path.join(dir, `${name}.v${PWT_VERSION}.raw.pwt`);
  const oracle = path.join(dir, `${name}.oracleGeneral.bin`);
  if (!fs.existsSync(gz))
    execFileSync(process.execPath, [main, "convert", src, "--out", gz], { stdio: "inherit" });
  if (!fs.existsSync(raw)) fs.writeFileSync(raw, zlib.gunzipSync(fs.readFileSync(gz)));
  if (!fs.existsSync(oracle)) {
    const ids = path.join(dir, `${name}.ids.txt`);
    execFileSync("sh", ["-c", `zstd -dc '${src}' | perl -lane 'print hex($F[1])' > '${ids}'`]);
    execFileSync("python3", [path.join(shared!, "anchors", "to-oracle-general.py"), ids, oracle], {
      stdio: "inherit",
    });
    fs.rmSync(ids);
  }
  return { raw, gz, oracle };
}

function main_(): void {
  if (!shared || !fs.existsSync("/usr/bin/time") || !fs.existsSync(main)) {
    console.log(
      "vs-libcachesim: needs ../shared/anchors (libCacheSim), /usr/bin/time and a build. Skipping.",
    );
    return;
  }
  const cachesim = path.join(shared, "anchors", "cachesim");
  spawnSync(path.join(shared, "anchors", "ensure-libs"), { stdio: "ignore" });
  const dir = env.PW_VS_DIR ?? path.join(os.tmpdir(), "pagewise-vs");
  fs.mkdirSync(dir, { recursive: true });
  console.log(
    `whole process, CPU s (user+sys), median of ${ROUNDS} interleaved pairs; load average at start ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  const version = Array.from({ length: 10 }, () => timed(process.execPath, [main, "--version"]).cpu);
  console.log(`pagewise --version: median ${median(version).toFixed(3)} s CPU (10 runs)\n`);
  const files: string[] = [];
  console.log(
    "| trace | frames | policy | pagewise s | libCacheSim s | ratio | pagewise peak RSS MiB | load (1 min) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const name of TRACES) {
    const f = inputs(name, dir);
    if (f === null) {
      console.log(`(no ${name} in ../shared/traces)`);
      continue;
    }
    files.push(`${name}: ${f.raw} (${fs.statSync(f.raw).size} bytes) against ${f.oracle}`);
    for (const frames of FRAMES) {
      for (const pol of POLICIES) {
        const a: Sample[] = [];
        const b: number[] = [];
        for (let r = 0; r < ROUNDS; r++) {
          a.push(
            timed(process.execPath, [
              main,
              "run",
              "--trace",
              f.raw,
              "--policy",
              pol,
              "--frames",
              `${frames}`,
              "--json",
            ]),
          );
          b.push(
            timed(cachesim, [
              f.oracle,
              "oracleGeneral",
              THEIRS[pol]!,
              `${frames}`,
              "--ignore-obj-size",
              "1",
              "--num-thread",
              "1",
            ]).cpu,
          );
        }
        const ma = median(a.map((x) => x.cpu));
        const mb = median(b);
        const rss = Math.max(...a.map((x) => x.rssKiB)) / 1024;
        console.log(
          `| ${name} | ${frames} | ${pol} | ${ma.toFixed(2)} | ${mb.toFixed(2)} | ${(mb / ma).toFixed(2)} | ${rss.toFixed(0)} | ${os.loadavg()[0]!.toFixed(1)} |`,
        );
      }
    }
    // The gzip-compressed pwt (as `pagewise convert` writes it), LRU at 64 frames.
    const g = Array.from({ length: ROUNDS }, () =>
      timed(process.execPath, [main, "run", "--trace", f.gz, "--policy", "lru", "--frames", "64", "--json"]),
    );
    console.log(`| ${name} (gzip pwt) | 64 | lru | ${median(g.map((x) => x.cpu)).toFixed(2)} | | | | |`);
  }
  // Full mode: page tables, TLB and real bytes.
  const py = TRACES.includes("py50k-50m") ? inputs("py50k-50m", dir) : null;
  if (py !== null) {
    const full = Array.from({ length: 1 }, () =>
      timed(process.execPath, [
        main,
        "run",
        "--trace",
        py.raw,
        "--policy",
        "lru",
        "--frames",
        "1024",
        "--mode",
        "full",
        "--json",
      ]),
    );
    const s = median(full.map((x) => x.cpu));
    console.log(
      `\nfull mode, py50k-50m, lru, 1024 frames: ${s.toFixed(2)} s CPU, ${(50 / s).toFixed(1)} M references/s, peak RSS ${(Math.max(...full.map((x) => x.rssKiB)) / 1024).toFixed(0)} MiB`,
    );
  }
  console.log(`\nfiles read (pagewise: uncompressed pwt; libCacheSim: oracleGeneral):\n${files.join("\n")}`);
  console.log(
    `\nload average at end ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
}

main_();
