// Shared by the replay benches: finds the real trace (shared/traces/py50k-50m.pages.zst next to the
// repository, or PW_BENCH_TRACE), converts it once to a cached pwt file in os.tmpdir() (untimed:
// `zstd -dc` → the K PAGE parser → PwtWriter, gzip level 1), and reads a pwt file's uncompressed
// stream. The `zstd` binary is used directly: fzstd decodes py50k-50m.pages.zst wrongly (node/zstd.ts).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { PwtWriter } from "../node/convert.js";
import { PagesTextParser, PWT_VERSION } from "../src/index.js";

export const TRACE = "py50k-50m";

/** The shared traces folder, or null. */
export function sharedTraces(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, "..", "..", "..", "shared", "traces"),
    path.resolve(process.cwd(), "..", "shared", "traces"),
    path.resolve(process.cwd(), "shared", "traces"),
  ];
  return candidates.find((d) => fs.existsSync(path.join(d, `${TRACE}.pages.zst`))) ?? null;
}

/** The source trace (a *.pages.zst or *.pages file), or null with a message printed. */
export function sourceTrace(bench: string): string | null {
  const dir = sharedTraces();
  const file = process.env.PW_BENCH_TRACE ?? (dir ? path.join(dir, `${TRACE}.pages.zst`) : null);
  if (file && fs.existsSync(file)) return file;
  console.log(
    `${bench}: no trace found. Put py50k-50m.pages.zst in ../shared/traces, or point PW_BENCH_TRACE at a\n` +
      "`K PAGE` trace (*.pages or *.pages.zst) of ≥ 10 M references. Skipping.",
  );
  return null;
}

/**
 * The cached pwt (the version PwtWriter writes) of `source` in os.tmpdir(), made on first use. The
 * name carries the version and the source's size and mtime, so a changed source (or format) is
 * converted again.
 */
export async function cachedPwt(source: string): Promise<string> {
  const st = fs.statSync(source);
  const name = `${path.basename(source).replace(/\.pages(\.zst)?$/, "")}-${st.size}-${Math.floor(st.mtimeMs)}.v${PWT_VERSION}.pwt`;
  const out = path.join(os.tmpdir(), `pagewise-bench-${name}`);
  if (fs.existsSync(out)) return out;
  const t0 = Date.now();
  const tmp = `${out}.${process.pid}.part`;
  const writer = PwtWriter.create(tmp, 4096, 1);
  const pending: Promise<void>[] = [];
  const parser = new PagesTextParser(source, (b) => {
    pending.push(writer.write(b));
  });
  const input = source.endsWith(".zst")
    ? spawn("zstd", ["-dc", source], { stdio: ["ignore", "pipe", "inherit"] }).stdout
    : fs.createReadStream(source);
  for await (const chunk of input) {
    parser.pushBytes(chunk as Buffer);
    await Promise.all(pending.splice(0));
  }
  parser.end();
  await Promise.all(pending.splice(0));
  const counts = await writer.close();
  fs.renameSync(tmp, out);
  console.log(
    `converted ${path.basename(source)} to ${out} (${counts.references} references, ` +
      `${(fs.statSync(out).size / 2 ** 20).toFixed(1)} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s (untimed)`,
  );
  return out;
}

/** The whole uncompressed stream of a pwt file. */
export function readPwtStream(file: string): Uint8Array {
  return zlib.gunzipSync(fs.readFileSync(file));
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
