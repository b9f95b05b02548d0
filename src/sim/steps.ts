// Step mode (issue 15): a reference string replayed one reference at a time, with a record per
// reference as a student writes it on paper: the reference, hit or miss and why, the victim and
// whether it was written back, the resident pages in the policy's own order (its describe()), and
// the running counts. The stepping is the replay driver itself (sim/replay.ts Replayer), run over
// one reference per call, so a stepped run faults exactly as `replay` does. Browser-safe: no Node
// or DOM APIs; the CLI and the web app only format the records.

import { MAX_ASID, pageKey } from "../core/addr.js";
import { ConfigError } from "../core/errors.js";
import type { PolicyView } from "../policies/policy.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { annotateNextUse } from "../workloads/oracle.js";
import { isWrite, REF_INSTR } from "../workloads/refs.js";
import { densify } from "./densify.js";
import { Replayer } from "./replay.js";

/** The references to step through, as the student sees them. */
export interface StepSource {
  readonly count: number;
  /** Page numbers. */
  readonly pages: ArrayLike<number>;
  /** REF_* kinds (workloads/refs.ts); absent: all reads. */
  readonly kinds?: ArrayLike<number>;
  /** Process ids; absent: all 0. Pages of different processes are different pages. */
  readonly pids?: ArrayLike<number>;
}

export interface StepOptions {
  /** Policy spec, e.g. "fifo" or "aging:bits=4". */
  readonly policy: string;
  readonly frames: number;
  /**
   * A later use() may install a policy that reads the future (OPT): annotate every reference's
   * next use now even if the first policy does not need it.
   */
  readonly switchable?: boolean;
  /**
   * Most references taken (default MAX_STEP_REFERENCES, a printed line each; at most
   * MAX_HELD_REFERENCES): a visualizer that moves without printing may hold more.
   */
  readonly maxReferences?: number;
}

/** One frame as the frame table shows it; page -1 when the frame is free. */
export interface StepFrame extends StepPage {
  readonly frame: number;
  readonly referenced: boolean;
  readonly dirty: boolean;
}

/** A page as shown: its process and page number. */
export interface StepPage {
  readonly pid: number;
  readonly page: number;
}

/** One entry of a policy list with its page resolved. */
export interface StepEntry extends StepPage {
  /** The frame holding it, or -1 for a ghost (remembered, not resident). */
  readonly frame: number;
  readonly note?: string;
}

export interface StepList {
  readonly name: string;
  readonly order: string;
  readonly entries: readonly StepEntry[];
  readonly hands?: Readonly<Record<string, number>>;
  readonly ghost?: boolean;
}

/**
 * A policy's view with every entry's page resolved by `pageAt(frame, ghostPage)` (a resident
 * entry by its frame, a ghost by the page key the policy remembers): the one shape both steppers
 * (replay here, the Machine in steps-full.ts) show.
 */
export function resolveView(
  v: PolicyView,
  pageAt: (frame: number, ghostPage: number) => StepPage,
): { lists: StepList[]; values?: Readonly<Record<string, number>> } {
  const lists = v.lists.map((l): StepList => {
    const entries = l.entries.map((e): StepEntry => {
      const at = pageAt(e.frame, e.page ?? -1);
      return e.note === undefined
        ? { pid: at.pid, page: at.page, frame: e.frame }
        : { pid: at.pid, page: at.page, frame: e.frame, note: e.note };
    });
    return {
      name: l.name,
      order: l.order,
      entries,
      ...(l.hands ? { hands: l.hands } : {}),
      ...(l.ghost ? { ghost: true } : {}),
    };
  });
  return v.values ? { lists, values: v.values } : { lists };
}

/**
 * Why a reference missed. Replay mode: "compulsory" (the page's first reference) or "capacity"
 * (the page was evicted earlier). Full mode (sim/steps-full.ts), the pager's cause: "zero-fill",
 * "image", "swap", "object" (a shared object) or "minor" (the page was still in memory).
 */
export type MissCause = "compulsory" | "capacity" | "zero-fill" | "image" | "swap" | "object" | "minor";

