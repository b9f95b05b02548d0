// Many processes in simulated time: a discrete-event loop over the Machine. The pager does the
// functional work at once (bytes stay exact); this layer decides WHEN each process may go on.
//
// - The CPU runs one process at a time, round robin, for at most `quantumNs`; each reference
//   costs the machine's memoryAccessNs of CPU time (useful work).
// - A reference that faults and needed the disk (pages read in: the delta of the process's pageIns
//   counter, read-ahead included; pages written back for the victim: the delta of the write-back
//   counters) blocks the process: the write-back and then the read are queued on the paging disk
//   (src/system/disk.ts, FIFO), and the process sleeps until the read completes. Another ready
//   process runs meanwhile; with none the CPU idles. On wake-up the process RETRIES the reference:
//   if its page was stolen while it slept it faults again (how thrashing arises). A fault served
//   without I/O (a zero-fill) costs nothing more.
// - Optionally a process also does ordinary I/O (not paging): every `io.everyRefs` references it
//   blocks for `io.ns` on a device of its own. This is what makes multiprogramming pay: with one
//   process the CPU idles during its I/O; with more, another runs (Silberschatz's thrashing figure
//   assumes it).
// - Frame allocation (equal / proportional / priority with a minimum, src/sim/allocation.ts)
//   sets quotas under local replacement; page-fault-frequency control (Chu and Opderbeck, 1972)
//   grows a quota when a process's fault rate over a window exceeds `upper` and shrinks it below
//   `lower`, trimming the least recently used pages.
// - Load control (Denning's working-set principle): every control interval, if the working sets
//   WS(t, τ) of the active processes (src/system/working-set.ts; before a process has made τ
//   references, all its pages, since its working set is not known yet) do not fit in the frames, or
//   under PFF every active process wants more frames and none is free, one process is suspended:
//   swapped out whole (every resident page paged out, dirty ones written in one disk request) and
//   taken off the ready queue. The oldest suspended process resumes when its last working set fits
//   again and no thrashing was seen lately (a τ shorter than a program's reuse distances makes
//   Σ|WS| fit while the processes thrash: then the thrashing signal suspends and holds
//   resumption), or after `rotateNs` in place of the process active longest (so nobody starves),
//   optionally prepaged: its last working set read back in one disk request (one latency and k
//   transfers) before it runs, instead of demand faults one by one.
// - Thrashing detection from seed 002's signals, over each detection window: low CPU utilization,
//   a high paging rate, and "memory pressure greater than the number of available page frames"
//   (memoryPressure in demand.ts: Σ|WS| plus the pages awaited, or with several processes
//   competing the frames they hold plus the pages they await if larger; a process alone whose
//   working set fits is never thrashing, whatever it holds). Reported as events; load control
//   also suspends on it.
//
// Ties: at one instant a process preempted by its quantum is queued before processes waking then;
// processes waking at the same instant are queued by wake time, then pid.
//
// Beside this file: the settings and their checks (settings.ts), the frames processes need and the
// memory pressure (demand.ts), moving a process's pages out and in (swapping.ts). What stays here
// is one discrete-event loop whose parts (CPU slices, blocking, allocation, load control,
// detection) share the same queues, clocks and counters.

import { ConfigError, OutOfMemoryError } from "../core/errors.js";
import type { Counters } from "../core/stats.js";
import { FAULT_KILLED } from "../pager/pager.js";
import { allocateFrames } from "../sim/allocation.js";
import type { Machine } from "../sim/machine.js";
import type {
  PffConfig,
  SpawnSpec,
  SystemConfig,
  SystemReport,
  SystemSample,
  SystemTotals,
} from "./config.js";
import { memoryPressure, workingSetFrames, workingSetNeed } from "./demand.js";
import { Disk } from "./disk.js";
import { SystemEventBus } from "./events.js";
import {
  BLOCKED,
  type BlockKind,
  DONE,
  processReport,
  READY,
  RUNNING,
  SUSPENDED,
  SysProc,
} from "./process.js";
import { systemSettings } from "./settings.js";
import { prepageWorkingSet, swapOutWhole, trimToQuota } from "./swapping.js";
import { WorkingSet } from "./working-set.js";

