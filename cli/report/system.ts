// The report's "whole system" figures: the thrashing curve (`pagewise thrash`) and the kswapd
// timeline (`pagewise kswapd`), from short real runs of bundled workloads, as the same chart specs
// their own pages draw. They are independent of the report's own trace: these experiments need a
// workload of their kind (a loop that fits in memory alone; a program that fills memory), and a
// long user trace in full mode would make the report slow. Each figure says the command that
// reproduces it at full length.

import { bundledTracePath } from "../../node/bundled-traces.js";
import {
  kswapdCharts,
  type ReportFigure,
  runKswapdTimeline,
  type ThrashPoint,
  type ThrashReportData,
  thrashCharts,
  thrashCurve,
} from "../../src/index.js";
import { DEFAULT_THRASH_GEN, processWorkloads } from "../commands/thrash.js";
import type { CliIo } from "../io.js";
import { Progress } from "../progress.js";
import { loadWorkload } from "../workload.js";

/** The trace and frame count of the kswapd figure (as README's `pagewise kswapd` example). */
const KSWAPD_TRACE = "sort500";
const KSWAPD_FRAMES = 160;

/** The thrashing curve and the kswapd timeline for the report; `quick` runs them smaller (tests). */
export async function systemFigures(io: CliIo, quick: boolean): Promise<ReportFigure[]> {
  const max = quick ? 7 : 8;
  const warm = quick ? 200 : 500;
  const measure = quick ? 100 : 250;
  // As `pagewise thrash --compare --prepage` labels them.
  const variants = [
    { label: "no load control", loadControl: false, prepage: false },
    { label: "load control", loadControl: true, prepage: false },
    { label: "LC + prepaging", loadControl: true, prepage: true },
  ];
  const bar = new Progress(io, "system figures", variants.length * max + 1, { unit: "points" });
  let done = 0;
  const loop = processWorkloads(await loadWorkload({ gen: DEFAULT_THRASH_GEN }, io));
  const degrees = Array.from({ length: max }, (_, i) => i + 1);
  const results: { label: string; points: ThrashPoint[] }[] = [];
  for (const v of variants) {
    const points = thrashCurve({
      workloads: loop,
      frames: 128,
      policy: "lru",
      scope: "local",
      system: {
        allocation: "equal",
        io: { everyRefs: 20_000, ns: 8e6 },
        loadControl: v.loadControl,
        prepage: v.prepage,
      },
      degrees,
      warmupNs: warm * 1e6,
      measureNs: measure * 1e6,
      onPoint: () => bar.update(++done),
    });
    results.push({ label: v.label, points });
  }
  const thrashCommand = `pagewise thrash --max ${max} --compare --prepage --warmup ${warm}ms --measure ${measure}ms`;
  const thrash: ThrashReportData = {
    title: "Thrashing: CPU utilization against the degree of multiprogramming",
    generatedAt: "",
    generator: "",
    command: thrashCommand,
    settings: [],
    variants: results,
  };
  const figures: ReportFigure[] = [
    {
      id: "thrashing",
      title: "Thrashing and load control",
      help:
        "Copies of a program that loops over 20 pages and does 8 ms of I/O every 20,000 references, " +
        "in 128 frames with equal local allocation, LRU and a paging disk of 8 ms. Utilization rises " +
        "while another process can run during one's I/O, then collapses once the working sets no " +
        "longer fit: the processes wait on the paging disk. Load control suspends a process (swapped " +
        "out whole) until the others' working sets fit, and prepaging brings its working set back in " +
        "one request when it resumes.",
      command: thrashCommand,
      charts: thrashCharts(thrash, "thrash-"),
    },
  ];
  const trace = bundledTracePath(KSWAPD_TRACE);
  if (trace !== undefined) {
    const w = await loadWorkload({ trace, ...(quick ? { limit: 200_000 } : {}) }, io);
    const t = runKswapdTimeline(w, { frames: KSWAPD_FRAMES, policy: "clock", kswapd: "doc", samples: 200 });
    const command = `pagewise kswapd --trace test/fixtures/traces/${KSWAPD_TRACE}.pwt --frames ${KSWAPD_FRAMES}${quick ? " --limit 200000" : ""}`;
    figures.push({
      id: "kswapd",
      title: "kswapd: free frames and the watermarks",
      help:
        `The bundled ${KSWAPD_TRACE} trace in full mode with ${KSWAPD_FRAMES} frames, clock, and kswapd with the ` +
        `documents' watermarks (min/low/high = ${t.marks.min}/${t.marks.low}/${t.marks.high} frames). ` +
        "Free frames fall as memory fills, kswapd wakes below low and reclaims (and cleans dirty pages) " +
        "up to high, and a fault reclaims directly only below min. With kswapd, " +
        `${t.withKswapd.faultEvictions.dirty} evictions waited for a write, against ` +
        `${t.withoutKswapd.faultEvictions.dirty} without it.`,
      command,
      charts: kswapdCharts(t, "kswapd-"),
    });
  }
  bar.update(++done);
  bar.stop();
  return figures;
}
