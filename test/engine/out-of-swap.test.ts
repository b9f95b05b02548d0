// Out of swap: when a dirty victim finds no free slot, the process with the largest resident set
// is killed (ties: the highest pid) with a clear reason and an event; the faulting process retries
// and goes on; every other process keeps its bytes. A worked scenario and a fast-check property.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProcessFaultError } from "../../src/core/errors.js";
import type { MachineEvent } from "../../src/core/events.js";
import { Machine } from "../../src/sim/machine.js";

const PS = 256;

describe("out of swap", () => {
  it("kills the largest resident set, not the faulting process, and nothing else is lost", () => {
    // 8 page frames (tables in a reserve), 2 swap slots, global FIFO. B writes 3 pages, A 1, C 4:
    // memory is full. A's next two pages evict b0 and b1 (dirty) into the two slots; A's third
    // finds victim b2 dirty with no slot. Resident sets then: A 3, B 1, C 4: C is killed, A goes on.
    const m = new Machine({
      pageSize: PS,
      vaBits: 16,
      frames: 8,
      tableFrames: 12,
      swapSlots: 2,
      policy: "fifo",
    });
    const a = m.spawn({ name: "A" });
    const b = m.spawn({ name: "B" });
    const c = m.spawn({ name: "C" });
    const kills: MachineEvent[] = [];
    m.events.on("kill", (e) => kills.push(e));
    const va = m.mmap(a, 4 * PS);
    const vb = m.mmap(b, 3 * PS);
    const vc = m.mmap(c, 4 * PS);
    for (let i = 0; i < 3; i++) m.writeU8(b, vb + i * PS, 0xb0 + i);
    m.writeU8(a, va, 0xa0);
    for (let i = 0; i < 4; i++) m.writeU8(c, vc + i * PS, 0xc0 + i);
    m.writeU8(a, va + PS, 0xa1);
    m.writeU8(a, va + 2 * PS, 0xa2);
    expect(m.stats().swap.slotsInUse).toBe(2);
    expect(kills).toEqual([]);
    m.writeU8(a, va + 3 * PS, 0xa3);
    expect(m.isAlive(c)).toBe(false);
    expect(m.exitReason(c)).toBe(
      "out of swap: killed as the largest resident set, 4 pages (process 1 needed a frame)",
    );
    expect(kills).toEqual([{ type: "kill", pid: c, reason: m.exitReason(c) }]);
    // The survivors' bytes, every one (b0 and b1 come back from swap).
    for (let i = 0; i < 4; i++) expect(m.readU8(a, va + i * PS)).toBe(0xa0 + i);
    for (let i = 0; i < 3; i++) expect(m.readU8(b, vb + i * PS)).toBe(0xb0 + i);
    const s = m.stats();
    expect(s.outOfSwapKills).toBe(1);
    expect(s.processes.find((p) => p.pid === c)!.outOfSwapKills).toBe(1);
    expect(s.faults.outOfSwap).toBe(0); // no fault was fatal
    expect(m.isAlive(a) && m.isAlive(b)).toBe(true);
  });

  it("breaks a tie toward the highest pid", () => {
    // 4 frames, 1 slot, FIFO. A and B write 2 pages each (memory full); A's third page evicts a0
    // into the only slot; A's a0 again finds victim a1 dirty with no slot: A 2, B 2, a tie that
    // goes to the higher pid, B.
    const m = new Machine({
      pageSize: PS,
      vaBits: 16,
      frames: 4,
      tableFrames: 12,
      swapSlots: 1,
      policy: "fifo",
    });
    const a = m.spawn();
    const b = m.spawn();
    const va = m.mmap(a, 3 * PS);
    const vb = m.mmap(b, 2 * PS);
    m.writeU8(a, va, 1);
    m.writeU8(a, va + PS, 2);
    m.writeU8(b, vb, 3);
    m.writeU8(b, vb + PS, 4);
    m.writeU8(a, va + 2 * PS, 5); // victim a0 (dirty) takes the only slot; A 2 (a1, a2), B 2
    m.writeU8(a, va, 6); // victim a1 dirty, no slot: A 2 and B 2 tie, B has the higher pid
    expect(m.isAlive(b)).toBe(false);
    expect(m.exitReason(b)).toMatch(/largest resident set, 2 pages/);
    expect([m.readU8(a, va), m.readU8(a, va + PS), m.readU8(a, va + 2 * PS)]).toEqual([6, 2, 5]);
  });

  it("the faulting process dies only when it is itself the largest", () => {
    const m = new Machine({
      pageSize: PS,
      vaBits: 16,
      frames: 4,
      tableFrames: 8,
      swapSlots: 1,
      policy: "fifo",
    });
    const a = m.spawn();
    const b = m.spawn();
    const vb = m.mmap(b, PS);
    m.writeU8(b, vb, 7);
    const va = m.mmap(a, 8 * PS);
    expect(() => {
      for (let i = 0; i < 8; i++) m.writeU8(a, va + i * PS, i);
    }).toThrow(ProcessFaultError);
    expect(m.exitReason(a)).toMatch(
      /out-of-swap: no swap slot for a dirty victim; process 1 has the largest resident set/,
    );
    expect(m.readU8(b, vb)).toBe(7);
  });

  it("property: with a small swap, survivors read back every byte they wrote", () => {
    const op = fc.record({ p: fc.nat(3), page: fc.nat(7), v: fc.nat(255) });
    let allKills = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom("fifo", "lru", "clock"),
        (ops, slots, policy) => {
          const m = new Machine({
            pageSize: PS,
            vaBits: 16,
            frames: 6,
            tableFrames: 12,
            swapSlots: slots,
            policy,
          });
          const pids = [0, 1, 2, 3].map(() => m.spawn());
          const base = pids.map((pid) => m.mmap(pid, 8 * PS));
          const model = pids.map(() => new Map<number, number>());
          const kills: string[] = [];
          m.events.on("kill", (e) => {
            kills.push(e.reason);
            allKills++;
          });
          for (const o of ops) {
            const pid = pids[o.p]!;
            if (!m.isAlive(pid)) continue;
            try {
              m.writeU8(pid, base[o.p]! + o.page * PS + o.page, o.v);
              model[o.p]!.set(o.page, o.v);
            } catch (e) {
              expect(e).toBeInstanceOf(ProcessFaultError);
              expect(m.isAlive(pid)).toBe(false);
            }
          }
          for (const r of kills)
            expect(r).toMatch(/^out of swap: killed as the largest resident set, \d+ pages|out-of-swap/);
          for (let i = 0; i < pids.length; i++) {
            for (const [page, v] of model[i]!) {
              if (!m.isAlive(pids[i]!)) break;
              try {
                expect(m.readU8(pids[i]!, base[i]! + page * PS + page)).toBe(v);
              } catch (e) {
                // Reading back may need a frame too, and so kill the largest again.
                expect(e).toBeInstanceOf(ProcessFaultError);
              }
            }
          }
          for (const pid of pids) if (m.isAlive(pid)) m.exit(pid);
          const s = m.stats();
          expect(s.swap.slotsInUse).toBe(0);
          expect(s.frames.user).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
    expect(allKills).toBeGreaterThan(0); // the property did exercise the rule
  });
});
