// A progress bar for work longer than a second: drawn on stderr with cli-progress, and only when
// stderr is a TTY (never in pipes, CI logs or tests). It appears after the first second, so quick
// commands print nothing extra. Callers report progress between units of work and `await tick()`
// now and then so the bar can redraw while the simulation runs synchronously.

import cliProgress from "cli-progress";
import type { CliIo } from "./io.js";

const SHOW_AFTER_MS = 1000;

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly startMs = Date.now();
  private value = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private total: number,
  ) {
    this.enabled = io.stderr.isTTY === true && io.env.CI === undefined;
  }

  /** Sets the amount done so far (same unit as `total`). */
  update(value: number, total = this.total): void {
    this.value = value;
    this.total = total;
    if (!this.enabled) return;
    if (this.bar === null) {
      if (Date.now() - this.startMs < SHOW_AFTER_MS) return;
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.io.stderr as NodeJS.WritableStream,
          format: `${this.label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, this.value);
      return;
    }
    this.bar.setTotal(this.total);
    this.bar.update(this.value);
  }

  /** Removes the bar, if one was drawn. */
  stop(): void {
    if (this.bar !== null) {
      this.bar.update(this.total);
      this.bar.stop();
      this.bar = null;
    }
  }
}

/** Yields to the event loop so timers (the bar's redraw) can run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
