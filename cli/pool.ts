// Runs many simulations of one prepared workload on worker threads, one per core (at most 4):
// sweeps are embarrassingly parallel, so a policies × frames grid takes about half the time on two
// cores. The prepared arrays are copied once into SharedArrayBuffers that every worker reads in
// place (nothing is copied per worker or per task). Tasks are handed out longest first (by an
// estimate of their cost) to whichever worker is free, so the workers finish together; results
// come back in task order whatever the number of workers. Workers report references replayed as
// they go, so a progress bar can show the completion of the whole batch.
// When running from TypeScript sources (tests) or with one thread, tasks run here in the main
// thread instead, with the same results.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { PagewiseError, parsePolicySpec } from "../src/index.js";
import { type Prepared, type RunResult, simulate, simulateTimeline, type Timeline } from "./engine.js";
import { tick } from "./progress.js";

export type Task =
  | { readonly kind: "run"; readonly spec: string; readonly frames: number }
  | {
      readonly kind: "timeline";
      readonly spec: string;
      readonly frames: number;
      readonly at: readonly number[];
    };

export type TaskResult = RunResult | Timeline;

/**
 * What a worker receives once: the prepared workload, its arrays backed by SharedArrayBuffers.
 * The workload's page numbers are not sent (no task reads them; dense ids stand for them).
 */
export interface WorkerSetup {
  readonly workload: Prepared["workload"];
  readonly dense: Int32Array;
  readonly pageSpace: number;
  readonly writes: Uint8Array;
  readonly nextUse: Float64Array | null;
}

/** References between progress reports from a task. */
export const PROGRESS_EVERY = 1 << 18;

/** Runs one task in this thread; `onProgress` hears references replayed so far. */
export function runTask(p: Prepared, t: Task, onProgress?: (done: number) => void): TaskResult {
  if (t.kind === "timeline") return simulateTimeline(p, t.spec, t.frames, t.at);
  return simulate(p, t.spec, t.frames, onProgress && ((done) => onProgress(done)));
}

/** A timeline's Map does not survive postMessage: send its entries. */
export function encodeResult(r: TaskResult): unknown {
  return "resident" in r ? { faults: r.faults, resident: [...r.resident.entries()] } : r;
}

function decodeResult(t: Task, raw: unknown): TaskResult {
  if (t.kind === "run") return raw as RunResult;
  const x = raw as { faults: number[]; resident: [number, number[]][] };
  return { faults: x.faults, resident: new Map(x.resident) };
}

// The bundle (scripts/bundle-cli.mjs) is CommonJS: its worker is worker.cjs beside the chunks.
const WORKER_URL = new URL(
  import.meta.url.endsWith(".cjs") ? "./worker.cjs" : "./worker.js",
  import.meta.url,
);
const FROM_SOURCES = import.meta.url.endsWith(".ts");

/** Threads to use: one per core, at most 4, and none when the env says PAGEWISE_THREADS=1. */
export function defaultThreads(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const asked = Number(env.PAGEWISE_THREADS);
  const n = Number.isInteger(asked) && asked > 0 ? asked : Math.min(4, availableParallelism());
  return FROM_SOURCES ? 1 : n;
}

/** True when worker threads can run (built JavaScript, not TypeScript sources). */
export function threadsAvailable(): boolean {
  return !FROM_SOURCES;
}

/**
 * Relative cost of a policy's replay, from the replay speeds in BENCHMARKS.md (FIFO = 1): only
 * used to hand out the slow runs first. Unlisted policies count 1.5.
 */
const POLICY_COST: Readonly<Record<string, number>> = {
  fifo: 1,
  random: 1,
  clock: 1,
  "second-chance": 1,
  sieve: 1.2,
  lru: 1.3,
  "lru-2list": 1.5,
  arc: 1.6,
  "2q": 1.5,
  s3fifo: 1.6,
  car: 1.8,
  lirs: 2,
  "clock-pro": 2.2,
  mglru: 2,
  opt: 2.5,
  lfu: 3,
  nfu: 3,
  aging: 2,
  nru: 2,
  wsclock: 2,
};

/**
 * Estimated cost of a task in arbitrary units: the policy's speed, times more for fewer frames
 * (more faults, more policy work per reference); timelines replay twice.
 */
