// The web app's full mode: the same cursor as session.ts (cursor.ts), over the engine's Machine (page tables
// in frames, a TLB, a swap store; src/sim/steps-full.ts) instead of the replay driver. Going back
// replays from the start with the same actions (policy switches, pins, unpins) at the same
// positions, so the state after stepping back is exactly the state at that point going forwards.
// The views (the page-table tree, the TLB, the swap slots, the frame table with table frames and
// pins) are read from the Machine's own arrays and PTE words (machine-reader.ts); main.tsx only
// lays them out.
// No DOM here.

import {
  ConfigError,
  FullStepper,
  type FullStepRecord,
  MAX_HELD_REFERENCES,
  type StepList,
  type TlbMode,
  type Translation,
} from "../../src/index.js";
import { Cursor, type Refs, type Switch } from "./cursor.js";
import {
  type FullFrame,
  MachineReader,
  type PtTable,
  type SwapState,
  type TlbState,
} from "./machine-reader.js";

/** The Machine's settings a full-mode run takes besides the policy and frames. */
export interface FullOptions {
  /** Bytes per page; the shape's, when a shape is given. */
  readonly pageSize: number;
  /** A page-table shape ("sv32", "6/10", …), or undefined: fitted to the pages. */
  readonly shape?: string;
  readonly tlbEntries: number;
  readonly tlbWays: number;
  readonly tlbMode: TlbMode;
}

export const DEFAULT_FULL: FullOptions = {
  pageSize: 4096,
  shape: "sv32",
  tlbEntries: 8,
  tlbWays: 2,
  tlbMode: "tagged",
};

/** Something done to the run before reference `at + 1`. */
export type Action =
  | { readonly at: number; readonly kind: "policy"; readonly policy: string }
  | { readonly at: number; readonly kind: "pin" | "unpin"; readonly pid: number; readonly page: number };

/** Most pins at once: one page frame always stays free of pins, so a fault can find a victim. */
export function maxPins(frames: number): number {
  return frames - 1;
}

export class FullSession extends Cursor<FullStepRecord> {
  protected stepper!: FullStepper;
  private actions: Action[] = [];
  private nextAction = 0;

  constructor(
    refs: Refs,
    firstPolicy: string,
    frames: number,
    readonly options: FullOptions = DEFAULT_FULL,
  ) {
    super(refs, firstPolicy, frames);
    this.fresh();
  }

  /** The same references, frames and machine under another policy, from the start. */
  again(policy: string): FullSession {
    return new FullSession(this.refs, policy, this.frames, this.options);
  }

  protected fresh(): void {
    const o = this.options;
    this.stepper = new FullStepper(this.refs, {
      policy: this.firstPolicy,
      frames: this.frames,
      pageSize: o.pageSize,
      switchable: true,
      maxReferences: MAX_HELD_REFERENCES,
      ...(o.shape !== undefined ? { shape: o.shape } : {}),
      tlb: { entries: o.tlbEntries, ways: o.tlbWays, mode: o.tlbMode },
    });
    this.log = [];
    this.nextAction = 0;
  }

  get machine() {
    return this.stepper.machine;
  }

  get policy(): string {
    let p = this.firstPolicy;
    for (const a of this.actions) if (a.kind === "policy" && a.at <= this.position) p = a.policy;
    return p;
  }

  get policySwitches(): readonly Switch[] {
    return this.actions.filter((a) => a.kind === "policy" && a.at <= this.position) as Switch[];
  }

  /** Pins and unpins made so far (at ≤ position). */
  get pinActions(): readonly Action[] {
    return this.actions.filter((a) => a.kind !== "policy" && a.at <= this.position);
  }

  policyView(): { lists: StepList[]; values?: Readonly<Record<string, number>> } {
    return this.stepper.view();
  }

  protected skipTowards(): void {
    this.applyAt(this.position);
    this.stepper.skip();
    this.missesAt[this.position] = this.stepper.misses;
  }

  switchPolicy(policy: string): void {
    this.stepper.use(policy);
    this.record({ at: this.position, kind: "policy", policy });
  }

  /** Pins page `page` of process `pid` before the next reference (paging it in if it is out). */
  pin(pid: number, page: number): void {
    const pinned = this.frameTable().filter((f) => f.kind === "page" && f.pins > 0).length;
    const already = this.frameTable().some(
      (f) => f.kind === "page" && f.pid === pid && f.page === page && f.pins > 0,
    );
    if (already) throw new ConfigError("pin", page, "a page that is not pinned yet");
    if (pinned >= maxPins(this.frames))
      throw new ConfigError(
        "pin",
        page,
        `at most ${maxPins(this.frames)} pinned pages with ${this.frames} frames (one must stay free for faults)`,
      );
    this.stepper.pin(pid, page);
    this.record({ at: this.position, kind: "pin", pid, page });
  }

  unpin(pid: number, page: number): void {
    this.stepper.unpin(pid, page);
    this.record({ at: this.position, kind: "unpin", pid, page });
  }

  /** Records an action done now; actions recorded after the cursor (before stepping back) are dropped. */
  private record(a: Action): void {
    this.actions = [...this.actions.slice(0, this.nextAction), a];
    this.nextAction = this.actions.length;
  }

  protected applyAt(pos: number): void {
    while (this.nextAction < this.actions.length && this.actions[this.nextAction]!.at <= pos) {
      const a = this.actions[this.nextAction++]!;
      if (a.kind === "policy") this.stepper.use(a.policy);
      else if (a.kind === "pin") this.stepper.pin(a.pid, a.page);
      else this.stepper.unpin(a.pid, a.page);
    }
  }

  /** The reference the views point at: the last one stepped. */
  get focus(): { pid: number; page: number; tlb?: "hit" | "miss" } | null {
    return this.last;
  }

  private read: { key: string; reader: MachineReader } | null = null;

  /** One reader per state: the views share what it reads (the tables are walked once a render). */
  private reader(): MachineReader {
    const key = `${this.rebuilds}:${this.position}:${this.actions.length}:${this.nextAction}`;
    if (this.read?.key === key) return this.read.reader;
    const st = this.stepper;
    const reader = new MachineReader(
      st.machine,
      (m) => st.sourcePidOf(m),
      (p) => st.machinePid(p),
      this.focus,
    );
    this.read = { key, reader };
    return reader;
  }

  pageTables(): PtTable[] {
    return this.reader().pageTables();
  }

  frameTable(): FullFrame[] {
    return this.reader().frameTable();
  }

  tlb(): TlbState {
    return this.reader().tlb();
  }

  swapSlots(): SwapState {
    return this.reader().swapSlots();
  }

  translation(): Translation | null {
    return this.reader().translation();
  }
}
