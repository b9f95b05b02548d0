// Tests of the multiprogramming layer: an exact two-process schedule, retries after a stolen page,
// ordinary I/O, frame allocation, WS(t, τ) against a naive computation, PFF, load control with and
// without prepaging, and bytes that survive a suspension.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { allocateFrames } from "../sim/allocation.js";
import { Machine } from "../sim/machine.js";
import { REF_INSTR, REF_LOAD, REF_STORE } from "../workloads/refs.js";
import { Disk, diskConfig } from "./disk.js";
import type { SystemEvent } from "./events.js";
import { prepareWorkload } from "./process.js";
import { System } from "./system.js";
import { thrashPoint } from "./thrash.js";
import { naiveWorkingSet, WorkingSet } from "./working-set.js";

const L = 1_000_000; // disk latency in the hand-made schedules, ns

function code(name: string, pages: number[]) {
  return prepareWorkload(
    name,
    pages,
    pages.map(() => REF_INSTR),
  );
}

function loopWorkload(pages: number, n: number, kind = REF_INSTR) {
  const p = Array.from({ length: n }, (_, i) => i % pages);
  return prepareWorkload(
    `loop${pages}`,
    p,
    p.map(() => kind),
  );
}

function record(sys: System): string[] {
  const log: string[] = [];
  const fmt = (e: SystemEvent) => {
    if (e.type === "block") return `${e.timeNs} block ${e.pid} ${e.kind} until ${e.untilNs}`;
    if ("pid" in e) return `${e.timeNs} ${e.type} ${e.pid}`;
    return `${e.timeNs} ${e.type}`;
  };
  for (const t of ["dispatch", "block", "wake", "exit", "suspend", "resume"] as const)
    sys.events.on(t, (e) => log.push(fmt(e)));
  return log;
}

describe("the scheduler in simulated time", () => {
  it("runs a known two-process schedule: faults, disk queue, quantum, idle time", () => {
    // Quantum 1000 ns = 5 references at 200 ns. A fetches page 0 eight times, B three times; each
    // first fetch reads the page from the program image: one disk read of latency L, no transfer.
    const m = new Machine({ frames: 16, policy: "fifo" });
    const sys = new System(m, { quantumNs: 1000, disk: { latencyNs: L, transferNs: 0 } });
    const log = record(sys);
    const a = sys.spawn({ workload: code("A", [0, 0, 0, 0, 0, 0, 0, 0]) });
    const b = sys.spawn({ workload: code("B", [0, 0, 0]) });
    sys.run(10 * L);
    expect(log).toEqual([
      `0 dispatch ${a}`,
      `200 block ${a} page until ${L + 200}`, // A's fetch faults at 0..200; the disk is free
      `200 dispatch ${b}`,
      `400 block ${b} page until ${2 * L + 200}`, // B queues behind A's read
      `${L + 200} wake ${a}`,
      `${L + 200} dispatch ${a}`, // retry hits, then 4 more: the quantum ends at L+1200
      `${L + 1200} dispatch ${a}`, // alone, A runs its last 3 references
      `${L + 1800} exit ${a}`,
      `${2 * L + 200} wake ${b}`,
      `${2 * L + 200} dispatch ${b}`,
      `${2 * L + 800} exit ${b}`,
    ]);
    const r = sys.report();
    expect(r.timeNs).toBe(2 * L + 800);
    expect(r.busyNs).toBe((9 + 4) * 200); // 11 references + 2 retries
    expect(r.idleNs).toBe(r.timeNs - r.busyNs);
    expect(r.cpuUtilization).toBeCloseTo(2600 / (2 * L + 800), 12);
    expect(r.completed).toBe(11);
    expect(r.majorFaults).toBe(2);
    const [pa, pb] = r.processes;
    expect(pa!.blockedPagingNs).toBe(L);
    expect(pb!.blockedPagingNs).toBe(2 * L - 200);
    expect(r.blockedPagingNs).toBe(3 * L - 200);
    // Queue: 1 request over [200, 400), 2 over [400, L+200), 1 over [L+200, 2L+200).
    expect(r.disk.maxQueue).toBe(2);
    expect(r.disk.meanQueue).toBeCloseTo((200 + 2 * (L - 200) + L) / (2 * L + 800), 12);
    expect(r.disk.busyNs).toBe(2 * L);
  });

  it("retries a reference whose page was stolen while it slept: one frame for two processes livelocks", () => {
    // 5 frames: each process has a root and a leaf table (4 frames), leaving one frame for pages.
    const run = (frames: number) => {
      const m = new Machine({ frames, policy: "fifo" });
      const sys = new System(m, { disk: { latencyNs: L, transferNs: 0 } });
      sys.spawn({ workload: code("A", [0, 0]) });
      sys.spawn({ workload: code("B", [0, 0]) });
      sys.run(20 * L);
      return sys.report();
    };
    const starved = run(5);
    expect(starved.completed).toBe(0);
    expect(starved.majorFaults).toBeGreaterThanOrEqual(19); // the disk never idles: one read per L
    expect(starved.disk.busyNs).toBeGreaterThanOrEqual(19 * L);
    const fine = run(6);
    expect(fine.completed).toBe(4);
    expect(fine.majorFaults).toBe(2);
  });

  it("overlaps ordinary I/O with computing: utilization 1/5 with one process, 2/5 with two", () => {
    // Loads of never-written pages are zero-fill faults: no disk. Every 100 references (20 µs) the
    // process does 80 µs of I/O.
    const w = prepareWorkload(
      "r",
      Array.from({ length: 1000 }, (_, i) => i % 4),
      new Array(1000).fill(REF_LOAD),
    );
    for (const n of [1, 2]) {
      const sys = new System(new Machine({ frames: 32 }), { io: { everyRefs: 100, ns: 80_000 } });
      for (let i = 0; i < n; i++) sys.spawn({ workload: w, loop: true });
      sys.run(10_000_000);
      const r = sys.report();
      expect(r.majorFaults).toBe(0);
      expect(r.cpuUtilization).toBeCloseTo(n / 5, 3);
      expect(r.processes[0]!.blockedIoNs).toBeGreaterThan(0);
    }
  });
});

