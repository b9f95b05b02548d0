// A progress bar for work longer than a second: drawn on stderr with cli-progress, and only when
// stderr is a TTY (never in pipes, CI logs or tests). It appears after the first second, so quick
// commands print nothing extra. Callers report progress between units of work and `await tick()`
// now and then so the bar can redraw while the simulation runs synchronously.
//
// It says only what it knows: what it is doing (the phase: "opt: annotating next uses (pass 1/2)",
// then "opt: replaying (pass 2/2)"), the amount done with its unit ("1,250,000/4,000,000
// references", "12/60 runs", "1.5 MiB/3.1 MiB"), and an ETA from the average rate of the current
// phase ("…" until there is one). Work of unknown size (a program being traced, a text trace read
// as a stream) is shown as a count and a rate, with no percentage and no ETA. The line is composed
// here (progressLine) to fit the terminal's width, so it never wraps. PAGEWISE_PROGRESS_AFTER_MS
// sets the delay before a bar appears (default 1000; tests use 0).

import { createRequire } from "node:module";
import type cliProgressType from "cli-progress";
import type { CliIo } from "./io.js";
import { fmtInt } from "./output.js";
import { formatBytes } from "./units.js";

const SHOW_AFTER_MS = 1000;
/** Width of the line when the stream does not say (not a terminal, or a test's stream). */
const DEFAULT_WIDTH = 80;
const BAR_MAX = 30;
const BAR_MIN = 6;

export interface ProgressOptions {
  /** What is counted ("references", "runs"); "bytes" shows sizes (1.5 MiB). */
  readonly unit?: string;
  /** The total is not known: show the count and the rate only. */
  readonly counter?: boolean;
  /** Delay before the bar appears (default 1 s). */
  readonly showAfterMs?: number;
}