export type {
  PffConfig,
  ProcessReport,
  SpawnSpec,
  SystemConfig,
  SystemReport,
  SystemSample,
  SystemTotals,
} from "./config.js";

export class System {
  readonly events = new SystemEventBus();
  readonly disk: Disk;
  now = 0;
  private readonly procs: SysProc[] = [];
  private readonly ready: SysProc[] = [];
  private readonly blocked: SysProc[] = [];
  private readonly suspended: SysProc[] = [];
  private readonly allCounters: Counters[] = [];
  private readonly q: number;
  private readonly switchNs: number;
  private readonly accessNs: number;
  private readonly tau: number;
  private readonly minFrames: number;
  private readonly interval: number;
  private readonly windowNs: number;
  private readonly cpuBelow: number;
  private readonly faultsAbove: number;
  private readonly reserve: number;
  private readonly resumeWindow: number;
  private readonly rotateNs: number;
  private last: SysProc | undefined;
  private wbKnown = 0;
  private nextControl = 0;
  private nextDetect = 0;
  private thrashingNow = false;
  private thrashSuspendAt = Number.NEGATIVE_INFINITY;
  private noResumeBefore = 0;
  private mark = { t: 0, busy: 0, major: 0 };
  private readonly samples: SystemSample[] = [];
  private t: {
    -readonly [K in keyof SystemTotals]: SystemTotals[K];
  } = {
    timeNs: 0,
    busyNs: 0,
    overheadNs: 0,
    idleNs: 0,
    completed: 0,
    faults: 0,
    majorFaults: 0,
    blockedPagingNs: 0,
    suspensions: 0,
    resumes: 0,
    prepagedPages: 0,
    faultsAfterResume: 0,
    resumeToGoNs: 0,
    resumeWindows: 0,
    thrashingNs: 0,
    thrashingEpisodes: 0,
    diskBusyNs: 0,
    diskPagesRead: 0,
    diskPagesWritten: 0,
  };

  constructor(
    readonly machine: Machine,
    readonly config: SystemConfig = {},
  ) {
    const c = config;
    const set = systemSettings(c, machine.scope);
    this.q = set.quantumNs;
    this.switchNs = set.contextSwitchNs;
    this.tau = set.tau;
    this.minFrames = set.minFrames;
    this.interval = set.controlIntervalNs;
    this.windowNs = set.windowNs;
    this.cpuBelow = set.cpuBelow;
    this.faultsAbove = set.faultsPerSecondAbove;
    this.reserve = set.reserveFrames;
    this.resumeWindow = set.resumeWindowRefs;
    this.rotateNs = set.rotateNs;
    this.accessNs = machine.costs.memoryAccessNs;
    this.disk = new Disk(c.disk ?? "hdd");
    // kswapd (src/pager/kswapd.ts), when the machine has one, runs on this clock: the loop advances it
    // when a batch is due, and the pages it writes back occupy the disk without blocking anybody.
    machine.kswapd?.setClock(() => this.now);
    this.nextControl = this.interval;
    this.nextDetect = this.windowNs;
  }

  /** Starts a process running `spec.workload`; returns its pid. It joins the ready queue. */
  spawn(spec: SpawnSpec): number {
    const w = spec.workload;
    if (w.distinct > this.machine.layout.vpnCount)
      throw new ConfigError("workload", w.name, `at most ${this.machine.layout.vpnCount} distinct pages`);
    const name = spec.name ?? `${w.name}#${this.procs.length + 1}`;
    const pid = this.machine.spawn({ trace: true, name });
    const counters = this.machine.pager.parts.byPid(pid)!.counters;
    const p = new SysProc(
      pid,
      name,
      w,
      spec.loop ?? false,
      spec.priority ?? 1,
      spec.size ?? w.distinct,
      counters,
      new WorkingSet(this.tau, w.distinct),
    );
    p.activatedAt = this.now;
    if (spec.start !== undefined) {
      if (!Number.isInteger(spec.start) || spec.start < 0 || spec.start >= w.count)
        throw new ConfigError("start", spec.start, `a reference index from 0 to ${w.count - 1}`);
      p.pos = spec.start;
    }
    this.procs.push(p);
    this.allCounters.push(counters);
    this.ready.push(p);
    this.reallocate(true);
    return pid;
  }

