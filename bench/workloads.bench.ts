// Trace reading speed: lackey text parsing (million lines per second) and pwt decoding (million
// references per second), each measured on bytes already in memory (the parser alone) and from a
// file through openTrace (with reading and decompression). The lackey input is generated in the
// OS temp directory: a loop of instruction fetches, stack and heap accesses in lackey's own layout.
// The real traces: the bundled py-dict (pwt version 1, and re-encoded in version 2) and, when the
// shared traces are there, py50k-50m's cached pwt (bench/pwt-cache.ts); version 2 is also decoded
// straight to dense page ids (drainDense), the form the streaming replay consumes.
// Targets: lackey ≥ 5 M lines/s, pwt decode ≥ 100 M refs/s. Run: node dist/bench/workloads.bench.js

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { bundledTracePath } from "../node/bundled-traces.js";
import { encodePwtFile } from "../node/convert.js";
import { openTrace } from "../node/trace-file.js";
import {
  decodeBytes,
  LackeyDecoder,
  makeBatch,
  PageIds,
  PwtDecoder,
  PwtEncoder,
  type RefBatch,
  WorkloadBuilder,
} from "../src/index.js";
import { cachedPwt, readPwtStream, sourceTrace } from "./pwt-cache.js";

const LINES = Number(process.env.PW_BENCH_LINES ?? 4_000_000);
const RUNS = 5;

function makeLackey(lines: number): Uint8Array {
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const parts: string[] = ["==1== Lackey, an example Valgrind tool\n", "==1== Command: bench\n"];
  let pc = 0x4016b20;
  for (let i = 0; i < lines; i++) {
    const r = rnd();
    if (r < 0.7) {
      pc += 1 + Math.floor(rnd() * 6);
      if (rnd() < 0.05) pc = 0x4010000 + Math.floor(rnd() * 0x20000);
      parts.push(`I  ${pc.toString(16).padStart(8, "0")},${1 + Math.floor(rnd() * 7)}\n`);
    } else {
      const k = r < 0.85 ? "L" : r < 0.97 ? "S" : "M";
      const a =
        rnd() < 0.5 ? 0x1ffefff000 + Math.floor(rnd() * 0x2000) : 0x4a2000 + Math.floor(rnd() * 0x80000);
      parts.push(` ${k} ${a.toString(16).padStart(8, "0")},${[1, 2, 4, 8][Math.floor(rnd() * 4)]}\n`);
    }
  }
  return Buffer.from(parts.join(""), "latin1");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing {
  /** Median wall-clock milliseconds. */
  ms: number;
  /** Median CPU milliseconds of the whole process (all threads: zlib runs on the thread pool). */
  cpuMs: number;
  n: number;
}

function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function timeIt(fn: () => number): Timing {
  const times: number[] = [];
  const cpu: number[] = [];
  let n = 0;
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    n = fn();
    times.push(performance.now() - t0);
    cpu.push(cpuMsSince(c0));
  }
  return { ms: median(times), cpuMs: median(cpu), n };
}

async function timeAsync(fn: () => Promise<number>): Promise<Timing> {
  const times: number[] = [];
  const cpu: number[] = [];
  let n = 0;
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    n = await fn();
    times.push(performance.now() - t0);
    cpu.push(cpuMsSince(c0));
  }
  return { ms: median(times), cpuMs: median(cpu), n };
}

/** Feeds `bytes` in 1 MiB chunks, as a file reader would. */
function chunked(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 1 << 20) out.push(bytes.subarray(i, i + (1 << 20)));
  return out;
}

function drainAll(dec: LackeyDecoder | PwtDecoder, chunks: Uint8Array[], batch: RefBatch): number {
  let sum = 0;
  batch.count = 0;
  for (const c of chunks) {
    dec.push(c);
    while (dec.drain(batch)) {
      sum += batch.count;
      batch.count = 0;
    }
  }
  dec.end();
  while (dec.drain(batch)) {
    sum += batch.count;
    batch.count = 0;
  }
  return sum + batch.count;
}

/** Decodes the whole stream with drainDense (dense page ids and write flags, as replay takes them). */
function drainDense(chunks: Uint8Array[]): number {
  const dec = new PwtDecoder();
  const ids = new PageIds();
  const b = makeBatch(65536);
  const idBuf = new Int32Array(65536);
  const w = new Uint8Array(65536);
  let sum = 0;
  for (const c of chunks) {
    dec.push(c);
    while (dec.drainDense(b, idBuf, w, ids)) {
      sum += b.count;
      b.count = 0;
    }
  }
  dec.end();
  while (dec.drainDense(b, idBuf, w, ids)) {
    sum += b.count;
    b.count = 0;
  }
  return sum + b.count;
}

