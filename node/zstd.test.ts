// node/zstd.ts: the frame-header window, the choice between the zstd binary and fzstd, and
// both paths' output.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { decompressChunks, openTrace } from "./trace-file.js";
import { chooseZstdDecoder, DecompressError, FZSTD_MAX_WINDOW, zstdChunks, zstdWindowSize } from "./zstd.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-zstd-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
// Tests that need the zstd binary skip themselves outside CI when it is missing (and say so); in CI
// they must run, so a missing binary fails them there.
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const haveZstd = inCi || spawnSync("zstd", ["--version"]).status === 0;
if (!haveZstd) console.warn("zstd tests skipped: no zstd binary (install it with: apt-get install -y zstd)");
const savedEnv = process.env.PAGEWISE_ZSTD;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.PAGEWISE_ZSTD;
  else process.env.PAGEWISE_ZSTD = savedEnv;
});

/** zstd run on `input` through stdin (so the size is unknown and the header carries a window descriptor). */
function compress(input: Uint8Array, args: string[]): Uint8Array {
  const r = spawnSync("zstd", ["-q", "-c", ...args], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr}`);
  return r.stdout;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += 1 << 20) yield b.subarray(i, i + (1 << 20));
}

describe("zstdWindowSize", () => {
  it("reads the window descriptor and a single segment's content size", () => {
    const magic = [0x28, 0xb5, 0x2f, 0xfd];
    // Window descriptor: exponent 17, mantissa 0 → 2^27 = 128 MiB.
    expect(zstdWindowSize(new Uint8Array([...magic, 0x00, 17 << 3]))).toBe(128 * 2 ** 20);
    // Exponent 10, mantissa 3: 1 MiB + 3/8 MiB.
    expect(zstdWindowSize(new Uint8Array([...magic, 0x00, (10 << 3) | 3]))).toBe(2 ** 20 + 3 * 2 ** 17);
    // Single segment, 2-byte content size 0x0102 + 256.
    expect(zstdWindowSize(new Uint8Array([...magic, 0x60, 0x02, 0x01]))).toBe(0x0102 + 256);
    // Single segment, 4-byte content size.
    expect(zstdWindowSize(new Uint8Array([...magic, 0xa0, 0x00, 0x00, 0x00, 0x05]))).toBe(5 * 2 ** 24);
    expect(zstdWindowSize(new Uint8Array([1, 2, 3, 4, 5, 6]))).toBeUndefined();
    expect(zstdWindowSize(new Uint8Array(magic))).toBeUndefined();
  });

  it.runIf(haveZstd)("matches what zstd writes with and without --long", () => {
    const data = randomBytes(4096);
    expect(zstdWindowSize(compress(data, ["--long=27"]))).toBe(128 * 2 ** 20);
    const w = zstdWindowSize(compress(data, ["-3"]))!;
    expect(w).toBeLessThanOrEqual(FZSTD_MAX_WINDOW);
  });
});

describe("choosing a zstd decoder", () => {
  it.runIf(haveZstd)("refuses fzstd for a window above 64 MiB, saying what to do", () => {
    process.env.PAGEWISE_ZSTD = "js";
    const z = compress(randomBytes(4096), ["--long=27"]);
    expect(() => chooseZstdDecoder(z, "t.pages.zst")).toThrow(DecompressError);
    try {
      chooseZstdDecoder(z, "t.pages.zst");
    } catch (e) {
      expect((e as Error).message).toContain("t.pages.zst: zstd frame with a 128 MiB window");
      expect((e as Error).message).toContain("apt-get install zstd");
      expect((e as Error).message).toContain("zstd -dc --long=31 t.pages.zst");
    }
    expect(chooseZstdDecoder(compress(randomBytes(4096), ["-3"]), "t.zst")).toBe("js");
    delete process.env.PAGEWISE_ZSTD;
    expect(chooseZstdDecoder(z, "t.pages.zst")).toBe("binary");
  });

  it.runIf(haveZstd)(
    "openTrace of a --long file fails at open without the binary, and reads it with",
    async () => {
      const text = "I 4016\nL 1ffefff\nS 1ffefff\nM 61e\n".repeat(1000);
      const file = path.join(dir, "long.pages.zst");
      fs.writeFileSync(file, compress(Buffer.from(text), ["--long=27"]));
      process.env.PAGEWISE_ZSTD = "js";
      await expect(openTrace(file)).rejects.toThrow(/128 MiB window/);
      delete process.env.PAGEWISE_ZSTD;
      const t = await openTrace(file);
      let n = 0;
      for await (const b of t.batches()) n += b.count;
      expect(n).toBe(4000);
    },
  );

  it.runIf(haveZstd)(
    "a corrupt stream through the binary is a DecompressError naming the source",
    async () => {
      const bad = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50, 1, 2, 3, 4, 5, 6, 7, 8]);
      await expect(collect(zstdChunks(once(bad), "binary", "bad.zst"))).rejects.toThrow(
        /^bad\.zst: (truncated|corrupt) zstd stream/,
      );
    },
  );

  it.runIf(haveZstd)("the binary and fzstd give the same bytes for a 128 MiB-window stream", async () => {
    const data = Buffer.concat(Array.from({ length: 64 }, (_, i) => Buffer.from(`${i} `.repeat(5000))));
    const z = compress(data, ["--long=27"]);
    const viaBinary = await collect(zstdChunks(once(z), "binary", "w.zst"));
    expect(viaBinary.equals(data)).toBe(true);
    const viaDefault = await collect(decompressChunks(once(z), "zstd", "w.zst"));
    expect(viaDefault.equals(data)).toBe(true);
    process.env.PAGEWISE_ZSTD = "js";
    await expect(collect(decompressChunks(once(z), "zstd", "w.zst"))).rejects.toThrow(DecompressError);
    const small = compress(data, ["-3"]);
    expect((await collect(decompressChunks(once(small), "zstd", "s.zst"))).equals(data)).toBe(true);
  });
});
