// The replacement-policy contract: what a policy may see (FrameBits), the hooks the pager or the
// replay driver calls (ReplacementPolicy), and how a policy is described and built (PolicyFactory).
// Policies are plug-ins in the Zephyr sense: they see frames and bits, never the pager, the page
// tables or the processes; they answer "which frame next?" and keep their own per-frame state in
// typed arrays sized `frameCount`. This file imports only core/.

/** Dense index of a physical frame, 0 ≤ f < frameCount. */
export type Frame = number;
/** A page's identity (see core/addr.ts pageKey); in replay mode a dense page id. */
export type PageKey = number;
/** Returned by selectVictim when no frame is evictable. */
export const NO_FRAME: Frame = -1;
/** nextUse value for a page that is never referenced again. */
export const NEVER: number = Number.POSITIVE_INFINITY;

/**
 * Everything a policy may read or change about frames: the hardware's accessed and dirty bits,
 * gathered over every PTE that maps the frame (Zephyr's arch_page_info_get).
 */
export interface FrameBits {
  readonly frameCount: number;
  /** Resident, mapped, not pinned, not in transit: a legal victim. */
  isEvictable(f: Frame): boolean;
  /** The accessed (R) bit: true if any mapping of `f` was used since the bit was last cleared. */
  referenced(f: Frame): boolean;
  /** Clears the accessed bit in every PTE mapping `f` and drops those TLB entries. */
  clearReferenced(f: Frame): void;
  /** True if the frame's contents differ from its backing copy. */
  dirty(f: Frame): boolean;
}

/** Why a frame left a policy's view. */
export type ForgetReason = "evicted" | "freed" | "pinned";

/**
 * One running replacement policy. Calling order, from the pager and the replay driver alike:
 * - `admit(f, page, nextUse)` once a page is resident in `f` and evictable. It is called after the
 *   access that faulted has been restarted, so `referenced(f)` is already true and, for a write,
 *   `dirty(f)` too; a policy that wants new pages to start unreferenced clears the bit itself.
 * - `touch(f, nextUse)` on every access that hits a resident page, only if the factory's
 *   `wantsHits` is true (otherwise hits are free of policy calls).
 * - `selectVictim(incoming?)` when a frame is needed and none is free: returns an evictable frame
 *   (or NO_FRAME if none is). It may move hands and clear bits; it never unmaps. The caller then
 *   calls `forget(victim, page, "evicted")`. `incoming` is the page about to be loaded, when the
 *   caller knows it: policies with ghost lists (ARC, CAR, 2Q, S3-FIFO) resolve a ghost hit before
 *   choosing, as their papers do; without it they resolve it at `admit`.
 * - `forget(f, page, why)` when `f` stops holding `page`: evicted, freed (unmap, exit) or pinned.
 * - `tick(now)` on every reference, if defined: `now` is simulated time in ns. Timer-driven
 *   policies (NRU, Aging) do their periodic work when `now` crosses their interval. It may return
 *   the time at which it next has work to do: a driver may then skip calls until that time (the
 *   replay driver does, so no number is boxed per reference), but it still calls `tick` with the
 *   current time before it handles each fault, unless the policy sets `tickOnlyWhenDue`.
 *   Returning undefined asks for every reference.
 */
export interface ReplacementPolicy {
  readonly id: string;
  admit(f: Frame, page: PageKey, nextUse: number): void;
  /**
   * A hit on `f`. May return true to say that touching `f` again right away, with no other call
   * in between, would change nothing (LIRS: true once the page is LIR), so a driver may skip that
   * call; `repeatTouchIsNoop` says the same of every touch.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a touch that never allows a skip returns nothing
  touch?(f: Frame, nextUse: number): boolean | void;
  forget(f: Frame, page: PageKey, why: ForgetReason): void;
  selectVictim(incoming?: PageKey): Frame;
  tick?(now: number): number | undefined;
  /**
   * True if `tick` does work only at the times it returned (NRU, Aging, NFU): a driver that honours
   * those times may then skip the call before each fault, which passes a time (a boxed number) per
   * fault. Absent or false: the policy reads the time at faults (WSClock).
   */
  readonly tickOnlyWhenDue?: boolean;
  /**
   * True if `touch(f)` right after `touch(f)`, with no other call in between, changes nothing
   * (LRU, ARC: the frame is already at the most recent end): a driver may skip the second call.
   */
  readonly repeatTouchIsNoop?: boolean;
  /**
   * True if `touch(f)` only makes `f` the most recent of the frames it orders and reads nothing
   * else (no next use, no clock): after touches with no other call in between, the state depends
   * only on the order of each frame's last touch (LRU). A driver may then hold back touches of two
   * frames that take turns and make them in that order before any other call.
   */
  readonly touchMovesToMostRecent?: boolean;
  /** Private counters (hand movements, ghost hits, …) for reports. */
  counters?(): Readonly<Record<string, number>>;
  /**
   * The policy's state for display (step mode, the quiz, the web app): its lists in its own order
   * (FIFO queue, LRU stack, clock ring with the hand, ARC's four lists …). Not called on the hot
   * path; it may allocate. See PolicyView.
   */
  describe?(): PolicyView;
}

/** One entry of a PolicyView list: a resident frame, or a ghost (a page remembered after eviction). */
export interface PolicyViewEntry {
  /** The frame, or -1 for a ghost. */
  readonly frame: Frame;
  /** A ghost's page (resident entries leave it out: the caller knows each frame's page). */
  readonly page?: PageKey;
  /** Per-entry state worth showing, short: "R=1", an age counter "1010", a count "f=3". */
  readonly note?: string;
}

/** One list of a PolicyView, in the order its `order` text says. */
export interface PolicyViewList {
  /** "queue", "stack", "ring", "T1", "B1" … */
  readonly name: string;
  /** What the order means: "oldest first", "least recent first", "from the hand" … */
  readonly order: string;
  readonly entries: readonly PolicyViewEntry[];
  /** Clock hands by name ("hand"; CLOCK-Pro's "hot", "cold", "test"): the index in `entries` each points at. */
  readonly hands?: Readonly<Record<string, number>>;
  /** True for a list of ghosts (pages not resident). */
  readonly ghost?: boolean;
}

/** A policy's state for display: its lists and any scalars (ARC's target p, …). */
export interface PolicyView {
  readonly lists: readonly PolicyViewList[];
  readonly values?: Readonly<Record<string, number>>;
}

/** Extra facts a policy may use when it is created. */
export interface PolicyContext {
  /**
   * When > 0, every PageKey is a dense id in [0, pageSpace), so the policy may index typed arrays
   * by page (ghost lists, history). When 0, keys are sparse and a hash map is needed.
   */
  readonly pageSpace: number;
}

/** Documentation of one parameter: its default as written on the command line, and what it does. */
export interface ParamDoc {
  readonly default: string;
  readonly doc: string;
}

/**
 * Describes a policy and builds instances. One factory per file, one registry line per factory
 * (policies/registry.ts).
 */
export interface PolicyFactory<P = unknown> {
  readonly id: string;
  readonly summary: string;
  /** Exact LRU, ARC, OPT and the like need every hit; Clock, NRU and Aging read the bits. */
  readonly wantsHits: boolean;
  /** OPT: the workload must give each reference its next use. */
  readonly needsFuture: boolean;
  readonly params: Readonly<Record<string, ParamDoc>>;
  readonly defaults: P;
  /** Parses key=value pairs over the defaults; throws ConfigError naming the key for a bad one. */
  parseParams(raw: Readonly<Record<string, string>>): P;
  create(bits: FrameBits, params: P, ctx: PolicyContext): ReplacementPolicy;
}