/** A duration for an ETA or an elapsed time: "45 s", "3 min 20 s", "1 h 05 min". */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "…";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** A count, short: "850", "12.5k", "3.2M". */
function fmtShort(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))}M`;
  if (n >= 1e4) return `${Number((n / 1e3).toPrecision(3))}k`;
  return fmtInt(n);
}

/** What one line of progress shows. */
export interface ProgressState {
  /** What is being done: "opt: replaying", "sweep (60 runs in one pass): reading". */
  readonly label: string;
  readonly value: number;
  /** Null when the total is not known (a count and a rate are shown). */
  readonly total: number | null;
  /** The unit of value and total; "bytes" prints sizes. */
  readonly unit: string;
  /** Shown instead of value/total when given (the pool's "12/60 runs"). */
  readonly detail?: string;
  /** Seconds since the phase began. */
  readonly seconds: number;
}

/**
 * The text of one progress line, at most `width - 1` columns: the label, a bar (dropped when there
 * is no room), the percentage, the amount done with its unit, and an ETA from the phase's rate;
 * with no total, the count, the rate and the time so far.
 */
export function progressLine(s: ProgressState, width = DEFAULT_WIDTH): string {
  const max = Math.max(20, width - 1);
  const bytes = s.unit === "bytes";
  const unit = s.unit === "" || bytes ? "" : ` ${s.unit}`;
  const amount = (n: number, short: boolean) => (bytes ? formatBytes(n) : short ? fmtShort(n) : fmtInt(n));
  const rate = s.seconds > 0 ? s.value / s.seconds : 0;
  if (s.total === null) {
    const perSecond = rate > 0 ? `${bytes ? formatBytes(rate) : fmtShort(rate)}${unit}/s` : `…${unit}/s`;
    const counted = (short: boolean) =>
      ` ${amount(s.value, short)}${unit} | ${perSecond} | ${fmtDuration(s.seconds)}`;
    return fitLine(s.label, counted(false), counted(true), max);
  }
  const total = Math.max(1, s.total ?? 1);
  const frac = Math.min(1, Math.max(0, s.value / total));
  const left = s.value > 0 && rate > 0 ? fmtDuration((total - s.value) / rate) : "…";
  const tail = (short: boolean) =>
    ` ${Math.floor(frac * 100)}% | ${s.detail ?? `${amount(s.value, short)}/${amount(total, short)}${unit}`} | eta ${left}`;
  // With a bar if there is room for one (exact counts, else short ones), else without.
  for (const short of [false, true]) {
    const t = tail(short);
    const room = Math.min(BAR_MAX, max - s.label.length - t.length - 3);
    if (room >= BAR_MIN) {
      const full = Math.round(frac * room);
      return `${s.label} [${"█".repeat(full)}${"░".repeat(room - full)}]${t}`;
    }
  }
  return fitLine(s.label, tail(false), tail(true), max);
}

/** `label` + `long` if it fits in `max` columns, else + `short`, with the label cut if need be. */
function fitLine(label: string, long: string, short: string, max: number): string {
  if (label.length + long.length <= max) return label + long;
  const keep = max - short.length;
  if (keep >= label.length) return label + short;
  return keep > 1 ? `${label.slice(0, keep - 1)}…${short}` : short.trimStart().slice(0, max);
}

export class Progress {
  private bar: cliProgressType.SingleBar | null = null;
  private readonly createdMs = Date.now();
  private phaseStartMs = Date.now();
  private value = 0;
  private detail: string | undefined;
  private readonly enabled: boolean;
  private readonly unit: string;
  private counter: boolean;
  private readonly showAfterMs: number;

  constructor(
    private readonly io: CliIo,
    private label: string,
    private total: number,
    opts: ProgressOptions = {},
  ) {
    this.enabled = io.stderr.isTTY === true && io.env.CI === undefined;
    this.unit = opts.unit ?? "";
    this.counter = opts.counter === true;
    const fromEnv = Number(io.env.PAGEWISE_PROGRESS_AFTER_MS ?? Number.NaN);
    this.showAfterMs =
      opts.showAfterMs ?? (Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : SHOW_AFTER_MS);
  }

  /** What the line shows now. */
  state(): ProgressState {
    return {
      label: this.label,
      value: this.value,
      total: this.counter ? null : this.total,
      unit: this.unit,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      seconds: (Date.now() - this.phaseStartMs) / 1000,
    };
  }

  /**
   * Starts a new phase of the work: a new label ("opt: replaying"), a new total (null: unknown,
   * shown as a count and a rate) and a fresh rate for the ETA. The bar stays where it is.
   */
  phase(label: string, total: number | null): void {
    this.label = label;
    this.counter = total === null;
    this.total = total ?? 0;
    this.value = 0;
    this.detail = undefined;
    this.phaseStartMs = Date.now();
    this.redraw();
    // A new phase shows at once, whatever the redraw rate.
    this.bar?.render();
  }

  /** Sets the amount done so far (same unit as `total`); `detail` replaces "value/total" in the line. */
  update(value: number, total = this.total, detail?: string): void {
    this.value = value;
    this.total = total;
    this.detail = detail;
    this.redraw();
  }

  private redraw(): void {
    if (!this.enabled) return;
    if (this.bar === null) {
      if (Date.now() - this.createdMs < this.showAfterMs) return;
      // cli-progress loads at the first bar shown (never with --json or --csv, nor off a terminal).
      const cliProgress = createRequire(import.meta.url)("cli-progress") as typeof cliProgressType;
      this.bar = new cliProgress.SingleBar({
        stream: this.io.stderr as NodeJS.WritableStream,
        format: (_options, params) => progressLine(this.state(), params.maxWidth),
        hideCursor: true,
        clearOnComplete: true,
        fps: 10,
      });
      // cli-progress's own value and total only pace its redraws: the line is progressLine's.
      this.bar.start(1, 0);
      return;
    }
    this.bar.update(this.counter ? 0 : Math.min(1, this.value / Math.max(1, this.total)));
  }

  /** Removes the bar, if one was drawn (a known total is shown complete first). */
  stop(): void {
    if (this.bar !== null) {
      if (!this.counter) this.value = this.total;
      this.bar.update(1);
      this.bar.stop();
      this.bar = null;
    }
  }
}

/** A phase's label: "opt: replaying (pass 2/2)", or "lru: replaying" for a single pass. */
export function passLabel(what: string, doing: string, pass: number, passes: number): string {
  return passes > 1 ? `${what}: ${doing} (pass ${pass}/${passes})` : `${what}: ${doing}`;
}

/**
 * A bar for a streamed replay (src/sim/run.ts simulate/simulateMany), in references: one pass, or
 * two when a policy reads the future (the first annotates next uses, the second replays). Each
 * pass is a phase with its own label and rate. `total` is null when the trace's length is not
 * known in advance (a text trace): the bar is then a count and a rate. Pass `onPhase` and
 * `onProgress` to the simulation (only for human output), and `stop()` the bar at the end.
 */
export function replayProgress(
  io: CliIo,
  what: string,
  total: number | null,
  readsFuture: boolean,
): { bar: Progress; onPhase: (phase: "annotate" | "replay") => void; onProgress: (done: number) => void } {
  const passes = readsFuture ? 2 : 1;
  const bar = new Progress(
    io,
    passLabel(what, readsFuture ? "annotating next uses" : "replaying", 1, passes),
    total ?? 0,
    {
      unit: "references",
      counter: total === null,
    },
  );
  return {
    bar,
    onPhase: (phase) =>
      bar.phase(
        phase === "annotate"
          ? passLabel(what, "annotating next uses", 1, passes)
          : passLabel(what, "replaying", passes, passes),
        total,
      ),
    onProgress: (done) => bar.update(done),
  };
}

/** Yields to the event loop so timers (the bar's redraw) can run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
