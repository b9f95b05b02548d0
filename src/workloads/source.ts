// A reference source: where a run reads its references from, read from the start at each call.
// Decoders, generators and workloads in memory make them; replay (sim/run.ts) and full mode
// (sim/machine-run.ts) read them.

import type { RefBatch } from "./refs.js";

/**
 * Where references come from, read from the start at each call (every pass is a new read):
 * - "pwt": the chunks of an uncompressed pwt stream (its reader decodes it, dictionary blocks kept encoded);
 * - "batches": decoded batches (any format's decoder, a generator, a reference string); a batch
 *   may be reused once the next one is asked for.
 */
export type ReferenceSource =
  | {
      readonly kind: "pwt";
      /** Names the stream in errors (a file path). */
      readonly name: string;
      chunks(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    }
  | {
      readonly kind: "batches";
      readonly name: string;
      batches(): AsyncIterable<RefBatch> | Iterable<RefBatch>;
    };
