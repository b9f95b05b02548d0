// pagewise's replay loop against a plain C array LRU loop (bench/c/lru-loop.c, built here with
// `cc -O2`), issue 13 item 4's aim "the replay loop within 2x of a plain C array loop". Both run
// the same algorithm (LRU by last-reference stamps: a hit is one store, a miss scans the frames) on
// the same dense page ids of py50k-50m (../shared/traces, converted and cached as in
// vs-libcachesim.bench.ts), in memory, timed in CPU time around the loop alone: reading the file
// is not timed in either. pagewise's loop is timed two ways: over the dense ids (Replayer.run, as
// token blocks reach it) and over the pwt bytes in memory (the coded loop `pagewise run` uses,
// decoding included), each the median of 5 after a first (cold) run; beside them, the C loop
// written as one bare JavaScript function (bareLru), without and with a dirty bit: the JIT's own
// distance from C on this algorithm. Faults must agree.
// Environment: PW_VS_DIR (the inputs' cache, as vs-libcachesim), PW_LOOP_FRAMES (default 64,1024).
// Skips (exit 0) without ../shared, a C compiler or the cached trace's source.

import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DenseIdsSink, feed, PageIds, PwtReplayFeed, StreamReplay } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
// The package's bin, what `pagewise` runs (dist/cli/main.js loads the same loader).
const main = path.join(root, "dist", "cli", "bin.cjs");
const shared = [path.resolve(root, "..", "shared"), path.resolve(process.cwd(), "..", "shared")].find((d) =>
  fs.existsSync(path.join(d, "traces", "py50k-50m.pages.zst")),
);
const FRAMES = (process.env.PW_LOOP_FRAMES ?? "64,1024").split(",").map(Number);

function cpuMs(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
}

/**
 * The C program's loop written as one plain JavaScript function over the same Int32Array: what the
 * JIT makes of the algorithm alone, without pagewise's batches, dirty bits and counts (`writes`
 * null), and with the dirty bit pagewise keeps (`writes`, all reads here: the same checks).
 */
function bareLru(ids: Int32Array, pages: number, frames: number, writes: Uint8Array | null): number {
  const frameOf = new Int32Array(pages).fill(-1);
  const pageOf = new Int32Array(frames);
  const stamp = new Float64Array(frames);
  const dirty = new Uint8Array(frames);
  let used = 0;
  let faults = 0;
  for (let i = 0; i < ids.length; i++) {
    const p = ids[i]!;
    let f = frameOf[p]!;
    if (f >= 0) {
      stamp[f] = i;
      if (writes !== null && writes[i & 0xffff]! > dirty[f]!) dirty[f] = 1;
      continue;
    }
    faults++;
    if (used < frames) f = used++;
    else {
      f = 0;
      for (let g = 1; g < frames; g++) if (stamp[g]! < stamp[f]!) f = g;
      frameOf[pageOf[f]!] = -1;
    }
    stamp[f] = i;
    pageOf[f] = p;
    frameOf[p] = f;
  }
  return faults;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

async function main_(): Promise<void> {
  const cc = spawnSync("cc", ["--version"]).status === 0;
  if (!shared || !cc || !fs.existsSync(main)) {
    console.log("loop-vs-c: needs ../shared/traces, a C compiler (cc) and a build. Skipping.");
    return;
  }
  const dir = process.env.PW_VS_DIR ?? path.join(os.tmpdir(), "pagewise-vs");
  fs.mkdirSync(dir, { recursive: true });
  const gz = path.join(dir, "py50k-50m.pwt");
  if (!fs.existsSync(gz))
    execFileSync(process.execPath, [
      main,
      "convert",
      path.join(shared, "traces", "py50k-50m.pages.zst"),
      "--out",
      gz,
    ]);
  const zlib = await import("node:zlib");
  const bytes = new Uint8Array(zlib.gunzipSync(fs.readFileSync(gz)));
  // Dense ids in order of first appearance, as every pagewise replay numbers pages.
  const ids = new PageIds();
  const chunks: Int32Array[] = [];
  await feed(
    { kind: "pwt", name: gz, chunks: () => [bytes] },
    new DenseIdsSink(ids, (a, n) => chunks.push(a.slice(0, n))),
  );
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const dense = new Int32Array(n);
  let at = 0;
  for (const c of chunks) {
    dense.set(c, at);
    at += c.length;
  }
  const idsFile = path.join(dir, "py50k-50m.ids.i32");
  fs.writeFileSync(idsFile, dense);
  const exe = path.join(dir, "lru-loop");
  execFileSync("cc", ["-O2", "-o", exe, path.join(root, "bench", "c", "lru-loop.c")]);
  const writes = new Uint8Array(1 << 16);
  console.log(
    `py50k-50m: ${n} references, ${ids.size} pages; CPU time of the loop alone (median of 5 after one cold run); load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}\n`,
  );
  console.log(
    "| frames | C array LRU ms | bare JS loop ms (with the dirty bit) | pagewise dense-id loop ms (cold) | pagewise coded loop ms (cold) | bare JS / C | dense / C | coded / C |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const frames of FRAMES) {
    const c: number[] = [];
    let cFaults = -1;
    for (let r = 0; r < 5; r++) {
      const [, f, s] = execFileSync(exe, [idsFile, `${frames}`], { encoding: "utf8" })
        .trim()
        .split(" ");
      cFaults = Number(f);
      c.push(Number(s) * 1000);
    }
    const denseRun = (): number => {
      const sr = new StreamReplay({ policy: "lru", frames, ids });
      const ms = cpuMs(() => {
        for (let i = 0; i < n; i += 1 << 16) {
          const k = Math.min(1 << 16, n - i);
          sr.pushDense(dense.subarray(i, i + k), writes, k);
        }
      });
      if (sr.result().faults !== cFaults)
        throw new Error(`faults differ: ${sr.result().faults} vs C ${cFaults}`);
      return ms;
    };
    const codedRun = (): number => {
      const sr = new StreamReplay({ policy: "lru", frames });
      const ms = cpuMs(() => {
        const f = new PwtReplayFeed(sr);
        f.push(bytes);
        f.end();
      });
      if (sr.result().faults !== cFaults)
        throw new Error(`faults differ: ${sr.result().faults} vs C ${cFaults}`);
      return ms;
    };
    const bareRun = (w: Uint8Array | null): number => {
      let faults = 0;
      const ms = cpuMs(() => {
        faults = bareLru(dense, ids.size, frames, w);
      });
      if (faults !== cFaults) throw new Error(`faults differ: ${faults} vs C ${cFaults}`);
      return ms;
    };
    bareRun(null);
    bareRun(writes);
    const bare = median(Array.from({ length: 5 }, () => bareRun(null)));
    const bareDirty = median(Array.from({ length: 5 }, () => bareRun(writes)));
    const denseCold = denseRun();
    const codedCold = codedRun();
    const d = median(Array.from({ length: 5 }, denseRun));
    const k = median(Array.from({ length: 5 }, codedRun));
    const cm = median(c);
    console.log(
      `| ${frames} | ${cm.toFixed(0)} | ${bare.toFixed(0)} (${bareDirty.toFixed(0)}) | ${d.toFixed(0)} (${denseCold.toFixed(0)}) | ${k.toFixed(0)} (${codedCold.toFixed(0)}) | ${(bare / cm).toFixed(2)} | ${(d / cm).toFixed(2)} | ${(k / cm).toFixed(2)} |`,
    );
  }
  fs.rmSync(idsFile);
}

await main_();
