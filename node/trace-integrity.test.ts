// Damaged and unusual trace files: truncated or corrupt gzip, zstd and pwt say which file and
// where; a flipped bit anywhere in a bundled pwt or zstd file gives the same references or a typed
// error, never a different trace; a UTF-8 byte order mark is accepted by every text format; error
// messages never carry a file's raw bytes.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runCli } from "../cli/test-helpers.js";
import { PagewiseError } from "../src/core/errors.js";
import { BomStripper, printable } from "../src/workloads/trace-bytes.js";
import { openTrace } from "./trace-file.js";
import { DecompressError, Xxh64 } from "./zstd.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-integrity-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const savedEnv = process.env.PAGEWISE_ZSTD;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.PAGEWISE_ZSTD;
  else process.env.PAGEWISE_ZSTD = savedEnv;
});
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const haveZstd = inCi || spawnSync("zstd", ["--version"]).status === 0;

const FIX = "test/fixtures/integrity";
const at = (name: string) => path.join(dir, name);

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

describe("truncated and corrupt compressed files name the file and the offset", () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    [
      "truncated gzip pwt",
      () => fs.readFileSync("test/fixtures/traces/sort500.pwt").subarray(0, 30000),
      /truncated gzip stream: the file ends at byte 30000/,
    ],
    [
      "truncated gzip text",
      () =>
        zlib
          .gzipSync(Buffer.from(Array.from({ length: 50000 }, (_, i) => `${i}\n`).join("")))
          .subarray(0, 9000),
      /truncated gzip stream: the file ends at byte 9000/,
    ],
    [
      "gzip with a wrong CRC-32",
      () => {
        const g = Buffer.from(zlib.gzipSync(Buffer.from("1\n2\n3\n".repeat(1000))));
        g[g.length - 6]! ^= 1;
        return g;
      },
      /damaged gzip stream: its CRC-32 does not match .*byte \d+ of the file/,
    ],
    [
      "truncated zstd (a bundled fixture cut short)",
      () => fs.readFileSync(`${FIX}/small.pages.zst`).subarray(0, 300),
      /truncated zstd stream: the file ends at byte 300 inside the frame that starts at byte 0/,
    ],
  ];
  for (const [name, make, message] of cases) {
    for (const decoder of ["default", "js"] as const) {
      it(`${name} (${decoder} zstd decoder)`, async () => {
        if (decoder === "js") process.env.PAGEWISE_ZSTD = "js";
        const file = at(`${name.replace(/\W+/g, "-")}.bin`);
        fs.writeFileSync(file, make());
        const r = await runCli(["run", "--trace", file, "--frames", "4"]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(file);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/unexpected failure/);
      });
    }
  }

  it.runIf(haveZstd)(
    "a larger truncated zstd file, through the binary and the built-in decoder",
    async () => {
      const text = Array.from({ length: 400_000 }, (_, i) => `${(i * 7919) % 100_003}\n`).join("");
      const z = spawnSync("zstd", ["-q", "-1", "-c"], { input: text, maxBuffer: 1 << 28 }).stdout;
      expect(z.length).toBeGreaterThan(600_000); // more than openTrace's first read
      const file = at("big-cut.zst");
      fs.writeFileSync(file, z.subarray(0, z.length - 1000));
      for (const env of [undefined, "js"]) {
        if (env) process.env.PAGEWISE_ZSTD = env;
        const r = await runCli(["info", file]);
        expect(r.code, `PAGEWISE_ZSTD=${env}`).toBe(1);
        expect(r.stderr).toMatch(
          new RegExp(`${file}: truncated zstd stream: the file ends at byte ${z.length - 1000}`),
        );
      }
    },
  );
});