  /** Frames the working sets may use: all frames less page tables (estimated per process) and the reserve. */
  availableFrames(): number {
    return workingSetFrames(this.procs, this.machine.layout, this.machine.frameCount, this.reserve);
  }

  /** Runs until `untilNs` of simulated time or until every process is done. */
  run(untilNs: number): void {
    while (this.now < untilNs) {
      this.wakeDue();
      if (this.now >= this.nextControl) this.control();
      if (this.now >= this.nextDetect) this.detect();
      this.kswapdDue();
      const p = this.ready.shift();
      if (p === undefined) {
        if (this.blocked.length === 0 && this.suspended.length === 0) break;
        let next = Math.min(
          untilNs,
          this.nextControl,
          this.nextDetect,
          this.machine.kswapd?.nextDueNs ?? untilNs,
        );
        for (const b of this.blocked) if (b.wakeAt < next) next = b.wakeAt;
        this.t.idleNs += next - this.now;
        this.now = next;
        continue;
      }
      this.slice(p, Math.min(untilNs, this.now + this.q));
    }
    this.t.timeNs = this.now;
  }

  /** Cumulative totals now. */
  totals(): SystemTotals {
    const d = this.disk.stats(this.now);
    return {
      ...this.t,
      timeNs: this.now,
      diskBusyNs: d.busyNs,
      diskPagesRead: d.pagesRead,
      diskPagesWritten: d.pagesWritten,
    };
  }

  report(): SystemReport {
    const t = this.totals();
    const secs = t.timeNs / 1e9;
    return {
      ...t,
      cpuUtilization: t.timeNs > 0 ? t.busyNs / t.timeNs : 0,
      throughput: secs > 0 ? t.completed / secs : 0,
      faultsPerSecond: secs > 0 ? t.majorFaults / secs : 0,
      disk: this.disk.stats(this.now),
      availableFrames: this.availableFrames(),
      processes: this.procs.map(processReport),
      samples: this.samples,
    };
  }

  /** The scheduler's process by pid (for tests and front ends). */
  process(pid: number): SysProc | undefined {
    return this.procs.find((p) => p.pid === pid);
  }

  // ---- the CPU ---------------------------------------------------------------------------

  /** Runs `p` until `end`, a block, or its exit. The hot loop: allocates nothing per reference. */
  private slice(p: SysProc, end: number): void {
    const m = this.machine;
    const ps = m.pageSize;
    const c = p.counters;
    const { refs, accs } = p.w;
    const len = p.w.count;
    const io = this.config.io;
    const pff = this.config.pff;
    const ks = m.kswapd;
    if (p !== this.last) {
      this.now += this.switchNs;
      this.t.overheadNs += this.switchNs;
      this.last = p;
    }
    p.state = RUNNING;
    if (this.events.listening) this.events.emit({ type: "dispatch", pid: p.pid, timeNs: this.now });
    while (this.now < end) {
      if (p.pos === len) {
        if (!p.loop) {
          this.finish(p, "exit");
          return;
        }
        p.pos = 0;
      }
      if (ks !== undefined && ks.nextDueNs <= this.now) this.kswapdDue();
      const page = refs[p.pos]!;
      const f0 = c.faults.total;
      const in0 = c.pageIns;
      p.touched[page] = 1;
      let pa: number;
      try {
        pa = m.access(p.pid, page * ps, accs[p.pos] as 0 | 1 | 2);
      } catch (e) {
        // No frame can be freed for this process's page (too few frames for the page tables of
        // every process): this process is killed and the others go on.
        if (!(e instanceof OutOfMemoryError)) throw e;
        m.kill(p.pid, `out of memory: ${e.message}`);
        this.finish(p, m.exitReason(p.pid) ?? "killed");
        return;
      }
      this.now += this.accessNs;
      p.cpuNs += this.accessNs;
      this.t.busyNs += this.accessNs;
      if (pa === FAULT_KILLED || !m.isAlive(p.pid)) {
        this.finish(p, m.exitReason(p.pid) || "killed");
        return;
      }
      if (c.faults.total !== f0 && this.faulted(p, page, c.pageIns - in0)) return;
      p.pos++;
      p.completed++;
      this.t.completed++;
      p.ws.ref(page);
      if (p.resumeLeft > 0 && --p.resumeLeft === 0) {
        this.t.resumeToGoNs += this.now - p.resumeAt;
        this.t.resumeWindows++;
      }
      if (pff !== undefined && ++p.pffRefs >= pff.windowRefs) this.pffCheck(p, pff);
      if (io !== undefined && ++p.sinceIo >= io.everyRefs) {
        p.sinceIo = 0;
        this.block(p, this.now + io.ns, "io", -1);
        return;
      }
    }
    p.state = READY;
    this.ready.push(p);
  }

