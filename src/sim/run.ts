// Runs of replay mode over a reference source of any length, in constant memory: the source is
// read in bounded batches (pwt's dictionary blocks go to the replay still encoded, sim/stream-replay.ts),
// and each pass over it feeds one or more sinks (a replay, several replays at once, the next-use
// annotation OPT needs, a one-pass curve). A source can be read more than once (OPT: one pass to
// annotate the next uses, 4 bytes a reference, and one to replay); the command line maps its
// options onto `simulate` and `simulateMany` and prints what they return.

import { ConfigError } from "../core/errors.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import type { CodedRefs } from "../workloads/binary-format.js";
import { PageIds } from "../workloads/page-ids.js";
import { binaryError, PWT_DISTINCT_AT } from "../workloads/pwt-header.js";
import { REF_INSTR } from "../workloads/refs.js";
import type { ReferenceSource } from "../workloads/source.js";
import { codedWords, NO_NEXT_USE } from "./replay-coded.js";
import type { NextUses, ReplayResult } from "./replay-trace.js";
import { PwtReplayFeed, type RefSink, StreamReplay } from "./stream-replay.js";

/** Where references come from: workloads/source.ts (a reading, not a run, so it lives there). */
export type { ReferenceSource } from "../workloads/source.js";

/** Options of one pass over a source. */
export interface PassOptions {
  /** Read at most this many references. */
  readonly limit?: number;
  /** Called after each chunk or batch with the references read so far. */
  readonly onProgress?: (done: number) => void;
}

/**
 * Counts of a pass: references, and of them writes and instruction fetches (-1 for these two when
 * a limit cut a pwt source inside a block: its decoder counted the whole block; or when the sink
 * counts no kinds of a pwt source's dictionary blocks, as NextUseSink does).
 */
export interface PassCounts {
  references: number;
  writes: number;
  instructions: number;
}

const BATCH = 1 << 16;

/**
 * Reads `source` once into `sink` (dense ids from sink.ids), at most `limit` references; returns
 * the counts of what it read. Memory: one batch, whatever the source's length.
 */
export async function feed(
  source: ReferenceSource,
  sink: RefSink,
  opts: PassOptions = {},
): Promise<PassCounts> {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  if (source.kind === "pwt") {
    const f = new PwtReplayFeed(sink, { source: source.name, batch: BATCH, limit });
    for await (const chunk of source.chunks()) {
      f.push(chunk);
      opts.onProgress?.(f.references);
      if (f.done) break;
    }
    f.end();
    opts.onProgress?.(f.references);
    const s = f.decoder.stats;
    // The decoder's counts cover what it decoded; past a limit it may have decoded more. A sink
    // that counts no kinds (NextUseSink) leaves them unknown too.
    if (f.references === s.references && f.decoder.kindsKnown) {
      return {
        references: s.references,
        writes: s.byKind[2]! + s.byKind[3]!,
        instructions: s.byKind[REF_INSTR]!,
      };
    }
    return { references: f.references, writes: -1, instructions: -1 };
  }
  let idBuf = new Int32Array(BATCH);
  let writeBuf = new Uint8Array(BATCH);
  const counts: PassCounts = { references: 0, writes: 0, instructions: 0 };
  for await (const b of source.batches()) {
    const n = Math.min(b.count, limit - counts.references);
    if (idBuf.length < n) {
      idBuf = new Int32Array(n);
      writeBuf = new Uint8Array(n);
    }
    sink.ids.map(b.pages, b.kinds, b.pids, 0, n, idBuf, writeBuf);
    let instr = 0;
    let writes = 0;
    for (let i = 0; i < n; i++) {
      writes += writeBuf[i]!;
      instr += b.kinds[i] === REF_INSTR ? 1 : 0;
    }
    counts.writes += writes;
    counts.instructions += instr;
    sink.pushDense(idBuf, writeBuf, n);
    counts.references += n;
    opts.onProgress?.(counts.references);
    if (counts.references >= limit) break;
  }
  return counts;
}

