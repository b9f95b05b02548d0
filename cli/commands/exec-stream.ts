// The reference stream of a program run by `pagewise exec`: every reference its CPU and its kernel
// make (instruction fetches, loads, stores; the kernel's copies to and from user buffers), in order.
// With --record it streams into a pwt trace (for run, sweep, mrc, belady); with --report or
// --optimal it is also kept in memory (up to MAX_KEPT references) so that exec can replay it under
// OPT at the same frame budget ("faults above optimal") and draw the report every other command
// draws. Memory stays bounded: past MAX_KEPT references the copy is dropped and said so.

import { PwtWriter } from "../../node/convert.js";
import {
  makeBatch,
  REF_INSTR,
  REF_LOAD,
  REF_STORE,
  type RefBatch,
  type Rv32Process,
} from "../../src/index.js";
import { prepare, simulate } from "../engine.js";
import { IoError } from "../errors.js";
import type { Workload } from "../workload.js";

/** Most references kept in memory for OPT and the report (about 30 bytes each once prepared). */
export const MAX_KEPT = 1 << 25;

/** Instructions per step: the references of one step are written before the next. */
const STEP = 100_000;
const CHUNK = 1 << 16;

/** The access codes of Machine.access (read, write, exec) as reference kinds. */
const KIND = [REF_LOAD, REF_STORE, REF_INSTR];

export interface StreamOptions {
  /** Write the stream to this pwt file. */
  readonly path?: string;
  /** Keep the stream in memory (up to `maxKept` references). */
  readonly keep: boolean;
  readonly maxKept?: number;
  readonly pageSize: number;
  /** Most instructions to run. */
  readonly limit: number;
  /** Called after each step with the instructions retired so far. */
  readonly onStep?: (instructions: number) => void;
}

export interface Stream {
  /** References made. */
  readonly references: number;
  /** The stream as a workload, when kept and not longer than maxKept. */
  readonly workload: Workload | undefined;
  /** True when it was to be kept but was longer than maxKept. */
  readonly tooLong: boolean;
}

/** Runs `proc` to its end (or `limit` instructions) in steps, capturing its reference stream. */
export async function runStream(proc: Rv32Process, name: string, opts: StreamOptions): Promise<Stream> {
  const { pageSize } = opts;
  const maxKept = opts.maxKept ?? MAX_KEPT;
  let writer: PwtWriter | undefined;
  if (opts.path !== undefined) {
    try {
      writer = PwtWriter.create(opts.path, pageSize);
    } catch (e) {
      throw new IoError(`cannot write ${opts.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  let batch = makeBatch(CHUNK);
  const full: RefBatch[] = [];
  const kept: RefBatch[] = [];
  let keep = opts.keep;
  let tooLong = false;
  let total = 0;
  const record = (va: number, access: number) => {
    const i = batch.count++;
    batch.pages[i] = Math.floor(va / pageSize);
    batch.kinds[i] = KIND[access]!;
    batch.pids[i] = proc.pid;
    if (batch.count === CHUNK) {
      full.push(batch);
      batch = makeBatch(CHUNK);
    }
  };
  const flush = async (b: RefBatch) => {
    total += b.count;
    if (writer) await writer.write(b);
    if (keep) {
      if (total > maxKept) {
        keep = false;
        tooLong = true;
        kept.length = 0;
      } else kept.push(b);
    }
  };
  proc.cpu.recorder = record;
  proc.kernel.recorder = record;
  try {
    let left = opts.limit;
    while (proc.running && left > 0) {
      left -= proc.step(Math.min(STEP, left));
      for (const b of full) await flush(b);
      full.length = 0;
      opts.onStep?.(proc.cpu.instret);
    }
    if (batch.count > 0) await flush(batch);
  } finally {
    proc.cpu.recorder = undefined;
    proc.kernel.recorder = undefined;
    await writer?.close();
  }
  return { references: total, workload: keep ? toWorkload(kept, total, name, pageSize) : undefined, tooLong };
}

function toWorkload(batches: RefBatch[], count: number, name: string, pageSize: number): Workload {
  const pages = new Float64Array(count);
  const kinds = new Uint8Array(count);
  const pids = new Int32Array(count);
  let at = 0;
  for (const b of batches) {
    pages.set(b.pages.subarray(0, b.count), at);
    kinds.set(b.kinds.subarray(0, b.count), at);
    pids.set(b.pids.subarray(0, b.count), at);
    at += b.count;
  }
  return { name, source: name, kind: "trace", pageSize, count, pages, kinds, pids };
}

/** The stream replayed under the run's policy and under OPT at the same page frames. */
export interface Optimal {
  readonly references: number;
  readonly frames: number;
  readonly policy: string;
  readonly policyFaults: number;
  readonly optFaults: number;
  /** policyFaults − optFaults. */
  readonly aboveOptimal: number;
}

export function optimalOf(w: Workload, policy: string, frames: number): Optimal {
  const p = prepare(w, true);
  const policyFaults = simulate(p, policy, frames).faults;
  const optFaults = simulate(p, "opt", frames).faults;
  return {
    references: w.count,
    frames,
    policy,
    policyFaults,
    optFaults,
    aboveOptimal: policyFaults - optFaults,
  };
}
