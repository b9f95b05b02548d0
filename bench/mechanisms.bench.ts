// Issue 5's mechanisms, measured on full Machines (simulated time, not wall clock):
//  1. Page coloring's cost: the bundled real traces (sort500.pwt, gzip-words.pwt) replayed with
//     8 colors, "off" / "prefer" / "strict", LRU, at three frame counts: faults, evictions,
//     conflicts (prefer) and color evictions (strict).
//  2. Sequential read-ahead against pure demand paging: a program reading its 512-page image
//     sequentially (3 passes) and at random, 64 frames, FIFO: faults, pages read ahead, hits,
//     simulated time.
// Prints Markdown tables (README). Run: npm run bench -- mechanisms

import path from "node:path";
import { packageRoot } from "../node/bundled-traces.js";
import { openTrace } from "../node/trace-file.js";
import {
  ACC_EXEC,
  ACC_READ,
  ACC_WRITE,
  type ColorMode,
  isWrite,
  layoutFor,
  Machine,
  REF_INSTR,
} from "../src/index.js";

interface Trace {
  pageSize: number;
  pages: Float64Array;
  kinds: Uint8Array;
  pids: Int32Array;
}

async function load(file: string): Promise<Trace> {
  const t = await openTrace(path.join(packageRoot(), "test/fixtures/traces", file));
  const pages: number[] = [];
  const kinds: number[] = [];
  const pids: number[] = [];
  for await (const b of t.batches()) {
    for (let i = 0; i < b.count; i++) {
      pages.push(b.pages[i]!);
      kinds.push(b.kinds[i]!);
      pids.push(b.pids[i]!);
    }
  }
  return {
    pageSize: t.pageSize,
    pages: Float64Array.from(pages),
    kinds: Uint8Array.from(kinds),
    pids: Int32Array.from(pids),
  };
}

function replay(t: Trace, frames: number, colors: number, coloring: ColorMode) {
  let max = 0;
  for (const p of t.pages) if (p > max) max = p;
  const vaBits = Math.min(48, Math.max(16, Math.ceil(Math.log2((max + 1) * t.pageSize))));
  const layout = layoutFor(t.pageSize, vaBits);
  const byPid = new Map<number, Set<number>>();
  for (let i = 0; i < t.pages.length; i++) {
    let s = byPid.get(t.pids[i]!);
    if (!s) {
      s = new Set();
      byPid.set(t.pids[i]!, s);
    }
    s.add(t.pages[i]!);
  }
  let tableFrames = 0;
  for (const s of byPid.values()) tableFrames += Machine.tableFramesFor(layout, [...s]);
  const m = new Machine({
    frames,
    tableFrames,
    pageSize: t.pageSize,
    vaBits,
    policy: "lru",
    colors,
    coloring,
  });
  const pidOf = new Map<number, number>();
  for (const src of byPid.keys()) pidOf.set(src, m.spawn({ trace: true }));
  for (let i = 0; i < t.pages.length; i++) {
    const k = t.kinds[i]!;
    const acc = isWrite(k) ? ACC_WRITE : k === REF_INSTR ? ACC_EXEC : ACC_READ;
    m.access(pidOf.get(t.pids[i]!)!, t.pages[i]! * t.pageSize, acc);
  }
  return m.stats();
}

async function coloring(): Promise<void> {
  console.log("### Page coloring: 8 colors, LRU, bundled traces\n");
  console.log("| trace | frames | mode | faults | evictions | conflicts | color evictions | faults vs off |");
  console.log("|---|---:|---|---:|---:|---:|---:|---:|");
  for (const file of ["sort500.pwt", "gzip-words.pwt"]) {
    const t = await load(file);
    for (const frames of [32, 64, 128]) {
      let off = 0;
      for (const mode of ["off", "prefer", "strict"] as const) {
        const s = replay(t, frames, 8, mode);
        const ev = s.evictions.clean + s.evictions.dirty;
        if (mode === "off") off = s.faults.total;
        const vs = mode === "off" ? "" : `${((s.faults.total / off - 1) * 100).toFixed(1)} %`;
        console.log(
          `| ${file} | ${frames} | ${mode} | ${s.faults.total} | ${ev} | ${s.colorConflicts} | ${s.colorEvictions} | ${vs} |`,
        );
      }
    }
  }
}

function readAhead(): void {
  const PS = 4096;
  const PAGES = 512;
  const LINES = 16; // references per page visit, 256 bytes apart
  console.log(
    "\n### Sequential read-ahead: a 512-page image read sequentially (3 passes) and at random, 64 frames, FIFO\n",
  );
  console.log(
    "| workload | read-ahead | faults | pages read ahead | read-ahead hits | simulated time | time vs demand |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  const code = new Uint8Array(PAGES * PS);
  for (let i = 0; i < code.length; i += 256) code[i] = (i >> 8) & 0xff;
  for (const kind of ["sequential", "random"] as const) {
    let demand = 0;
    for (const k of [0, 1, 4, 8, 16]) {
      const m = new Machine({ frames: 64, tableFrames: 4, policy: "fifo", readAhead: k });
      const pid = m.spawn({ image: { name: "big", code, data: new Uint8Array(0), bssBytes: 0 } });
      let seed = 7;
      for (let v = 0; v < 3 * PAGES; v++) {
        let page = v % PAGES;
        if (kind === "random") {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          page = (seed >>> 8) % PAGES;
        }
        for (let l = 0; l < LINES; l++) m.access(pid, PS + page * PS + l * 256, ACC_READ);
      }
      const s = m.stats();
      if (k === 0) demand = s.timeNs;
      console.log(
        `| ${kind} | ${k} | ${s.faults.total} | ${s.prefetched} | ${s.prefetchHits} | ${(s.timeNs / 1e9).toFixed(3)} s | ${(s.timeNs / demand).toFixed(3)} |`,
      );
    }
  }
}

await coloring();
readAhead();