/**
 * The next use of every reference (the index of the next reference to its page, or NO_NEXT_USE),
 * found forwards as the references stream by: 4 bytes a reference (Int32), the only memory that
 * grows with the trace. The same next uses as workloads/oracle.ts's backward pass over the whole
 * trace (which writes Infinity for never); at most 2^31 - 2 references.
 */
export class NextUseSink implements RefSink {
  private next: Int32Array;
  private last = new Int32Array(1024).fill(-1);
  count = 0;

  constructor(
    expected = 1 << 16,
    readonly ids: PageIds = new PageIds(),
  ) {
    // Not filled: every entry is written, by the page's next reference or, for its last one so
    // far, by the nextUse getter (saves a pass over 4 bytes a reference).
    this.next = new Int32Array(Math.max(1, Math.min(expected, MAX_ANNOTATED)));
  }

  /** The annotation, one entry per reference pushed. */
  get nextUse(): Int32Array {
    const { next, last } = this;
    for (let p = 0, n = Math.min(last.length, this.ids.size); p < n; p++) {
      const l = last[p]!;
      if (l >= 0) next[l] = NO_NEXT_USE;
    }
    return next.subarray(0, this.count);
  }

  /**
   * The annotation's own loops check the entries (see RefSink.countsCoded) but count no kinds (it
   * has no codedKinds): the replay pass after it counts them, and checks the trailer's. A pass
   * into it returns writes and instructions -1 for a pwt stream (see feed).
   */
  readonly countsCoded = true;

  pushCodedCounted(c: CodedRefs): number {
    this.room(c.count);
    const end = annotate(c, this.next, this.last, this.count);
    if (end < this.count + c.count) return end - this.count;
    this.count = end;
    return -1;
  }

  private room(n: number): void {
    if (this.ids.size > this.last.length) {
      const l = new Int32Array(Math.max(this.ids.size, 2 * this.last.length)).fill(-1);
      l.set(this.last);
      this.last = l;
    }
    if (this.count + n > MAX_ANNOTATED)
      throw new ConfigError(
        "trace length",
        this.count + n,
        `at most ${MAX_ANNOTATED} references for OPT's next uses`,
      );
    if (this.count + n > this.next.length) {
      const a = new Int32Array(
        Math.min(MAX_ANNOTATED, Math.max(this.count + n, Math.ceil(this.next.length * 1.5))),
      );
      a.set(this.next.subarray(0, this.count));
      this.next = a;
    }
  }

  pushDense(ids: Int32Array, _writes: Uint8Array, n: number): void {
    this.room(n);
    this.count = annotateDense(ids, n, this.next, this.last, this.count);
  }

  pushCoded(c: CodedRefs): void {
    this.room(c.count);
    this.count = annotate(c, this.next, this.last, this.count);
  }
}

/** Most references a next-use annotation holds (Int32 indexes, NO_NEXT_USE kept apart). */
const MAX_ANNOTATED = NO_NEXT_USE - 1;

function annotateDense(ids: Int32Array, n: number, next: Int32Array, last: Int32Array, i: number): number {
  for (let k = 0; k < n; k++, i++) {
    const p = ids[k]!;
    const l = last[p]!;
    if (l >= 0) next[l] = i;
    last[p] = i;
  }
  return i;
}

/**
 * The first ANNOTATE_WARM_CALLS calls of annotate1 and of annotate2 in the process
 * annotate in pieces of ANNOTATE_WARM_PIECE references, as the Replayer's loops do (WARM_CALLS in
 * replay.ts): optimized while still in its first call of 64 Ki references (on-stack replacement),
 * a loop has no type feedback for the code after it and was deoptimized there eight times in one
 * OPT run of sqlite6k-8m, each time finishing the call unoptimized.
 */
const ANNOTATE_WARM_CALLS = 8;
const ANNOTATE_WARM_PIECE = 512;
const annotateWarm = [0, 0, 0];

/**
 * Annotates coded references (`c`, their first index `i`): stops at an entry past the dictionary
 * (id -1) and returns the index after the last reference annotated (i + c.count when all were
 * good). The first calls of the process go in pieces (see ANNOTATE_WARM_CALLS).
 */
