// Effective access time, measured: runs a workload on a full Machine and sets its simulated time
// per reference beside the documents' formula EAT = (1 - p) x 200 ns + p x 8 ms (seed 004 and the
// course notes). The formula assumes every fault costs one disk read and nothing else: no TLB walk
// cost, no trap overhead, no write-back. The read-only run meets those assumptions (code pages
// from the executable image, never dirty); the dirty run breaks the last one on purpose (every
// victim was written, so a fault costs a write-back and a read: 16 ms, and EAT about doubles).
//
// The workload: `pages` pages; each visit picks a page uniformly at random (a fixed LCG) and makes
// `visit` consecutive references to it (lines of that page), so the fault rate is about
// (1 - frames / pages) / visit: long visits give the small fault rates the documents discuss.

import { eatFormulaNs } from "../core/time.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE } from "../mmu/mmu.js";
import { Machine } from "./machine.js";

export interface EatRunOptions {
  readonly frames: number;
  readonly pages: number;
  /** Consecutive references per visit to a page. */
  readonly visit: number;
  readonly references: number;
  /** Write on each visit's first reference (anonymous pages, dirty victims) instead of reading code. */
  readonly dirty?: boolean;
  readonly policy?: string;
  readonly seed?: number;
}

export interface EatRunResult {
  readonly frames: number;
  readonly references: number;
  readonly faults: number;
  /** Measured fault rate p = faults / references. */
  readonly faultRate: number;
  /** Simulated ns per reference. */
  readonly measuredNs: number;
  /** (1 - p) x memory + p x disk read: the documents' formula at the measured p. */
  readonly formulaNs: number;
  /** The formula with the fault service time a dirty victim really costs: disk write + disk read. */
  readonly formulaDirtyNs: number;
  readonly dirtyEvictions: number;
}

const PS = 4096;

/**
 * Runs the workload and returns measured and formula EAT. For the dirty run, a first pass writes
 * every page (zero-fill faults cost no disk time) and only what follows is measured.
 */
export function runEat(o: EatRunOptions): EatRunResult {
  const costs = { memoryAccessNs: 200, walkPerLevelNs: 0, faultOverheadNs: 0 };
  const m = new Machine({ frames: o.frames, tableFrames: 4, policy: o.policy ?? "fifo", costs });
  let seed = o.seed ?? 1;
  let base: number;
  let pid: number;
  if (o.dirty) {
    pid = m.spawn({ name: "dirty" });
    base = m.mmap(pid, o.pages * PS);
    for (let i = 0; i < o.pages; i++) m.writeU8(pid, base + i * PS, i);
  } else {
    const code = new Uint8Array(o.pages * PS);
    for (let i = 0; i < code.length; i += 64) code[i] = (i / 64) & 0xff;
    pid = m.spawn({ name: "read-only", image: { name: "code", code, data: new Uint8Array(0), bssBytes: 0 } });
    base = PS; // code starts at page 1
  }
  const before = m.stats();
  let done = 0;
  while (done < o.references) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const page = (seed >>> 8) % o.pages;
    const n = Math.min(o.visit, o.references - done);
    for (let k = 0; k < n; k++) {
      const va = base + page * PS + ((k * 64) % PS);
      const acc = o.dirty ? (k === 0 ? ACC_WRITE : ACC_READ) : ACC_EXEC;
      m.access(pid, va, acc);
    }
    done += n;
  }
  const s = m.stats();
  const references = s.references - before.references;
  const faults = s.faults.total - before.faults.total;
  const p = faults / references;
  return {
    frames: o.frames,
    references,
    faults,
    faultRate: p,
    measuredNs: (s.timeNs - before.timeNs) / references,
    formulaNs: eatFormulaNs(p, m.costs.memoryAccessNs, m.costs.diskReadNs),
    formulaDirtyNs: eatFormulaNs(p, m.costs.memoryAccessNs, m.costs.diskReadNs + m.costs.diskWriteNs),
    dirtyEvictions: s.evictions.dirty - before.evictions.dirty,
  };
}