describe("pwt integrity: a container's checksum is verified", () => {
  it("reads an uncompressed pwt stream as its gzip original; refuses a zstd frame without a checksum", async () => {
    const raw = zlib.gunzipSync(fs.readFileSync(`${FIX}/small.pwt`));
    fs.writeFileSync(at("raw.pwt"), raw);
    expect(await readSummary(at("raw.pwt"))).toEqual(await readSummary(`${FIX}/small.pwt`));
    // The bundled zstd pwt with its checksum flag cleared (and the checksum dropped).
    const z = Buffer.from(fs.readFileSync(`${FIX}/small.pwt.zst`));
    z[4]! &= ~4;
    fs.writeFileSync(at("nocheck.pwt.zst"), z.subarray(0, z.length - 4));
    await expect(openTrace(at("nocheck.pwt.zst"))).rejects.toThrow(/without a content checksum/);
  });

  // Every bit of each bundled file flipped in turn: the same references, or a typed error.
  const files = ["small.pwt", "small.pwt.zst", "small.pages.zst"];
  for (const name of files) {
    it(`every single-bit flip of ${name} (built-in decoders) reads the same or fails typed`, async () => {
      process.env.PAGEWISE_ZSTD = "js";
      const orig = fs.readFileSync(`${FIX}/${name}`);
      const good = await readSummary(`${FIX}/${name}`);
      expect("refs" in good && good.refs).toBe(5000);
      const file = at(`flip-${name}`);
      let same = 0;
      let refused = 0;
      for (let bit = 0; bit < orig.length * 8; bit++) {
        const b = Buffer.from(orig);
        b[bit >> 3]! ^= 1 << (bit & 7);
        fs.writeFileSync(file, b);
        const r = await readSummary(file);
        if ("error" in r) {
          if (!(r.error instanceof PagewiseError)) throw new Error(`bit ${bit}: untyped error ${r.error}`);
          refused++;
        } else {
          expect(r, `bit ${bit} of ${name} read as a different trace`).toEqual(good);
          same++;
        }
      }
      expect(refused).toBeGreaterThan(orig.length * 4);
      expect(same + refused).toBe(orig.length * 8);
    }, 300_000);
  }

  it.runIf(haveZstd)(
    "a seeded sample of bit flips through the zstd binary reads the same or fails typed",
    async () => {
      for (const name of ["small.pwt.zst", "small.pages.zst"]) {
        const orig = fs.readFileSync(`${FIX}/${name}`);
        const good = await readSummary(`${FIX}/${name}`);
        const file = at(`bin-flip-${name}`);
        let x = 12345;
        for (let k = 0; k < 150; k++) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const bit = x % (orig.length * 8);
          const b = Buffer.from(orig);
          b[bit >> 3]! ^= 1 << (bit & 7);
          fs.writeFileSync(file, b);
          const r = await readSummary(file);
          if ("error" in r) expect(r.error, `bit ${bit}`).toBeInstanceOf(PagewiseError);
          else expect(r, `bit ${bit} of ${name} read as a different trace`).toEqual(good);
        }
      }
    },
  );

  it("the built-in zstd decoder checks content checksums (a damaged block is refused, not decoded)", async () => {
    process.env.PAGEWISE_ZSTD = "js";
    const orig = fs.readFileSync(`${FIX}/small.pages.zst`);
    // A raw or compressed block's byte in the middle: fzstd alone decodes some of these to other text.
    let caught = 0;
    for (let i = 20; i < orig.length - 8; i++) {
      const b = Buffer.from(orig);
      b[i]! ^= 0x10;
      fs.writeFileSync(at("mid.zst"), b);
      const r = await readSummary(at("mid.zst"));
      if ("error" in r && r.error instanceof DecompressError && /checksum/.test(String(r.error))) caught++;
    }
    expect(caught).toBeGreaterThan(0);
  });

  it("XXH64 in 32-bit halves equals a plain BigInt XXH64 on every length 0..300 and a long input", () => {
    const M = (1n << 64n) - 1n;
    const [P1, P2, P3, P4, P5] = [
      0x9e3779b185ebca87n,
      0xc2b2ae3d27d4eb4fn,
      0x165667b19e3779f9n,
      0x85ebca77c2b2ae63n,
      0x27d4eb2f165667c5n,
    ];
    const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
    const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & M, 31n) * P1) & M;
    const reference = (buf: Uint8Array): bigint => {
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      let p = 0;
      let h: bigint;
      if (buf.length >= 32) {
        const v = [(P1 + P2) & M, P2, 0n, (M + 1n - P1) & M];
        for (; p + 32 <= buf.length; p += 32)
          for (let k = 0; k < 4; k++) v[k] = round(v[k]!, dv.getBigUint64(p + 8 * k, true));
        h = (rotl(v[0]!, 1n) + rotl(v[1]!, 7n) + rotl(v[2]!, 12n) + rotl(v[3]!, 18n)) & M;
        for (const x of v) h = ((h ^ round(0n, x)) * P1 + P4) & M;
      } else h = P5;
      h = (h + BigInt(buf.length)) & M;
      for (; p + 8 <= buf.length; p += 8)
        h = (rotl(h ^ round(0n, dv.getBigUint64(p, true)), 27n) * P1 + P4) & M;
      if (p + 4 <= buf.length) {
        h = (rotl(h ^ ((BigInt(dv.getUint32(p, true)) * P1) & M), 23n) * P2 + P3) & M;
        p += 4;
      }
      for (; p < buf.length; p++) h = (rotl(h ^ ((BigInt(buf[p]!) * P5) & M), 11n) * P1) & M;
      h ^= h >> 33n;
      h = (h * P2) & M;
      h ^= h >> 29n;
      h = (h * P3) & M;
      return h ^ (h >> 32n);
    };
    let x = 7;
    const data = Uint8Array.from({ length: 5000 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x >>> 24;
    });
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 4999]) {
      const h = new Xxh64();
      h.update(data.subarray(0, n));
      expect(h.digest(), `length ${n}`).toBe(reference(data.subarray(0, n)));
    }
  });

  it("XXH64 matches the reference values", () => {
    const h = new Xxh64();
    expect(h.digest().toString(16)).toBe("ef46db3751d8e999");
    h.update(new TextEncoder().encode("abc"));
    expect(h.digest().toString(16)).toBe("44bc2cf5ad770999");
    // Split updates give the same hash as one.
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131) & 255);
    const one = new Xxh64();
    one.update(data);
    const parts = new Xxh64();
    for (let i = 0; i < data.length; i += 7) parts.update(data.subarray(i, i + 7));
    expect(parts.digest()).toBe(one.digest());
  });
});