/** One reference, stepped. */
export interface StepRecord {
  /** 1-based position in the string. */
  readonly step: number;
  readonly pid: number;
  readonly page: number;
  /** R read, W write (a store or a load-then-store), X instruction fetch. */
  readonly access: "R" | "W" | "X";
  readonly hit: boolean;
  /** Misses only. */
  readonly cause?: MissCause;
  /** The frame that holds the page after the reference. */
  readonly frame: number;
  /** The page evicted to make room, and whether it was dirty (written back). */
  readonly victim?: StepPage & { readonly frame: number; readonly writtenBack: boolean };
  /** The policy's lists after the reference, in its own order. */
  readonly lists: readonly StepList[];
  /** Scalars the policy shows (ARC's p …). */
  readonly values?: Readonly<Record<string, number>>;
  /** Running totals after the reference. */
  readonly hits: number;
  readonly misses: number;
}

/** Largest string step mode takes: it is for reading, one line per reference. */
export const MAX_STEP_REFERENCES = 100_000;

/** Most references a stepper holds when asked for more than MAX_STEP_REFERENCES (StepOptions.maxReferences). */
export const MAX_HELD_REFERENCES = 1_000_000;

/** Throws ConfigError unless `n` references fit under `opts.maxReferences` (checked too). */
export function checkStepCount(n: number, opts: { readonly maxReferences?: number }): void {
  const max = opts.maxReferences ?? MAX_STEP_REFERENCES;
  if (!Number.isInteger(max) || max < 1 || max > MAX_HELD_REFERENCES)
    throw new ConfigError("maxReferences", max, `a whole number from 1 to ${MAX_HELD_REFERENCES}`);
  if (n > max)
    throw new ConfigError(
      "references",
      n,
      max === MAX_STEP_REFERENCES ? `at most ${max} in step mode (one line each)` : `at most ${max}`,
    );
}

function accessOf(kind: number | undefined): StepRecord["access"] {
  if (kind === undefined) return "R";
  if (kind === REF_INSTR) return "X";
  return isWrite(kind) ? "W" : "R";
}

/**
 * Steps `src` under one policy and frame count, one StepRecord per reference. The policy must
 * describe itself (every registered policy does). Throws ConfigError for bad options or a string
 * longer than MAX_STEP_REFERENCES, UnknownIdError for an unknown policy.
 */
export class Stepper {
  private readonly r: Replayer;
  private readonly dense: Int32Array;
  private readonly writes: Uint8Array;
  private readonly pageOfId: Float64Array;
  private readonly pidOfId: Int32Array;
  private readonly seen: Uint8Array;
  private pos = 0;
  private evicted: { id: number; frame: number } | null = null;

