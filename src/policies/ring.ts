// A circular list of frames with a hand, in typed arrays: the clock face of Clock, WSClock and
// CAR. A new frame is inserted just behind the hand, so it is examined last; removing the frame
// under the hand moves the hand to the next one.

const NIL = -1;

export class Ring {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  private readonly on: Uint8Array;
  hand = NIL;
  size = 0;

  constructor(frameCount: number) {
    this.next = new Int32Array(frameCount).fill(NIL);
    this.prev = new Int32Array(frameCount).fill(NIL);
    this.on = new Uint8Array(frameCount);
  }

  has(f: number): boolean {
    return this.on[f] === 1;
  }

  /** Inserts `f` just behind the hand (the last position the hand will reach). */
  insert(f: number): void {
    const h = this.hand;
    if (h === NIL) {
      this.next[f] = f;
      this.prev[f] = f;
      this.hand = f;
    } else {
      const p = this.prev[h]!;
      this.next[p] = f;
      this.prev[f] = p;
      this.next[f] = h;
      this.prev[h] = f;
    }
    this.on[f] = 1;
    this.size++;
  }

  /** Unlinks `f`; the hand moves on if it pointed at `f`. No-op if absent. */
  remove(f: number): void {
    if (this.on[f] !== 1) return;
    this.on[f] = 0;
    this.size--;
    if (this.size === 0) {
      this.hand = NIL;
      return;
    }
    const p = this.prev[f]!;
    const n = this.next[f]!;
    this.next[p] = n;
    this.prev[n] = p;
    if (this.hand === f) this.hand = n;
  }

  /** Moves the hand one frame on. */
  advance(): void {
    if (this.hand !== NIL) this.hand = this.next[this.hand]!;
  }
}
