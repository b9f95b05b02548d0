// The least frames an RV32 instruction needs, computed from the ISA and enforced by the engine: a
// Machine (or a local quota) below it is refused when a program is set up on it, with a typed
// error naming the option and the figure; at exactly the minimum a program whose misaligned word
// straddles two pages runs to the right answer.

import { describe, expect, it } from "vitest";
import { layoutFor } from "../../src/core/addr.js";
import { ConfigError } from "../../src/core/errors.js";
import { Rv32FramesError, rv32MinimumFrames } from "../../src/cpu/rv32/min-frames.js";
import { Rv32Process } from "../../src/cpu/rv32/program.js";
import { Machine, type MachineConfig } from "../../src/sim/machine.js";
import { asm, li, makeElf, runElf } from "./helpers.js";

const DATA = 0x20000;

/** Writes 0x11223344 across the data page's end (bytes 0x20ffe..0x21001), reads it back, exits with its low byte + high byte. */
function straddler(): Uint8Array {
  const text = [
    ...li(5, DATA + 4094),
    ...li(6, 0x11223344),
    asm.sw(6, 5, 0),
    asm.lw(7, 5, 0),
    asm.andi(10, 7, 0xff), // 0x44
    asm.srli(8, 7, 24), // 0x11
    asm.add(10, 10, 8), // 0x55
    ...li(17, 94),
    asm.ecall(),
  ];
  return makeElf({ text, data: new Uint8Array(16), bss: 4096 });
}

function setUp(config: MachineConfig, quota?: number): () => Rv32Process {
  return () => new Rv32Process(new Machine(config), straddler(), "straddler", quota ? { quota } : {});
}

describe("the minimum frames of an RV32 instruction", () => {
  it("is computed from the ISA: its page, a misaligned word's two, and the tables on their walks", () => {
    const sv32 = rv32MinimumFrames(layoutFor(4096, 32));
    expect(sv32).toMatchObject({ pages: 3, tables: 4, frames: 7 });
    expect(sv32.why).toMatch(
      /1 page\(s\) for the instruction, 0 for the pointer\(s\) followed and 2 for the data/,
    );
    // Three levels (sv39's shape): the root, then up to 3 tables at each of the 2 levels below.
    expect(rv32MinimumFrames(layoutFor(4096, 39))).toMatchObject({ pages: 3, tables: 7, frames: 10 });
  });

  it("a Machine with fewer page frames is refused when the program is set up (typed, naming frames)", () => {
    const err = (() => {
      try {
        setUp({ frames: 2, shape: "sv32", policy: "fifo", tableFrames: 8 })();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(Rv32FramesError);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Rv32FramesError).code).toBe("CONFIG_INVALID");
    expect((err as Rv32FramesError).message).toMatch(/invalid frames: 2 \(expected at least 3 page frames/);
    expect((err as Rv32FramesError).minimum.pages).toBe(3);
  });

  it("page tables share the frames when no reserve is set: fewer than 7 in all is refused", () => {
    expect(setUp({ frames: 6, shape: "sv32", policy: "fifo" })).toThrow(
      /invalid frames: 6 \(expected at least 7 frames in all/,
    );
    expect(setUp({ frames: 3, shape: "sv32", policy: "fifo", tableFrames: 3 })).toThrow(Rv32FramesError);
  });

  it("a local-replacement quota below 3 is refused", () => {
    expect(setUp({ frames: 16, shape: "sv32", policy: "fifo", tableFrames: 8, scope: "local" }, 2)).toThrow(
      /invalid quota: 2 \(expected at least 3 page frames/,
    );
  });

  it.each([
    ["3 page frames and 4 table frames", { frames: 3, tableFrames: 4 }],
    ["7 frames shared by pages and tables", { frames: 7, tableFrames: 0 }],
  ])("at exactly the minimum (%s) the straddling word is stored and read back whole", (_, f) => {
    for (const policy of ["fifo", "lru", "clock"]) {
      const ran = runElf(straddler(), { ...f, shape: "sv32", policy });
      expect(ran.status).toBe(0x55);
      expect(ran.process.cpu.x[7]).toBe(0x11223344);
      ran.machine.close();
    }
  });
});
