// Replay-mode runs of a whole workload held in memory, for what needs every reference at once:
// HTML reports (per-process resident pages along a run), Belady searches over tiny strings, and
// sweeps that share one prepared workload with worker threads. The workload is prepared once: the
// dense ids and write flags the streamed runs give (workloads/page-ids.ts, keyed by (pid, page)),
// and, for a policy that reads the future, next uses. Commands that stream never prepare one.

import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { annotateNextUse } from "../workloads/oracle.js";
import { PageIds } from "../workloads/page-ids.js";
import { REF_INSTR } from "../workloads/refs.js";
import type { Workload } from "../workloads/workload.js";
import { type ReplayResult, type ReplayTrace, replay } from "./replay-trace.js";

/** A workload ready to replay: dense page ids, write flags and, once asked, next uses. */
export interface ReplayWorkload {
  readonly workload: Workload;
  /** Dense id of each reference, ids 0.. in order of first appearance of (pid, page). */
  readonly dense: Int32Array;
  /** Distinct (pid, page) pairs. */
  readonly pageSpace: number;
  /** 1 where the reference writes its page. */
  readonly writes: Uint8Array;
  nextUse: Float64Array | null;
}

/** Dense ids, write flags and (when `needFuture`) next uses for a workload. */
export function prepareReplay(w: Workload, needFuture: boolean): ReplayWorkload {
  const ids = new PageIds();
  const dense = new Int32Array(w.count);
  const writes = new Uint8Array(w.count);
  ids.map(w.pages, w.kinds, w.pids, 0, w.count, dense, writes);
  const p: ReplayWorkload = { workload: w, dense, pageSpace: ids.size, writes, nextUse: null };
  if (needFuture) ensureNextUse(p);
  return p;
}

/** Next uses for OPT, computed once and kept on `p`. */
export function ensureNextUse(p: ReplayWorkload): Float64Array {
  p.nextUse ??= annotateNextUse(p.dense, p.workload.count, p.pageSpace);
  return p.nextUse;
}

function traceOf(p: ReplayWorkload): ReplayTrace {
  return { count: p.workload.count, pages: p.dense, writes: p.writes, pageSpace: p.pageSpace };
}

/** Options of one replay of a prepared workload. */
export interface ReplayWorkloadOptions {
  /** Called every 2^18 references with the count done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called at each eviction with the evicted page's dense id, its frame and the reference's index. */
  readonly onEvict?: (page: number, frame: number, at: number) => void;
}

/**
 * Replays `p` under one policy spec and frame count (next uses computed first when the policy
 * reads the future). Throws UnknownIdError or ConfigError for a bad spec.
 */
export function replayWorkload(
  p: ReplayWorkload,
  spec: string,
  frames: number,
  opts: ReplayWorkloadOptions = {},
): ReplayResult {
  const { id, params } = parsePolicySpec(spec);
  const factory = getPolicyFactory(id);
  factory.parseParams(params);
  return replay(traceOf(p), {
    policy: spec,
    frames,
    ...(factory.needsFuture ? { nextUse: ensureNextUse(p) } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress, progressEvery: 1 << 18 } : {}),
    ...(opts.onEvict ? { onEvict: opts.onEvict } : {}),
  });
}

/** Statistics of a workload that need no simulation. */
export interface WorkloadFacts {
  references: number;
  distinctPages: number;
  reads: number;
  writes: number;
  instructions: number;
  processes: number;
}

export function workloadFacts(p: ReplayWorkload): WorkloadFacts {
  const w = p.workload;
  let writes = 0;
  let instructions = 0;
  const pids = new Set<number>();
  for (let i = 0; i < w.count; i++) {
    if (p.writes[i] === 1) writes++;
    else if (w.kinds[i] === REF_INSTR) instructions++;
    pids.add(w.pids[i]!);
  }
  return {
    references: w.count,
    distinctPages: p.pageSpace,
    reads: w.count - writes - instructions,
    writes,
    instructions,
    processes: pids.size,
  };
}

/** Cumulative faults and per-process resident frames sampled along one replay. */
export interface Timeline {
  /** Cumulative faults at each sample position. */
  faults: number[];
  /** Resident frames per pid at each sample position. */
  resident: Map<number, number[]>;
}

/**
 * Replays `p` once under (spec, frames) and samples, at positions `at` (1-based reference counts,
 * ascending), the cumulative faults and each process's resident pages. The replay reports its
 * evictions; a second pass over the references applies them in order, so the curves end at exactly
 * the replay's fault count.
 */
export function residentTimeline(
  p: ReplayWorkload,
  spec: string,
  frames: number,
  at: readonly number[],
): Timeline {
  const w = p.workload;
  let evAt = new Int32Array(1024);
  let evPage = new Int32Array(1024);
  let ne = 0;
  replayWorkload(p, spec, frames, {
    onEvict: (page, _frame, i) => {
      if (ne === evAt.length) {
        const a = new Int32Array(ne * 2);
        a.set(evAt);
        evAt = a;
        const b = new Int32Array(ne * 2);
        b.set(evPage);
        evPage = b;
      }
      evAt[ne] = i;
      evPage[ne++] = page;
    },
  });
  const pidIndex = new Map<number, number>();
  const pidOfId = new Int32Array(p.pageSpace);
  for (let i = 0; i < w.count; i++) {
    const pid = w.pids[i]!;
    let k = pidIndex.get(pid);
    if (k === undefined) {
      k = pidIndex.size;
      pidIndex.set(pid, k);
    }
    pidOfId[p.dense[i]!] = k;
  }
  const count = new Int32Array(pidIndex.size);
  const series = [...pidIndex.keys()].map(() => [] as number[]);
  const resident = new Uint8Array(p.pageSpace);
  const faults: number[] = [];
  let total = 0;
  let e = 0;
  let k = 0;
  for (let i = 0; i < w.count && k < at.length; i++) {
    while (e < ne && evAt[e]! <= i) {
      const old = evPage[e++]!;
      resident[old] = 0;
      count[pidOfId[old]!]!--;
    }
    const pg = p.dense[i]!;
    if (resident[pg] === 0) {
      resident[pg] = 1;
      count[pidOfId[pg]!]!++;
      total++;
    }
    while (k < at.length && at[k] === i + 1) {
      faults.push(total);
      for (let j = 0; j < series.length; j++) series[j]!.push(count[j]!);
      k++;
    }
  }
  const pids = [...pidIndex.keys()];
  return { faults, resident: new Map(pids.map((pid, j) => [pid, series[j]!])) };
}
