// Streaming replay: decoded batches (RefBatch: page numbers, kinds, pids) go straight into replay
// mode, one batch at a time, so a trace of any length replays in constant memory (the frames, the
// policy, one id per distinct page, and the batch). Page numbers become dense ids on the fly
// (workloads/page-ids.ts, in order of first appearance, as densify gives them), keyed by (pid,
// page) as cli/engine.ts keys multi-process traces; PwtDecoder.drainDense writes such ids straight
// from pwt's dictionary blocks (pushDense), without page numbers in between. Same faults as
// `replay` on the whole trace (test/differential/stream-replay.test.ts); a policy that reads the
// future needs the whole trace's next uses (workloads/oracle.ts) passed in, 4 bytes a reference.

import { ConfigError } from "../core/errors.js";
import { getPolicyFactory, parsePolicySpec } from "../policies/registry.js";
import { type CodedRefs, makeCodedRefs, PwtDecoder } from "../workloads/binary-format.js";
import { PageIds } from "../workloads/page-ids.js";
import { makeBatch, type RefBatch } from "../workloads/refs.js";
import { streamReplayFrames } from "./bounds.js";
import { Replayer } from "./replay.js";
import type { NextUses, ReplayResult } from "./replay-trace.js";

export interface StreamReplayOptions {
  /** Policy spec, e.g. "lru" or "aging:bits=4". */
  readonly policy: string;
  readonly frames: number;
  /**
   * Next use of every reference of the whole stream, by its index (workloads/oracle.ts over the
   * dense ids this replay assigns: first appearance order). Required when the policy reads the future.
   */
  readonly nextUse?: NextUses;
  /** Expected number of distinct pages (a hint: tables start this size and grow past it). */
  readonly pageSpaceHint?: number;
  /** Called at each eviction with the evicted page's dense id, its frame and the reference's index. */
  readonly onEvict?: (page: number, frame: number, at: number) => void;
  /** The dense ids to use (shared by several replays fed by one decoding pass); default a new table. */
  readonly ids?: PageIds;
  /**
   * What is known in advance of the distinct pages to come (at most the references to come), if
   * anything: frames beyond it can never be used, so a huge `frames` allocates only that many
   * (same faults, hits and evictions; sim/bounds.ts), and without it a huge `frames` is refused.
   */
  readonly distinctBound?: number;
}

/**
 * What consumes references as dense ids of `ids`: a StreamReplay, or anything else fed by one
 * decoding pass (sim/run.ts: next-use annotation, several replays at once, curves).
 */
export interface RefSink {
  readonly ids: PageIds;
  /** References [0, n) as dense ids and write flags. */
  pushDense(ids: Int32Array, writes: Uint8Array, n: number): void;
  /** References still encoded (PwtDecoder.takeCoded). */
  pushCoded(c: CodedRefs): void;
  /**
   * True when pushCodedCounted can take references the decoder neither counted nor checked
   * (PwtDecoder.takeCodedUnchecked): the sink's own pass does both.
   */
  readonly countsCoded?: boolean;
  /**
   * pushCoded for unchecked references: returns the index of the first entry past the dictionary
   * (nothing is replayed then: the stream is corrupt), or -1 with their kinds in `codedKinds`.
   */
  pushCodedCounted?(c: CodedRefs): number;
  /**
   * The kinds of the last pushCodedCounted: references with kind bit 0 set, bit 1 set, both. A
   * sink without them does not count kinds (OPT's next-use pass: the replay pass after it does);
   * the pass's kinds are then unknown (PwtDecoder.addCodedUncounted).
   */
  readonly codedKinds?: { odd: number; high: number; both: number };
}

/**
 * Replays a stream of batches: `push` each batch as it is decoded (the batch may be reused after
 * the call), then `result`. Throws ConfigError for bad options; allocates nothing per reference.
 */
export class StreamReplay implements RefSink {
  readonly ids: PageIds;
  private readonly r: Replayer;
  private idBuf = new Int32Array(0);
  private writeBuf = new Uint8Array(0);
  private readonly nextUse: NextUses | null;
  private done = 0;

