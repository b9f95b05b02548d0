// The web app's model: one workload stepped by the engine's Stepper (src/sim/steps.ts), with a
// cursor that moves both ways. Going forwards it steps the live Stepper; going back (or jumping) it
// builds a new Stepper and replays from the start with the same policy switches at the same
// positions. The replay is deterministic, so the state after stepping back is exactly the state
// at that point going forwards (the browser test checks this against the engine). The cursor is
// cursor.ts's, shared with the full mode. No DOM here: the view (main.tsx) only reads what this
// holds.

import { ZstdJsReader } from "../../node/zstd-frames.js";
import {
  ConfigError,
  createDecoder,
  decodeBytes,
  densify,
  detectCompression,
  detectFormat,
  generateAll,
  lruCurve,
  MAX_ASID,
  MAX_HELD_REFERENCES,
  MAX_STEP_REFERENCES,
  optCurve,
  pageKey,
  parseGenerator,
  type StepFrame,
  Stepper,
  type StepRecord,
  WorkloadBuilder,
} from "../../src/index.js";
import { Cursor, type Refs, type Switch } from "./cursor.js";

export { LOG_SIZE, MAX_WEB_FRAMES, type Refs, type Switch } from "./cursor.js";

/** Textbook strings offered by name. */
export const TEXTBOOK = {
  "Belady's anomaly (1,2,3,4,1,2,5,1,2,3,4,5)": "1,2,3,4,1,2,5,1,2,3,4,5",
  "Silberschatz (7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1)": "7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1",
  "Loop larger than memory (1..5 ×4)": "1,2,3,4,5,1,2,3,4,5,1,2,3,4,5,1,2,3,4,5",
  "Writes (1,2w,3,1,4w,2,5,1w,2,3)": "1,2w,3,1,4w,2,5,1w,2,3",
} as const;

/**
 * A workload from a generator spec (workloads/generators.ts), e.g. "zipf:pages=50,n=500,seed=1"
 * or "refs:pages=1 2 3,repeat=2". Throws ConfigError (naming the key) for a bad spec or one
 * longer than `limit` references (MAX_STEP_REFERENCES unless the user asks for up to
 * MAX_HELD_REFERENCES).
 */
export function refsFromGenerator(spec: string, limit = MAX_STEP_REFERENCES): Refs {
  checkLimit(limit);
  const gen = parseGenerator(spec);
  if (gen.total > limit) throw new ConfigError("n", gen.total, `at most ${limit} references in the web app`);
  const all = generateAll(spec);
  return { label: gen.spec, count: all.count, pages: all.pages, kinds: all.kinds, pids: all.pids };
}

/** The references a workload may hold in the page: 100000 by default, up to 1000000 when asked. */
export const LIMITS = [MAX_STEP_REFERENCES, MAX_HELD_REFERENCES] as const;

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HELD_REFERENCES)
    throw new ConfigError("references", limit, `a whole number from 1 to ${MAX_HELD_REFERENCES}`);
}

/** A typed reference string: pages separated by commas or spaces, "4w" marks a store. */
export function refsFromString(text: string): Refs {
  const body = text.trim().replace(/[,;\s]+/g, " ");
  if (body === "") throw new ConfigError("reference string", text, "pages such as 1,2,3,4w");
  if (!/^(\d+w? ?)+$/i.test(body))
    throw new ConfigError("reference string", text, "whole page numbers, each optionally followed by w");
  const r = refsFromGenerator(`refs:pages=${body.toLowerCase()}`);
  return { ...r, label: text.trim() };
}

/** Largest trace the page reads, compressed or not (it is held in memory whole while decoding). */
export const MAX_TRACE_BYTES = 32 * 1024 * 1024;

/** Inflates one gzip member (all of `bytes`) with the platform's DecompressionStream, at most `budget` bytes out. */
async function inflateMember(name: string, bytes: Uint8Array, budget: number): Promise<Uint8Array[]> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("gzip"))
    .getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return parts;
    total += r.value.length;
    if (total > budget) {
      await reader.cancel();
      throw new ConfigError("trace file", name, `at most ${MAX_TRACE_BYTES} bytes once decompressed`);
    }
    parts.push(r.value);
  }
}

/** Compressed bytes handed to the zstd decoder at a time: a push yields at most 256 blocks (32 MiB). */
const ZSTD_CHUNK = 1024;

