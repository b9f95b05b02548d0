// The Machine's public API says what happened (issue 18 items 6 and 11): a call on a process that
// its own fault killed for lack of swap reports the kill and its reason, not "not mapped"; every
// public option is checked, scope and setPolicy included; sizes a PTE cannot hold are refused.

import { describe, expect, it } from "vitest";
import { ConfigError, NoSuchProcessError, ProcessFaultError } from "../../src/core/errors.js";
import { Machine, type MachineConfig } from "../../src/sim/machine.js";
import { MemoryStore } from "../../src/stores/memory-store.js";
import type { BackingStore, Slot } from "../../src/stores/store.js";

const PS = 256;

/** A machine whose process A fills memory, one page in the only swap slot: A's next fault kills A. */
function doomed(): { m: Machine; a: number; va: number } {
  const m = new Machine({ pageSize: PS, vaBits: 16, frames: 3, tableFrames: 8, swapSlots: 1 });
  const a = m.spawn({ name: "A" });
  const va = m.mmap(a, 8 * PS);
  for (let i = 0; i < 4; i++) m.writeU8(a, va + i * PS, i + 1); // page 0 went to the slot
  return { m, a, va };
}

const killedAs =
  /^process 1 killed: out-of-swap fault at 0x[0-9a-f]+ \(no swap slot for a dirty victim; process 1 has the largest resident set \(3 pages\)\)$/;

describe("calls on a process killed for lack of swap", () => {
  it("pageIn says the process was killed and why", () => {
    const { m, a, va } = doomed();
    expect(() => m.pageIn(a, va)).toThrow(killedAs);
    expect(() => m.pageIn(a, va)).toThrow(NoSuchProcessError);
    expect(() => m.pageIn(a, va)).toThrow(
      /^process 1 was killed \(out-of-swap: no swap slot for a dirty victim; process 1 has the largest resident set \(3 pages\) at 0x[0-9a-f]+\)$/,
    );
  });

  it("pin says so too", () => {
    const { m, a, va } = doomed();
    let err: unknown;
    try {
      m.pin(a, va);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProcessFaultError);
    expect((err as ProcessFaultError).data).toMatchObject({ pid: a, kind: "out-of-swap" });
    expect(m.isAlive(a)).toBe(false);
  });

  it("memmove says so too", () => {
    const { m, a, va } = doomed();
    expect(() => m.memmove(a, va + PS, va, 16)).toThrow(killedAs);
  });
});

describe("every public option is checked", () => {
  const bad: [Partial<MachineConfig> | Record<string, unknown>, string][] = [
    [{ scope: "loc" }, `invalid scope: "loc" (expected "global" or "local")`],
    [{ scope: 3 }, `invalid scope: 3 (expected "global" or "local")`],
    [{ policy: 5 }, `invalid policy: 5 (expected a policy spec such as "lru" or "aging:bits=4")`],
    [{ tlb: "x" }, `invalid tlb: "x" (expected an object of options)`],
    [{ costs: 7 }, `invalid costs: 7 (expected an object of options)`],
    [{ kswapd: 5 }, `invalid kswapd: 5 (expected kswapd options or a spec such as "linux")`],
    [{ swap: {} }, `invalid swap: {} (expected a backing store (allocSlot, freeSlot, writePage, readPage))`],
    [
      { swapSlots: 2 ** 24 + 1 },
      "invalid swapSlots: 16777217 (expected 1 to 16777216 slots, or Infinity (a PTE holds a 24-bit slot number))",
    ],
    [
      { swapSlots: 0 },
      "invalid swapSlots: 0 (expected 1 to 16777216 slots, or Infinity (a PTE holds a 24-bit slot number))",
    ],
    [
      { frames: 2 ** 32 + 1 },
      "invalid frames: 4294967297 (expected at most 262144 frames of 4096 B (1 GiB))",
    ],
  ];
  for (const [opts, message] of bad) {
    it(`new Machine(${JSON.stringify(opts)})`, () => {
      expect(() => new Machine({ frames: 8, ...opts } as MachineConfig)).toThrow(ConfigError);
      expect(() => new Machine({ frames: 8, ...opts } as MachineConfig)).toThrow(message);
    });
  }

  it("no configuration at all", () => {
    expect(() => new Machine(undefined as unknown as MachineConfig)).toThrow(
      "invalid config: nothing (expected an object of machine options)",
    );
  });

  it("setPolicy checks its spec and scope and changes nothing when they are bad", () => {
    const m = new Machine({ frames: 8, policy: "lru" });
    expect(() => m.setPolicy("fifo", "everywhere" as never)).toThrow(
      `invalid scope: "everywhere" (expected "global" or "local")`,
    );
    expect(() => m.setPolicy(9 as never)).toThrow(ConfigError);
    expect([m.policyId, m.scope]).toEqual(["lru", "global"]);
    m.setPolicy("clock", "local");
    expect([m.policyId, m.scope]).toEqual(["clock", "local"]);
  });

  it("spawn checks its options' types", () => {
    const m = new Machine({ frames: 8 });
    expect(() => m.spawn({ name: 5 } as never)).toThrow("invalid name: 5 (expected a string)");
    expect(() => m.spawn({ trace: "yes" } as never)).toThrow(`invalid trace: "yes" (expected true or false)`);
    expect(m.pids()).toEqual([]);
  });
});

/** A store whose slot numbers start just below 2^24 (as an unbounded store's would after 16 M pages). */
class HighSlots implements BackingStore {
  readonly id = "high";
  readonly readOnly = false;
  readonly capacity = Number.POSITIVE_INFINITY;
  private readonly inner: MemoryStore;
  static readonly BASE = 2 ** 24 - 2;
  constructor(readonly pageSize: number) {
    this.inner = new MemoryStore(pageSize);
  }
  get slotsInUse(): number {
    return this.inner.slotsInUse;
  }
  allocSlot(forFault: boolean): Slot {
    const s = this.inner.allocSlot(forFault);
    return s < 0 ? s : s + HighSlots.BASE;
  }
  freeSlot(slot: Slot): void {
    this.inner.freeSlot(slot - HighSlots.BASE);
  }
  writePage(slot: Slot, src: Uint8Array, off: number): void {
    this.inner.writePage(slot - HighSlots.BASE, src, off);
  }
  readPage(slot: Slot, dst: Uint8Array, off: number): void {
    this.inner.readPage(slot - HighSlots.BASE, dst, off);
  }
}

describe("swap slots a PTE cannot hold", () => {
  it("a slot past 2^24 - 1 counts as no slot (out of swap), never a truncated PTE", () => {
    const swap = new HighSlots(PS);
    const m = new Machine({ pageSize: PS, vaBits: 16, frames: 2, tableFrames: 8, swap });
    const a = m.spawn();
    const b = m.spawn();
    const vb = m.mmap(b, PS);
    m.writeU8(b, vb, 0xbb);
    const va = m.mmap(a, 4 * PS);
    // b0 and then a0 take slots 2^24-2 and 2^24-1; a1's eviction finds only 2^24: out of swap.
    for (let i = 0; i < 3; i++) m.writeU8(a, va + i * PS, 0xa0 + i);
    expect(swap.slotsInUse).toBe(2);
    expect(() => m.writeU8(a, va + 3 * PS, 0xa3)).toThrow(/out-of-swap/);
    expect(swap.slotsInUse).toBe(1); // a's slot went with it; b's page is still in its slot
    expect(m.readU8(b, vb)).toBe(0xbb);
  });
});
