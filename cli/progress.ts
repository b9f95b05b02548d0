// A progress bar for work longer than a second: drawn on stderr with cli-progress, and only when
// stderr is a TTY (never in pipes, CI logs or tests). It appears after the first second, so quick
// commands print nothing extra. Callers report progress between units of work and `await tick()`
// now and then so the bar can redraw while the simulation runs synchronously.
//
// It says only what it knows: the amount done with its unit ("1,250,000/4,000,000 references"), and
// an ETA from the average rate so far ("…" until there is one). Work of unknown size (a program
// being traced) is shown as a count and a rate, with no percentage and no ETA.

import { createRequire } from "node:module";
import type cliProgressType from "cli-progress";
import type { CliIo } from "./io.js";
import { fmtInt } from "./output.js";

const SHOW_AFTER_MS = 1000;

export interface ProgressOptions {
  /** What is counted ("references", "runs"); shown after the numbers. */
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

/** A rate per second, short: "850", "12.5k", "3.2M". */
function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return "…";
  if (perSecond >= 1e6) return `${Number((perSecond / 1e6).toPrecision(3))}M`;
  if (perSecond >= 1e4) return `${Number((perSecond / 1e3).toPrecision(3))}k`;
  return fmtInt(perSecond);
}

export class Progress {
  private bar: cliProgressType.SingleBar | null = null;
  private readonly startMs = Date.now();
  private value = 0;
  private readonly enabled: boolean;
  private readonly unit: string;
  private readonly counter: boolean;
  private readonly showAfterMs: number;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private total: number,
    opts: ProgressOptions = {},
  ) {
    this.enabled = io.stderr.isTTY === true && io.env.CI === undefined;
    this.unit = opts.unit ? ` ${opts.unit}` : "";
    this.counter = opts.counter === true;
    this.showAfterMs = opts.showAfterMs ?? SHOW_AFTER_MS;
  }

  /** The tokens drawn: the amount done with its unit, the rate and an ETA from the average rate. */
  // Token names of our own: cli-progress fills {eta}, {value}, {duration} itself.
  private payload(): { done: string; rate: string; left: string; elapsed: string } {
    const secs = (Date.now() - this.startMs) / 1000;
    const rate = secs > 0 ? this.value / secs : 0;
    const left = this.total - this.value;
    return {
      done: this.counter
        ? `${fmtInt(this.value)}${this.unit}`
        : `${fmtInt(this.value)}/${fmtInt(this.total)}${this.unit}`,
      rate: `${fmtRate(rate)}${this.unit ? `${this.unit}/s` : "/s"}`,
      left: this.value > 0 && rate > 0 ? fmtDuration(left / rate) : "…",
      elapsed: fmtDuration(secs),
    };
  }

  /** Sets the amount done so far (same unit as `total`). */
  update(value: number, total = this.total): void {
    this.value = value;
    this.total = total;
    if (!this.enabled) return;
    if (this.bar === null) {
      if (Date.now() - this.startMs < this.showAfterMs) return;
      const format = this.counter
        ? `${this.label} {done} | {rate} | {elapsed}`
        : `${this.label} [{bar}] {percentage}% | {done} | eta {left}`;
      // cli-progress loads at the first bar shown (never with --json or --csv, nor off a terminal).
      const cliProgress = createRequire(import.meta.url)("cli-progress") as typeof cliProgressType;
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.io.stderr as NodeJS.WritableStream,
          format,
          hideCursor: true,
          clearOnComplete: true,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.counter ? 0 : this.total, this.counter ? 0 : this.value, this.payload());
      return;
    }
    if (!this.counter) this.bar.setTotal(this.total);
    this.bar.update(this.counter ? 0 : this.value, this.payload());
  }

  /** Removes the bar, if one was drawn. */
  stop(): void {
    if (this.bar !== null) {
      if (!this.counter) {
        this.value = this.total;
        this.bar.update(this.total, this.payload());
      }
      this.bar.stop();
      this.bar = null;
    }
  }
}

/** Yields to the event loop so timers (the bar's redraw) can run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
