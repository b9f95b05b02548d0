import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, TraceParseError } from "../src/core/errors.js";
import { generateAll, generateBatches, parseGenerator } from "../src/workloads/generators.js";
import { makeBatch, type RefBatch } from "../src/workloads/refs.js";
import { CaptureError, captureTrace, ValgrindMissingError } from "./capture.js";
import { convertTrace, encodePwtFile, PwtWriter } from "./convert.js";
import { type OpenTraceOptions, openTrace } from "./trace-file.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-trace-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const fixtures = path.join(import.meta.dirname, "../test/fixtures");

function write(name: string, data: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

async function readAll(p: string, opts: OpenTraceOptions = {}, batchSize?: number) {
  const t = await openTrace(p, opts);
  const out: [number, number, number][] = [];
  for await (const b of t.batches(batchSize)) {
    for (let i = 0; i < b.count; i++) out.push([b.pids[i]!, b.kinds[i]!, b.pages[i]!]);
  }
  return { trace: t, refs: out };
}

const LACKEY =
  "==9== Lackey\nI  04016b20,3\n L 1ffefff8a8,8\n S 1ffefffffe,4\n M 0061e0c8,4\nI  04016b24,2\n";
const SAMPLES: Record<string, string> = {
  "a.lackey": LACKEY,
  "a.txt": "1\n2 W\n3 17 R\n0x10 I\n",
  "a.csv": "pid,addr,size,op\n1,0x1ffc,8,W\n2,4096,1,read\n",
  "a.lcs.csv": "obj_id,obj_size\n5,1\n6,1\n5,1\n",
  "a.pages": "I 4016\nL 1ffefff\nS 1ffefff\nM 61e\n",
};

describe("openTrace", () => {
  it.each(Object.keys(SAMPLES))("detects and reads %s, plain, gzip and zstd", async (name) => {
    const plain = write(name, SAMPLES[name]!);
    const { trace, refs } = await readAll(plain);
    expect(refs.length).toBeGreaterThan(0);
    expect(trace.compression).toBe("none");
    const gz = write(`${name}.gz`, zlib.gzipSync(SAMPLES[name]!));
    const g = await readAll(gz);
    expect(g.trace.compression).toBe("gzip");
    expect(g.trace.format).toBe(trace.format);
    expect(g.refs).toEqual(refs);
    const zst = `${plain}.zst`;
    const z = spawnSync("zstd", ["-q", "-f", plain, "-o", zst]);
    if (z.status === 0) {
      const r = await readAll(zst);
      expect(r.trace.compression).toBe("zstd");
      expect(r.refs).toEqual(refs);
    }
  });

  it("reads a bundled trace with its header counts, in constant-size batches", async () => {
    const p = path.join(fixtures, "traces/sort500.pwt");
    const t = await openTrace(p);
    expect(t.format).toBe("pwt");
    expect(t.header?.countsKnown).toBe(true);
    let n = 0;
    let biggest = 0;
    for await (const b of t.batches(10000)) {
      n += b.count;
      biggest = Math.max(biggest, b.count);
    }
    expect(n).toBe(t.header!.references);
    expect(biggest).toBe(10000);
    expect(Array.from(t.stats.byKind)).toEqual(t.header!.byKind);
  });

  it("reports bad-input fixtures with file, line and column, or skips them", async () => {
    const cases: [string, number, number][] = [
      ["bad-comma.lackey", 3, 14],
      ["bad-kind.lackey", 3, 2],
      ["bad-field.txt", 4, 3],
      ["bad-number.csv", 3, 10],
      ["bad-header.csv", 1, 1],
    ];
    for (const [name, line, column] of cases) {
      const p = path.join(fixtures, "bad", name);
      const err = await readAll(p).then(
        () => null,
        (e) => e,
      );
      expect(err, name).toBeInstanceOf(TraceParseError);
      expect(err.data, name).toMatchObject({ source: p, line, column });
    }
    const s = await readAll(path.join(fixtures, "bad/bad-kind.lackey"), { skipBad: true });
    expect(s.refs.length).toBe(1);
    expect(s.trace.stats.skipped).toBe(1);
    expect(s.trace.stats.issues[0]).toMatchObject({ line: 3, column: 2 });
  });

  it("refuses a missing file, an unknown format and a page size below a pwt file's", async () => {
    await expect(openTrace(path.join(dir, "nope"))).rejects.toThrow(ConfigError);
    const p = write("f.txt", "1\n");
    await expect(openTrace(p, { format: "xml" })).rejects.toThrow(ConfigError);
    const pwt = write("f.pwt", encodePwtFile(generateBatches(parseGenerator("seq:n=10")), 4096));
    await expect(openTrace(pwt, { pageSize: 1024 })).rejects.toThrow(ConfigError);
    const coarse = await readAll(pwt, { pageSize: 8192 });
    expect(coarse.refs.map((r) => r[2])).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
});

describe("convert", () => {
  it.each(Object.keys(SAMPLES))("round-trips %s through pwt to the same references", async (name) => {
    const input = write(`rt-${name}`, SAMPLES[name]!);
    const out = path.join(dir, `${name}.pwt`);
    const before = await readAll(input);
    const res = await convertTrace(input, out);
    const after = await readAll(out);
    expect(after.trace.format).toBe("pwt");
    expect(after.refs).toEqual(before.refs);
    expect(res.counts.references).toBe(before.refs.length);
    expect(after.trace.header).toMatchObject({ countsKnown: true, references: before.refs.length });
  });

  it("round-trips a generated multi-process workload written batch by batch", async () => {
    const spec = "mix:procs=3,quantum=7,gen=zipf,pages=5000,n=30000";
    const all = generateAll(spec);
    const out = path.join(dir, "mix.pwt");
    const w = PwtWriter.create(out, 4096);
    for (const b of generateBatches(parseGenerator(spec), 1000)) await w.write(b);
    const counts = await w.close();
    expect(counts.pids).toBe(3);
    const { refs } = await readAll(out, {}, 777);
    expect(refs.length).toBe(all.count);
    expect(refs.map((r) => r[2])).toEqual(Array.from(all.pages));
    expect(refs.map((r) => r[0])).toEqual(Array.from(all.pids));
    expect(refs.map((r) => r[1])).toEqual(Array.from(all.kinds));
  });

  it("removes the output when the input is bad", async () => {
    const out = path.join(dir, "bad.pwt");
    await expect(convertTrace(path.join(fixtures, "bad/bad-kind.lackey"), out)).rejects.toThrow(
      TraceParseError,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it("reads a pwt file with gzip -d as one stream", () => {
    const batch: RefBatch = makeBatch(3);
    batch.pages.set([5, 6, 5]);
    batch.count = 3;
    const file = encodePwtFile([batch], 4096);
    const raw = zlib.gunzipSync(file);
    expect(String.fromCharCode(...raw.subarray(0, 4))).toBe("PWTR");
  });
});

const hasValgrind = spawnSync("valgrind", ["--version"]).status === 0;

describe("capture", () => {
  it("names apt-get install valgrind when valgrind is missing", async () => {
    const err = await captureTrace({
      command: "true",
      out: path.join(dir, "x.pwt"),
      valgrind: "/no/such/valgrind",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ValgrindMissingError);
    expect(err.message).toMatch(/apt-get install valgrind/);
  });

  it.runIf(hasValgrind)("captures a real program straight to pwt with progress", async () => {
    const out = path.join(dir, "true.pwt");
    let reports = 0;
    const r = await captureTrace({
      command: "true",
      out,
      programOutput: "ignore",
      onProgress: () => reports++,
    });
    expect(r.exitCode).toBe(0);
    expect(r.references).toBeGreaterThan(10000);
    expect(r.byKind[0]).toBeGreaterThan(0);
    expect(reports).toBeGreaterThan(0);
    const { trace, refs } = await readAll(out);
    expect(refs.length).toBe(r.references);
    expect(trace.header?.references).toBe(r.references);
    const lim = await captureTrace({ command: "true", out, programOutput: "ignore", limit: 5000 });
    expect(lim.truncated).toBe(true);
    expect(lim.references).toBe(5000);
  });

  it.runIf(hasValgrind)("fails with CaptureError when the program does not exist", async () => {
    const out = path.join(dir, "none.pwt");
    const err = await captureTrace({ command: "no-such-program-pw", out, programOutput: "ignore" }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CaptureError);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("bundled traces", () => {
  it("match their provenance counts", async () => {
    const { BUNDLED_TRACES, bundledTracePath } = await import("./bundled-traces.js");
    for (const b of BUNDLED_TRACES) {
      const t = await openTrace(bundledTracePath(b.name)!);
      expect(t.header?.references, b.name).toBe(b.references);
    }
  });
});

describe("shared reference traces", () => {
  const ref = "/work/shared/reference/traces/sort3k-1m.pages.gz";
  it.runIf(fs.existsSync(ref))(
    "reads a K PAGE reference trace: 1,000,000 references, 271 pages",
    async () => {
      const t = await openTrace(ref);
      expect(t.format).toBe("pages");
      const pages = new Set<number>();
      let n = 0;
      for await (const b of t.batches()) {
        for (let i = 0; i < b.count; i++) pages.add(b.pages[i]!);
        n += b.count;
      }
      expect(n).toBe(1_000_000);
      expect(pages.size).toBe(271);
    },
  );
});