describe("a UTF-8 byte order mark is accepted by every text format", () => {
  const BOM = "\ufeff";
  const samples: [string, string, number][] = [
    ["text", "1\n2 W\n3\n", 3],
    ["lackey", "I  04000000,4\n L 1ffefff8a8,8\n", 2],
    ["csv", "page,kind\n1,R\n2,W\n", 2],
    ["libcachesim-csv", "obj_id,obj_size\n1,4\n2,4\n", 2],
    ["pages", "I 401a\nL 1fff000\n", 2],
  ];
  for (const [format, body, refs] of samples) {
    it(`${format}: detected and read, plain and gzip`, async () => {
      for (const gz of [false, true]) {
        const bytes = Buffer.from(BOM + body, "utf8");
        const file = at(`bom-${format}${gz ? ".gz" : ""}`);
        fs.writeFileSync(file, gz ? zlib.gzipSync(bytes) : bytes);
        const r = await runCli(["info", file, "--json"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout).references).toBe(refs);
        expect(JSON.parse(r.stdout).source).toContain(`(${format})`);
      }
    });
  }

  it("BomStripper handles a mark split across chunks, and a near-mark that is data", () => {
    const s = new BomStripper();
    expect([...s.strip(Uint8Array.of(0xef))]).toEqual([]);
    expect([...s.strip(Uint8Array.of(0xbb))]).toEqual([]);
    expect([...s.strip(Uint8Array.of(0xbf, 0x31))]).toEqual([0x31]);
    expect([...s.strip(Uint8Array.of(0xef, 0xbb, 0xbf))]).toEqual([0xef, 0xbb, 0xbf]); // only at the start
    const t = new BomStripper();
    expect([...t.strip(Uint8Array.of(0xef, 0xbb))]).toEqual([]);
    expect([...t.strip(Uint8Array.of(0x31))]).toEqual([0xef, 0xbb, 0x31]);
    const u = new BomStripper();
    expect([...u.strip(Uint8Array.of(0xef))]).toEqual([]);
    expect([...u.flush()]).toEqual([0xef]);
  });
});

describe("error messages never echo raw bytes", () => {
  it("escapes control and binary bytes from a file", async () => {
    fs.writeFileSync(
      at("ctl.csv"),
      Buffer.from([0x70, 0x61, 0x1b, 0x5b, 0x32, 0x4a, 0x2c, 0xff, 0x0a, 0x31, 0x0a]),
    );
    fs.writeFileSync(at("ctl.pages"), Buffer.from([0x1b, 0x20, 0x31, 0x0a]));
    for (const args of [
      ["info", at("ctl.csv"), "--format", "csv"],
      ["info", at("ctl.pages"), "--format", "pages"],
      ["info", at("ctl.pages"), "--format", "lackey"],
      ["info", at("ctl.pages"), "--format", "text"],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(1);
      const line = r.stderr.replace(/\n$/, "");
      expect(
        [...line].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f),
        line,
      ).toBe(true);
    }
    expect(printable("a\x1b[2Jb\xff")).toBe("a\\x1b[2Jb\\xff");
  });
});

describe("--skip-bad", () => {
  it("fails when every line is malformed, instead of running on no references", async () => {
    fs.writeFileSync(at("allbad.txt"), "1 2 3\nx y\n@@\n");
    for (const args of [
      ["run", "--trace", at("allbad.txt"), "--format", "text", "--skip-bad", "--frames", "2"],
      ["info", at("allbad.txt"), "--format", "text", "--skip-bad"],
      ["convert", at("allbad.txt"), "--format", "text", "--skip-bad", "--out", at("allbad.pwt")],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(/allbad\.txt:1:\d+: every line is malformed \(3 skipped with --skip-bad/);
    }
    expect(fs.existsSync(at("allbad.pwt"))).toBe(false);
    fs.writeFileSync(at("somebad.txt"), "1\nx y\n2\n");
    const ok = await runCli(["info", at("somebad.txt"), "--format", "text", "--skip-bad", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).references).toBe(2);
  });
});
