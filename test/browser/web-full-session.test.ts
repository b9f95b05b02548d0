// The web app's full mode (web/src/full-session.ts) against the engine, in Node: stepping forwards
// gives fullSteps' records; stepping back, jumping, policy switches and pins land in exactly the
// state a forwards-only run with the same actions reaches (page tables, TLB, swap slots, frames);
// the page-table, TLB and swap views agree with the Machine's own answers (explain, the TLB's
// find, the frame table).

import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { policyIds } from "../../src/policies/registry.js";
import { densify } from "../../src/sim/replay.js";
import { replay } from "../../src/sim/replay-trace.js";
import { Stepper } from "../../src/sim/steps.js";
import { FullStepper, fullSteps } from "../../src/sim/steps-full.js";
import { FullSession } from "../../web/src/full-session.js";
import { refsFromGenerator, refsFromString, Session } from "../../web/src/session.js";

const BELADY = "1,2,3,4,1,2,5,1,2,3,4,5";
const OPTS = { pageSize: 4096, shape: "sv32", tlbEntries: 4, tlbWays: 2, tlbMode: "tagged" } as const;

/** Everything full mode shows of a session's state. */
function snapshot(s: FullSession) {
  return {
    position: s.position,
    policy: s.policy,
    hits: s.hits,
    misses: s.misses,
    frames: s.frameTable(),
    view: s.policyView(),
    tables: s.pageTables(),
    tlb: s.tlb(),
    swap: s.swapSlots(),
    translation: s.translation(),
    log: s.log,
    missesAt: Array.from(s.missesAt.subarray(0, s.position + 1)),
  };
}

