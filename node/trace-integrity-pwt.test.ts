// pwt version 3 on disk (issue 18 item 4): an uncompressed pwt file verifies itself. Every bit of the
// bundled v3 fixture flipped in turn is refused with a typed error naming the file (never a
// different trace); a block with a wrong checksum is refused by the CLI naming the file, the block
// and its offset; the streaming replay replays nothing of a damaged block; versions 1 and 2 still
// read (unverified).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/test-helpers.js";
import { PagewiseError } from "../src/core/errors.js";
import { feed } from "../src/sim/run.js";
import { StreamReplay } from "../src/sim/stream-replay.js";
import { encodePwtHeader, PwtChecksumError, PwtEncoder } from "../src/workloads/binary-format.js";
import { makeBatch } from "../src/workloads/refs.js";
import { openTrace } from "./trace-file.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-integrity-v3-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);
const FIX = "test/fixtures/integrity";
const V3 = `${FIX}/small.v3.pwt`;
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const haveZstd = inCi || spawnSync("zstd", ["--version"]).status === 0;

/** What a trace file reads as: counts and a hash of every reference, or the error. */
async function readSummary(file: string): Promise<{ refs: number; hash: number } | { error: unknown }> {
  try {
    const t = await openTrace(file);
    let refs = 0;
    let hash = 0;
    for await (const b of t.batches()) {
      for (let i = 0; i < b.count; i++) {
        hash = (Math.imul(hash, 31) + b.pages[i]! * 4 + b.kinds[i]! + b.pids[i]! * 7919) | 0;
      }
      refs += b.count;
    }
    return { refs, hash };
  } catch (error) {
    return { error };
  }
}

/** Offsets of the blocks of an uncompressed version-3 stream, with each block's references. */
function blocks(raw: Uint8Array): { at: number; n: number; end: number }[] {
  const varint = (p: number): [number, number] => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = raw[p++]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return [v, p];
    }
  };
  const out: { at: number; n: number; end: number }[] = [];
  let p = 64;
  for (;;) {
    const [n, a] = varint(p);
    const [len, q] = varint(a);
    if (n === 0) return out;
    out.push({ at: p, n, end: q + len + 4 });
    p = q + len + 4;
  }
}

describe("the version-3 fixture", () => {
  it("is what the encoder writes today for the first 800 references of small.pwt (blocks of 200)", async () => {
    const t = await openTrace(`${FIX}/small.pwt`);
    const refs = makeBatch(800);
    for await (const b of t.batches()) {
      const n = Math.min(b.count, 800 - refs.count);
      refs.pages.set(b.pages.subarray(0, n), refs.count);
      refs.kinds.set(b.kinds.subarray(0, n), refs.count);
      refs.pids.set(b.pids.subarray(0, n), refs.count);
      refs.count += n;
      if (refs.count === 800) break;
    }
    const e = new PwtEncoder(4096, 3, 200);
    e.add(refs);
    const body = [...e.take(), e.finish()];
    const bytes = Buffer.concat([encodePwtHeader(4096, e.counts(), 3), ...body]);
    expect(bytes.equals(fs.readFileSync(V3))).toBe(true);
    const raw = fs.readFileSync(V3);
    expect(raw[4]).toBe(3);
    expect(blocks(raw).map((b) => b.n)).toEqual([200, 200, 200, 200]);
    // It reads as the gzip v2 original's first 800 references.
    let hash = 0;
    for (let i = 0; i < 800; i++)
      hash = (Math.imul(hash, 31) + refs.pages[i]! * 4 + refs.kinds[i]! + refs.pids[i]! * 7919) | 0;
    expect(await readSummary(V3)).toEqual({ refs: 800, hash });
  });
});

