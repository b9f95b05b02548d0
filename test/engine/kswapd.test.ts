// kswapd: watermarks crossed at known allocations, reclaim exactly to high, direct reclaim below
// min, background cleaning that makes later evictions clean, presets as documented, bad specs.
// Scenarios use a trace process touching pages 0, 1, 2, … once each (every reference a fault),
// with page tables in a reserve of their own (tableFrames), so free page frames drop by exactly
// one per fault and every number below follows from the rules in src/pager/kswapd.ts.

import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import type { MachineEvent } from "../../src/core/events.js";
import { ACC_READ, ACC_WRITE } from "../../src/mmu/mmu.js";
import { parseKswapdSpec, presetWatermarks, resolveWatermarks } from "../../src/pager/kswapd.js";
import { Machine, type MachineConfig } from "../../src/sim/machine.js";

const PS = 4096;
const FRAMES = 100;
/** Free instantly: disk I/O and scanning cost nothing, so kswapd's runs finish when they start. */
const FREE_IO = { diskReadNs: 0, diskWriteNs: 0 };

function machine(extra: Partial<MachineConfig>): { m: Machine; pid: number; log: MachineEvent[] } {
  const m = new Machine({
    frames: FRAMES,
    tableFrames: 4,
    pageSize: PS,
    vaBits: 32,
    policy: "fifo",
    ...extra,
  });
  const log: MachineEvent[] = [];
  for (const type of ["kswapd-wake", "kswapd-sleep", "direct-reclaim"] as const)
    m.events.on(type, (e) => log.push(e));
  const pid = m.spawn({ trace: true });
  return { m, pid, log };
}