describe("a process that cannot get a frame", () => {
  it("is killed with the reason and the others go on", () => {
    // 4 frames; each process's page tables take 2 of them, so the second process's first fault
    // finds every frame holding a page table: it is killed, its tables freed, the first goes on.
    const m = new Machine({ frames: 4, policy: "lru" });
    const sys = new System(m, { quantumNs: 1000, disk: { latencyNs: L, transferNs: 0 } });
    const kills: string[] = [];
    m.events.on("kill", (e) => kills.push(`${e.pid}: ${e.reason}`));
    const a = sys.spawn({ workload: loopWorkload(3, 400) });
    const b = sys.spawn({ workload: loopWorkload(3, 400) });
    sys.run(1e12);
    const rep = sys.report();
    const pa = rep.processes.find((p) => p.pid === a)!;
    const pb = rep.processes.find((p) => p.pid === b)!;
    expect([pa.state, pa.exitReason, pa.completed]).toEqual(["done", "exit", 400]);
    expect(pb.state).toBe("done");
    expect(pb.exitReason).toMatch(/^out of memory: no frame can be freed for page of process \d+: 4 frames/);
    expect(pb.completed).toBe(0);
    expect(kills).toEqual([`${b}: ${pb.exitReason}`]);
    expect(m.isAlive(b)).toBe(false);
    // The thrashing curve counts the kill at that degree.
    const pt = thrashPoint(
      { workloads: [loopWorkload(3, 400)], frames: 4, warmupNs: 1e6, measureNs: 1e8 },
      2,
    );
    expect(pt.killed).toBe(1);
    expect(pt.killReason).toMatch(/^out of memory/);
    expect(
      thrashPoint({ workloads: [loopWorkload(3, 400)], frames: 8, warmupNs: 1e6, measureNs: 1e8 }, 2).killed,
    ).toBe(0);
  });
});

