// Scale: a 1-billion-reference replay in constant memory (issue 6, target 5). The real trace's
// cached pwt file (bench/pwt-cache.ts) is streamed from disk through gunzip, the pwt decoder and a
// StreamReplay 20 times in a row (20 × 50 M references = 1 billion, one replay: the page ids, the
// frames and the policy's state carry over from pass to pass, only the bytes are read again), with
// nothing but 1 MiB file chunks, one 65,536-reference batch and the policy's tables in memory.
// Each run is a child process of its own, so its peak RSS (getrusage maxrss) is its own: the
// 100 M-reference run and the 1 B run must show the same peak. OPT is left out: it needs the next
// use of every reference (8 bytes each, 8 GB for 1 B references).
// Opt-in (about a minute per policy): PW_BENCH_SCALE=1 node dist/bench/scale.bench.js
// PW_BENCH_SCALE_POLICIES=lru,arc picks policies (default lru,arc,lfu).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { PwtReplayFeed, StreamReplay } from "../src/index.js";
import { cachedPwt, peakRssMiB, sourceTrace } from "./pwt-cache.js";

const FRAMES = 1024;

interface ScaleResult {
  policy: string;
  references: number;
  passes: number;
  seconds: number;
  faults: number;
  peakRssMiB: number;
  /** RSS and live JS heap (after a full GC) after each pass, MiB. */
  rssByPass: number[];
  heapByPass: number[];
}

/** One pass: streams the file from disk into `sr` until it ends or `limit` references are done. */
async function pass(file: string, sr: StreamReplay, limit: number): Promise<void> {
  const feed = new PwtReplayFeed(sr, { source: file, limit });
  const gunzip = fs
    .createReadStream(file, { highWaterMark: 1 << 20 })
    .pipe(zlib.createGunzip({ chunkSize: 1 << 20 }));
  for await (const chunk of gunzip) feed.push(chunk as Buffer);
  feed.end();
}

async function child(file: string, policy: string, total: number): Promise<void> {
  const sr = new StreamReplay({ policy, frames: FRAMES, pageSpaceHint: 4096 });
  const rssByPass: number[] = [];
  const heapByPass: number[] = [];
  const t0 = process.hrtime.bigint();
  let passes = 0;
  while (sr.references < total) {
    const before = sr.references;
    await pass(file, sr, total);
    passes++;
    if (sr.references === before) throw new Error("the trace is empty");
    // A full collection first (the child runs with --expose-gc), so the heap figure is what is live.
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    rssByPass.push(Math.round(m.rss / 2 ** 20));
    heapByPass.push(Math.round(m.heapUsed / 2 ** 20));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = sr.result();
  const out: ScaleResult = {
    policy,
    references: r.references,
    passes,
    seconds,
    faults: r.faults,
    peakRssMiB: peakRssMiB(),
    rssByPass,
    heapByPass,
  };
  console.log(JSON.stringify(out));
}

function runChild(file: string, policy: string, total: number): ScaleResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--expose-gc", self, "--child", file, policy, String(total)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`scale child ${policy} ${total} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.split("\n").find((l) => l.startsWith("{"))!) as ScaleResult;
}

async function main(): Promise<void> {
  if (!process.env.PW_BENCH_SCALE) {
    console.log("scale bench: opt-in (about a minute per policy); run with PW_BENCH_SCALE=1");
    return;
  }
  const source = sourceTrace("scale bench");
  if (!source) return;
  const file = await cachedPwt(source);
  const policies = (process.env.PW_BENCH_SCALE_POLICIES ?? "lru,arc,lfu").split(",");
  console.log(
    `${FRAMES} frames; the trace streamed from ${file} (gzip → pwt decoder → replay) as many times as needed; each run its own process`,
  );
  console.log(
    "policy   references      passes   seconds   M refs/s   faults        peak RSS   after each pass: RSS / live JS heap (MiB)",
  );
  for (const policy of policies) {
    for (const total of [100_000_000, 1_000_000_000]) {
      const r = runChild(file, policy, total);
      const few = (xs: number[]) =>
        xs.length > 6 ? `${xs.slice(0, 3).join(" ")} … ${xs.slice(-3).join(" ")}` : xs.join(" ");
      const rss = `${few(r.rssByPass)} / ${few(r.heapByPass)}`;
      console.log(
        `${policy.padEnd(9)}${r.references.toLocaleString("en").padEnd(16)}${String(r.passes).padEnd(9)}` +
          `${r.seconds.toFixed(1).padEnd(10)}${(r.references / r.seconds / 1e6).toFixed(1).padEnd(11)}` +
          `${String(r.faults).padEnd(14)}${`${r.peakRssMiB.toFixed(0)} MiB`.padEnd(11)}${rss}`,
      );
    }
  }
}

if (process.argv[2] === "--child") {
  await child(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
} else {
  await main();
}