function annotate(c: CodedRefs, next: Int32Array, last: Int32Array, i: number): number {
  const end = i + c.count;
  const piece = annotateWarm[c.width]!++ < ANNOTATE_WARM_CALLS ? ANNOTATE_WARM_PIECE : c.count;
  for (let k = 0; k < c.count; k += piece) {
    const n = Math.min(piece, c.count - k);
    const to =
      c.width === 1
        ? annotate1(c.buf, c.pos + k, n, c.ids, next, last, i)
        : annotate2(codedWords(c.buf, c.pos + 2 * k, n), n, c.ids, next, last, i);
    if (to < i + n) return to;
    i = to;
  }
  return end;
}

/** annotate's loop over one-byte references: entry × 4 + kind at buf[pos + k]. */
function annotate1(
  buf: Uint8Array,
  pos: number,
  n: number,
  dict: Int32Array,
  next: Int32Array,
  last: Int32Array,
  i: number,
): number {
  for (let q = pos, end = pos + n; q < end; q++, i++) {
    const p = dict[buf[q]! >>> 2]!;
    if (p < 0) break;
    const l = last[p]!;
    if (l >= 0) next[l] = i;
    last[p] = i;
  }
  return i;
}

/** annotate's loop over two-byte references (codedWords). */
function annotate2(
  words: Uint16Array,
  n: number,
  dict: Int32Array,
  next: Int32Array,
  last: Int32Array,
  i: number,
): number {
  for (let k = 0; k < n; k++, i++) {
    const p = dict[words[k]! >>> 2]!;
    if (p < 0) break;
    const l = last[p]!;
    if (l >= 0) next[l] = i;
    last[p] = i;
  }
  return i;
}

/** Several sinks fed by one pass (they share one id table). */
class FanOut implements RefSink {
  constructor(
    readonly ids: PageIds,
    private readonly sinks: readonly RefSink[],
  ) {}
  pushDense(ids: Int32Array, writes: Uint8Array, n: number): void {
    for (const s of this.sinks) s.pushDense(ids, writes, n);
  }
  pushCoded(c: CodedRefs): void {
    for (const s of this.sinks) s.pushCoded(c);
  }
}

/** True when the policy spec's policy reads the future (OPT). Throws UnknownIdError for an unknown id. */
export function readsFuture(spec: string): boolean {
  return getPolicyFactory(parsePolicySpec(spec).id).needsFuture;
}

/** One (policy, frames) pair of a run. */
export interface RunSpec {
  readonly policy: string;
  readonly frames: number;
}

export interface SimulateOptions extends PassOptions {
  /** Expected number of references (a hint for the next-use annotation's size). */
  readonly expectedReferences?: number;
  /**
   * At most this many distinct pages, when known before reading (a pwt header's count). A policy
   * that reads the future then needs no next-use pass when it has that many frames: nothing can
   * be evicted, so no victim is ever chosen by the future. Checked after the pass: more distinct
   * pages than this is an error, not a result.
   */
  readonly distinctPages?: number;
  /** Called when the next-use pass starts and ends ("annotate") and when the replay pass starts ("replay"). */
  readonly onPhase?: (phase: "annotate" | "replay") => void;
}

/** A replay's result with what the pass saw. */
export interface SimulateResult extends ReplayResult {
  /** Distinct pages of the references read. */
  distinctPages: number;
}

/** The next uses of `source`'s references (one pass, 4 bytes a reference; its counts know no kinds, see NextUseSink). */
export async function annotateSource(
  source: ReferenceSource,
  opts: SimulateOptions = {},
): Promise<{ nextUse: Int32Array; counts: PassCounts }> {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const hint = Math.min(limit, opts.expectedReferences ?? 1 << 16);
  const s = new NextUseSink(Number.isFinite(hint) ? hint : 1 << 16);
  const counts = await feed(source, s, opts);
  return { nextUse: s.nextUse, counts };
}