describe("kswapd in the scheduler's time", () => {
  it("runs on the system's clock and its write-backs go to the disk without blocking a process", () => {
    // Two processes store to 60 pages each in turn; 100 frames: memory fills and stays full.
    const pages = Array.from({ length: 60_000 }, (_, i) => i % 60);
    const w = prepareWorkload(
      "st",
      pages,
      pages.map(() => REF_STORE),
    );
    const run = (kswapd: string | undefined) => {
      const m = new Machine({ frames: 100, policy: "lru", ...(kswapd ? { kswapd } : {}) });
      const s = new System(m, { disk: "ssd" });
      s.spawn({ workload: w, loop: true });
      s.spawn({ workload: w, loop: true });
      s.run(2e9);
      return { r: s.report(), st: m.stats() };
    };
    const off = run(undefined);
    const on = run("doc");
    const ks = on.st.reclaim.kswapd!;
    expect(ks.wakeups).toBeGreaterThan(0);
    expect(ks.reclaimed + ks.cleaned).toBeGreaterThan(0);
    expect(on.r.disk.pagesWritten).toBeGreaterThan(0);
    // Faults wait for fewer dirty evictions with kswapd cleaning ahead.
    expect(on.st.reclaim.faultEvictions.dirty).toBeLessThan(off.st.reclaim.faultEvictions.dirty);
    expect(on.r.blockedPagingNs / on.r.majorFaults).toBeLessThan(off.r.blockedPagingNs / off.r.majorFaults);
  });
});

describe("the disk", () => {
  it("serves FIFO: one latency per request plus a transfer per page; presets and bad configs", () => {
    const d = new Disk({ latencyNs: 100, transferNs: 10 });
    expect(d.submit(0, 1, "read")).toBe(110);
    expect(d.submit(50, 4, "write")).toBe(250); // waits for the first
    expect(d.submit(1000, 2, "read")).toBe(1120); // idle disk
    const s = d.stats(2000);
    expect([s.requests, s.pagesRead, s.pagesWritten, s.busyNs, s.maxQueue]).toEqual([3, 3, 4, 370, 2]);
    // 1 request queued on [0, 50), 2 on [50, 110), 1 on [110, 250) and on [1000, 1120).
    expect(s.meanQueue).toBeCloseTo((50 + 2 * 60 + 140 + 120) / 2000, 12);
    expect(diskConfig("hdd").latencyNs + diskConfig("hdd").transferNs).toBe(8_000_000);
    expect(() => diskConfig("floppy")).toThrow(ConfigError);
    expect(() => new Disk({ latencyNs: -1 })).toThrow(/disk.latencyNs/);
  });
});

describe("frame allocation", () => {
  it("equal, proportional (the textbook's 62 frames for sizes 10 and 127) and priority, with minimums", () => {
    expect(allocateFrames(62, [{ size: 10 }, { size: 127 }], "equal", 0)).toEqual([31, 31]);
    // 62 × 10/137 = 4.53 and 62 × 127/137 = 57.47: floors 4 and 57, the spare frame to the larger fraction.
    expect(allocateFrames(62, [{ size: 10 }, { size: 127 }], "proportional", 0)).toEqual([5, 57]);
    // Minimum 2 first, then 58 split: 4.23 and 53.77 → 2+4 and 2+53, the spare to the second.
    expect(allocateFrames(62, [{ size: 10 }, { size: 127 }], "proportional", 2)).toEqual([6, 56]);
    // Priorities 1 and 3, minimum 1: 38 split 9.5 / 28.5; the tie goes to the lower index.
    expect(
      allocateFrames(
        40,
        [
          { size: 5, priority: 1 },
          { size: 5, priority: 3 },
        ],
        "priority",
        1,
      ),
    ).toEqual([11, 29]);
    expect(() => allocateFrames(5, [{ size: 1 }, { size: 1 }, { size: 1 }], "equal", 2)).toThrow(
      /at least 6/,
    );
    expect(() => allocateFrames(5, [{ size: 0 }], "proportional")).toThrow(ConfigError);
  });

  it("always hands out exactly the frames, each at least the minimum", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ size: fc.integer({ min: 1, max: 1000 }), priority: fc.integer({ min: 1, max: 9 }) }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 500 }),
        fc.constantFrom("equal", "proportional", "priority" as const),
        (procs, min, extra, mode) => {
          const frames = procs.length * min + extra;
          const q = allocateFrames(frames, procs, mode, min);
          expect(q.reduce((a, b) => a + b, 0)).toBe(frames);
          for (const x of q) expect(x).toBeGreaterThanOrEqual(min);
        },
      ),
    );
  });

  it("sets quotas under local replacement and refuses them under global", () => {
    const m = new Machine({ frames: 64, scope: "local" });
    const sys = new System(m, { allocation: "proportional" });
    sys.spawn({ workload: loopWorkload(10, 100) });
    sys.spawn({ workload: loopWorkload(30, 100) });
    const avail = sys.availableFrames(); // 64 - 2 × 2 tables
    expect(avail).toBe(60);
    expect(sys.report().processes.map((p) => p.quota)).toEqual(
      allocateFrames(60, [{ size: 10 }, { size: 30 }], "proportional"),
    );
    expect(() => new System(new Machine({ frames: 64 }), { allocation: "equal" })).toThrow(/local/);
  });
});

