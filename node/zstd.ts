// zstd decompression for trace files, by the system's `zstd` binary when there is one and by fzstd
// (pure JavaScript) otherwise, with a guard for what fzstd gets wrong.
// Why the guard: fzstd 0.1.1 decodes some frames whose window is larger than 64 MiB wrongly, and
// silently (right length, wrong bytes). The shared py50k-50m.pages.zst (zstd --long, a 128 MiB
// window) comes out wrong from byte 112,721,920 on, the start of a block; the same bytes
// recompressed with `zstd -3 --long=26` (64 MiB) decode right, with `-3 --long=27` or
// `-19 --long=27` (128 MiB) wrong, and without --long (windows of 8 MiB at most) right. The cause
// inside fzstd was not found (a single match 67 MiB back decodes right). So a frame goes to fzstd
// only when its window is at most 64 MiB; a larger one goes to the binary, or without one is
// refused with an error that says how to read it. The binary is also far faster (fzstd: about 11 MB/s here).
// Node only.

import { spawn, spawnSync } from "node:child_process";
import { Decompress as ZstdDecompress } from "fzstd";
import { PagewiseError } from "../src/core/errors.js";

/** The largest window for which fzstd was seen to decode correctly (see above). */
export const FZSTD_MAX_WINDOW = 64 * 2 ** 20;

const MAGIC = 0xfd2fb528;

/** A zstd stream that cannot be decompressed here: `source` names it, the message says what to do. */
export class DecompressError extends PagewiseError {
  static readonly code = "DECOMPRESS";
  constructor(source: string, problem: string) {
    super(DecompressError.code, `${source}: ${problem}`, { source, problem });
  }
}

/**
 * The window size in bytes declared by the zstd frame at the start of `head`, or undefined when
 * `head` does not start with a complete zstd frame header. A single-segment frame's window is its
 * content size (RFC 8878, 3.1.1.1).
 */
export function zstdWindowSize(head: Uint8Array): number | undefined {
  if (head.length < 6) return undefined;
  const magic = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
  if (magic !== MAGIC) return undefined;
  const fhd = head[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  if (singleSegment === 0) {
    const wd = head[5]!;
    const base = 2 ** (10 + (wd >> 3));
    return base + (base / 8) * (wd & 7);
  }
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = [1, 2, 4, 8][fcsFlag]!;
  const at = 5 + dictBytes;
  if (head.length < at + fcsBytes) return undefined;
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + head[at + i]!;
  return fcsBytes === 2 ? size + 256 : size;
}

let binary: boolean | undefined;

/** True when a `zstd` binary answers on the PATH (asked once per process). PAGEWISE_ZSTD=js says no. */
export function hasZstdBinary(): boolean {
  if (process.env.PAGEWISE_ZSTD === "js") return false;
  if (binary === undefined) {
    const r = spawnSync("zstd", ["--version"], { stdio: "ignore" });
    binary = r.status === 0;
  }
  return binary;
}

/** Which decoder reads a zstd stream whose first bytes are `head`; throws DecompressError if none can. */
export function chooseZstdDecoder(head: Uint8Array, source: string): "binary" | "js" {
  if (hasZstdBinary()) return "binary";
  const window = zstdWindowSize(head);
  if (window !== undefined && window > FZSTD_MAX_WINDOW) {
    throw new DecompressError(
      source,
      `zstd frame with a ${formatMiB(window)} window (written by zstd --long?): the built-in decoder ` +
        `(fzstd) can decode windows above ${formatMiB(FZSTD_MAX_WINDOW)} wrongly, so it is not used. ` +
        "Install the zstd binary (apt-get install zstd) or decompress first: " +
        `zstd -dc --long=31 ${source} > trace`,
    );
  }
  return "js";
}

function formatMiB(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`;
}

/**
 * Decompressed chunks of a zstd byte stream. With "binary" the bytes go through `zstd -dc` (any
 * window up to 2 GiB); with "js" through fzstd, which chooseZstdDecoder allows only after the first
 * frame's header. Later frames are not checked: zstd writes one frame per file, and pzstd's several
 * frames share one set of parameters.
 */
export async function* zstdChunks(
  input: AsyncIterable<Uint8Array>,
  decoder: "binary" | "js",
  source: string,
): AsyncGenerator<Uint8Array> {
  if (decoder === "binary") {
    yield* binaryChunks(input, source);
    return;
  }
  const out: Uint8Array[] = [];
  const d = new ZstdDecompress((data) => {
    out.push(data);
  });
  for await (const c of input) {
    d.push(c);
    if (out.length > 0) yield* out.splice(0, out.length);
  }
  d.push(new Uint8Array(0), true);
  if (out.length > 0) yield* out.splice(0, out.length);
}

async function* binaryChunks(input: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<Uint8Array> {
  const child = spawn("zstd", ["-dcq", "--long=31"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    stderr += s;
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  // An early exit (corrupt input) closes stdin under the writer: EPIPE, reported below instead.
  child.stdin.on("error", () => {});
  const feed = (async () => {
    try {
      for await (const c of input) {
        if (!child.stdin.write(c)) await new Promise((r) => child.stdin.once("drain", r));
      }
    } finally {
      child.stdin.end();
    }
  })();
  try {
    for await (const c of child.stdout) yield c as Uint8Array;
    await feed;
    const status = await exited;
    if (status !== 0) {
      throw new DecompressError(source, `zstd -d failed (exit ${status}): ${stderr.trim() || "no message"}`);
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
