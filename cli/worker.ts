// A simulation worker for cli/pool.ts: rebuilds the prepared workload from workerData, then runs
// each task it is sent and posts back the result (or the error's code and message).

import { parentPort, workerData } from "node:worker_threads";
import { PagewiseError } from "../src/core/errors.js";
import type { Prepared } from "./engine.js";
import { encodeResult, runTask, type Task, type WorkerSetup } from "./pool.js";

const setup = workerData as WorkerSetup;
const prepared: Prepared = {
  workload: setup.workload,
  dense: setup.dense,
  pageSpace: setup.pageSpace,
  writes: setup.writes,
  nextUse: setup.nextUse,
};

parentPort!.on("message", (m: { id: number; task: Task }) => {
  try {
    parentPort!.postMessage({ id: m.id, ok: true, result: encodeResult(runTask(prepared, m.task)) });
  } catch (e) {
    const code = e instanceof PagewiseError ? e.code : "INTERNAL";
    const message = e instanceof Error ? e.message : String(e);
    parentPort!.postMessage({ id: m.id, ok: false, error: { code, message } });
  }
});