  /**
   * Counts a fault of `p` on `page` that read `reads` pages; when it read or wrote any, the disk
   * serves the writes, then the reads, and `p` sleeps until they are done (returns true).
   */
  private faulted(p: SysProc, page: number, reads: number): boolean {
    p.faults++;
    p.pffFaults++;
    this.t.faults++;
    if (p.resumeLeft > 0) {
      p.resumeFaults++;
      this.t.faultsAfterResume++;
    }
    const writes = this.syncWritebacks();
    if (reads + writes === 0) return false;
    p.majorFaults++;
    this.t.majorFaults++;
    let done = this.now;
    if (writes > 0) done = this.disk.submit(this.now, writes, "write");
    if (reads > 0) done = this.disk.submit(this.now, reads, "read");
    this.block(p, done, "page", page);
    return true;
  }

  /** Runs kswapd's due batches; the pages it wrote go to the disk in the background. */
  private kswapdDue(): void {
    const ks = this.machine.kswapd;
    if (ks === undefined || ks.nextDueNs > this.now) return;
    this.syncWritebacks();
    ks.advance(this.now);
    this.writeBackNow();
  }

  private block(p: SysProc, until: number, kind: BlockKind, page: number): void {
    p.state = BLOCKED;
    p.wakeAt = until;
    p.blockedAt = this.now;
    p.blockKind = kind;
    p.blockPage = page;
    this.blocked.push(p);
    if (this.events.listening)
      this.events.emit({ type: "block", pid: p.pid, kind, untilNs: until, timeNs: this.now, page });
  }

  private wakeDue(): void {
    if (this.blocked.length === 0) return;
    let woke: SysProc[] | undefined;
    for (let i = 0; i < this.blocked.length; ) {
      const b = this.blocked[i]!;
      if (b.wakeAt <= this.now) {
        if (woke === undefined) woke = [];
        woke.push(b);
        this.blocked.splice(i, 1);
      } else i++;
    }
    if (woke === undefined) return;
    woke.sort((a, b) => a.wakeAt - b.wakeAt || a.pid - b.pid);
    for (const b of woke) {
      const waited = b.wakeAt - b.blockedAt;
      if (b.blockKind === "io") b.blockedIoNs += waited;
      else {
        b.blockedPagingNs += waited;
        this.t.blockedPagingNs += waited;
      }
      b.state = READY;
      this.ready.push(b);
      if (this.events.listening) this.events.emit({ type: "wake", pid: b.pid, timeNs: b.wakeAt });
    }
  }

  private finish(p: SysProc, reason: string): void {
    p.state = DONE;
    p.exitReason = reason;
    if (this.machine.isAlive(p.pid)) this.machine.exit(p.pid);
    this.syncWritebacks();
    if (this.last === p) this.last = undefined;
    if (this.events.listening) this.events.emit({ type: "exit", pid: p.pid, reason, timeNs: this.now });
    this.reallocate(false);
  }

  /** Write-backs since the last call, over every process (the victim's owner counts them). */
  private syncWritebacks(): number {
    let sum = 0;
    for (const c of this.allCounters) sum += c.writebacks;
    const d = sum - this.wbKnown;
    this.wbKnown = sum;
    return d;
  }