/**
 * Decompresses a zstd file with the built-in JavaScript decoder (fzstd through node/zstd-frames.ts,
 * no Node APIs: every frame's window checked, content checksums verified), refusing more than
 * MAX_TRACE_BYTES of output. Throws DecompressError naming the file and the byte offset for a
 * damaged or truncated stream, or a window fzstd may decode wrongly.
 */
function unzstd(name: string, bytes: Uint8Array): Uint8Array {
  const reader = new ZstdJsReader(name);
  const parts: Uint8Array[] = [];
  let total = 0;
  const take = (ps: Uint8Array[]) => {
    for (const p of ps) {
      total += p.length;
      if (total > MAX_TRACE_BYTES)
        throw new ConfigError("trace file", name, `at most ${MAX_TRACE_BYTES} bytes once decompressed`);
      parts.push(p);
    }
  };
  for (let at = 0; at < bytes.length; at += ZSTD_CHUNK)
    take(reader.push(bytes.subarray(at, at + ZSTD_CHUNK)));
  take(reader.end());
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Decompresses a gzip file (a pwt trace, a .gz text trace) with the platform's DecompressionStream
 * (browsers and Node 18+), and a zstd one with the built-in decoder (unzstd), refusing more than
 * MAX_TRACE_BYTES of output. Browsers read one gzip member per stream and pwt files have two
 * (pagewise convert writes a stored header member, then the data), so a member that ends before
 * the file does is found from the next member's magic bytes and its own ISIZE trailer, and each
 * member is inflated on its own. Other files pass through.
 */
export async function gunzipIfNeeded(name: string, bytes: Uint8Array): Promise<Uint8Array> {
  const comp = detectCompression(bytes.subarray(0, 4));
  if (comp === "none") return bytes;
  if (comp === "zstd") return unzstd(name, bytes);
  const parts: Uint8Array[] = [];
  let total = 0;
  let start = 0;
  const isize = (q: number) =>
    (bytes[q - 4]! | (bytes[q - 3]! << 8) | (bytes[q - 2]! << 16) | (bytes[q - 1]! << 24)) >>> 0;
  const sum = (ps: Uint8Array[]) => ps.reduce((a, p) => a + p.length, 0);
  while (start < bytes.length) {
    let why = "";
    try {
      const ps = await inflateMember(name, bytes.subarray(start), MAX_TRACE_BYTES - total);
      parts.push(...ps);
      total += sum(ps);
      break;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      why = e instanceof Error ? e.message : String(e);
    }
    // Several members: the first ends where a gzip header starts and the 4 bytes before it (its
    // ISIZE) give the length it inflates to.
    let found = false;
    for (let q = start + 18; q + 3 <= bytes.length && !found; q++) {
      if (bytes[q] !== 0x1f || bytes[q + 1] !== 0x8b || bytes[q + 2] !== 8) continue;
      let ps: Uint8Array[];
      try {
        ps = await inflateMember(name, bytes.subarray(start, q), MAX_TRACE_BYTES - total);
      } catch (e) {
        if (e instanceof ConfigError) throw e;
        continue;
      }
      const n = sum(ps);
      if (n % 2 ** 32 !== isize(q)) continue;
      parts.push(...ps);
      total += n;
      start = q;
      found = true;
    }
    if (!found) throw new ConfigError("trace file", name, `valid gzip data (${why}): decompress it first`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A workload from a trace file's uncompressed bytes, any format the CLI reads (lackey, text, csv,
 * libCacheSim csv, pwt, pages; found from its first lines), `pageSize`-byte pages (addresses are
 * divided by it; a pwt trace's pages can only be coarsened). Decoding stops after
 * `limit` references (the label says when the trace was cut). Throws ConfigError for
 * a file too big or compressed, TraceParseError naming the file, line and column of a bad line.
 */
export function refsFromTrace(
  name: string,
  bytes: Uint8Array,
  pageSize = 4096,
  limit = MAX_STEP_REFERENCES,
): Refs {
  checkLimit(limit);
  if (bytes.length > MAX_TRACE_BYTES)
    throw new ConfigError(
      "trace file",
      `${name} (${bytes.length} bytes)`,
      `at most ${MAX_TRACE_BYTES} bytes`,
    );
  const comp = detectCompression(bytes.subarray(0, 4));
  if (comp !== "none")
    throw new ConfigError(
      "trace file",
      name,
      `an uncompressed trace (this one is ${comp}: decompress it first)`,
    );
  const format = detectFormat(bytes.subarray(0, 16384), name);
  const acc = new WorkloadBuilder();
  let more = false;
  for (const b of decodeBytes(createDecoder(format, { source: name, pageSize }), bytes)) {
    if (acc.count >= limit) {
      more = true;
      break;
    }
    acc.append(b);
  }
  const all = acc.refs();
  const count = Math.min(all.count, limit);
  const cut = more || count < all.count ? `, first ${count}` : "";
  return {
    label: `${name} (${format}${pageSize === 4096 ? "" : `, ${pageSize}-byte pages`}${cut})`,
    count,
    pages: all.pages.subarray(0, count),
    kinds: all.kinds.subarray(0, count),
    pids: all.pids.subarray(0, count),
  };
}

/** Misses at every frame count under LRU and OPT, from one pass each (src/mrc). */
export function missRatioCurves(refs: Refs): { lru: Float64Array; opt: Float64Array; distinct: number } {
  const keys = new Float64Array(refs.count);
  for (let i = 0; i < refs.count; i++) {
    const pid = refs.pids[i]!;
    keys[i] = pid === 0 ? refs.pages[i]! : pageKey(pid & MAX_ASID, refs.pages[i]!); // as Stepper keys pages
  }
  const d = densify(keys, refs.count);
  return {
    lru: lruCurve(d.ids, refs.count).misses,
    opt: optCurve(d.ids, refs.count, d.pageSpace).misses,
    distinct: d.pageSpace,
  };
}

/** The state after `position` references. */
export class Session extends Cursor<StepRecord> {
  protected stepper!: Stepper;
  /** How far missesAt holds this run's counts (a switch makes the counts after it stale). */
  private known = 0;
  private switches: Switch[] = [];
  /** Index in `switches` of the first one not yet installed in the current Stepper. */
  private nextSwitch = 0;

  constructor(refs: Refs, firstPolicy: string, frames: number) {
    super(refs, firstPolicy, frames);
    this.fresh();
  }

  /** The same references and frames under another policy, from the start. */
  again(policy: string): Session {
    return new Session(this.refs, policy, this.frames);
  }

  protected fresh(): void {
    this.stepper = new Stepper(this.refs, {
      policy: this.firstPolicy,
      frames: this.frames,
      switchable: true,
      maxReferences: MAX_HELD_REFERENCES,
    });
    this.log = [];
    this.nextSwitch = 0;
  }

  /** The policy in force now. */
  get policy(): string {
    let p = this.firstPolicy;
    for (const s of this.switches) if (s.at <= this.position) p = s.policy;
    return p;
  }

  /** The switches made so far (at ≤ position). */
  get policySwitches(): readonly Switch[] {
    return this.switches.filter((s) => s.at <= this.position);
  }

  frameTable(): StepFrame[] {
    return this.stepper.frames();
  }

  policyView(): ReturnType<Stepper["view"]> {
    return this.stepper.view();
  }

  protected override stepped(): void {
    this.known = Math.max(this.known, this.position);
  }

  /**
   * Up to the next switch or the log's part: references whose miss counts are known (a replay of
   * the same run) go in one call; new ones one at a time, to record their counts.
   */
  protected skipTowards(to: number, recordFrom: number): void {
    this.applyAt(this.position);
    const sw = this.nextSwitch < this.switches.length ? this.switches[this.nextSwitch]!.at : to;
    const fast = Math.min(recordFrom, sw, this.known);
    if (fast > this.position) {
      this.stepper.skipTo(fast);
      return;
    }
    this.stepper.skipTo(this.position + 1);
    this.missesAt[this.position] = this.stepper.misses;
    this.known = Math.max(this.known, this.position);
  }

  /**
   * Installs `policy` from the next reference on. Switches recorded after the cursor (made
   * before stepping back) are dropped: the run goes on from here with the new choice.
   */
  switchPolicy(policy: string): void {
    const at = this.position;
    this.stepper.use(policy);
    this.switches = this.switches.filter((s) => s.at < at);
    this.switches.push({ at, policy });
    this.nextSwitch = this.switches.length;
    this.known = at;
  }

  /** Installs the switches recorded for positions up to `pos` not yet installed. */
  protected applyAt(pos: number): void {
    while (this.nextSwitch < this.switches.length && this.switches[this.nextSwitch]!.at <= pos)
      this.stepper.use(this.switches[this.nextSwitch++]!.policy);
  }
}
