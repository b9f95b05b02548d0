// The data a report shows, as plain JSON-safe records: what one run or one sweep measured. The CLI
// fills it from the engine's results; html.ts and svg.ts only draw it. Keeping the model separate
// lets the same numbers feed the HTML report, the README figures and tests.

import type { ChartSpec } from "./chart.js";

/** One policy's miss-ratio curve: y values aligned with ReportData.mrc.frames. */
export interface PolicyCurve {
  readonly policy: string;
  readonly faults: readonly number[];
  readonly missRatio: readonly number[];
}

/** Cumulative faults sampled along the trace for one policy at one frame count. */
export interface FaultsSeries {
  readonly policy: string;
  readonly frames: number;
  /** Cumulative faults at each of ReportData.faultsOverTime.at. */
  readonly cumulative: readonly number[];
}

/** Frames held by each process, sampled along the trace (global replacement, one policy). */
export interface ResidentSeries {
  readonly pid: number;
  readonly frames: readonly number[];
}

/** Every counter of one run: a row of the counters table. */
export interface RunRow {
  readonly policy: string;
  readonly frames: number;
  readonly references: number;
  readonly faults: number;
  readonly hits: number;
  readonly missRatio: number;
  readonly evictionsClean: number;
  readonly evictionsDirty: number;
  readonly writebacks: number;
  readonly tlbHits: number;
  readonly tlbMisses: number;
  /** Simulated effective access time measured from the run's counted events, ns. */
  readonly measuredEatNs: number;
  /** EAT = (1 − p) × memory + p × fault, ns, with p = missRatio. */
  readonly formulaEatNs: number;
  /** True for a policy that reads the future (OPT): a bound, never marked the best. */
  readonly oracle?: boolean;
}

/** A figure of the whole system (thrashing, kswapd) with its own charts, shown with its command. */
export interface ReportFigure {
  readonly id: string;
  readonly title: string;
  /** What the figure shows, one paragraph of plain text. */
  readonly help: string;
  /** The command that reproduces it. */
  readonly command: string;
  /** Its charts, drawn like the report's own. */
  readonly charts: readonly ChartSpec[];
}

export interface ReportData {
  readonly title: string;
  /** ISO time the report was made (the only wall-clock value in it). */
  readonly generatedAt: string;
  readonly generator: string;
  readonly workload: {
    readonly name: string;
    readonly source: string;
    readonly references: number;
    readonly distinctPages: number;
    readonly reads: number;
    readonly writes: number;
    readonly instructions: number;
    readonly processes: number;
    readonly pageSize: number;
  };
  readonly mrc: { readonly frames: readonly number[]; readonly curves: readonly PolicyCurve[] };
  readonly faultsOverTime: { readonly at: readonly number[]; readonly series: readonly FaultsSeries[] };
  readonly workingSet: {
    readonly tau: number;
    readonly at: readonly number[];
    readonly size: readonly number[];
  };
  readonly residentSet: {
    readonly policy: string;
    readonly frames: number;
    readonly at: readonly number[];
    readonly series: readonly ResidentSeries[];
  };
  /**
   * Accesses per (time bin, page bin), row-major by time: counts[t * pageBins + p]. Page bins cover
   * dense page ids [0, distinctPages) in first-touch order, so nearby ids were first used together.
   */
  readonly heatmap: {
    readonly timeBins: number;
    readonly pageBins: number;
    readonly pagesPerBin: number;
    readonly refsPerBin: number;
    readonly counts: readonly number[];
  };
  readonly runs: readonly RunRow[];
  readonly costs: { readonly memoryNs: number; readonly faultNs: number };
  /** Free-form notes shown under the title (mode, caveats). */
  readonly notes: readonly string[];
  /** Figures of the whole system (thrashing, kswapd), from runs of their own; drawn after EAT. */
  readonly figures?: readonly ReportFigure[];
}
