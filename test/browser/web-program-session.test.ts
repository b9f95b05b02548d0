// The web app's program mode (web/src/program-session.ts) against the engine, in Node: an RV32
// example runs to the same end as Rv32Process.run on the same Machine (status, output,
// instructions, faults by access), its faults by kind add up to the Machine's own counters;
// stepping back and jumping reach exactly the state a forwards run reaches, however the
// instructions are grouped; a fatal fault (segv) is logged with its kind; a bad ELF is named.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Rv32Process } from "../../src/cpu/rv32/index.js";
import { Machine } from "../../src/sim/machine.js";
import { PROGRAM_TABLE_FRAMES, ProgramSession } from "../../web/src/program-session.js";

const bin = (name: string) => new Uint8Array(readFileSync(resolve("examples/rv32/bin", `${name}.elf`)));
const expected = (name: string, ext: string) =>
  readFileSync(resolve("examples/rv32/expected", `${name}.${ext}`), "utf8");
const SETUP = { frames: 16, policy: "clock", tlbEntries: 16, tlbWays: 4, tlbMode: "tagged" } as const;

/** Everything the page shows of a program's state. */
function snapshot(s: ProgramSession) {
  return {
    position: s.position,
    pc: s.cpu.pc,
    regs: Array.from(s.cpu.x),
    faults: s.faults,
    total: s.faultTotal,
    byKind: [...s.byKind],
    byAccess: s.byAccess,
    frames: s.frameTable(),
    tables: s.pageTables(),
    tlb: s.tlb(),
    swap: s.swapSlots(),
    walk: s.translation(),
    output: s.output(),
  };
}

describe("web program mode", () => {
  it("runs an example to the end as the engine does, with qemu's output, and faults by kind that add up", () => {
    const s = new ProgramSession("hello.elf", bin("hello"), ["one", "two words", "3"], SETUP);
    s.seek(Number.POSITIVE_INFINITY);
    expect(s.done).toBe(true);
    expect(s.status).toBe(`exit ${expected("hello", "status").trim()}`);
    expect(s.output().stdout).toBe(expected("hello", "stdout"));
    // The engine on its own, same machine settings.
    const m = new Machine({
      frames: 16,
      pageSize: 4096,
      vaBits: 32,
      policy: "clock",
      tableFrames: PROGRAM_TABLE_FRAMES,
      tlb: { entries: 16, ways: 4, mode: "tagged" },
    });
    const p = new Rv32Process(m, bin("hello"), "hello.elf", { argv: ["hello.elf", "one", "two words", "3"] });
    const r = p.run();
    expect(s.position).toBe(r.instructions);
    expect(s.byAccess).toEqual(r.faults);
    const st = m.stats();
    expect(s.faultTotal).toBe(st.faults.total);
    expect(s.byKind.get("zero-fill") ?? 0).toBe(st.faults.zeroFill);
    expect(s.byKind.get("text") ?? 0).toBe(st.faults.fromObject);
    expect(s.byKind.get("data") ?? 0).toBe(st.faults.fromImage);
    expect([...s.byKind.values()].reduce((a, b) => a + b, 0)).toBe(s.faultTotal);
  });

  it("steps back and jumps to exactly the state of a forwards run, however the instructions are grouped", () => {
    const s = new ProgramSession("matmul.elf", bin("matmul"), [], { ...SETUP, frames: 8 });
    s.seek(200_000);
    const at200k = snapshot(s);
    expect(at200k.swap.rows.length).toBeGreaterThan(0);
    s.seek(150_000);
    const at150k = snapshot(s);
    for (let i = 0; i < 5; i++) s.back();
    expect(s.position).toBe(149_995);
    s.seek(200_000);
    expect(snapshot(s)).toEqual(at200k);
    // Forwards only, in uneven steps.
    const f = new ProgramSession("matmul.elf", bin("matmul"), [], { ...SETUP, frames: 8 });
    let k = 1;
    while (f.position < 150_000) f.step(Math.min(k++ * 37, 150_000 - f.position));
    expect(snapshot(f)).toEqual(at150k);
    expect(s.rebuilds).toBe(6);
  });

  it("stops at the next fault and names a fatal one", () => {
    const s = new ProgramSession("segv.elf", bin("segv"), [], SETUP);
    const seen: string[] = [];
    while (!s.done) if (s.toNextFault(1_000_000)) seen.push(s.faults[s.faults.length - 1]!.kind);
    expect(seen[seen.length - 1]).toBe("segmentation");
    expect(s.faults[s.faults.length - 1]!.access).toBe("store");
    expect(s.status).toMatch(/^killed by signal 11 \(.*store of 0x10\)/);
    expect(s.output().stdout).toBe(expected("segv", "stdout"));
  });

  it("names a file that is not an RV32 ELF, and too few frames", () => {
    expect(() => new ProgramSession("notes.txt", new TextEncoder().encode("hello"), [], SETUP)).toThrow(
      /notes\.txt/,
    );
    expect(() => new ProgramSession("hello.elf", bin("hello"), [], { ...SETUP, frames: 1 })).toThrow(
      /frames/,
    );
  });
});