describe("the working set WS(t, τ)", () => {
  it("equals the naive set of the last τ references at every t", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (refs, tau) => {
          const ws = new WorkingSet(tau, 16);
          refs.forEach((pg, i) => {
            ws.ref(pg);
            const naive = naiveWorkingSet(refs, i + 1, tau);
            expect(ws.size).toBe(naive.size);
            for (let q = 0; q < 16; q++) expect(ws.has(q)).toBe(naive.has(q));
          });
          expect(new Set(ws.members())).toEqual(naiveWorkingSet(refs, refs.length, tau));
        },
      ),
    );
  });
});

describe("page-fault-frequency control", () => {
  it("grows a quota above the upper threshold and shrinks it below the lower", () => {
    // Phase 1 loops over 12 pages (faults while the quota is below 12), phase 2 stays on page 0.
    const pages = [...Array.from({ length: 1200 }, (_, i) => i % 12), ...new Array(3000).fill(0)];
    const w = prepareWorkload("pff", pages, new Array(pages.length).fill(REF_LOAD));
    const m = new Machine({ frames: 40, scope: "local", policy: "lru" });
    const sys = new System(m, {
      allocation: "equal",
      pff: { lower: 0.01, upper: 0.1, windowRefs: 100, step: 2 },
      minFrames: 2,
    });
    const quotas: string[] = [];
    sys.events.on("quota", (e) => quotas.push(`${e.reason}:${e.to}`));
    const pid = sys.spawn({ workload: w });
    m.setQuota(pid, 4);
    sys.process(pid)!.quota = 4;
    sys.run(1e9);
    const grows = quotas.filter((q) => q.startsWith("pff-grow")).map((q) => Number(q.split(":")[1]));
    const shrinks = quotas.filter((q) => q.startsWith("pff-shrink")).map((q) => Number(q.split(":")[1]));
    expect(grows.slice(0, 4)).toEqual([6, 8, 10, 12]); // +2 per window while it faults
    expect(Math.max(...grows)).toBeLessThanOrEqual(14);
    expect(shrinks.length).toBeGreaterThan(0);
    expect(sys.report().processes[0]!.quota).toBe(2); // back to the minimum on one page
  });
});