describe("kswapd watermarks", () => {
  it("wakes at the allocation that leaves free below low and reclaims exactly to high", () => {
    const { m, pid, log } = machine({
      costs: FREE_IO,
      kswapd: { watermarks: { min: 2, low: 5, high: 10 }, scanNs: 0, clean: false },
    });
    const k = m.kswapd!;
    const wakesAt: number[] = [];
    // The fault being handled is counted once it completes: it is number total + 1.
    m.events.on("kswapd-wake", () => wakesAt.push(m.stats().faults.total + 1));
    // Faults 1..95 leave 99..5 free: no wake-up (5 is not below low).
    for (let v = 0; v < 95; v++) m.access(pid, v * PS, ACC_READ);
    expect(k.free).toBe(5);
    expect(k.stats().wakeups).toBe(0);
    // Fault 96 leaves 4 free: kswapd wakes (its first run is due now, done before the next allocation).
    m.access(pid, 95 * PS, ACC_READ);
    expect(k.stats().wakeups).toBe(1);
    expect(k.isAwake).toBe(true);
    expect(k.free).toBe(4);
    // Fault 97: kswapd first reclaims 4 → 10 free (6 pages), sleeps, then the fault takes one.
    m.access(pid, 96 * PS, ACC_READ);
    expect(k.stats().reclaimed).toBe(6);
    expect(k.isAwake).toBe(false);
    expect(k.free).toBe(9);
    // Faults 98..102 leave 8..4: the second wake-up is at the fault that leaves 4 (fault 102).
    for (let v = 97; v < 102; v++) m.access(pid, v * PS, ACC_READ);
    expect(wakesAt).toEqual([96, 102]);
    expect(log.filter((e) => e.type === "kswapd-wake").map((e) => (e as { free: number }).free)).toEqual([
      4, 4,
    ]);
    expect(log.filter((e) => e.type === "kswapd-sleep").map((e) => (e as { free: number }).free)).toEqual([
      10,
    ]);
    const s = m.stats();
    expect(s.reclaim.kswapd?.directReclaims).toBe(0);
    // No faulting process ever evicted: kswapd did all of it.
    expect(s.reclaim.faultEvictions).toEqual({ clean: 0, dirty: 0 });
    expect(s.evictions.clean).toBe(6);
    // FIFO scans one page per victim.
    expect(s.reclaim.kswapd?.scanned).toBe(6);
  });

  it("a faulting process reclaims directly when an allocation would leave fewer than min free", () => {
    // kswapd wakes but its first run is a day away: free frames fall to min, then direct reclaim.
    const { m, pid, log } = machine({
      costs: FREE_IO,
      kswapd: { watermarks: { min: 2, low: 5, high: 10 }, scanNs: 0, wakeDelayNs: 86_400e9 },
    });
    const k = m.kswapd!;
    for (let v = 0; v < 98; v++) m.access(pid, v * PS, ACC_READ);
    expect(k.free).toBe(2);
    expect(k.stats().directReclaims).toBe(0);
    // Fault 99 finds 2 free: taking one would leave 1 < min, so it reclaims one page first.
    m.access(pid, 98 * PS, ACC_READ);
    expect(k.stats().directReclaims).toBe(1);
    expect(k.stats().directReclaimed).toBe(1);
    expect(k.free).toBe(2);
    for (let v = 99; v < 110; v++) m.access(pid, v * PS, ACC_READ);
    expect(k.stats().directReclaims).toBe(12);
    expect(k.stats().directReclaimed).toBe(12);
    expect(k.stats().reclaimed).toBe(0);
    expect(k.free).toBe(2);
    const direct = log.filter((e) => e.type === "direct-reclaim");
    expect(direct).toHaveLength(12);
    expect(direct[0]).toMatchObject({ type: "direct-reclaim", pid, pages: 1 });
    // Direct reclaim is the faulting process's own eviction.
    expect(m.stats().reclaim.faultEvictions).toEqual({ clean: 12, dirty: 0 });
  });

  it("cleaning ahead makes the next wake-up's evictions clean; without it they write", () => {
    const run = (clean: boolean) => {
      const { m, pid } = machine({
        costs: FREE_IO,
        kswapd: { watermarks: { min: 2, low: 5, high: 10 }, scanNs: 0, clean },
      });
      for (let v = 0; v < 110; v++) m.access(pid, v * PS, ACC_WRITE);
      return m.stats();
    };
    const on = run(true);
    const off = run(false);
    // Wake-ups at faults 96, 102, 108; runs before faults 97, 103, 109 reclaim 6 pages each.
    expect(on.reclaim.kswapd?.wakeups).toBe(3);
    expect(on.reclaim.kswapd?.reclaimed).toBe(18);
    expect(off.reclaim.kswapd?.reclaimed).toBe(18);
    // Without cleaning every victim is dirty; with it, only the first run's six are: each run then
    // cleans the next six in FIFO order (clean-ahead = high - low + 1 = 6).
    expect(off.reclaim.kswapd?.reclaimedDirty).toBe(18);
    expect(on.reclaim.kswapd?.reclaimedDirty).toBe(6);
    expect(on.reclaim.kswapd?.cleaned).toBe(18);
    expect(on.evictions).toEqual({ clean: 12, dirty: 6 });
    expect(off.evictions).toEqual({ clean: 0, dirty: 18 });
    // Either way the processes waited for no write: kswapd evicted everything.
    expect(on.reclaim.faultEvictions.dirty).toBe(0);
  });

  it("without kswapd every eviction of a dirty page makes the faulting process wait for the write", () => {
    const m = new Machine({ frames: FRAMES, tableFrames: 4, pageSize: PS, vaBits: 32, policy: "fifo" });
    const pid = m.spawn({ trace: true });
    for (let v = 0; v < 110; v++) m.access(pid, v * PS, ACC_WRITE);
    const s = m.stats();
    expect(s.reclaim.kswapd).toBeNull();
    expect(s.reclaim.faultEvictions).toEqual({ clean: 0, dirty: 10 });
    // Zero-fill faults read nothing: the fault path's time is the 10 write-backs of 8 ms each.
    expect(m.pager.faultNs).toBe(10 * 8_000_000);
  });

  it("kswapd's work takes simulated time: batches, scan cost and writes, never the process's", () => {
    const { m, pid } = machine({
      kswapd: { watermarks: { min: 2, low: 5, high: 10 }, scanNs: 1000, clean: false, batch: 2 },
    });
    const k = m.kswapd!;
    for (let v = 0; v < 96; v++) m.access(pid, v * PS, ACC_WRITE); // wakes at 4 free
    const clock = m.now();
    const t0 = k.nextDueNs; // the wake-up time: its first run starts then
    expect(t0).toBeLessThanOrEqual(clock);
    // Each batch of 2 dirty pages costs 2 × 8 ms + 2 × 1 µs; three batches bring 4 → 10.
    k.advance(t0);
    expect(k.stats()).toMatchObject({ runs: 1, reclaimed: 2, reclaimedDirty: 2 });
    expect(k.nextDueNs).toBe(t0 + 16_002_000);
    k.advance(t0 + 16_002_000 - 1);
    expect(k.stats()).toMatchObject({ runs: 1, reclaimed: 2, reclaimedDirty: 2 });
    expect(k.free).toBe(6);
    k.advance(t0 + 2 * 16_002_000);
    expect(k.stats()).toMatchObject({ runs: 3, reclaimed: 6, busyNs: 3 * 16_002_000 });
    expect(k.isAwake).toBe(false);
    expect(k.free).toBe(10);
    // The process's clock did not move: the writes were kswapd's.
    expect(m.now()).toBe(clock);
  });
});