  constructor(private readonly opts: StreamReplayOptions) {
    this.ids = opts.ids ?? new PageIds();
    if (!Number.isInteger(opts.frames) || opts.frames < 1) {
      throw new ConfigError("frames", opts.frames, "an integer ≥ 1");
    }
    const needsFuture = getPolicyFactory(parsePolicySpec(opts.policy).id).needsFuture;
    // With a frame for every page (distinctBound, known in advance) nothing is ever evicted, and
    // the next uses that would choose victims are not needed.
    const evicts = !(opts.distinctBound !== undefined && opts.frames >= opts.distinctBound);
    if (needsFuture && evicts && opts.nextUse === undefined) {
      throw new ConfigError(
        "nextUse",
        "missing",
        `the next use of every reference: ${opts.policy} reads the future (annotate the trace first)`,
      );
    }
    this.nextUse = opts.nextUse ?? null;
    const hint = Math.max(1024, Math.min(opts.pageSpaceHint ?? 1 << 16, 1 << 26));
    const frames = streamReplayFrames(opts.frames, opts.distinctBound);
    this.r = new Replayer(null, frames, this.nextUse, opts.onEvict ?? null, hint);
    this.r.use(opts.policy, 0);
    this.r.useStampLru();
  }

  /** References replayed so far. */
  get references(): number {
    return this.done;
  }

  /** Replays the batch's references [0, count). */
  push(b: RefBatch): void {
    const n = b.count;
    if (n === 0) return;
    if (this.idBuf.length < n) {
      this.idBuf = new Int32Array(n);
      this.writeBuf = new Uint8Array(n);
    }
    this.ids.map(b.pages, b.kinds, b.pids, 0, n, this.idBuf, this.writeBuf);
    this.pushDense(this.idBuf, this.writeBuf, n);
  }

  /**
   * Replays refs [0, n) given as dense ids from `this.ids` (as PwtDecoder.drainDense writes them)
   * and write flags.
   */
  pushDense(ids: Int32Array, writes: Uint8Array, n: number): void {
    if (n === 0) return;
    if (this.nextUse !== null && this.done + n > this.nextUse.length) {
      throw new ConfigError(
        "nextUse",
        this.nextUse.length,
        `at least ${this.done + n} entries (one per reference)`,
      );
    }
    this.r.growPageSpace(this.ids.size);
    this.r.run(ids, writes, 0, n, this.done);
    this.done += n;
  }

  /** Replays references still encoded (PwtDecoder.takeCoded), as pushDense would their ids. */
  pushCoded(c: CodedRefs): void {
    const n = c.count;
    if (n === 0) return;
    if (this.nextUse !== null && this.done + n > this.nextUse.length) {
      throw new ConfigError(
        "nextUse",
        this.nextUse.length,
        `at least ${this.done + n} entries (one per reference)`,
      );
    }
    this.r.growPageSpace(this.ids.size);
    this.r.runCoded(c.buf, c.pos, n, c.width, c.ids, this.done);
    this.done += n;
  }

  get countsCoded(): boolean {
    return this.r.countsCoded;
  }

  pushCodedCounted(c: CodedRefs): number {
    const n = c.count;
    if (n === 0) return -1;
    if (this.nextUse !== null && this.done + n > this.nextUse.length) {
      throw new ConfigError(
        "nextUse",
        this.nextUse.length,
        `at least ${this.done + n} entries (one per reference)`,
      );
    }
    this.r.growPageSpace(this.ids.size);
    const bad = this.r.runCodedCounted(c.buf, c.pos, n, c.width, c.ids, this.done);
    if (bad < 0) this.done += n;
    return bad;
  }

  get codedKinds(): { odd: number; high: number; both: number } {
    return { odd: this.r.kindOdd, high: this.r.kindHigh, both: this.r.kindBoth };
  }

