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
import {
  DecompressError,
  FZSTD_MAX_WINDOW,
  largeWindowError,
  ZstdJsReader,
  zstdWindowSize,
} from "./zstd-frames.js";

export { DecompressError, FZSTD_MAX_WINDOW, Xxh64, ZstdJsReader, zstdWindowSize } from "./zstd-frames.js";

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
  if (window !== undefined && window > FZSTD_MAX_WINDOW) throw largeWindowError(source, window);
  return "js";
}

/**
 * Decompressed chunks of a zstd byte stream. With "binary" the bytes go through `zstd -dc` (any
 * window up to 2 GiB; it verifies checksums); with "js" through ZstdJsReader (fzstd, every frame's
 * window checked, content checksums verified). Errors are DecompressErrors naming `source` and the
 * byte offset.
 */
export async function* zstdChunks(
  input: AsyncIterable<Uint8Array>,
  decoder: "binary" | "js",
  source: string,
  opts: { requireChecksum?: boolean } = {},
): AsyncGenerator<Uint8Array> {
  if (decoder === "binary") {
    yield* binaryChunks(input, source);
    return;
  }
  const r = new ZstdJsReader(source, opts);
  for await (const c of input) yield* r.push(c);
  yield* r.end();
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
  let fed = 0;
  let produced = 0;
  const feed = (async () => {
    try {
      for await (const c of input) {
        fed += c.length;
        if (!child.stdin.write(c)) await new Promise((r) => child.stdin.once("drain", r));
      }
    } finally {
      child.stdin.end();
    }
  })();
  try {
    for await (const c of child.stdout) {
      produced += (c as Uint8Array).length;
      yield c as Uint8Array;
    }
    await feed;
    const status = await exited;
    if (status !== 0) {
      const said = stderr.replace(/\/\*stdin\*\\?\s*:?\s*/g, "").trim() || "no message";
      const problem = /premature end|truncated/i.test(said)
        ? `truncated zstd stream: the file ends at byte ${fed} inside a frame`
        : /checksum/i.test(said)
          ? `damaged zstd stream: its content checksum does not match (the file's ${fed} bytes give ${produced} bytes)`
          : `corrupt zstd stream (zstd -d: ${said}; within the first ${fed} bytes, after ${produced} bytes of output)`;
      throw new DecompressError(source, problem);
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
