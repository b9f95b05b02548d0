// The trace format registry: one decoder factory per format id, the same ids the CLI's --format
// takes. Browser-safe: a front end gets bytes however it can and decodes them here.

import { UnknownIdError } from "../core/errors.js";
import { pwtDecoder } from "./binary-format.js";
import { csvDecoder, type LibCacheSimCsvOptions, libCacheSimCsvDecoder } from "./csv-trace.js";
import { TRACE_FORMATS, type TraceFormat } from "./detect.js";
import { lackeyDecoder } from "./lackey.js";
import { type OracleGeneralOptions, oracleGeneralDecoder } from "./oracle-general.js";
import { pagesDecoder } from "./pages-decoder.js";
import { type TextDecodeOptions, textDecoder } from "./text-trace.js";
import type { TraceDecoder } from "./trace-decoder.js";

export type { TraceFormat } from "./detect.js";
export { TRACE_FORMATS } from "./detect.js";

/**
 * Options for any format; `unit` applies to text only, `unitSize` to oracleGeneral only, `csvParams`
 * to libcachesim-csv only.
 */
export type FormatOptions = TextDecodeOptions & OracleGeneralOptions & LibCacheSimCsvOptions;

/** One line per format, for help texts and `pagewise info`. */
export const FORMAT_SUMMARIES = {
  lackey: "Valgrind lackey output: 'I  addr,size', ' L|S|M addr,size'",
  text: "one reference per line: [pid] value [R|W|I|L|S|M]; value a page number (or an address)",
  csv: "csv with a header naming columns: page or addr, and optionally size, kind, pid",
  "libcachesim-csv": "libCacheSim csv: header with obj_id (the page) and obj_size (ignored)",
  pwt: "pagewise binary: gzip-compressed, delta-encoded varints, header with page size and counts",
  pages: "'K PAGE' lines: lackey kind and hex page number (the reference traces)",
  oracleGeneral: "libCacheSim binary: 24-byte records (time, 64-bit object id, size, next access)",
} as const satisfies Record<TraceFormat, string>;

const FACTORIES: Record<TraceFormat, (opts: FormatOptions) => TraceDecoder> = {
  lackey: lackeyDecoder,
  text: textDecoder,
  csv: csvDecoder,
  "libcachesim-csv": libCacheSimCsvDecoder,
  pwt: pwtDecoder,
  pages: pagesDecoder,
  oracleGeneral: oracleGeneralDecoder,
};

/** True when `id` is a known format id. */
export function isTraceFormat(id: string): id is TraceFormat {
  return (TRACE_FORMATS as readonly string[]).includes(id);
}

/**
 * A fresh decoder for format `id`. Throws UnknownIdError for an unknown id, ConfigError for bad
 * options (page size, unit).
 */
export function createDecoder(id: string, opts: FormatOptions = {}): TraceDecoder {
  if (!isTraceFormat(id)) throw new UnknownIdError("trace format", id, TRACE_FORMATS);
  return FACTORIES[id](opts);
}
