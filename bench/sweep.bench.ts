// Parallel sweeps: the same sweep (every registered policy × four frame counts on a real trace
// prefix) run with 1 worker (in the main thread, as `--workers 1` does) and with 2 worker threads,
// alternately, in one process. Prints wall time, CPU time and their ratio (the parallelism the
// run actually got: near 2 when both cores were free for it), the speed-up 1 → 2 workers, and
// checks that both gave the same runs. The target is a speed-up of at least 1.7 on 2 cores; on a
// machine shared with other jobs the speed-up is bounded by the CPU the run could get.
// Trace: the bundled test/fixtures/traces/py-dict.pwt (CPython, 34 M references), first
// PW_SWEEP_REFS references (default 4,000,000).
// Run: npm run build && node dist/bench/sweep.bench.js

import os from "node:os";
import { isDeepStrictEqual } from "node:util";
import { allPolicies, prepare, type RunResult } from "../cli/engine.js";
import { bufferIo } from "../cli/io.js";
import { runTasks, scheduleOrder, type Task } from "../cli/pool.js";
import { loadWorkload } from "../cli/workload.js";
import { bundledTracePath } from "../node/bundled-traces.js";

const REFS = Number(process.env.PW_SWEEP_REFS ?? 4_000_000);
const FRAMES = [16, 64, 256, 1024];
const ROUNDS = Number(process.env.PW_SWEEP_ROUNDS ?? 3);

const file = bundledTracePath("py-dict");
if (file === undefined) throw new Error("the bundled py-dict trace was not found");
const w = await loadWorkload({ trace: file, limit: REFS }, bufferIo());
const p = prepare(w, true);
const tasks: Task[] = FRAMES.flatMap((frames) =>
  allPolicies().map((spec) => ({ kind: "run" as const, spec, frames })),
);
console.log(
  `${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString()}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
console.log(
  `sweep: py-dict, first ${w.count.toLocaleString("en")} refs (${p.pageSpace} pages), ${allPolicies().length} policies × frames ${FRAMES.join(",")} = ${tasks.length} replays; ${ROUNDS} rounds, alternating`,
);

const wall: Record<number, number[]> = { 1: [], 2: [] };
/** Each task's time in the last 1-worker run (tasks run one after another there, in schedule order). */
const taskMs = new Float64Array(tasks.length);
const order = scheduleOrder(tasks);
let reference: RunResult[] | undefined;
let same = true;
for (let round = 0; round < ROUNDS; round++) {
  for (const workers of [1, 2]) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let last = t0;
    const onDone = (done: number) => {
      const now = performance.now();
      if (workers === 1) taskMs[order[done - 1]!] = now - last;
      last = now;
    };
    const runs = (await runTasks(p, tasks, onDone, workers)) as RunResult[];
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000;
    wall[workers]!.push(ms);
    if (reference === undefined) reference = runs;
    else same &&= isDeepStrictEqual(runs, reference);
    console.log(
      `  round ${round + 1}, ${workers} worker${workers > 1 ? "s" : " "}: ${(ms / 1000).toFixed(2).padStart(6)} s wall, ${(cpu / 1000).toFixed(2).padStart(6)} s CPU, parallelism ${(cpu / ms).toFixed(2)}`,
    );
  }
}
const best = (xs: number[]) => Math.min(...xs);
const ratio = best(wall[1]!) / best(wall[2]!);
const perRound = wall[1]!.map((w1, r) => (w1 / wall[2]![r]!).toFixed(2)).join(", ");
const load = os.loadavg().map((x) => x.toFixed(1));
// Round 1 is the CLI's case: a fresh process, nothing compiled yet. Later rounds run one worker in
// a main thread that is already warm, while the 2-worker pool starts new threads every time.
console.log(
  `speed-up 1 → 2 workers: round 1 (cold, as one CLI run) ${(wall[1]![0]! / wall[2]![0]!).toFixed(2)}x; each round ${perRound}; best of ${ROUNDS} each ${ratio.toFixed(2)}x (target ≥ 1.7); load average now ${load.join(" ")}`,
);
console.log(`same runs with 1 and 2 workers: ${same ? "yes" : "NO"}`);
if (!same) process.exitCode = 1;

// Balance, independent of how much CPU the machine gave us: replay the pool's scheduling (each task
// to whichever of 2 workers frees first) with the task times measured in the 1-worker run.
const makespan = (seq: readonly number[]) => {
  const free = [0, 0];
  for (const id of seq) {
    const k = free[0]! <= free[1]! ? 0 : 1;
    free[k]! += taskMs[id]!;
  }
  return Math.max(...free);
};
const total = taskMs.reduce((a, b) => a + b, 0);
const naive = tasks.map((_, i) => i);
console.log(
  `balance on 2 workers from the measured task times (${(total / 1000).toFixed(2)} s in all, longest task ${(Math.max(...taskMs) / 1000).toFixed(2)} s): longest-first schedule finishes in ${(makespan(order) / 1000).toFixed(2)} s (bound on the speed-up ${(total / makespan(order)).toFixed(2)}x), task order would take ${(makespan(naive) / 1000).toFixed(2)} s (${(total / makespan(naive)).toFixed(2)}x)`,
);

// For comparison, what two cores give work that shares nothing here: the same single-threaded
// sweep (a quarter of the tasks, `--workers 1`) run as one process alone, then as two independent
// processes at once. When two processes that share nothing slow each other down (shared caches,
// memory bandwidth, vCPUs that are not two whole cores), a thread pool pays the same.
const { spawn } = await import("node:child_process");
const { fileURLToPath } = await import("node:url");
const main = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const cliArgs = [
  main,
  "sweep",
  "--trace",
  file,
  "--limit",
  String(REFS),
  "--policies",
  "lru,fifo,clock,arc,lirs,s3fifo",
  "--frames",
  FRAMES.join(","),
  "--workers",
  "1",
  "--json",
];
const once = () =>
  new Promise<number>((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, cliArgs, { stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? done(performance.now() - t0) : fail(new Error(`sweep child exited ${code}`)),
    );
  });
const alone: number[] = [];
const pair: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  alone.push(await once());
  const [a, b] = await Promise.all([once(), once()]);
  pair.push(Math.max(a!, b!));
}
const slowdown = best(pair) / best(alone);
console.log(
  `for comparison, two independent single-thread sweep processes (a quarter of the tasks each, trace loading included): alone ${(best(alone) / 1000).toFixed(2)} s, two at once ${(best(pair) / 1000).toFixed(2)} s (best of ${ROUNDS}): each ${slowdown.toFixed(2)}x slower when both cores are busy, a 2-core speed-up of ${(2 / slowdown).toFixed(2)}x for processes that share nothing`,
);
