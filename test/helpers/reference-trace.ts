// Loads the reference traces copied into test/fixtures/reference (see PROVENANCE.md there): gunzip
// with node:zlib, parse with workloads/pages-text.ts, densify for replay. Cached per process.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { densify, type ReplayTrace } from "../../src/sim/replay.js";
import { PagesTextParser } from "../../src/workloads/pages-text.js";
import { isWrite } from "../../src/workloads/refs.js";

export const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "fixtures",
  "reference",
);
export const REFERENCE_TRACES = ["sort3k-1m", "gzip-1m", "py-1m"] as const;
export type ReferenceTraceName = (typeof REFERENCE_TRACES)[number];

/** libcachesim-misses.json: misses[policy][frames] per trace. */
export interface ReferenceMisses {
  readonly [trace: string]: { references: number; misses: Record<string, Record<string, number>> };
}

const cache = new Map<string, ReplayTrace>();

/** The trace as dense ids with write flags (an S or M line writes). */
export function loadReferenceTrace(name: ReferenceTraceName): ReplayTrace {
  const hit = cache.get(name);
  if (hit) return hit;
  const bytes = zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, `${name}.pages.gz`)));
  const trace = tracefromPagesBytes(bytes, name);
  cache.set(name, trace);
  return trace;
}

/** Parses "K PAGE" bytes into a dense ReplayTrace. */
export function tracefromPagesBytes(bytes: Uint8Array, source: string): ReplayTrace {
  let pages = new Float64Array(1 << 20);
  let writes = new Uint8Array(1 << 20);
  let count = 0;
  const parser = new PagesTextParser(source, (b) => {
    if (count + b.count > pages.length) {
      const np = new Float64Array(pages.length * 2);
      np.set(pages);
      pages = np;
      const nw = new Uint8Array(writes.length * 2);
      nw.set(writes);
      writes = nw;
    }
    pages.set(b.pages.subarray(0, b.count), count);
    for (let i = 0; i < b.count; i++) writes[count + i] = isWrite(b.kinds[i]!) ? 1 : 0;
    count += b.count;
  });
  parser.pushBytes(bytes);
  parser.end();
  const dense = densify(pages, count);
  return { count, pages: dense.ids, writes: writes.subarray(0, count), pageSpace: dense.pageSpace };
}

export function loadReferenceMisses(): ReferenceMisses {
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, "libcachesim-misses.json"), "utf8"),
  ) as ReferenceMisses;
}