describe("thrashing detection", () => {
  // One process with a 20-page working set that moves on: phase k loops over pages 20k … 20k+19
  // for 1,000 references (code: each new page is read from the program's image). Alone in 128 frames it soon holds every frame (old phases' pages) and
  // faults at each phase change, with the CPU mostly idle: busy paging, but not thrashing, since
  // its working set fits many times over (issue 17 item 18).
  const phases = 300;
  const pages = Array.from({ length: phases * 1000 }, (_, i) => 20 * Math.floor(i / 1000) + (i % 20));
  const moving = prepareWorkload(
    "moving20",
    pages,
    pages.map(() => REF_INSTR),
  );

  it("does not call one process whose working set fits thrashing, though it holds every frame", () => {
    const m = new Machine({ frames: 128, policy: "lru", scope: "global" });
    const s = new System(m, { tau: 500 });
    const seen: SystemEvent[] = [];
    s.events.on("thrashing", (e) => seen.push(e));
    s.spawn({ workload: moving });
    s.run(3e9);
    const r = s.report();
    // The signals that did fire: memory full, a low CPU and a high paging rate.
    expect(m.frames.freeCount).toBe(0);
    const late = r.samples.filter((x) => x.timeNs > 2e9);
    expect(late.length).toBeGreaterThan(0);
    for (const x of late) {
      expect(x.cpuUtilization).toBeLessThan(0.5);
      expect(x.faultsPerSecond).toBeGreaterThan(50);
      // Its need: at most two phases' pages (a window across a phase change) and the awaited one.
      expect(x.demandFrames).toBeLessThanOrEqual(41);
      expect(x.thrashing).toBe(false);
    }
    expect(seen).toEqual([]);
    expect(r.thrashingNs).toBe(0);
  });

  it("still sees two processes thrash when a short τ makes their working sets look small", () => {
    // Each loops over 100 code pages in about 60 frames (local, equal): LRU faults on every
    // reference. τ = 50 puts Σ|WS| at 100, under the frames; the frames they hold and wait for do not fit.
    const m = new Machine({ frames: 128, policy: "lru", scope: "local" });
    const s = new System(m, { tau: 50, allocation: "equal" });
    const seen: SystemEvent[] = [];
    s.events.on("thrashing", (e) => seen.push(e));
    for (let i = 0; i < 2; i++) s.spawn({ workload: loopWorkload(100, 20_000), loop: true });
    s.run(2e9);
    expect(seen.length).toBeGreaterThan(0);
    const late = s.report().samples.filter((x) => x.timeNs > 1e9);
    expect(late.every((x) => x.thrashing)).toBe(true);
  });
});