  constructor(
    private readonly src: StepSource,
    opts: StepOptions,
  ) {
    const n = src.count;
    if (!Number.isInteger(n) || n < 0 || n > src.pages.length)
      throw new ConfigError("count", n, `a whole number ≤ the ${src.pages.length} pages given`);
    checkStepCount(n, opts);
    if (!Number.isInteger(opts.frames) || opts.frames < 1)
      throw new ConfigError("frames", opts.frames, "an integer ≥ 1");
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const pid = src.pids?.[i] ?? 0;
      keys[i] = pid === 0 ? src.pages[i]! : pageKey(pid & MAX_ASID, src.pages[i]!);
    }
    const d = densify(keys, n);
    this.dense = d.ids;
    this.pageOfId = new Float64Array(d.pageSpace);
    this.pidOfId = new Int32Array(d.pageSpace);
    this.writes = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const id = d.ids[i]!;
      this.pageOfId[id] = src.pages[i]!;
      this.pidOfId[id] = src.pids?.[i] ?? 0;
      this.writes[i] = accessOf(src.kinds?.[i]) === "W" ? 1 : 0;
    }
    this.seen = new Uint8Array(d.pageSpace);
    const factory = getPolicyFactory(parsePolicySpec(opts.policy).id);
    const nextUse =
      factory.needsFuture || opts.switchable ? annotateNextUse(this.dense, n, d.pageSpace) : null;
    this.r = new Replayer(
      { count: n, pages: this.dense, writes: this.writes, pageSpace: d.pageSpace },
      opts.frames,
      nextUse,
      (id, frame) => {
        this.evicted = { id, frame };
      },
      d.pageSpace,
    );
    this.r.use(opts.policy, 0);
    if (this.r.policy.describe === undefined)
      throw new ConfigError("policy", opts.policy, "a policy that describes its state (describe())");
  }

  get done(): boolean {
    return this.pos >= this.src.count;
  }

  /** References stepped so far (the 0-based index of the next one). */
  get position(): number {
    return this.pos;
  }

  get hits(): number {
    return this.r.hits;
  }

  get misses(): number {
    return this.r.faults;
  }

  /**
   * Installs another policy before the next reference, the resident pages admitted in load order
   * (as `replay`'s switchAt does). A policy that reads the future needs `switchable` (or to be
   * the first policy). Throws ConfigError or UnknownIdError for a bad spec, ConfigError for a
   * policy that does not describe itself.
   */
  use(policy: string): void {
    const factory = getPolicyFactory(parsePolicySpec(policy).id);
    if (factory.needsFuture && this.r.nextUse === null)
      throw new ConfigError(
        "policy",
        policy,
        "a policy that does not read the future (start with switchable)",
      );
    this.r.use(policy, this.pos);
    if (this.r.policy.describe === undefined)
      throw new ConfigError("policy", policy, "a policy that describes its state (describe())");
  }

  /**
   * Replays references up to index `to` (exclusive) without making records: the fast way to a
   * position (jumps, and stepping back by replaying from the start). Faults as next() does.
   */
  skipTo(to: number): void {
    const end = Math.min(to, this.src.count);
    if (end <= this.pos) return;
    for (let i = this.pos; i < end; i++) this.seen[this.dense[i]!] = 1;
    this.r.run(this.dense, this.writes, this.pos, end, 0);
    this.pos = end;
  }

  /** Every frame now: its page (-1: free) and its R and D bits. */
  frames(): StepFrame[] {
    const out: StepFrame[] = [];
    const b = this.r.bits;
    for (let f = 0; f < this.r.frames; f++) {
      const id = b.resident[f] === 1 ? this.r.pageOf[f]! : -1;
      out.push({
        frame: f,
        pid: id >= 0 ? this.pidOfId[id]! : 0,
        page: id >= 0 ? this.pageOfId[id]! : -1,
        referenced: b.ref[f] === 1,
        dirty: b.dirtyBit[f] === 1,
      });
    }
    return out;
  }

  /** The policy's lists now, pages resolved. */
  view(): { lists: StepList[]; values?: Readonly<Record<string, number>> } {
    return resolveView(this.r.policy.describe!(), (frame, ghost) => {
      const id = frame >= 0 ? this.r.pageOf[frame]! : ghost;
      return id >= 0 ? { pid: this.pidOfId[id]!, page: this.pageOfId[id]! } : { pid: 0, page: -1 };
    });
  }

  /** Replays the next reference and describes it; null when every reference is done. */
  next(): StepRecord | null {
    if (this.done) return null;
    const i = this.pos++;
    const r = this.r;
    const id = this.dense[i]!;
    const faults = r.faults;
    const dirty = r.dirty;
    this.evicted = null;
    r.run(this.dense, this.writes, i, i + 1, 0);
    const hit = r.faults === faults;
    const first = this.seen[id] === 0;
    this.seen[id] = 1;
    const ev = this.evicted as { id: number; frame: number } | null;
    const victim =
      ev === null
        ? undefined
        : {
            pid: this.pidOfId[ev.id]!,
            page: this.pageOfId[ev.id]!,
            frame: ev.frame,
            writtenBack: r.dirty > dirty,
          };
    return {
      step: i + 1,
      pid: this.pidOfId[id]!,
      page: this.pageOfId[id]!,
      access: accessOf(this.src.kinds?.[i]),
      hit,
      ...(hit ? {} : { cause: first ? ("compulsory" as const) : ("capacity" as const) }),
      frame: r.frameOf[id]!,
      ...(victim ? { victim } : {}),
      ...this.view(),
      hits: r.hits,
      misses: r.faults,
    };
  }
}

/** Every reference of `src` stepped: one record each, in order. */
export function* steps(src: StepSource, opts: StepOptions): Generator<StepRecord> {
  const s = new Stepper(src, opts);
  for (let rec = s.next(); rec !== null; rec = s.next()) yield rec;
}

/** Every record at once (short strings: quizzes, tests). */
export function stepAll(src: StepSource, opts: StepOptions): StepRecord[] {
  return [...steps(src, opts)];
}
