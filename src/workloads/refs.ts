// The unit every workload produces: memory references in batches of typed arrays, so a reader can
// decode millions of them without allocating per reference. A reference is one request to the
// simulator: (pid, kind, page). Readers of byte-address formats (lackey) split an access that
// straddles a page boundary into one reference per page, and count a lackey M (modify: a load then
// a store to the same place) as ONE reference that dirties the page, so counts agree with other
// simulators on the same file.

/** Reference kinds, numbered as Valgrind lackey names them. */
export const REF_INSTR = 0; // I: instruction fetch
export const REF_LOAD = 1; // L: data load
export const REF_STORE = 2; // S: data store
export const REF_MODIFY = 3; // M: load then store, one reference

export type RefKind = typeof REF_INSTR | typeof REF_LOAD | typeof REF_STORE | typeof REF_MODIFY;

/** True when a reference of kind `k` writes (and so dirties) its page. */
export function isWrite(k: number): boolean {
  return k === REF_STORE || k === REF_MODIFY;
}

/** Letters used by lackey and by pagewise's text formats, indexed by kind. */
export const REF_LETTERS = ["I", "L", "S", "M"] as const;

/**
 * A batch of references. Entries [0, count) are valid; the arrays may be longer (readers reuse
 * one batch). `pages` are page numbers at the source's page size; `pids` are process ids (0 when
 * the source has none).
 */
export interface RefBatch {
  count: number;
  readonly pages: Float64Array;
  readonly kinds: Uint8Array;
  readonly pids: Int32Array;
}

/** Allocates an empty batch able to hold `capacity` references. */
export function makeBatch(capacity: number): RefBatch {
  return {
    count: 0,
    pages: new Float64Array(capacity),
    kinds: new Uint8Array(capacity),
    pids: new Int32Array(capacity),
  };
}

/**
 * Largest size of one access a trace may state (lackey's size, csv's size column). An access is
 * one load, store or instruction: at most a vector register or an instruction in practice; 64 KiB
 * leaves room for any tool and keeps a corrupt size from turning one line into millions of
 * references (` L 1000,99999999999` was 24 M of them).
 */
export const MAX_ACCESS_BYTES = 65536;
