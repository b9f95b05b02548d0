// A miniature pager for driving one policy directly, with frames that can be busy (tracked but not
// evictable, as in transit), pinned (forgotten with "pinned"), freed and reused. Used by the
// conformance table; every victim is checked to be resident, evictable and tracked.

import { type FrameBits, NO_FRAME, type ReplacementPolicy } from "../../src/policies/policy.js";
import { createPolicy } from "../../src/policies/registry.js";

export class HarnessBits implements FrameBits {
  readonly ref: Uint8Array;
  readonly dirtyBit: Uint8Array;
  readonly resident: Uint8Array;
  readonly busy: Uint8Array;
  readonly pinned: Uint8Array;

  constructor(readonly frameCount: number) {
    this.ref = new Uint8Array(frameCount);
    this.dirtyBit = new Uint8Array(frameCount);
    this.resident = new Uint8Array(frameCount);
    this.busy = new Uint8Array(frameCount);
    this.pinned = new Uint8Array(frameCount);
  }

  isEvictable(f: number): boolean {
    return this.resident[f] === 1 && this.busy[f] === 0 && this.pinned[f] === 0;
  }
  referenced(f: number): boolean {
    return this.ref[f] === 1;
  }
  clearReferenced(f: number): void {
    this.ref[f] = 0;
  }
  dirty(f: number): boolean {
    return this.dirtyBit[f] === 1;
  }
}

/** One operation of a random workload for the harness. */
export type HarnessOp =
  | { kind: "access"; page: number; write: boolean }
  | { kind: "busy"; slot: number }
  | { kind: "pin"; slot: number }
  | { kind: "unpin"; slot: number }
  | { kind: "free"; slot: number };

export class Harness {
  readonly bits: HarnessBits;
  policy: ReplacementPolicy;
  readonly pageOf: Int32Array;
  readonly frameOf = new Map<number, number>();
  /** Frames the policy currently tracks (admitted, not forgotten), in load order. */
  readonly tracked: number[] = [];
  readonly victims: number[] = [];
  readonly wantsHits: boolean;
  private now = 0;

  constructor(
    readonly spec: string,
    readonly frameCount: number,
    readonly pageSpace: number,
    wantsHits: boolean,
  ) {
    this.bits = new HarnessBits(frameCount);
    this.policy = createPolicy(spec, this.bits, { pageSpace });
    this.pageOf = new Int32Array(frameCount).fill(-1);
    this.wantsHits = wantsHits;
  }

  apply(op: HarnessOp): void {
    const f = op.kind === "access" ? -1 : op.slot % this.frameCount;
    if (op.kind === "access") this.access(op.page, op.write);
    else if (op.kind === "busy") this.bits.busy[f] = this.bits.busy[f] ? 0 : 1;
    else if (op.kind === "pin" && this.isTracked(f) && this.bits.busy[f] === 0) {
      this.bits.pinned[f] = 1;
      this.untrack(f, "pinned");
    } else if (op.kind === "unpin" && this.bits.pinned[f] === 1) {
      this.bits.pinned[f] = 0;
      this.track(f);
    } else if (op.kind === "free" && this.isTracked(f) && this.bits.busy[f] === 0) this.free(f);
    this.now += 1_000_000;
    this.policy.tick?.(this.now);
  }

  access(page: number, write: boolean): void {
    const f = this.frameOf.get(page);
    if (f !== undefined) {
      this.bits.ref[f] = 1;
      if (write) this.bits.dirtyBit[f] = 1;
      if (this.wantsHits && this.isTracked(f)) this.policy.touch?.(f, Number.POSITIVE_INFINITY);
      return;
    }
    let frame = this.freeFrame();
    if (frame < 0) {
      frame = this.policy.selectVictim(page);
      this.checkVictim(frame);
      if (frame < 0) return;
      this.victims.push(this.pageOf[frame]!);
      this.untrack(frame, "evicted");
      this.frameOf.delete(this.pageOf[frame]!);
      this.bits.resident[frame] = 0;
    }
    this.pageOf[frame] = page;
    this.frameOf.set(page, frame);
    this.bits.resident[frame] = 1;
    this.bits.ref[frame] = 1;
    this.bits.dirtyBit[frame] = write ? 1 : 0;
    this.track(frame);
  }

  /** Replaces the policy: the new one adopts every tracked frame in load order. */
  switchTo(spec: string): void {
    this.policy = createPolicy(spec, this.bits, { pageSpace: this.pageSpace });
    for (const f of this.tracked) this.policy.admit(f, this.pageOf[f]!, Number.POSITIVE_INFINITY);
  }

  /** Frees a resident frame (process exit, unmap): the policy forgets it. */
  free(f: number): void {
    this.untrack(f, "freed");
    this.frameOf.delete(this.pageOf[f]!);
    this.pageOf[f] = -1;
    this.bits.resident[f] = 0;
    this.bits.busy[f] = 0;
  }

  /** Asks for victims without loading anything until none is left; returns the frames in order. */
  drain(): number[] {
    const out: number[] = [];
    for (let k = 0; k <= this.frameCount; k++) {
      const f = this.policy.selectVictim();
      this.checkVictim(f);
      if (f < 0) break;
      out.push(f);
      this.untrack(f, "evicted");
      this.frameOf.delete(this.pageOf[f]!);
      this.bits.resident[f] = 0;
    }
    return out;
  }

  evictableTracked(): number[] {
    return this.tracked.filter((f) => this.bits.isEvictable(f));
  }

  private checkVictim(f: number): void {
    const legal = this.evictableTracked();
    if (f === NO_FRAME) {
      if (legal.length > 0)
        throw new Error(`${this.spec}: NO_FRAME while ${legal.length} frames are evictable`);
      return;
    }
    if (!legal.includes(f)) {
      throw new Error(
        `${this.spec}: victim ${f} is not an evictable tracked frame (resident ${this.bits.resident[f]}, busy ${this.bits.busy[f]}, pinned ${this.bits.pinned[f]})`,
      );
    }
  }

  private freeFrame(): number {
    for (let f = 0; f < this.frameCount; f++) if (this.bits.resident[f] === 0) return f;
    return -1;
  }

  private isTracked(f: number): boolean {
    return this.tracked.includes(f);
  }

  private track(f: number): void {
    this.tracked.push(f);
    this.policy.admit(f, this.pageOf[f]!, Number.POSITIVE_INFINITY);
  }

  private untrack(f: number, why: "evicted" | "freed" | "pinned"): void {
    this.tracked.splice(this.tracked.indexOf(f), 1);
    this.policy.forget(f, this.pageOf[f]!, why);
  }
}
