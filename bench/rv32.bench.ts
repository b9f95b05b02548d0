// RV32IMA machine speed (issue 14): instructions per second of host CPU time for the example
// programs, with memory to spare (every page resident: the TLB-hit fast path dominates) and at a
// budget that thrashes, under a policy that reads only bits (clock: the fast path applies) and one
// that sees every hit (LRU: every reference goes through Machine.access). A plain JavaScript loop's
// cost per iteration is printed first, to compare machines and loads.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileSwapStore } from "../node/file-swap-store.js";
import { Machine, Rv32Process } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, "../../examples/rv32/bin");

function calibrate(): number {
  const a = new Int32Array(1024);
  let s = 0;
  const n = 1e8;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    s = (s + a[i & 1023]! + i) | 0;
    a[(i * 7) & 1023] = s;
  }
  const u = process.cpuUsage(c0);
  if (s === 42) console.log("");
  return ((u.user + u.system) * 1000) / n;
}

function run(name: string, frames: number, policy: string, swapFile = false): string {
  const swap = swapFile ? new FileSwapStore(4096, { capacity: 65536 }) : undefined;
  const m = new Machine({ frames, shape: "sv32", policy, tableFrames: 64, ...(swap ? { swap } : {}) });
  const p = new Rv32Process(m, readFileSync(path.join(bin, `${name}.elf`)), name);
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const r = p.run();
  const u = process.cpuUsage(c0);
  const wall = performance.now() - w0;
  const cpuMs = (u.user + u.system) / 1000;
  const s = m.stats();
  const mips = r.instructions / cpuMs / 1000;
  m.close();
  return `${name.padEnd(7)} ${String(frames).padStart(5)} ${(swapFile ? `${policy}+file` : policy).padEnd(10)} ${String(r.instructions).padStart(10)} ${String(s.faults.total).padStart(7)} ${String(s.evictions.clean + s.evictions.dirty).padStart(7)} ${cpuMs.toFixed(0).padStart(7)} ${mips.toFixed(1).padStart(6)} ${(r.instructions / wall / 1000).toFixed(1).padStart(6)}`;
}

console.log(`plain JS loop: ${calibrate().toFixed(2)} ns per iteration (host CPU time)`);
// Untimed runs first, so the interpreter is compiled (for every instruction kind these programs
// use) before anything is measured: a first run pays for JIT compilation and deoptimizations.
for (const name of ["matmul", "sort", "heap"]) run(name, 1024, "clock");
console.log("program frames policy     instructions  faults evicted  cpu ms  MIPS  MIPS(wall)");
for (const [name, frames, policy] of [
  ["matmul", 1024, "clock"],
  ["sort", 1024, "clock"],
  ["heap", 1024, "clock"],
  ["matmul", 1024, "lru"],
  ["sort", 1024, "lru"],
  ["sort", 4, "clock"],
  ["sort", 4, "fifo"],
  ["heap", 6, "clock"],
] as const) {
  console.log(run(name, frames, policy));
}
// Thrashing with the swap in a real file (positional reads and writes on the host's file system).
console.log(run("sort", 4, "fifo", true));
