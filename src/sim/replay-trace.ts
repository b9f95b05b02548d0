// Replay mode's whole-trace entry: `replay` runs a dense page stream held in memory under one
// policy (and any policy switches) through a Replayer (sim/replay.ts, the loops), after checking
// its options; and the public types of replay mode (the trace, options, result, next uses).

import { ConfigError } from "../core/errors.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { annotateNextUse } from "../workloads/oracle.js";
import { replayFrames } from "./bounds.js";
import { Replayer } from "./replay.js";

/** Next uses by reference index: Float64 with Infinity for never, or Int32 with NO_NEXT_USE. */
export type NextUses = Float64Array | Int32Array;

/** A page stream ready to replay. */
export interface ReplayTrace {
  readonly count: number;
  /** Dense page ids in [0, pageSpace). */
  readonly pages: Int32Array | Float64Array;
  /** 1 where the reference writes its page, else 0; absent means all reads. */
  readonly writes?: Uint8Array;
  readonly pageSpace: number;
}

/** A policy switch while replaying: before reference `at` (0-based), `policy` takes over. */
export interface PolicySwitch {
  readonly at: number;
  readonly policy: string;
}

export interface ReplayOptions {
  /** Policy spec, e.g. "lru" or "aging:bits=4". */
  readonly policy: string;
  readonly frames: number;
  /**
   * Next-use annotation (workloads/oracle.ts: Infinity for never; or Int32 with NO_NEXT_USE for
   * never, as sim/run.ts annotates a stream); computed when a policy needs it and none is given.
   */
  readonly nextUse?: NextUses;
  readonly switchAt?: readonly PolicySwitch[];
  /** Called every `progressEvery` references (default 1 << 20) with the count done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /** Called at each eviction with the evicted page, its frame and the faulting reference's index. */
  readonly onEvict?: (page: number, frame: number, at: number) => void;
}

export interface ReplayResult {
  references: number;
  faults: number;
  hits: number;
  missRatio: number;
  evictions: { clean: number; dirty: number };
  writebacks: number;
  /** The spec replay started with; `switches` lists later ones. */
  policy: string;
  frames: number;
  switches: number;
  timeNs: number;
  policyCounters?: Readonly<Record<string, number>>;
}

function checkOptions(trace: ReplayTrace, opts: ReplayOptions): void {
  if (!Number.isInteger(opts.frames) || opts.frames < 1) {
    throw new ConfigError("frames", opts.frames, "an integer ≥ 1");
  }
  if (trace.pages.length < trace.count) throw new ConfigError("trace.count", trace.count, "≤ pages.length");
  if (opts.nextUse !== undefined && opts.nextUse.length < trace.count) {
    throw new ConfigError("nextUse", opts.nextUse.length, `at least ${trace.count} entries`);
  }
  let last = -1;
  for (const s of opts.switchAt ?? []) {
    if (!Number.isInteger(s.at) || s.at < last || s.at < 0) {
      throw new ConfigError("switchAt", s.at, "reference indexes in ascending order");
    }
    last = s.at;
  }
}

function needsFuture(specs: readonly string[]): boolean {
  return specs.some((s) => getPolicyFactory(parsePolicySpec(s).id).needsFuture);
}

/**
 * Replays `trace` under one policy (and any switches) with `frames` frames. Throws ConfigError or
 * UnknownIdError for bad options; never allocates per reference.
 */
export function replay(trace: ReplayTrace, opts: ReplayOptions): ReplayResult {
  checkOptions(trace, opts);
  const switches = opts.switchAt ?? [];
  const specs = [opts.policy, ...switches.map((s) => s.policy)];
  let nextUse: NextUses | null = opts.nextUse ?? null;
  if (nextUse === null && needsFuture(specs))
    nextUse = annotateNextUse(trace.pages, trace.count, trace.pageSpace);
  const r = new Replayer(
    trace,
    replayFrames(opts.frames, trace.pageSpace),
    nextUse,
    opts.onEvict ?? null,
    trace.pageSpace,
  );
  r.use(opts.policy, 0);
  const every = Math.max(1, opts.progressEvery ?? 1 << 20);
  let pos = 0;
  let nextSwitch = 0;
  while (pos < trace.count) {
    while (nextSwitch < switches.length && switches[nextSwitch]!.at <= pos)
      r.use(switches[nextSwitch++]!.policy, pos);
    const switchPos = nextSwitch < switches.length ? switches[nextSwitch]!.at : trace.count;
    const end = Math.min(
      trace.count,
      switchPos,
      opts.onProgress ? (Math.floor(pos / every) + 1) * every : trace.count,
    );
    r.run(trace.pages, trace.writes, pos, end, 0);
    pos = end;
    if (opts.onProgress && (pos % every === 0 || pos === trace.count)) opts.onProgress(pos, trace.count);
  }
  return {
    references: trace.count,
    faults: r.faults,
    hits: r.hits,
    missRatio: trace.count === 0 ? 0 : r.faults / trace.count,
    evictions: { clean: r.clean, dirty: r.dirty },
    writebacks: r.dirty,
    policy: opts.policy,
    frames: opts.frames,
    switches: switches.length,
    timeNs: r.simulatedNs(trace.count),
    ...(r.policy.counters ? { policyCounters: r.policy.counters() } : {}),
  };
}
