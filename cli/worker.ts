// A simulation worker for cli/pool.ts: takes the prepared workload from workerData (its arrays
// are SharedArrayBuffer views, read in place), then runs each task it is sent and posts back
// progress (references replayed, when asked) and the result, or the error's code and message.

import { parentPort, workerData } from "node:worker_threads";
import { PagewiseError } from "../src/index.js";
import type { Prepared } from "./engine.js";
import { encodeResult, runTask, type Task, type WorkerMessage, type WorkerSetup } from "./pool.js";

const setup = workerData as WorkerSetup;
const prepared: Prepared = {
  workload: setup.workload,
  dense: setup.dense,
  pageSpace: setup.pageSpace,
  writes: setup.writes,
  nextUse: setup.nextUse,
};

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

parentPort!.on("message", (m: { id: number; task: Task; progress: boolean }) => {
  try {
    const onProgress = m.progress ? (done: number) => post({ type: "progress", id: m.id, done }) : undefined;
    post({ type: "result", id: m.id, ok: true, result: encodeResult(runTask(prepared, m.task, onProgress)) });
  } catch (e) {
    const code = e instanceof PagewiseError ? e.code : "INTERNAL";
    const message = e instanceof Error ? e.message : String(e);
    post({ type: "result", id: m.id, ok: false, error: { code, message } });
  }
});