  /** Queues the write-backs since the last sync on the disk, nobody waiting for them. */
  private writeBackNow(): void {
    const writes = this.syncWritebacks();
    if (writes > 0) this.disk.submit(this.now, writes, "write");
  }

  // ---- allocation, PFF, load control -----------------------------------------------------

  private active(): SysProc[] {
    return this.procs.filter((p) => p.state !== DONE && p.state !== SUSPENDED);
  }

  /** Recomputes quotas of the active processes (not under PFF once running: PFF owns them then). */
  private reallocate(initial: boolean): void {
    const mode = this.config.allocation;
    if (mode === undefined || (this.config.pff !== undefined && !initial)) return;
    const act = this.active();
    const frames = this.availableFrames();
    if (act.length === 0 || frames < act.length * this.minFrames) return;
    const q = allocateFrames(frames, act, mode, this.minFrames);
    for (let i = 0; i < act.length; i++) this.setQuota(act[i]!, q[i]!, mode);
  }

  private setQuota(p: SysProc, frames: number, reason: string): void {
    if (frames === p.quota) return;
    const from = p.quota;
    p.quota = frames;
    this.machine.setQuota(p.pid, frames);
    this.trim(p);
    if (this.events.listening)
      this.events.emit({ type: "quota", pid: p.pid, from, to: frames, reason, timeNs: this.now });
  }

  /** Pages out `p`'s least recently used pages until its resident set fits its quota. */
  private trim(p: SysProc): void {
    if (trimToQuota(this.machine, p)) this.writeBackNow();
  }

  private pffCheck(p: SysProc, pff: PffConfig): void {
    const rate = p.pffFaults / p.pffRefs;
    p.pffRefs = 0;
    p.pffFaults = 0;
    p.wantsMore = false;
    if (rate > pff.upper) {
      const free = this.machine.frames.freeCount;
      const used = this.active().reduce(
        (s, q) => s + (q.quota === Number.POSITIVE_INFINITY ? 0 : q.quota),
        0,
      );
      const room = Math.min(free, this.availableFrames() - used);
      if (room > 0) this.setQuota(p, p.quota + Math.min(pff.step, room), "pff-grow");
      else p.wantsMore = true;
    } else if (rate < pff.lower && p.quota > this.minFrames) {
      this.setQuota(p, Math.max(this.minFrames, p.quota - pff.step), "pff-shrink");
    }
  }

  private control(): void {
    while (this.nextControl <= this.now) this.nextControl += this.interval;
    if (!this.config.loadControl) return;
    const act = this.active();
    const avail = this.availableFrames();
    const demand = act.reduce((s, p) => s + this.need(p), 0);
    const pffStarved =
      this.config.pff !== undefined &&
      act.length > 1 &&
      act.every((p) => p.wantsMore) &&
      this.machine.frames.freeCount === 0;
    // Over-committed: the working sets exceed the frames; or the last detection window showed
    // thrashing (see memoryPressure in demand.ts). At most one suspension per window on the second
    // signal.
    const thrashed = this.thrashingNow && this.now - this.thrashSuspendAt >= this.windowNs;
    if ((demand > avail || thrashed || pffStarved) && act.length > 1) {
      if (thrashed) {
        this.thrashSuspendAt = this.now;
        // The working sets said it fits, yet it thrashed: no resumption for two windows.
        this.noResumeBefore = this.now + 2 * this.windowNs;
      }
      let victim = act[0]!;
      for (const p of act) {
        if (
          p.priority < victim.priority ||
          (p.priority === victim.priority && p.activatedAt >= victim.activatedAt)
        )
          victim = p;
      }
      this.suspend(victim);
    } else if (this.suspended.length > 0) {
      const s = this.suspended[0]!;
      const room = demand + this.need(s) <= avail && !this.thrashingNow && this.now >= this.noResumeBefore;
      if (act.length === 0 || room) this.resume(s);
      else if (this.rotateNs > 0 && this.now - s.suspendedAt >= this.rotateNs) {
        // Medium-term scheduling: the process active longest makes way for the one waiting longest
        // (once it got going after its own resume: its first resumeWindowRefs references done).
        let oldest: SysProc | undefined;
        for (const p of act) if (oldest === undefined || p.activatedAt < oldest.activatedAt) oldest = p;
        if (
          oldest !== undefined &&
          this.now - oldest.activatedAt >= this.rotateNs &&
          oldest.resumeLeft === 0 &&
          demand - this.need(oldest) + this.need(s) <= avail
        ) {
          this.suspend(oldest);
          this.resume(s);
        }
      }
    }
  }

