// Typed errors thrown at the engine's boundary: bad configuration, bad input, impossible requests.
// Each class has a stable `code` (tests and front ends match on it, never on the message), the
// structured facts in `data`, and a message that says what is wrong and where.
// A fault on the hot path is never an exception: see mmu/mmu.ts (negative codes) and pager/fault.ts.

/** Base of every error pagewise throws on purpose. `code` is stable; `data` is JSON-safe. */
export class PagewiseError extends Error {
  readonly code: string;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }

  /** A plain object for `--json` output and logs. */
  toJSON(): { name: string; code: string; message: string; data: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }
}

/** A configuration value is invalid: `key` names the option, `expected` what would be valid. */
export class ConfigError extends PagewiseError {
  static readonly code = "CONFIG_INVALID";
  constructor(key: string, value: unknown, expected: string) {
    super(ConfigError.code, `invalid ${key}: ${formatValue(value)} (expected ${expected})`, {
      key,
      value: jsonSafe(value),
      expected,
    });
  }
}

/** A policy or store id that no registry knows; the message suggests the nearest known id. */
export class UnknownIdError extends PagewiseError {
  static readonly code = "UNKNOWN_ID";
  constructor(kind: string, id: string, known: readonly string[]) {
    const near = closest(id, known);
    super(
      UnknownIdError.code,
      `unknown ${kind} "${id}"${near === undefined ? "" : ` (did you mean "${near}"?)`} (known: ${known.join(", ")})`,
      { kind, id, known, suggestion: near ?? null },
    );
  }
}

/**
 * The candidate nearest to `word` (case-insensitive edit distance), when it is near enough to be
 * a likely typo (at most 2 edits, and fewer than half the word's letters) or `word` is its prefix.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best !== undefined && bestD <= 2 && bestD < Math.max(2, w.length / 2)) return best;
  if (w.length >= 2) return candidates.find((c) => c.toLowerCase().startsWith(w));
  return undefined;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** An address outside what the machine or a region allows, given by an API caller. */
export class AddressError extends PagewiseError {
  static readonly code = "ADDRESS_INVALID";
  constructor(message: string, data: { va?: number; pa?: number; pid?: number } & Record<string, unknown>) {
    super(AddressError.code, message, data);
  }
}

/** A line of a workload that cannot be parsed; `source`, `line` and `column` say where (1-based). */
export class TraceParseError extends PagewiseError {
  static readonly code = "TRACE_PARSE";
  constructor(source: string, line: number, column: number, problem: string) {
    super(TraceParseError.code, `${source}:${line}:${column}: ${problem}`, { source, line, column, problem });
  }
}

/** The backing store has no free slot for a page that must be written out. */
export class OutOfSwapError extends PagewiseError {
  static readonly code = "OUT_OF_SWAP";
  constructor(storeId: string, capacity: number) {
    super(OutOfSwapError.code, `backing store "${storeId}" is full (${capacity} slots)`, {
      storeId,
      capacity,
    });
  }
}

/**
 * No frame can be freed for a request: every frame is pinned, a page table, or needed by the
 * same access. Thrown instead of faulting forever.
 */
export class OutOfMemoryError extends PagewiseError {
  static readonly code = "OUT_OF_MEMORY";
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(OutOfMemoryError.code, message, data);
  }
}

/** A heap call that breaks the allocator's rules: double free, a pointer it never returned, a bad size. */
export class HeapError extends PagewiseError {
  static readonly code = "HEAP_MISUSE";
  constructor(message: string, data: Record<string, unknown>) {
    super(HeapError.code, message, data);
  }
}

/**
 * A process was ended by a fatal fault (segmentation or protection). Thrown to the API caller that
 * made the access; the machine and the other processes go on.
 */
export class ProcessFaultError extends PagewiseError {
  static readonly code = "PROCESS_FAULT";
  constructor(pid: number, kind: "segmentation" | "protection" | "out-of-swap", va: number, detail: string) {
    super(
      ProcessFaultError.code,
      `process ${pid} killed: ${kind} fault at 0x${va.toString(16)} (${detail})`,
      { pid, kind, va, detail },
    );
  }
}

/** An operation names a process that does not exist or has already exited. */
export class NoSuchProcessError extends PagewiseError {
  static readonly code = "NO_SUCH_PROCESS";
  constructor(pid: number, why: string) {
    super(NoSuchProcessError.code, `process ${pid} ${why}`, { pid, why });
  }
}

/** A broken internal invariant: a bug in pagewise, never the user's fault. */
export class InternalError extends PagewiseError {
  static readonly code = "INTERNAL";
  constructor(message: string) {
    super(InternalError.code, message);
  }
}

/** Throws InternalError("where: reason") unless `cond` holds. */
export function assert(cond: unknown, reason: string): asserts cond {
  if (!cond) throw new InternalError(reason);
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v === undefined) return "nothing";
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function jsonSafe(v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