/** An uncompressed pwt stream re-encoded in version 2. */
function reencode(raw: Uint8Array): Uint8Array {
  const dec = new PwtDecoder();
  const enc = new PwtEncoder(4096, 2);
  const b = makeBatch(65536);
  const parts: Uint8Array[] = [enc.header()];
  dec.push(raw);
  for (;;) {
    const more = dec.drain(b);
    enc.add(b);
    parts.push(...enc.take());
    b.count = 0;
    if (!more) break;
  }
  dec.end();
  parts.push(enc.finish());
  return Buffer.concat(parts);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-bench-"));
  try {
    const text = makeLackey(LINES);
    const lackeyPath = path.join(dir, "bench.lackey");
    fs.writeFileSync(lackeyPath, text);
    const batch = makeBatch(65536);

    const lk = timeIt(() => {
      const dec = new LackeyDecoder();
      drainAll(dec, chunked(text), batch);
      return dec.stats.lines;
    });

    const acc = new WorkloadBuilder();
    for (const b of decodeBytes(new LackeyDecoder(), text)) acc.append(b);
    const refs = acc.refs();
    const one: RefBatch = { count: refs.count, pages: refs.pages, kinds: refs.kinds, pids: refs.pids };
    const pwtFile = encodePwtFile([one], 4096);
    const pwtPath = path.join(dir, "bench.pwt");
    fs.writeFileSync(pwtPath, pwtFile);
    const raw = zlib.gunzipSync(pwtFile);

    const pw = timeIt(() => {
      const dec = new PwtDecoder();
      return drainAll(dec, chunked(raw), batch);
    });

    const fileLk = await timeAsync(async () => {
      const t = await openTrace(lackeyPath);
      for await (const _ of t.batches());
      return t.stats.lines;
    });
    const filePw = await timeAsync(async () => {
      const t = await openTrace(pwtPath);
      let n = 0;
      for await (const b of t.batches()) n += b.count;
      return n;
    });

    const row = (what: string, unit: string, r: Timing, target: number) =>
      console.log(
        `${what.padEnd(40)} ${(r.n / r.ms / 1000).toFixed(1).padStart(7)} M ${unit}/s wall ${(r.n / r.cpuMs / 1000).toFixed(1).padStart(7)} per CPU s   ${r.ms.toFixed(0).padStart(5)} ms   target ${target}`,
      );
    console.log(
      "(wall: elapsed time; per CPU s: against the process's CPU time, steadier on a busy machine)",
    );
    console.log(
      `input: ${LINES.toLocaleString()} lackey lines (${(text.length / 2 ** 20).toFixed(1)} MiB) → ${refs.count.toLocaleString()} refs; pwt ${(pwtFile.length / 2 ** 20).toFixed(2)} MiB (${(pwtFile.length / refs.count).toFixed(2)} B/ref), ${(raw.length / refs.count).toFixed(2)} B/ref before gzip`,
    );
    row("lackey parse, in memory", "lines", lk, 5);
    row("lackey file via openTrace", "lines", fileLk, 5);
    row("pwt decode, uncompressed, in memory", "refs", pw, 100);
    row("pwt file via openTrace (with gunzip)", "refs", filePw, 100);

    const real = bundledTracePath("py-dict");
    if (real && fs.existsSync(real)) {
      const rawReal = zlib.gunzipSync(fs.readFileSync(real));
      const pr = timeIt(() => drainAll(new PwtDecoder(), chunked(rawReal), batch));
      const fr = await timeAsync(async () => {
        const t = await openTrace(real);
        let n = 0;
        for await (const b of t.batches()) n += b.count;
        return n;
      });
      console.log(
        `real trace: ${path.basename(real)}, ${pr.n.toLocaleString()} refs, ${(rawReal.length / pr.n).toFixed(2)} B/ref before gzip`,
      );
      row("pwt v1 decode (real trace), in memory", "refs", pr, 100);
      row("pwt v1 file (real trace) via openTrace", "refs", fr, 100);
      // The same references in version 2 (dictionary blocks), as `pagewise convert` now writes.
      const v2 = reencode(rawReal);
      console.log(`the same in pwt version 2: ${(v2.length / pr.n).toFixed(2)} B/ref before gzip`);
      row(
        "pwt v2 decode (real trace), in memory",
        "refs",
        timeIt(() => drainAll(new PwtDecoder(), chunked(v2), batch)),
        100,
      );
      row(
        "pwt v2 decode to dense ids (drainDense)",
        "refs",
        timeIt(() => drainDense(chunked(v2))),
        100,
      );
    }
    const source = sourceTrace("workloads bench (py50k-50m rows)");
    if (source) {
      const big = readPwtStream(await cachedPwt(source));
      const pb = timeIt(() => drainAll(new PwtDecoder(), chunked(big), batch));
      console.log(
        `real trace: py50k-50m as pwt v2, ${pb.n.toLocaleString()} refs, ${(big.length / pb.n).toFixed(2)} B/ref before gzip`,
      );
      row("pwt v2 decode (py50k-50m), in memory", "refs", pb, 100);
      row(
        "pwt v2 decode to dense ids (py50k-50m)",
        "refs",
        timeIt(() => drainDense(chunked(big))),
        100,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
