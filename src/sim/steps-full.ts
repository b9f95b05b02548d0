// Step mode on the full Machine (issue 15): the same records as sim/steps.ts, from a Machine with
// page tables in frames, a TLB and real bytes, one trace process per pid of the source. A miss's
// cause is the pager's (zero-fill, swap, image, object, minor), the victim and its write-back come
// from the Machine's events, and each record says whether the TLB hit. The Machine is built as
// `pagewise run --mode full` builds it: `frames` frames for pages, page tables in frames of their
// own on top, so it faults as replay mode does. Browser-safe.

import { MAX_ASID, pageKey } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE, type Access } from "../mmu/mmu.js";
import { FAULT_KILLED } from "../pager/pager.js";
import { NEVER } from "../policies/policy.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { annotateNextUse } from "../workloads/oracle.js";
import { isWrite, REF_INSTR } from "../workloads/refs.js";
import type { Machine } from "./machine.js";
import { machineForTrace, TracePages } from "./machine-run.js";
import { densify } from "./replay.js";
import {
  MAX_STEP_REFERENCES,
  resolveView,
  type StepList,
  type StepOptions,
  type StepPage,
  type StepRecord,
  type StepSource,
} from "./steps.js";

export interface FullStepOptions extends StepOptions {
  /** Bytes per page (a power of two); page numbers are multiplied by it to make addresses. */
  readonly pageSize: number;
  /** The TLB's entries and ways (default: the Machine's). */
  readonly tlb?: { readonly entries: number; readonly ways: number };
}

/** A full-mode record: a replay-mode record plus the TLB's part. */
export interface FullStepRecord extends StepRecord {
  /** Whether the translation hit the TLB (a miss walks the tables; a fault misses too). */
  readonly tlb: "hit" | "miss";
  /** TLB hits and misses so far. */
  readonly tlbHits: number;
  readonly tlbMisses: number;
}

const CAUSES = {
  "zero-fill": "zero-fill",
  image: "image",
  swap: "swap",
  object: "object",
  minor: "minor",
} as const;

/** Steps `src` on a Machine, one FullStepRecord per reference. Throws ConfigError for bad options. */
export class FullStepper {
  readonly machine: Machine;
  private readonly pidOf = new Map<number, number>();
  private readonly sourcePid = new Map<number, number>();
  private readonly nextUse: Float64Array | null;
  /** Pages seen resident, by the policy's key, to name ghosts (pages no longer resident). */
  private readonly byKey = new Map<number, StepPage>();
  private pos = 0;
  private hits = 0;
  private misses = 0;
  private fault: { cause: string } | null = null;
  private evicted: { pid: number; vpn: number; frame: number; dirty: boolean } | null = null;

  constructor(
    private readonly src: StepSource,
    opts: FullStepOptions,
  ) {
    const n = src.count;
    if (!Number.isInteger(n) || n < 0 || n > src.pages.length)
      throw new ConfigError("count", n, `a whole number ≤ the ${src.pages.length} pages given`);
    if (n > MAX_STEP_REFERENCES)
      throw new ConfigError("references", n, `at most ${MAX_STEP_REFERENCES} in step mode (one line each)`);
    // Sized as every full-mode run is (sim/machine-run.ts): address width, RAM, page-table frames.
    const pids = new Int32Array(n);
    if (src.pids) for (let i = 0; i < n; i++) pids[i] = src.pids[i]!;
    const refs = {
      count: n,
      pages: Float64Array.from({ length: n }, (_, i) => src.pages[i]!),
      kinds: new Uint8Array(n),
      pids,
    };
    const { machine, pidOf } = machineForTrace(TracePages.of(refs), {
      policy: opts.policy,
      frames: opts.frames,
      pageSize: opts.pageSize,
      ...(opts.tlb ? { tlb: opts.tlb } : {}),
    });
    this.machine = machine;
    for (const [pid, m] of pidOf) {
      this.pidOf.set(pid, m);
      this.sourcePid.set(m, pid);
    }
    if (this.machine.pager.policy.describe === undefined)
      throw new ConfigError("policy", opts.policy, "a policy that describes its state (describe())");
    const future = getPolicyFactory(parsePolicySpec(opts.policy).id).needsFuture;
    if (future) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = pageKey((src.pids?.[i] ?? 0) & MAX_ASID, src.pages[i]!);
      const d = densify(keys, n);
      this.nextUse = annotateNextUse(d.ids, n, d.pageSpace);
    } else this.nextUse = null;
    const ev = this.machine.events;
    ev.on("fault", (e) => {
      this.fault = { cause: e.cause };
    });
    ev.on("evict", (e) => {
      this.evicted = { pid: e.pid, vpn: e.vpn, frame: e.frame, dirty: e.dirty };
    });
  }

  get done(): boolean {
    return this.pos >= this.src.count;
  }

  /** The policy's lists now, pages resolved through the frame table (ghosts through pages seen before). */
  view(): { lists: StepList[]; values?: Readonly<Record<string, number>> } {
    const frames = this.machine.frames;
    return resolveView(this.machine.pager.policy.describe!(), (frame, ghost) => {
      if (frame < 0) return this.byKey.get(ghost) ?? { pid: -1, page: -1 };
      const at = { pid: this.sourcePid.get(frames.ownerPid[frame]!) ?? -1, page: frames.page[frame]! };
      this.byKey.set(frames.key[frame]!, at);
      return at;
    });
  }

  /** Runs the next reference on the Machine and describes it; null when every reference is done. */
  next(): FullStepRecord | null {
    if (this.done) return null;
    const i = this.pos++;
    const src = this.src;
    const m = this.machine;
    const pid = src.pids?.[i] ?? 0;
    const page = src.pages[i]!;
    const kind = src.kinds?.[i];
    const acc: Access =
      kind === undefined ? ACC_READ : isWrite(kind) ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
    this.fault = null;
    this.evicted = null;
    const tlbHits = m.tlb.hits;
    const pa = m.access(
      this.pidOf.get(pid)!,
      page * m.pageSize,
      acc,
      this.nextUse === null ? NEVER : this.nextUse[i]!,
    );
    if (pa === FAULT_KILLED)
      throw new ConfigError("step", i + 1, "a reference the Machine can run (the process was killed)");
    const f = this.fault as { cause: string } | null;
    const ev = this.evicted as { pid: number; vpn: number; frame: number; dirty: boolean } | null;
    const hit = f === null;
    if (hit) this.hits++;
    else this.misses++;
    const cause = f === null ? undefined : (CAUSES as Record<string, StepRecord["cause"]>)[f.cause];
    return {
      step: i + 1,
      pid,
      page,
      access: acc === ACC_WRITE ? "W" : acc === ACC_EXEC ? "X" : "R",
      hit,
      ...(cause !== undefined ? { cause } : {}),
      frame: m.mmu.frame,
      ...(ev
        ? {
            victim: {
              pid: this.sourcePid.get(ev.pid) ?? -1,
              page: ev.vpn,
              frame: ev.frame,
              writtenBack: ev.dirty,
            },
          }
        : {}),
      ...this.view(),
      hits: this.hits,
      misses: this.misses,
      tlb: m.tlb.hits > tlbHits ? "hit" : "miss",
      tlbHits: m.tlb.hits,
      tlbMisses: m.tlb.misses,
    };
  }
}

/** Every reference of `src` stepped on a Machine. */
export function* fullSteps(src: StepSource, opts: FullStepOptions): Generator<FullStepRecord> {
  const s = new FullStepper(src, opts);
  for (let rec = s.next(); rec !== null; rec = s.next()) yield rec;
}