describe("pwt version 3 uncompressed: every bit is checked", () => {
  it("every single-bit flip of small.v3.pwt is refused with a typed error naming the file", async () => {
    const orig = fs.readFileSync(V3);
    const good = await readSummary(V3);
    expect("refs" in good && good.refs).toBe(800);
    const file = at("flip.v3.pwt");
    let refused = 0;
    let checksum = 0;
    for (let bit = 0; bit < orig.length * 8; bit++) {
      const b = Buffer.from(orig);
      b[bit >> 3]! ^= 1 << (bit & 7);
      fs.writeFileSync(file, b);
      const r = await readSummary(file);
      if (!("error" in r)) {
        // The brief allows "the same trace"; a different one read with no error is the failure.
        expect(r, `bit ${bit} read as a different trace`).toEqual(good);
        continue;
      }
      if (!(r.error instanceof PagewiseError)) throw new Error(`bit ${bit}: untyped error ${r.error}`);
      expect(String(r.error.message), `bit ${bit}`).toContain(file);
      if (r.error instanceof PwtChecksumError) checksum++;
      refused++;
    }
    // Every flip is caught (each lies inside one 4-byte word of a checked range, or breaks the
    // end marker's structure), most by a checksum.
    expect(refused).toBe(orig.length * 8);
    expect(checksum).toBeGreaterThan(orig.length * 8 * 0.95);
  }, 300_000);

  it("the CLI refuses a block with a wrong checksum: exit 1, one line naming the file, the block and its offset", async () => {
    const raw = Buffer.from(fs.readFileSync(V3));
    const bl = blocks(raw);
    const third = bl[2]!;
    // The stored checksum (the block's last 4 bytes) off by one.
    raw[third.end - 4]! ^= 1;
    const file = at("wrong-sum.pwt");
    fs.writeFileSync(file, raw);
    const want = `pagewise: error: ${file}:0:${third.at + 1}: damaged pwt file: the checksum of block 3 does not match its bytes`;
    for (const args of [
      ["run", "--trace", file, "--frames", "4"],
      ["run", "--trace", file, "--frames", "4", "--mode", "full"],
      ["info", file],
      ["mrc", "--trace", file],
      ["convert", file, "--out", at("out.pwt")],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stdout, args.join(" ")).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, args.join(" ")).toHaveLength(1);
      expect(lines[0]!.startsWith(want), `${args.join(" ")}: ${lines[0]}`).toBe(true);
      expect(lines[0]).toContain(`at byte ${third.at} of the uncompressed pwt stream`);
    }
    expect(fs.existsSync(at("out.pwt"))).toBe(false);
    // The same bytes in gzip: the checksum is still the pwt's (the gzip CRC is of the damaged data).
    fs.writeFileSync(at("wrong-sum.pwt.gz"), zlib.gzipSync(raw));
    const g = await runCli(["run", "--trace", at("wrong-sum.pwt.gz"), "--frames", "4"]);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain("the checksum of block 3 does not match its bytes");
  });

  it("the streaming replay replays no reference of a damaged block", async () => {
    const orig = fs.readFileSync(V3);
    const bl = blocks(orig);
    for (const k of [1, 2, 4]) {
      const raw = Buffer.from(orig);
      raw[bl[k - 1]!.at + 5]! ^= 0x20;
      for (const policy of ["lru", "clock", "fifo"]) {
        const sink = new StreamReplay({ policy, frames: 4 });
        const source = {
          kind: "pwt" as const,
          name: "r.pwt",
          *chunks() {
            for (let i = 0; i < raw.length; i += 100) yield raw.subarray(i, i + 100);
          },
        };
        await expect(feed(source, sink)).rejects.toThrow(PwtChecksumError);
        expect(sink.references, `${policy}, block ${k}`).toBe(200 * (k - 1));
      }
    }
  });

  it("a truncated v3 file is refused, never a shorter trace", async () => {
    const orig = fs.readFileSync(V3);
    const bl = blocks(orig);
    for (const cut of [bl[1]!.at, bl[2]!.end - 2, orig.length - 1]) {
      fs.writeFileSync(at("cut.pwt"), orig.subarray(0, cut));
      const r = await readSummary(at("cut.pwt"));
      expect("error" in r && r.error instanceof PagewiseError, `cut at ${cut}`).toBe(true);
    }
  });
});

describe("a v3 stream in a zstd frame without a content checksum", () => {
  it.runIf(haveZstd)(
    "is read (it checks itself), and damage inside it is refused, by both zstd decoders",
    async () => {
      const saved = process.env.PAGEWISE_ZSTD;
      try {
        const z = spawnSync("zstd", ["-q", "--no-check", "-c", V3]).stdout;
        expect(z[4]! & 4).toBe(0); // no content checksum
        const file = at("nocheck.v3.pwt.zst");
        fs.writeFileSync(file, z);
        const good = await readSummary(V3);
        for (const decoder of [undefined, "js"]) {
          if (decoder === undefined) delete process.env.PAGEWISE_ZSTD;
          else process.env.PAGEWISE_ZSTD = decoder;
          expect(await readSummary(file), `decoder ${decoder ?? "default"}`).toEqual(good);
        }
        // The same for version 2 is still refused (test "pwt integrity" in trace-integrity.test.ts).
        process.env.PAGEWISE_ZSTD = "js";
        let refused = 0;
        for (let i = 20; i < z.length - 4; i++) {
          const b = Buffer.from(z);
          b[i]! ^= 0x10;
          fs.writeFileSync(at("nocheck-flip.zst"), b);
          const r = await readSummary(at("nocheck-flip.zst"));
          if ("error" in r) {
            expect(r.error, `byte ${i}`).toBeInstanceOf(PagewiseError);
            refused++;
          } else expect(r, `byte ${i} read as a different trace`).toEqual(good);
        }
        expect(refused).toBeGreaterThan(0);
      } finally {
        if (saved === undefined) delete process.env.PAGEWISE_ZSTD;
        else process.env.PAGEWISE_ZSTD = saved;
      }
    },
  );
});

describe("versions 1 and 2 still read", () => {
  it("the bundled v2 and v1 files (gzip and uncompressed) read as before", async () => {
    const v2 = await readSummary(`${FIX}/small.pwt`);
    expect(v2).toMatchObject({ refs: 5000 });
    fs.writeFileSync(at("v2.raw.pwt"), zlib.gunzipSync(fs.readFileSync(`${FIX}/small.pwt`)));
    expect(fs.readFileSync(at("v2.raw.pwt"))[4]).toBe(2);
    expect(await readSummary(at("v2.raw.pwt"))).toEqual(v2);
    const v1 = zlib.gunzipSync(fs.readFileSync("test/fixtures/traces/sort500.pwt"));
    expect(v1[4]).toBe(1);
    fs.writeFileSync(at("v1.raw.pwt"), v1);
    const [a, b] = [
      await readSummary("test/fixtures/traces/sort500.pwt"),
      await readSummary(at("v1.raw.pwt")),
    ];
    expect(a).toEqual(b);
    expect("refs" in a && a.refs).toBeGreaterThan(1_000_000);
  });

  it("convert writes version 3 and reads back the same references", async () => {
    const out = at("conv.pwt");
    const r = await runCli(["convert", `${FIX}/small.pwt`, "--out", out]);
    expect(r.code).toBe(0);
    expect(zlib.gunzipSync(fs.readFileSync(out))[4]).toBe(3);
    expect(await readSummary(out)).toEqual(await readSummary(`${FIX}/small.pwt`));
  });
});
