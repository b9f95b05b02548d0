// `run --mode full`'s machine options (issue 17 item 17): each one reaches the engine, which the
// result shows by differing as it must: a smaller or flushed TLB misses more, local scope keeps
// each process in its quota, a deeper shape takes more page-table frames, --switch-at equals
// Machine.setPolicy called at that point, the costs add exactly their time, --swap-file's file is
// written and read back (and never one the user had). Bad values exit 2 naming the option.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ACC_READ,
  ACC_WRITE,
  generateBatches,
  isWrite,
  layoutFor,
  Machine,
  parseGenerator,
  vaBitsForTrace,
} from "../src/index.js";
import { parseDisk, parseScope, parseSwitchAt, parseTime, parseTlb } from "./commands/run-machine.js";
import { openSwapFile } from "./swap-file.js";
import { runCli } from "./test-helpers.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-machine-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document
async function json(argv: string[]): Promise<any> {
  const r = await runCli([...argv, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Two processes: A loops over 12 pages, B over 4; interleaved by the mix generator. */
const TWO = ["--gen", "loop:pages=12,n=1200 + loop:pages=4,n=400", "--frames", "12", "--mode", "full"];
/** One process writing 64 pages in a loop through 32 frames: every later fault reads swap. */
const LOOP = ["--gen", "loop:pages=64,n=2000,writes=1", "--frames", "32", "--mode", "full"];

describe("--tlb ENTRIES[,WAYS][,tagged|flush]", () => {
  it("parses the forms, old and new", () => {
    expect(parseTlb("64,4")).toEqual({ entries: 64, ways: 4 });
    expect(parseTlb("64/4")).toEqual({ entries: 64, ways: 4 });
    expect(parseTlb("16,4,flush")).toEqual({ entries: 16, ways: 4, mode: "flush" });
    expect(parseTlb("32,Tagged")).toEqual({ entries: 32, ways: 32, mode: "tagged" });
    expect(() => parseTlb("64,4,sometimes")).toThrow(/--tlb: expected ENTRIES\[,WAYS\]/);
  });

  it("a smaller TLB misses more; a flushed one misses more than a tagged one on two processes", async () => {
    // 16 frames: both processes' 16 pages stay resident, so a tagged TLB misses only on first touches.
    const FIT = [...TWO.slice(0, 2), "--frames", "16", "--mode", "full"];
    const big = await json(["run", ...FIT, "--tlb", "64,4"]);
    const small = await json(["run", ...FIT, "--tlb", "4,2"]);
    expect(small.faults).toBe(big.faults);
    expect(small.tlb.misses).toBeGreaterThan(big.tlb.misses);
    expect(big.mechanisms.machine.tlb).toEqual({ entries: 64, ways: 4, mode: "tagged", flushes: 0 });
    const flush = await json(["run", ...FIT, "--tlb", "64,4,flush"]);
    expect(flush.faults).toBe(big.faults);
    expect(flush.mechanisms.machine.tlb.mode).toBe("flush");
    expect(flush.mechanisms.machine.tlb.flushes).toBeGreaterThan(0);
    expect(flush.tlb.misses).toBeGreaterThan(big.tlb.misses);
    const text = await runCli(["run", ...TWO, "--tlb", "64,4,flush"]);
    expect(text.stdout).toMatch(/TLB\s*│\s*64 entries, 4-way, flush \(\d+ flushes\)/);
  });
});

describe("--scope global|local[:proportional]", () => {
  it("local keeps each process in its quota: A faults as alone in 6 frames, B only its 4 first touches", async () => {
    const global = await json(["run", ...TWO, "--scope", "global"]);
    const local = await json(["run", ...TWO, "--scope", "local"]);
    const aloneIn6 = await json(["run", "--gen", "loop:pages=12,n=1200", "--frames", "6"]);
    expect(local.mechanisms.machine.scope).toEqual({
      scope: "local",
      allocation: "equal",
      quotas: [
        { pid: 1, frames: 6 },
        { pid: 2, frames: 6 },
      ],
    });
    expect(local.faults).toBe(aloneIn6.faults + 4);
    expect(global.faults).not.toBe(local.faults);
    expect(global.mechanisms.machine.scope).toEqual({ scope: "global" });
    // Without --scope the run is global: the same counts.
    const plain = await json(["run", ...TWO]);
    expect(plain.faults).toBe(global.faults);
    const prop = await json(["run", ...TWO, "--scope", "local:proportional"]);
    expect(prop.mechanisms.machine.scope.quotas.map((q: { frames: number }) => q.frames)).toEqual([9, 3]);
    const text = await runCli(["run", ...TWO, "--scope", "local"]);
    expect(text.stdout).toMatch(/replacement scope\s*│\s*local, equal quotas of 6 \+ 6 frames \(pids 1, 2\)/);
  });

  it("refuses other scopes", () => {
    expect(parseScope("LOCAL")).toEqual({ scope: "local", allocation: "equal" });
    expect(() => parseScope("regional")).toThrow(/--scope "regional": expected global, local/);
  });
});

describe("--shape", () => {
  it("x86-64 takes more page-table frames and longer walks than sv32, with the same faults", async () => {
    const args = [
      "run",
      "--gen",
      "zipf:pages=300,alpha=0.8,n=3000,seed=2",
      "--frames",
      "64",
      "--mode",
      "full",
    ];
    const sv32 = await json([...args, "--shape", "sv32", "--tlb", "0"]);
    const x64 = await json([...args, "--shape", "x86-64", "--tlb", "0"]);
    expect(x64.faults).toBe(sv32.faults);
    expect(x64.mechanisms.machine.shape).toEqual({
      name: "x86-64",
      levelBits: [9, 9, 9, 9],
      offsetBits: 12,
      vaBits: 48,
    });
    expect(sv32.pageTableFrames).toBe(2);
    expect(x64.pageTableFrames).toBe(4);
    // Every access walks (no TLB): 2 more levels cost 2 × 200 ns more per walk.
    const walks = x64.tlb.misses;
    expect(x64.eat.measuredNs - sv32.eat.measuredNs).toBeCloseTo((walks * 400) / x64.references, 6);
  });

  it("a custom split sets the page size; a page outside its space or a conflicting --page-size is refused", async () => {
    const r = await json([
      "run",
      "--refs",
      "0,1,2,300,0",
      "--frames",
      "4",
      "--mode",
      "full",
      "--shape",
      "6/6/8",
    ]);
    expect(r.pageSize).toBe(256);
    expect(r.mechanisms.machine.shape.vaBits).toBe(20);
    const far = await runCli([
      "run",
      "--refs",
      "0,5000",
      "--frames",
      "2",
      "--mode",
      "full",
      "--shape",
      "6/6/8",
    ]);
    expect(far.code).toBe(1);
    expect(far.stderr).toContain("shape 6/6/8 maps a 20-bit space");
    const both = await runCli([
      "run",
      "--refs",
      "0,1",
      "--frames",
      "2",
      "--mode",
      "full",
      "--shape",
      "sv39",
      "--page-size",
      "1KiB",
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--shape sv39 has 4096-byte pages; --page-size says 1024");
    const bad = await runCli(["run", "--refs", "0,1", "--frames", "2", "--mode", "full", "--shape", "8/8/8"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shape "8/8/8"');
  });
});

describe("--switch-at REF:POLICY", () => {
  const GEN = "zipf:pages=200,alpha=0.8,n=5000,seed=4";
  const ARGS = ["run", "--gen", GEN, "--policy", "fifo", "--frames", "40", "--mode", "full"];

  it("equals Machine.setPolicy called after REF references", async () => {
    const cli = await json([...ARGS, "--switch-at", "2500:lru", "--switch-at", "4000:clock"]);
    // The same run through the API: one trace process, page tables in frames of their own.
    const pages: number[] = [];
    const writes: boolean[] = [];
    // Each batch is the generator's one buffer, refilled: read it before asking for the next.
    for (const b of generateBatches(parseGenerator(GEN)))
      for (let i = 0; i < b.count; i++) {
        pages.push(b.pages[i]!);
        writes.push(isWrite(b.kinds[i]!));
      }
    const vaBits = vaBitsForTrace(Math.max(...pages), 4096);
    const layout = layoutFor(4096, vaBits);
    const m = new Machine({
      frames: 40,
      tableFrames: Machine.tableFramesFor(layout, [...new Set(pages)]),
      pageSize: 4096,
      vaBits,
      policy: "fifo",
    });
    const pid = m.spawn({ trace: true });
    pages.forEach((page, i) => {
      if (i === 2500) m.setPolicy("lru");
      if (i === 4000) m.setPolicy("clock");
      m.access(pid, page * 4096, writes[i] ? ACC_WRITE : ACC_READ);
    });
    const s = m.stats();
    expect(cli.faults).toBe(s.faults.total);
    expect(cli.evictions).toEqual({ clean: s.evictions.clean, dirty: s.evictions.dirty });
    expect(cli.writebacks).toBe(s.writebacks);
    expect(cli.tlb.misses).toBe(s.tlb.misses);
    expect(cli.mechanisms.machine.switches).toEqual([
      { at: 2500, policy: "lru", applied: true },
      { at: 4000, policy: "clock", applied: true },
    ]);
    // And it changed something: FIFO all along faults otherwise.
    const fifo = await json(ARGS);
    expect(fifo.faults).not.toBe(cli.faults);
  });

  it("shows the switches in the table, warns of one never reached, refuses a bad one", async () => {
    const text = await runCli([...ARGS, "--switch-at", "2500:lru", "--switch-at", "9000:opt"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /policy switches \(after references\)\s*│\s*2,500: lru; 9,000: opt \(not reached\)/,
    );
    expect(text.stderr).toContain("--switch-at 9000:opt was not reached: the run had 5000 references");
    expect(parseSwitchAt("10:aging:bits=4", [{ at: 20, policy: "lru" }])).toEqual([
      { at: 10, policy: "aging:bits=4" },
      { at: 20, policy: "lru" },
    ]);
    for (const bad of ["lru", "0:lru", "x:lru", "5:"]) {
      const r = await runCli([...ARGS, "--switch-at", bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(`--switch-at "${bad}"`);
    }
    const twice = await runCli([...ARGS, "--switch-at", "5:lru", "--switch-at", "5:fifo"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("two switches at reference 5");
    const unknown = await runCli([...ARGS, "--switch-at", "5:nosuch"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("nosuch");
  });
});

describe("costs: --fault-cost, --switch-cost, --disk", () => {
  it("each adds exactly its time to the measured EAT, and the formula uses the fault's service time", async () => {
    const base = await json(["run", ...TWO]);
    const perRef = (ns: number) => ns / base.references;
    const fault = await json(["run", ...TWO, "--fault-cost", "20us"]);
    expect(fault.faults).toBe(base.faults);
    expect(fault.eat.measuredNs - base.eat.measuredNs).toBeCloseTo(perRef(20_000 * base.faults), 6);
    const sw = await json(["run", ...TWO, "--switch-cost", "5us"]);
    const k = sw.faultCauses;
    const diskReads = k.fromSwap + k.fromImage + k.fromObject;
    const switches = sw.mechanisms.machine.costs.contextSwitches;
    expect(switches).toBeGreaterThan(0);
    expect(sw.eat.measuredNs - base.eat.measuredNs).toBeCloseTo(perRef(5_000 * (switches + diskReads)), 6);
    // The documents' disk: 3 ms + 5 ms + 40 µs a page, 40 µs more than the default 8 ms per read and write.
    const loop = await json(["run", ...LOOP]);
    const hdd = await json(["run", ...LOOP, "--disk", "hdd"]);
    const io = hdd.faultCauses.fromSwap + hdd.writebacks;
    expect(io).toBeGreaterThan(0);
    expect(hdd.eat.measuredNs - loop.eat.measuredNs).toBeCloseTo((40_000 * io) / loop.references, 3);
    expect(hdd.mechanisms.machine.costs).toMatchObject({ diskReadNs: 8_040_000, diskTransferNs: 40_000 });
    const all = await json(["run", ...LOOP, "--disk", "hdd", "--fault-cost", "20us", "--switch-cost", "5us"]);
    const service = 20_000 + 8_040_000 + 5_000;
    expect(all.mechanisms.machine.costs.faultServiceNs).toBe(service);
    expect(all.eat.formulaNs).toBeCloseTo((1 - all.missRatio) * 200 + all.missRatio * service, 6);
    const text = await runCli(["run", ...LOOP, "--disk", "latency=1ms,seek=2ms"]);
    expect(text.stdout).toMatch(
      /disk \(custom\)\s*│\s*1 ms latency \+ 2 ms seek \+ 40 µs transfer = 3\.04 ms a page/,
    );
  });

  it("parses times with units and refuses a bare number or a bad disk", async () => {
    expect(parseTime("--fault-cost", "20us")).toBe(20_000);
    expect(parseTime("--fault-cost", "1.5ms")).toBe(1_500_000);
    expect(parseTime("--fault-cost", "0")).toBe(0);
    expect(parseDisk("ssd")).toMatchObject({ latencyNs: 80_000, seekNs: 0, transferNs: 20_000 });
    expect(parseDisk("seek=0")).toMatchObject({ latencyNs: 3_000_000, seekNs: 0, transferNs: 40_000 });
    for (const [flag, bad, says] of [
      ["--fault-cost", "20", "expected a time with its unit"],
      ["--switch-cost", "5 minutes", "expected a time with its unit"],
      ["--switch-cost", "11s", "at most 10 s"],
      ["--disk", "floppy", "expected hdd, ssd or latency=TIME"],
      ["--disk", "seek=5", "expected a time with its unit"],
      ["--disk", "seek=1ms,seek=2ms", "each key once"],
    ] as const) {
      const r = await runCli(["run", ...LOOP, flag, bad]);
      expect(r.code, `${flag} ${bad}`).toBe(2);
      expect(r.stderr).toContain(says);
    }
  });
});

describe("--swap-file", () => {
  it("swaps to a new file, which is written and read back (checksummed), then removed", async () => {
    const file = path.join(dir, "swap.bin");
    const mem = await json(["run", ...LOOP]);
    const r = await json(["run", ...LOOP, "--swap-file", file]);
    expect(r.faults).toBe(mem.faults);
    expect(r.evictions).toEqual(mem.evictions);
    const f = r.mechanisms.swapFile;
    expect(f.path).toBe(file);
    expect(f.temporary).toBe(false);
    // Every dirty eviction wrote a page to the file; every fault from swap read one back, its checksum checked.
    expect(f.pagesWritten).toBe(r.writebacks);
    expect(f.pagesRead).toBe(r.faultCauses.fromSwap);
    expect(f.pagesRead).toBeGreaterThan(0);
    expect(f.bytes).toBeGreaterThanOrEqual(4096);
    expect(f.bytes % 4096).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it("in a directory makes a temporary file there; an existing file is refused and left as it was", async () => {
    const sub = fs.mkdtempSync(path.join(dir, "d-"));
    const r = await json(["run", ...LOOP, "--swap-file", sub]);
    expect(r.mechanisms.swapFile.temporary).toBe(true);
    expect(path.dirname(r.mechanisms.swapFile.path)).toBe(sub);
    expect(r.mechanisms.swapFile.pagesRead).toBeGreaterThan(0);
    expect(fs.readdirSync(sub)).toEqual([]);
    const mine = path.join(dir, "precious.txt");
    fs.writeFileSync(mine, "my data\n");
    const refused = await runCli(["run", ...LOOP, "--swap-file", mine]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("exists, and pagewise never overwrites a file it did not make");
    expect(fs.readFileSync(mine, "utf8")).toBe("my data\n");
    const missing = await runCli(["run", ...LOOP, "--swap-file", path.join(dir, "no", "such", "swap")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot open .*no such file or directory \(ENOENT\)/);
  });

  it("bounded by --swap-slots: the same kills as the in-memory swap", async () => {
    const args = ["run", "--gen", "seq:n=30,writes=1 + loop:pages=20,n=200,writes=0", "--frames", "40"];
    const mem = await runCli([...args, "--mode", "full", "--swap-slots", "5", "--json"]);
    const file = await runCli([
      ...args,
      "--mode",
      "full",
      "--swap-slots",
      "5",
      "--swap-file",
      path.join(dir, "small.swap"),
      "--json",
    ]);
    expect(file.code).toBe(0);
    const a = JSON.parse(mem.stdout);
    const b = JSON.parse(file.stdout);
    expect(b.mechanisms.swap).toEqual(a.mechanisms.swap);
    expect(b.faults).toBe(a.faults);
  });

  it("exec --swap-file refuses an existing file too, and runs on a new one", async () => {
    const hello = path.resolve("examples/rv32/bin/hello.elf");
    const mine = path.join(dir, "exec-precious.txt");
    fs.writeFileSync(mine, "keep me\n");
    const refused = await runCli(["exec", "--swap-file", mine, hello]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("exists, and pagewise never overwrites a file it did not make");
    expect(fs.readFileSync(mine, "utf8")).toBe("keep me\n");
    const fresh = path.join(dir, "exec.swap");
    const ok = await runCli(["exec", "--swap-file", fresh, "--frames", "16", hello]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it("the bytes of evicted pages survive the trip through the file", () => {
    const swap = openSwapFile("bytes.swap", dir, 4096, 64);
    const m = new Machine({
      frames: 4,
      tableFrames: 2,
      pageSize: 4096,
      vaBits: 20,
      swap: swap.store,
      policy: "lru",
    });
    try {
      const pid = m.spawn({ trace: true });
      // 16 pages through 4 frames: each written with its own pattern, evicted, read back.
      const page = (k: number) => Uint8Array.from({ length: 4096 }, (_, i) => (k * 31 + i * 7) & 0xff);
      for (let k = 0; k < 16; k++) m.write(pid, k * 4096, page(k));
      for (let k = 0; k < 16; k++) {
        const back = new Uint8Array(4096);
        m.read(pid, k * 4096, back);
        expect(back).toEqual(page(k));
      }
      expect(swap.store.writes).toBeGreaterThanOrEqual(12);
      expect(swap.store.reads).toBeGreaterThanOrEqual(12);
    } finally {
      const f = swap.finish();
      expect(f.pagesRead).toBeGreaterThanOrEqual(12);
      expect(fs.existsSync(f.path)).toBe(false);
    }
  });
});

describe("full mode only", () => {
  it("each machine option is a usage error in replay mode and with --steps", async () => {
    for (const [flag, v] of [
      ["--scope", "local"],
      ["--shape", "sv39"],
      ["--swap-file", path.join(dir, "never")],
      ["--switch-at", "2:lru"],
      ["--fault-cost", "1us"],
      ["--switch-cost", "1us"],
      ["--disk", "ssd"],
    ] as const) {
      const r = await runCli(["run", "--refs", "1,2,3", "--frames", "2", flag, v]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toContain(`${flag} is for --mode full`);
      const steps = await runCli([
        "run",
        "--refs",
        "1,2,3",
        "--frames",
        "2",
        "--mode",
        "full",
        "--steps",
        flag,
        v,
      ]);
      expect(steps.code, flag).toBe(2);
      expect(steps.stderr).toContain(`--steps does not take ${flag}`);
    }
    expect(fs.existsSync(path.join(dir, "never"))).toBe(false);
  });
});
