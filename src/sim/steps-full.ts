// Step mode on the full Machine (issue 15): the same records as sim/steps.ts, from a Machine with
// page tables in frames, a TLB and real bytes, one trace process per pid of the source. A miss's
// cause is the pager's (zero-fill, swap, image, object, minor), the victim and its write-back come
// from the Machine's events, and each record says whether the TLB hit. The Machine is built as
// `pagewise run --mode full` builds it: `frames` frames for pages, page tables in frames of their
// own on top, so it faults as replay mode does. Browser-safe.

import { MAX_ASID, pageKey } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import { ACC_EXEC, ACC_READ, ACC_WRITE, type Access } from "../mmu/mmu.js";
import type { TlbMode } from "../mmu/tlb.js";
import { FAULT_KILLED } from "../pager/pager.js";
import { NEVER } from "../policies/policy.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { annotateNextUse } from "../workloads/oracle.js";
import { isWrite, REF_INSTR } from "../workloads/refs.js";
import { densify } from "./densify.js";
import type { Machine } from "./machine.js";
import { machineForTrace } from "./machine-run.js";
import {
  checkStepCount,
  resolveView,
  type StepList,
  type StepOptions,
  type StepPage,
  type StepRecord,
  type StepSource,
} from "./steps.js";
import { TracePages } from "./trace-pages.js";

export interface FullStepOptions extends StepOptions {
  /** Bytes per page (a power of two); page numbers are multiplied by it to make addresses. */
  readonly pageSize: number;
  /** The TLB's entries and ways, and "tagged" (ASIDs) or "flush" on a switch (default: the Machine's). */
  readonly tlb?: { readonly entries: number; readonly ways: number; readonly mode?: TlbMode };
  /**
   * A page-table shape ("sv32", "6/10", …; core/addr.ts parseShape) instead of the one fitted to
   * the pages; its page size must equal `pageSize`, and every page must fit it.
   */
  readonly shape?: string;
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
  /** Pages evicted or seen resident, by the policy's key, to name ghosts (pages no longer resident). */
  private readonly byKey = new Map<number, StepPage>();
  private pos = 0;
  private hitCount = 0;
  private missCount = 0;
  private fault: { cause: string } | null = null;
  private evicted: { pid: number; vpn: number; frame: number; dirty: boolean } | null = null;

  constructor(
    private readonly src: StepSource,
    opts: FullStepOptions,
  ) {
    const n = src.count;
    if (!Number.isInteger(n) || n < 0 || n > src.pages.length)
      throw new ConfigError("count", n, `a whole number ≤ the ${src.pages.length} pages given`);
    checkStepCount(n, opts);
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
      ...(opts.shape !== undefined ? { shape: opts.shape } : {}),
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
    if (future || opts.switchable === true) {
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
      // Every evicted page is named here, whether or not a view is asked for: a policy's ghost
      // (ARC's B1/B2 …) is then named the same however the run got here (step back is exact).
      this.byKey.set(this.machine.frames.key[e.frame]!, {
        pid: this.sourcePid.get(e.pid) ?? -1,
        page: e.vpn,
      });
    });
  }

  get done(): boolean {
    return this.pos >= this.src.count;
  }

  /** References run so far. */
  get position(): number {
    return this.pos;
  }

  get hits(): number {
    return this.hitCount;
  }

  get misses(): number {
    return this.missCount;
  }

  /** The Machine's pid for the source's `pid` (undefined when the source has no such process). */
  machinePid(pid: number): number | undefined {
    return this.pidOf.get(pid);
  }

  /** The source's pid for the Machine's `pid` (-1 for none). */
  sourcePidOf(machinePid: number): number {
    return this.sourcePid.get(machinePid) ?? -1;
  }

  /**
   * Installs `policy` from the next reference on (Machine.setPolicy: it adopts the resident
   * frames in load order). A policy that reads the future needs `switchable` at construction.
   */
  use(policy: string): void {
    const f = getPolicyFactory(parsePolicySpec(policy).id);
    if (f.needsFuture && this.nextUse === null)
      throw new ConfigError(
        "policy",
        policy,
        "a policy that does not read the future (start with switchable)",
      );
    this.machine.setPolicy(policy);
    if (this.machine.pager.policy.describe === undefined)
      throw new ConfigError("policy", policy, "a policy that describes its state (describe())");
  }

  /** Pins page `page` of the source's process `pid` in memory (paging it in first, uncounted); returns its frame. */
  pin(pid: number, page: number): number {
    return this.machine.pin(this.knownPid(pid), page * this.machine.pageSize);
  }

  /** Undoes one pin of page `page` of process `pid`. */
  unpin(pid: number, page: number): void {
    this.machine.unpin(this.knownPid(pid), page * this.machine.pageSize);
  }

  private knownPid(pid: number): number {
    const m = this.pidOf.get(pid);
    if (m === undefined) throw new ConfigError("pid", pid, "a process of the workload");
    return m;
  }

  /** Runs the next reference without describing it (to move fast); false when every reference is done. */
  skip(): boolean {
    if (this.done) return false;
    this.run(this.pos++);
    return true;
  }

  /** Runs reference `i` on the Machine, counting it; the fault and eviction it caused are left in this.fault / this.evicted. */
  private run(i: number): Access {
    const src = this.src;
    const pid = src.pids?.[i] ?? 0;
    const kind = src.kinds?.[i];
    const acc: Access =
      kind === undefined ? ACC_READ : isWrite(kind) ? ACC_WRITE : kind === REF_INSTR ? ACC_EXEC : ACC_READ;
    this.fault = null;
    this.evicted = null;
    const m = this.machine;
    const pa = m.access(
      this.pidOf.get(pid)!,
      src.pages[i]! * m.pageSize,
      acc,
      this.nextUse === null ? NEVER : this.nextUse[i]!,
    );
    if (pa === FAULT_KILLED)
      throw new ConfigError("step", i + 1, "a reference the Machine can run (the process was killed)");
    if (this.fault === null) this.hitCount++;
    else this.missCount++;
    return acc;
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
    const m = this.machine;
    const pid = this.src.pids?.[i] ?? 0;
    const page = this.src.pages[i]!;
    const tlbHits = m.tlb.hits;
    const acc = this.run(i);
    const f = this.fault as { cause: string } | null;
    const ev = this.evicted as { pid: number; vpn: number; frame: number; dirty: boolean } | null;
    const hit = f === null;
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
      hits: this.hitCount,
      misses: this.missCount,
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