  /** Frames `p` needs by the working-set model (demand.ts). */
  private need(p: SysProc): number {
    return workingSetNeed(p, this.tau, this.config.unknownNeed);
  }

  /** Swaps `p` out whole and takes it off the CPU queues. */
  private suspend(p: SysProc): void {
    const i = this.ready.indexOf(p);
    if (i >= 0) this.ready.splice(i, 1);
    const b = this.blocked.indexOf(p);
    if (b >= 0) {
      this.blocked.splice(b, 1);
      const waited = Math.max(0, Math.min(this.now, p.wakeAt) - p.blockedAt);
      if (p.blockKind === "io") p.blockedIoNs += waited;
      else p.blockedPagingNs += waited;
    }
    p.state = SUSPENDED;
    p.suspendedAt = this.now;
    p.suspensions++;
    p.wantsMore = false;
    p.resumeLeft = 0;
    this.t.suspensions++;
    const out = swapOutWhole(this.machine, p);
    this.writeBackNow();
    this.suspended.push(p);
    if (this.last === p) this.last = undefined;
    if (this.events.listening)
      this.events.emit({
        type: "suspend",
        pid: p.pid,
        pagesOut: out,
        workingSet: p.ws.size,
        timeNs: this.now,
      });
    this.reallocate(false);
  }

  private resume(p: SysProc): void {
    this.suspended.shift();
    p.activatedAt = this.now;
    this.t.resumes++;
    this.reallocate(false);
    const prepaged = this.config.prepage ? prepageWorkingSet(this.machine, p) : 0;
    p.resumeLeft = this.resumeWindow;
    p.resumeAt = this.now;
    if (prepaged > 0) {
      // Every page prepaged is charged a transfer, as a demand fault on it would be charged a read.
      this.t.prepagedPages += prepaged;
      this.writeBackNow();
      const done = this.disk.submit(this.now, prepaged, "read");
      this.block(p, done, "prepage", -1);
    } else {
      p.state = READY;
      this.ready.push(p);
    }
    if (this.events.listening)
      this.events.emit({ type: "resume", pid: p.pid, prepaged, workingSet: p.ws.size, timeNs: this.now });
  }

  // ---- thrashing detection and sampling --------------------------------------------------

  private detect(): void {
    const span = this.now - this.mark.t;
    if (span <= 0) return;
    const cpu = (this.t.busyNs - this.mark.busy) / span;
    const fps = ((this.t.majorFaults - this.mark.major) * 1e9) / span;
    const act = this.active();
    const demand = memoryPressure(act, this.machine);
    const avail = this.availableFrames();
    const thrashing = cpu < this.cpuBelow && fps > this.faultsAbove && demand > avail;
    if (thrashing) this.t.thrashingNs += span;
    if (thrashing !== this.thrashingNow) {
      this.thrashingNow = thrashing;
      if (thrashing) this.t.thrashingEpisodes++;
      if (this.events.listening) {
        this.events.emit({
          type: thrashing ? "thrashing" : "thrashing-end",
          timeNs: this.now,
          cpuUtilization: cpu,
          faultsPerSecond: fps,
          demandFrames: demand,
          availableFrames: avail,
        });
      }
    }
    this.samples.push({
      timeNs: this.now,
      cpuUtilization: cpu,
      faultsPerSecond: fps,
      freeFrames: this.machine.frames.freeCount,
      active: act.length,
      suspended: this.suspended.length,
      diskQueue: this.disk.queueLength(this.now),
      demandFrames: demand,
      thrashing,
    });
    this.mark = { t: this.now, busy: this.t.busyNs, major: this.t.majorFaults };
    while (this.nextDetect <= this.now) this.nextDetect += this.windowNs;
  }
}