describe("kswapd presets and specs", () => {
  it("doc: min 1 %, low 2 %, high 3 % of the frames, at least 1, 2, 3", () => {
    expect(presetWatermarks("doc", 1000, PS)).toEqual({ min: 10, low: 20, high: 30 });
    expect(presetWatermarks("doc", 250, PS)).toEqual({ min: 3, low: 5, high: 8 }); // 2.5 → 3, 5, 7.5 → 8
    expect(presetWatermarks("doc", 64, PS)).toEqual({ min: 1, low: 2, high: 3 });
  });

  it("linux: min_free_kbytes = ⌊√(16 × KiB)⌋ in [128, 262144], gap = max(min / 4, 0.1 % of frames)", () => {
    // 1000 × 4 KiB = 4000 KiB: √64000 = 252.98 → 252 KiB → 63 frames; gap max(15, 1) = 15.
    expect(presetWatermarks("linux", 1000, PS)).toEqual({ min: 63, low: 78, high: 93 });
    // 65536 × 4 KiB = 256 MiB: √(262144 × 16) = 2048 KiB → 512 frames; gap max(128, 65) = 128.
    expect(presetWatermarks("linux", 65536, PS)).toEqual({ min: 512, low: 640, high: 768 });
    // 1000 × 8 KiB = 8000 KiB: √128000 = 357.8 → 357 KiB → 44 frames (rounded down, as >> does); gap 11.
    expect(presetWatermarks("linux", 1000, 8192)).toEqual({ min: 44, low: 55, high: 66 });
    // 100 × 4 KiB = 400 KiB: √6400 = 80 → clamped to 128 KiB = 32 frames; gap 8.
    expect(presetWatermarks("linux", 100, PS)).toEqual({ min: 32, low: 40, high: 48 });
    // 4 Mi frames × 4 KiB = 16 GiB: √(16 Mi KiB × 16) = 16384 KiB = 4096 frames; gap = max(1024, 4194) = 4194.
    expect(presetWatermarks("linux", 4 * 1024 * 1024, PS)).toEqual({ min: 4096, low: 8290, high: 12484 });
  });

  it("rejects watermarks out of order or above the frames with a ConfigError naming the key", () => {
    const bad = (w: { min: number; low: number; high: number }, key: string) => {
      try {
        resolveWatermarks(w, 100, PS);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).data.key).toBe(key);
      }
    };
    bad({ min: 6, low: 5, high: 10 }, "kswapd.min");
    bad({ min: 2, low: 11, high: 10 }, "kswapd.low");
    bad({ min: 2, low: 5, high: 100 }, "kswapd.high");
    bad({ min: 2, low: 5, high: 101 }, "kswapd.high");
    bad({ min: -1, low: 5, high: 10 }, "kswapd.min");
    bad({ min: 0, low: 0, high: 0 }, "kswapd.low");
    expect(() => new Machine({ frames: 20, kswapd: "linux" })).toThrow(ConfigError);
    expect(resolveWatermarks({ min: 0, low: 1, high: 99 }, 100, PS)).toEqual({ min: 0, low: 1, high: 99 });
  });

  it("parses specs: preset, overrides, explicit numbers, options; rejects unknown keys", () => {
    expect(parseKswapdSpec("doc")).toEqual({ watermarks: "doc" });
    expect(parseKswapdSpec("linux,clean=off,batch=8")).toEqual({
      watermarks: "linux",
      clean: false,
      batch: 8,
    });
    expect(parseKswapdSpec("min=2,low=4,high=6")).toEqual({ watermarks: { min: 2, low: 4, high: 6 } });
    expect(parseKswapdSpec("doc,high=9")).toEqual({ watermarks: "doc", override: { high: 9 } });
    expect(parseKswapdSpec("scan-ns=50,wake-ns=7,clean-ahead=3")).toEqual({
      scanNs: 50,
      wakeDelayNs: 7,
      cleanAhead: 3,
    });
    // Times take units (issue 17 item 11); a plain number stays ns.
    expect(parseKswapdSpec("scan=2us,wake=1.5ms")).toEqual({ scanNs: 2000, wakeDelayNs: 1_500_000 });
    expect(parseKswapdSpec("scan-ns=1ms")).toEqual({ scanNs: 1_000_000 });
    for (const s of [
      "scan=fast",
      "wake=1.5ns",
      "scan=-3",
      "min=2",
      "fast",
      "doc,speed=3",
      "doc,batch=0",
      "doc,clean=maybe",
      "low=x,min=1,high=2",
    ]) {
      expect(() => parseKswapdSpec(s), s).toThrow(ConfigError);
    }
    const m = new Machine({ frames: 200, kswapd: "doc,high=9" });
    expect(m.kswapd?.marks).toEqual({ min: 2, low: 4, high: 9 });
  });
});