  result(): ReplayResult {
    const r = this.r;
    const n = this.done;
    return {
      references: n,
      faults: r.faults,
      hits: r.hits,
      missRatio: n === 0 ? 0 : r.faults / n,
      evictions: { clean: r.clean, dirty: r.dirty },
      writebacks: r.dirty,
      policy: this.opts.policy,
      frames: this.opts.frames,
      switches: 0,
      timeNs: r.simulatedNs(n),
      ...(r.policy.counters ? { policyCounters: r.policy.counters() } : {}),
    };
  }
}

/**
 * Feeds an uncompressed pwt byte stream, in chunks of any size, through PwtDecoder.drainDense into
 * a StreamReplay (or any RefSink): decoding and replay in one loop over one reused batch. `limit`
 * stops after that many references (the rest is skipped without decoding).
 */
export class PwtReplayFeed {
  readonly decoder: PwtDecoder;
  private readonly batch: RefBatch;
  private readonly idBuf: Int32Array;
  private readonly writeBuf: Uint8Array;
  private readonly coded: CodedRefs = makeCodedRefs();
  private stopped = false;
  /** References handed to the sink so far. */
  references = 0;

  constructor(
    readonly replay: RefSink,
    opts: { source?: string; batch?: number; limit?: number } = {},
  ) {
    const size = opts.batch ?? 1 << 16;
    this.decoder = new PwtDecoder({ source: opts.source ?? "input" });
    this.batch = makeBatch(size);
    this.idBuf = new Int32Array(size);
    this.writeBuf = new Uint8Array(size);
    this.limit = opts.limit ?? Number.POSITIVE_INFINITY;
  }

  private readonly limit: number;

  /** True once the limit is reached: nothing more is decoded. */
  get done(): boolean {
    return this.stopped;
  }

  /** Decodes and replays what `chunk` completes. */
  push(chunk: Uint8Array): void {
    if (this.stopped) return;
    this.decoder.push(chunk);
    this.pump();
  }

  /** Replays the rest; checks the stream is complete (unless the limit stopped it). */
  end(): void {
    if (this.stopped) return;
    this.pump();
    this.flush();
    if (!this.stopped) this.decoder.end();
  }

  /**
   * Dictionary blocks go to the replay still encoded (takeCoded, then runCoded decodes in its loop);
   * token blocks are decoded into the batch first (drainDenseUntilCoded, which stops at the next
   * dictionary block), and the batch is replayed before anything after it.
   */
  private pump(): void {
    const { decoder, batch, idBuf, writeBuf, coded, replay } = this;
    while (!this.stopped) {
      const room = this.limit - this.references;
      if (replay.countsCoded === true && replay.pushCodedCounted !== undefined) {
        // The replay loop counts the kinds and checks the entries: no pass of the decoder's own.
        const n = decoder.takeCodedUnchecked(Math.min(room, batch.pages.length), replay.ids, coded);
        if (n > 0) {
          const bad = replay.pushCodedCounted(coded);
          if (bad >= 0) throw decoder.badEntry(coded.pos + bad * coded.width);
          const k = replay.codedKinds;
          if (k === undefined) decoder.addCodedUncounted(n);
          else decoder.addCodedKinds(n, k.odd, k.high, k.both);
          this.references += n;
          if (n === room) this.stopped = true;
          continue;
        }
      }
      if (decoder.takeCoded(Math.min(room, batch.pages.length), replay.ids, coded) > 0) {
        replay.pushCoded(coded);
        this.references += coded.count;
        if (coded.count === room) this.stopped = true;
        continue;
      }
      if (!decoder.drainDenseUntilCoded(batch, idBuf, writeBuf, replay.ids)) break;
      this.flush();
    }
  }

  private flush(): void {
    const room = this.limit - this.references;
    const n = Math.min(this.batch.count, room);
    this.replay.pushDense(this.idBuf, this.writeBuf, n);
    this.references += n;
    this.batch.count = 0;
    if (n === room) this.stopped = true;
  }
}
