// The cursor both web sessions share (session.ts over the replay Stepper, full-session.ts over the
// Machine's FullStepper): a position in the workload that moves both ways, the misses after every
// reference stepped, the latest records for the event log, and seek, which replays from the start
// when going back. A subclass builds its stepper (fresh), installs the user's actions (policy
// switches, pins) at their positions (applyAt), and skips references without records
// (skipTowards). No DOM here.

import { ConfigError } from "../../src/index.js";

/** References as the app holds them. */
export interface Refs {
  readonly label: string;
  readonly count: number;
  readonly pages: Float64Array;
  readonly kinds: Uint8Array;
  readonly pids: Int32Array;
}

/** A policy installed before reference `at` (0-based: after `at` references). */
export interface Switch {
  readonly at: number;
  readonly policy: string;
}

/** Most frames a session takes (the frame table is for reading; the engine's arrays stay small). */
export const MAX_WEB_FRAMES = 65_536;

/** How many of the latest records the event log keeps. */
export const LOG_SIZE = 20;

/** What the cursor needs of a stepper (the engine's Stepper and FullStepper). */
export interface CursorStepper<R> {
  readonly position: number;
  readonly done: boolean;
  readonly hits: number;
  readonly misses: number;
  next(): R | null;
}

export abstract class Cursor<R extends { readonly misses: number }> {
  protected abstract stepper: CursorStepper<R>;
  /** missesAt[i]: misses after i references. */
  readonly missesAt: Float64Array;
  /** The latest records, oldest first (at most LOG_SIZE). */
  log: R[] = [];
  /** Replays from the start since the session began (step back, jumps). */
  rebuilds = 0;

  /** Checks `frames`; the subclass's constructor then calls fresh(). */
  constructor(
    readonly refs: Refs,
    readonly firstPolicy: string,
    readonly frames: number,
  ) {
    if (!Number.isInteger(frames) || frames < 1 || frames > MAX_WEB_FRAMES)
      throw new ConfigError("frames", frames, `an integer from 1 to ${MAX_WEB_FRAMES}`);
    this.missesAt = new Float64Array(refs.count + 1);
  }

  /** A new stepper at the start, the log emptied, no action installed yet. */
  protected abstract fresh(): void;

  /** Installs the actions recorded for positions up to `pos` not yet installed. */
  protected abstract applyAt(pos: number): void;

  /**
   * Moves at least one reference towards `to` without records (the position is below `recordFrom`,
   * where stepping with records begins), keeping missesAt.
   */
  protected abstract skipTowards(to: number, recordFrom: number): void;

  /** Called by step after it stored the misses of the reference just stepped. */
  protected stepped(): void {}

  get position(): number {
    return this.stepper.position;
  }

  get count(): number {
    return this.refs.count;
  }

  get done(): boolean {
    return this.stepper.done;
  }

  get hits(): number {
    return this.stepper.hits;
  }

  get misses(): number {
    return this.stepper.misses;
  }

  /** The last record (the reference just stepped), or null at the start. */
  get last(): R | null {
    return this.log.length > 0 ? this.log[this.log.length - 1]! : null;
  }

  /** Steps one reference forwards; false at the end. */
  step(): boolean {
    this.applyAt(this.position);
    const rec = this.stepper.next();
    if (rec === null) return false;
    this.missesAt[this.position] = rec.misses;
    this.stepped();
    this.log.push(rec);
    if (this.log.length > LOG_SIZE) this.log.shift();
    return true;
  }

  /**
   * Moves the cursor to `target` references (0 … count), replaying from the start when going
   * back. The last LOG_SIZE references are stepped with records for the log; with `record` false
   * none are (the log is emptied if the cursor moves), for a player that moves many times a frame
   * and records once at the end.
   */
  seek(target: number, record = true): void {
    const to = Math.max(0, Math.min(this.count, Math.floor(target)));
    if (to < this.position) {
      this.rebuilds++;
      this.fresh();
    }
    if (!record && to > this.position) this.log = [];
    const recordFrom = record ? Math.max(this.position, to - LOG_SIZE) : to;
    while (this.position < to) {
      if (this.position >= recordFrom) {
        this.step();
        continue;
      }
      this.skipTowards(to, recordFrom);
    }
    this.applyAt(to);
  }

  back(): void {
    this.seek(this.position - 1);
  }
}