/** What is known of the distinct pages in advance: no more than the references to be read, nor than a header says. */
function knownDistinct(opts: SimulateOptions): number {
  return Math.min(
    opts.expectedReferences ?? Number.POSITIVE_INFINITY,
    opts.limit ?? Number.POSITIVE_INFINITY,
    opts.distinctPages ?? Number.POSITIVE_INFINITY,
  );
}

/**
 * True when simulateMany makes a next-use pass first: some run's policy reads the future and may
 * have to evict. OPT with a frame for every page it can meet (what `opts` tells in advance) never
 * evicts, and the future changes nothing then.
 */
export function annotates(runs: readonly RunSpec[], opts: SimulateOptions = {}): boolean {
  const known = knownDistinct(opts);
  return runs.some((r) => readsFuture(r.policy) && !(r.frames >= known));
}

/**
 * Replays `source` under each (policy, frames) pair of `runs`, all in one pass (plus one before it
 * to annotate next uses when a policy reads the future). Memory: the frames and policies, one id
 * per distinct page, one batch, and the annotation when there is one. Results in `runs` order.
 */
export async function simulateMany(
  source: ReferenceSource,
  runs: readonly RunSpec[],
  opts: SimulateOptions = {},
): Promise<{ results: SimulateResult[]; counts: PassCounts }> {
  const known = knownDistinct(opts);
  let nextUse: NextUses | undefined;
  if (annotates(runs, opts)) {
    opts.onPhase?.("annotate");
    nextUse = (await annotateSource(source, opts)).nextUse;
  }
  const ids = new PageIds();
  const replays = runs.map(
    (r) =>
      new StreamReplay({
        policy: r.policy,
        frames: r.frames,
        ids,
        pageSpaceHint: 4096,
        ...(Number.isFinite(known) ? { distinctBound: known } : {}),
        ...(nextUse !== undefined && readsFuture(r.policy) ? { nextUse } : {}),
      }),
  );
  opts.onPhase?.("replay");
  const counts = await feed(source, replays.length === 1 ? replays[0]! : new FanOut(ids, replays), opts);
  if (opts.distinctPages !== undefined && ids.size > opts.distinctPages)
    throw binaryError(
      source.name,
      PWT_DISTINCT_AT,
      `the header counts ${opts.distinctPages} distinct pages, but ${ids.size} were read`,
    );
  return { results: replays.map((r) => ({ ...r.result(), distinctPages: ids.size })), counts };
}

/** Replays `source` under one policy and frame count (see simulateMany). */
export async function simulate(
  source: ReferenceSource,
  run: RunSpec,
  opts: SimulateOptions = {},
): Promise<SimulateResult> {
  return (await simulateMany(source, [run], opts)).results[0]!;
}

/**
 * A sink that hands dense ids to `fn` chunk by chunk (coded references decoded into a reused
 * buffer first): for one-pass curves and other consumers of ids alone.
 */
export class DenseIdsSink implements RefSink {
  private buf = new Int32Array(BATCH);

  constructor(
    readonly ids: PageIds,
    private readonly fn: (ids: Int32Array, n: number) => void,
  ) {}

  pushDense(ids: Int32Array, _writes: Uint8Array, n: number): void {
    if (n > 0) this.fn(ids, n);
  }

  pushCoded(c: CodedRefs): void {
    const n = c.count;
    if (n === 0) return;
    if (this.buf.length < n) this.buf = new Int32Array(n);
    const { buf, width, ids: dict } = c;
    const hi = width === 2 ? 1 : 0;
    const shift = 8 * hi;
    const out = this.buf;
    for (let k = 0, q = c.pos; k < n; k++, q += width)
      out[k] = dict[(buf[q]! | (buf[q + hi]! << shift)) >>> 2]!;
    this.fn(out, n);
  }
}

/** Several sinks fed by one pass over a source, sharing `ids` (each must use it). */
export function fanOut(ids: PageIds, sinks: readonly RefSink[]): RefSink {
  return sinks.length === 1 ? sinks[0]! : new FanOut(ids, sinks);
}
