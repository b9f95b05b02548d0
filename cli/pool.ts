// Runs many simulations of one prepared workload on worker threads, one per core (at most 4):
// sweeps are embarrassingly parallel, so the demo's policies × frames grid takes about half the
// time on two cores. Each worker gets a copy of the prepared arrays once, then pulls tasks as it
// finishes them. When running from TypeScript sources (tests) or with one core, tasks run here in
// the main thread instead, with the same results.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { PagewiseError } from "../src/core/errors.js";
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

/** What a worker receives once: the prepared workload's arrays. */
export interface WorkerSetup {
  readonly workload: Prepared["workload"];
  readonly dense: Int32Array;
  readonly pageSpace: number;
  readonly writes: Uint8Array;
  readonly nextUse: Float64Array | null;
}

/** Runs one task in this thread. */
export function runTask(p: Prepared, t: Task): TaskResult {
  return t.kind === "run" ? simulate(p, t.spec, t.frames) : simulateTimeline(p, t.spec, t.frames, t.at);
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

const WORKER_URL = new URL("./worker.js", import.meta.url);
const FROM_SOURCES = import.meta.url.endsWith(".ts");

/** Threads to use: one per core, at most 4, and none when the env says PAGEWISE_THREADS=1. */
export function defaultThreads(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const asked = Number(env.PAGEWISE_THREADS);
  const n = Number.isInteger(asked) && asked > 0 ? asked : Math.min(4, availableParallelism());
  return FROM_SOURCES ? 1 : n;
}

/**
 * Runs every task and returns results in task order. `onDone(doneCount)` is called as tasks
 * finish. Rethrows the first task's error as a PagewiseError with its code (so exit codes hold).
 */
export async function runTasks(
  p: Prepared,
  tasks: readonly Task[],
  onDone: (done: number) => void = () => {},
  threads = defaultThreads(),
): Promise<TaskResult[]> {
  const results = new Array<TaskResult>(tasks.length);
  const n = Math.min(threads, tasks.length);
  if (n <= 1) {
    for (let i = 0; i < tasks.length; i++) {
      results[i] = runTask(p, tasks[i]!);
      onDone(i + 1);
      await tick();
    }
    return results;
  }
  const setup: WorkerSetup = {
    workload: p.workload,
    dense: p.dense,
    pageSpace: p.pageSpace,
    writes: p.writes,
    nextUse: p.nextUse,
  };
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const feed = (w: Worker): void => {
        if (failed) return;
        if (next >= tasks.length) {
          if (done === tasks.length) resolve();
          return;
        }
        const id = next++;
        w.postMessage({ id, task: tasks[id] });
      };
      for (let k = 0; k < n; k++) {
        const w = new Worker(WORKER_URL, { workerData: setup });
        workers.push(w);
        w.on(
          "message",
          (m: { id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } }) => {
            if (!m.ok) {
              failed = true;
              reject(new PagewiseError(m.error!.code, m.error!.message));
              return;
            }
            results[m.id] = decodeResult(tasks[m.id]!, m.result);
            done++;
            onDone(done);
            if (done === tasks.length) resolve();
            else feed(w);
          },
        );
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