export function taskCost(t: Task): number {
  let id: string;
  try {
    id = parsePolicySpec(t.spec).id;
  } catch {
    id = t.spec;
  }
  const base = POLICY_COST[id] ?? 1.5;
  return base * (1 + 8 / Math.sqrt(Math.max(1, t.frames))) * (t.kind === "timeline" ? 2 : 1);
}

/** Task indices, most expensive first (stable: equal costs keep task order). */
export function scheduleOrder(tasks: readonly Task[]): number[] {
  const cost = tasks.map(taskCost);
  return tasks.map((_, i) => i).sort((a, b) => cost[b]! - cost[a]! || a - b);
}

type AnyTyped = Int32Array | Uint8Array | Float64Array;
const sharedCopies = new WeakMap<AnyTyped, AnyTyped>();

/** `a` backed by a SharedArrayBuffer: itself if it already is, else a copy made once per array. */
function shared<T extends AnyTyped>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  let c = sharedCopies.get(a) as T | undefined;
  if (c === undefined) {
    const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
    c = new Ctor(new SharedArrayBuffer(a.byteLength));
    c.set(a as never);
    sharedCopies.set(a, c);
  }
  return c;
}

function workerSetup(p: Prepared): WorkerSetup {
  const w = p.workload;
  return {
    workload: { ...w, pages: new Float64Array(0), kinds: shared(w.kinds), pids: shared(w.pids) },
    dense: shared(p.dense),
    pageSpace: p.pageSpace,
    writes: shared(p.writes),
    nextUse: p.nextUse === null ? null : shared(p.nextUse),
  };
}

/** Progress of a batch: tasks finished, and references replayed over all tasks. */
export interface PoolProgress {
  readonly tasksDone: number;
  readonly refsDone: number;
  readonly refsTotal: number;
}

/**
 * Runs every task and returns results in task order. `onDone(doneCount)` is called as tasks
 * finish; `onProgress` (optional) as references are replayed, for a bar over the whole batch.
 * Rethrows the first task's error as a PagewiseError with its code (so exit codes hold).
 */
export async function runTasks(
  p: Prepared,
  tasks: readonly Task[],
  onDone: (done: number) => void = () => {},
  threads = defaultThreads(),
  onProgress?: (progress: PoolProgress) => void,
): Promise<TaskResult[]> {
  const results = new Array<TaskResult>(tasks.length);
  const order = scheduleOrder(tasks);
  const perTask = p.workload.count;
  const refsTotal = perTask * tasks.length;
  const partial = new Float64Array(tasks.length);
  let finishedRefs = 0;
  let partialRefs = 0;
  let done = 0;
  const report = () => onProgress?.({ tasksDone: done, refsDone: finishedRefs + partialRefs, refsTotal });
  const progressOf = (id: number, refs: number) => {
    partialRefs += refs - partial[id]!;
    partial[id] = refs;
    report();
  };
  const finish = (id: number, r: TaskResult) => {
    results[id] = r;
    partialRefs -= partial[id]!;
    partial[id] = 0;
    finishedRefs += perTask;
    done++;
    onDone(done);
    report();
  };
  const n = FROM_SOURCES ? 1 : Math.min(threads, tasks.length);
  if (n <= 1) {
    for (const id of order) {
      finish(id, runTask(p, tasks[id]!, onProgress && ((refs) => progressOf(id, refs))));
      await tick();
    }
    return results;
  }
  const setup = workerSetup(p);
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const feed = (w: Worker): void => {
        if (failed || next >= order.length) return;
        const id = order[next++]!;
        w.postMessage({ id, task: tasks[id], progress: onProgress !== undefined });
      };
      for (let k = 0; k < n; k++) {
        const w = new Worker(WORKER_URL, { workerData: setup });
        workers.push(w);
        w.on("message", (m: WorkerMessage) => {
          if (failed) return;
          if (m.type === "progress") {
            progressOf(m.id, m.done);
            return;
          }
          if (!m.ok) {
            failed = true;
            reject(new PagewiseError(m.error!.code, m.error!.message));
            return;
          }
          finish(m.id, decodeResult(tasks[m.id]!, m.result));
          if (done === tasks.length) resolve();
          else feed(w);
        });
        w.on("error", (e) => {
          failed = true;
          reject(e);
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** What a worker posts: a task's progress, its result, or its error. */
export type WorkerMessage =
  | { type: "progress"; id: number; done: number }
  | {
      type: "result";
      id: number;
      ok: boolean;
      result?: unknown;
      error?: { code: string; message: string };
    };