describe("web full mode", () => {
  it("steps as the engine's fullSteps does, with the TLB's part", () => {
    const refs = refsFromString(`${BELADY},${BELADY}`);
    const s = new FullSession(refs, "fifo", 3, OPTS);
    for (let i = 0; i < 20; i++) expect(s.step()).toBe(true);
    const recs = [
      ...fullSteps(refs, {
        policy: "fifo",
        frames: 3,
        pageSize: 4096,
        shape: "sv32",
        tlb: { entries: 4, ways: 2 },
        switchable: true,
      }),
    ];
    expect(s.last).toEqual(recs[19]);
    // Replay mode's counts on the same string: the Machine faults as replay does.
    expect([s.hits, s.misses]).toEqual([recs[19]!.hits, recs[19]!.misses]);
  });

  it("shows the page tables as the Machine walks them: every resident page's leaf entry names its frame", () => {
    const refs = refsFromString("1,2w,3,1,4w,2,5,1w,2,3,1030,2060w");
    const s = new FullSession(refs, "lru", 3, OPTS);
    s.seek(refs.count);
    const tables = s.pageTables();
    // sv32: a root and one second-level table per 1024-page block touched (pages 1-5, 1030, 2060).
    expect(tables.map((t) => t.level)).toEqual([0, 1, 1, 1]);
    const frames = s.frameTable();
    for (const t of tables) expect(frames[t.frame]!.kind).toBe("table");
    for (const f of frames.filter((x) => x.kind === "page")) {
      const w = s.machine.explain(1, f.page * 4096);
      const leaf = tables
        .find((t) => t.frame === w.steps[1]!.tableFrame)!
        .entries.find((e) => e.vpn === f.page)!;
      expect(leaf.where).toBe("present");
      expect(leaf.frame).toBe(f.frame);
      expect(leaf.bits.P).toBe(true);
    }
    // Evicted written pages are in swap slots; the view lists them with the leaf entry's slot.
    const swap = s.swapSlots();
    const out = swap.rows.filter((r) => r.where === "swap");
    expect(out.length).toBeGreaterThan(0);
    for (const r of out) {
      const w = s.machine.explain(1, r.page * 4096);
      expect(w.frame).toBe(-1);
      expect(w.steps[w.steps.length - 1]!.pte >>> 8).toBe(r.slot);
    }
    expect(swap.inUse).toBe(new Set(swap.rows.map((r) => r.slot)).size);
  });

  it("shows the TLB entry the last reference used, and a flush-mode TLB empties on a switch", () => {
    const refs = refsFromGenerator("refs:pages=1 2 3 1 2 3,repeat=2");
    const s = new FullSession(refs, "fifo", 4, OPTS);
    s.seek(8);
    const t = s.tlb();
    expect(t.used).toBeGreaterThanOrEqual(0);
    expect(t.rows[t.used]!.vpn).toBe(s.last!.page);
    expect(t.rows[t.used]!.frame).toBe(s.last!.frame);
    expect([t.hits, t.misses]).toEqual([s.last!.tlbHits, s.last!.tlbMisses]);
    expect(t.rows.filter((r) => r.valid).length).toBe(3);
    expect(t.mode).toBe("tagged");
    // Two processes taking turns: tagged, both keep entries; flush, only the running one's remain.
    const two = {
      label: "two",
      count: 6,
      pages: Float64Array.of(1, 1, 2, 2, 3, 3),
      kinds: new Uint8Array(6),
      pids: Int32Array.of(0, 1, 0, 1, 0, 1),
    };
    const tagged = new FullSession(two, "fifo", 8, OPTS);
    tagged.seek(6);
    expect(
      new Set(
        tagged
          .tlb()
          .rows.filter((r) => r.valid)
          .map((r) => r.pid),
      ),
    ).toEqual(new Set([0, 1]));
    expect(tagged.tlb().flushes).toBe(0);
    const flush = new FullSession(two, "fifo", 8, { ...OPTS, tlbMode: "flush" });
    flush.seek(6);
    const ft = flush.tlb();
    expect(ft.mode).toBe("flush");
    expect(ft.flushes).toBeGreaterThanOrEqual(5);
    expect(ft.rows.filter((r) => r.valid).map((r) => [r.pid, r.vpn])).toEqual([[1, 3]]);
  });

  it("steps back and jumps to exactly the state of a forwards run, with switches and pins", () => {
    const refs = refsFromGenerator("zipf:pages=12,alpha=0.8,n=120,seed=3,writes=0.3");
    const s = new FullSession(refs, "fifo", 4, OPTS);
    s.seek(30);
    s.pin(0, s.last!.page);
    s.seek(50);
    s.switchPolicy("clock");
    s.seek(90);
    const at90 = snapshot(s);
    s.seek(40);
    const at40 = snapshot(s);
    for (let i = 0; i < 7; i++) s.back();
    s.seek(90);
    expect(snapshot(s)).toEqual(at90);
    s.seek(40);
    expect(snapshot(s)).toEqual(at40);
    expect(s.rebuilds).toBe(9); // seek(40), seven backs, seek(40)
    // The pin holds: the pinned page stays resident from reference 30 on.
    const pinned = at90.frames.filter((f) => f.kind === "page" && f.pins > 0);
    expect(pinned.length).toBe(1);
    // A forwards-only run with the same actions reaches the same state.
    const f = new FullSession(refs, "fifo", 4, OPTS);
    f.seek(30);
    f.pin(0, s.pinActions[0]!.kind === "pin" ? s.pinActions[0]!.page : -1);
    for (let i = 30; i < 50; i++) f.step();
    f.switchPolicy("clock");
    for (let i = 50; i < 90; i++) f.step();
    expect(snapshot(f)).toEqual(at90);
  });

  it("an action made after stepping back replaces the ones recorded later", () => {
    const refs = refsFromGenerator("zipf:pages=10,n=60,seed=5");
    const s = new FullSession(refs, "fifo", 3, OPTS);
    s.seek(40);
    s.switchPolicy("lru");
    s.seek(20);
    s.switchPolicy("clock");
    s.seek(60);
    expect(s.policySwitches.map((w) => [w.at, w.policy])).toEqual([[20, "clock"]]);
  });

  it("refuses a pin that would leave no frame for faults, and a second pin of one page", () => {
    const refs = refsFromString(BELADY);
    const s = new FullSession(refs, "fifo", 2, OPTS);
    s.seek(2);
    s.pin(0, 2);
    expect(() => s.pin(0, 2)).toThrow(ConfigError);
    expect(() => s.pin(0, 1)).toThrow(/at most 1 pinned/);
    s.unpin(0, 2);
    s.pin(0, 1);
    s.seek(refs.count);
    expect(s.frameTable().find((f) => f.page === 1)!.pins).toBe(1);
  });

  it("names a shape that does not fit the pages", () => {
    expect(
      () => new FullSession(refsFromString("1,70000"), "fifo", 3, { ...OPTS, shape: "6/10", pageSize: 1024 }),
    ).toThrow(/page number below 64: shape 6\/10/);
  });

  it("holds up to a million references when asked (StepOptions.maxReferences); printed step mode stays at 100000", () => {
    const big = refsFromGenerator("zipf:pages=50,n=150000,seed=1", 1_000_000);
    expect(big.count).toBe(150_000);
    expect(() => refsFromGenerator("zipf:pages=50,n=150000,seed=1")).toThrow(/at most 100000/);
    expect(() => new Stepper(big, { policy: "fifo", frames: 4 })).toThrow(/at most 100000 in step mode/);
    const s = new Stepper(big, { policy: "fifo", frames: 4, maxReferences: 1_000_000 });
    s.skipTo(big.count);
    const d = densify(big.pages, big.count);
    expect(s.misses).toBe(
      replay({ count: big.count, pages: d.ids, pageSpace: d.pageSpace }, { policy: "fifo", frames: 4 })
        .faults,
    );
    expect(() => new FullStepper(big, { policy: "fifo", frames: 4, pageSize: 4096 })).toThrow(
      /at most 100000/,
    );
    const f = new FullSession(big, "fifo", 4, OPTS);
    f.seek(big.count);
    expect(f.misses).toBe(s.misses);
    expect(() => new Stepper(big, { policy: "fifo", frames: 4, maxReferences: 2_000_000 })).toThrow(
      /maxReferences/,
    );
  });

  it("seek without records (the player's chunks) reaches the same state with an empty log, and records again after", () => {
    const refs = refsFromGenerator("zipf:pages=30,n=400,seed=2,writes=0.2");
    for (const make of [() => new Session(refs, "arc", 6), () => new FullSession(refs, "arc", 6, OPTS)]) {
      const a = make();
      const b = make();
      a.seek(300);
      b.seek(150);
      b.seek(280, false);
      expect(b.log).toEqual([]);
      expect([b.position, b.hits, b.misses]).toEqual([
        280,
        ...(() => {
          const c = make();
          c.seek(280);
          return [c.hits, c.misses];
        })(),
      ]);
      b.seek(300);
      expect(b.log).toEqual(a.log);
      expect(b.policyView()).toEqual(a.policyView());
      expect(Array.from(b.missesAt)).toEqual(Array.from(a.missesAt));
    }
  });

  it("steps back exactly under policies with ghosts (their remembered pages are named the same either way)", () => {
    const refs = refsFromGenerator("zipf:pages=40,alpha=0.7,n=300,seed=6");
    for (const policy of policyIds()) {
      const s = new FullSession(refs, policy, 5, OPTS);
      s.seek(260);
      const at260 = snapshot(s);
      s.seek(120);
      for (let i = 0; i < 3; i++) s.back();
      s.seek(260);
      expect(snapshot(s), policy).toEqual(at260);
    }
  });
});