describe("load control", () => {
  // Each process loops over 20 code pages; 8 of them need 160 frames, 128 frames hold 5.8.
  const w = loopWorkload(20, 20_000);
  const base = {
    workloads: [w],
    frames: 128,
    policy: "lru",
    scope: "local" as const,
    // Filling 112 frames one 8 ms read at a time takes about 0.9 s: measure after that.
    warmupNs: 1.5e9,
    measureNs: 5e8,
  };
  const sys = (loadControl: boolean) => ({
    allocation: "equal" as const,
    io: { everyRefs: 20_000, ns: 8_000_000 },
    loadControl,
  });

  it("keeps the CPU busy at a degree where the working sets do not fit (the curve does not collapse)", () => {
    const without = thrashPoint({ ...base, system: sys(false) }, 8);
    const withLc = thrashPoint({ ...base, system: sys(true) }, 8);
    expect(without.cpuUtilization).toBeLessThan(0.05);
    expect(without.thrashing).toBe(true);
    expect(withLc.cpuUtilization).toBeGreaterThan(0.95);
    expect(withLc.suspended).toBe(3); // 5 × 20 pages fit in 112 frames, 6 do not
    expect(withLc.thrashing).toBe(false);
    // Below the knee both are the same run.
    const a = thrashPoint({ ...base, system: sys(false) }, 3);
    const b = thrashPoint({ ...base, system: sys(true) }, 3);
    expect(a).toEqual(b);
  });

  it("reports thrashing as an event with its signals once memory is full; none under load control", () => {
    const run = (loadControl: boolean) => {
      const m = new Machine({ frames: 128, policy: "lru", scope: "local" });
      const s = new System(m, sys(loadControl));
      const seen: SystemEvent[] = [];
      s.events.on("thrashing", (e) => seen.push(e));
      s.events.on("thrashing-end", (e) => seen.push(e));
      for (let i = 0; i < 8; i++) s.spawn({ workload: w, loop: true });
      s.run(2e9);
      return seen;
    };
    const off = run(false);
    expect(off).toHaveLength(1); // it starts and never ends
    const e = off[0]!;
    if (e.type !== "thrashing") throw new Error("expected a thrashing event");
    expect(e.cpuUtilization).toBeLessThan(0.5);
    expect(e.faultsPerSecond).toBeGreaterThan(50);
    expect(e.demandFrames).toBeGreaterThan(e.availableFrames);
    expect(e.availableFrames).toBe(112);
    // With load control the working sets (all pages, before τ references) never over-commit memory.
    expect(run(true)).toEqual([]);
  });

  it("rotates suspended processes so that none starves, and prepaging makes the swaps cheaper", () => {
    const run = (prepage: boolean) => {
      const m = new Machine({ frames: 128, policy: "lru", scope: "local" });
      const s = new System(m, { ...sys(true), prepage, rotateNs: 3e8 });
      for (let i = 0; i < 8; i++) s.spawn({ workload: w, loop: true });
      s.run(3e9);
      return s.report();
    };
    const demand = run(false);
    const pre = run(true);
    for (const r of [demand, pre]) {
      for (const p of r.processes) expect(p.completed).toBeGreaterThan(0);
      expect(r.resumes).toBeGreaterThan(5);
    }
    // Demand paging after a swap-in costs 20 faults queued behind the other swapped-in processes';
    // prepaging reads the 20 pages in one request, so every process gets far more done.
    for (const p of pre.processes) expect(p.completed).toBeGreaterThan(200_000);
    expect(pre.faultsAfterResume / pre.resumes).toBeLessThan(demand.faultsAfterResume / demand.resumes / 2);
    expect(pre.completed).toBeGreaterThan(1.5 * demand.completed);
  });

  it("prepaging on resume reads the last working set in one request: fewer faults, sooner going", () => {
    // Two processes loop over 20 pages; 40 frames leave 36 for pages (4 page tables), so one working
    // set fits and two do not: load control suspends one, which resumes when the other exits.
    const run = (prepage: boolean) => {
      const m = new Machine({ frames: 40, policy: "lru" });
      // Judged by |WS| from the start, both are admitted and one is suspended once they have run.
      const s = new System(m, { loadControl: true, prepage, tau: 2000, unknownNeed: "working-set" });
      s.spawn({ workload: loopWorkload(20, 200_000) });
      s.spawn({ workload: loopWorkload(20, 200_000) });
      s.run(10e9);
      return s.report();
    };
    const demand = run(false);
    const pre = run(true);
    for (const r of [demand, pre]) {
      expect(r.suspensions).toBe(1);
      expect(r.resumes).toBe(1);
      expect(r.completed).toBe(400_000);
      expect(r.resumeWindows).toBe(1);
    }
    // Demand paging faults on every page of the loop after the resume, one 8 ms read each.
    expect(demand.prepagedPages).toBe(0);
    expect(demand.faultsAfterResume).toBe(20);
    expect(demand.resumeToGoNs).toBeGreaterThanOrEqual(20 * 8_000_000);
    // Prepaging reads its last working set (the pages it used in its last τ references before the
    // suspension) in one request; it faults only on the loop's pages outside that set.
    expect(pre.prepagedPages).toBeGreaterThan(10);
    expect(pre.faultsAfterResume).toBe(20 - pre.prepagedPages);
    const oneRequest = 7_960_000 + pre.prepagedPages * 40_000;
    expect(pre.resumeToGoNs).toBeGreaterThanOrEqual(oneRequest + pre.faultsAfterResume * 8_000_000);
    expect(pre.resumeToGoNs).toBeLessThan(demand.resumeToGoNs / 4);
  });

  it("keeps every byte a process wrote through its suspension", () => {
    const m = new Machine({ frames: 64, policy: "lru" });
    const s = new System(m, { loadControl: true, tau: 2000 });
    const w = prepareWorkload(
      "rw",
      Array.from({ length: 4000 }, (_, i) => i % 20),
      Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? REF_STORE : REF_LOAD)),
    );
    const pids = Array.from({ length: 4 }, () => s.spawn({ workload: w, loop: true }));
    for (const pid of pids)
      for (let pg = 0; pg < 20; pg++) m.writeU32(pid, pg * m.pageSize + 8, pid * 1000 + pg);
    let suspended = 0;
    s.events.on("suspend", () => suspended++);
    s.run(2e9);
    expect(suspended).toBeGreaterThan(0);
    for (const pid of pids)
      for (let pg = 0; pg < 20; pg++) expect(m.readU32(pid, pg * m.pageSize + 8)).toBe(pid * 1000 + pg);
  });
});
