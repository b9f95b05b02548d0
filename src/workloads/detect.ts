// Format detection from the first bytes of a trace: compression by magic number, then the format
// from the uncompressed head (the pwt magic, or the shape of the first lines). Runs once per file,
// so it may use strings and regular expressions.

import { TraceParseError } from "../core/errors.js";
import { isPwt } from "./binary-format.js";
import { looksOracleGeneral } from "./oracle-general.js";

/** Every trace format pagewise reads. "pages" is the `K PAGE` format of the reference traces. */
export const TRACE_FORMATS = [
  "lackey",
  "text",
  "csv",
  "libcachesim-csv",
  "pwt",
  "pages",
  "oracleGeneral",
] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export type Compression = "gzip" | "zstd" | "none";

/** The compression of a file from its first bytes (gzip 1f 8b, zstd 28 b5 2f fd). */
export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}

const LACKEY_LINE = /^(I {1,2}| [LSM] )[0-9a-fA-F]+,\d+\s*$/;
const VALGRIND_LINE = /^(==\d+==|--\d+--)/;
const PAGES_LINE = /^[ILSM] [0-9a-f]+\s*$/;
const TEXT_LINE = /^\s*(?:(?:0x[0-9a-fA-F]+|\d+|[RWILSMrwilsm])(?:\s+|$)){1,3}(#.*)?$/;
const CSV_HEADER = /^[A-Za-z_][\w ]*(,[A-Za-z_][\w ]*)*$/;

/**
 * The format of a trace from its uncompressed head (a few KiB are plenty; a partial last line is
 * ignored). Throws TraceParseError, naming `source` and the first line that fits no format, when
 * it cannot tell.
 */
export function detectFormat(head: Uint8Array, source = "input"): TraceFormat {
  if (isPwt(head)) return "pwt";
  if (looksOracleGeneral(head)) return "oracleGeneral";
  // A UTF-8 byte order mark before the first line is allowed (the decoders drop it too).
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  let text = "";
  const n = Math.min(head.length, 16384);
  for (let i = 0; i < n; i++) text += String.fromCharCode(head[i]!);
  const all = text.split("\n");
  if (n < head.length || !text.endsWith("\n")) all.pop();
  if (all.length === 0 && text.length > 0) all.push(text);
  const lines: { no: number; text: string }[] = [];
  all.forEach((t, i) => {
    const s = t.replace(/\r$/, "");
    if (s.trim() !== "" && !VALGRIND_LINE.test(s)) lines.push({ no: i + 1, text: s });
  });
  const sample = lines.slice(0, 50);
  if (sample.length === 0) {
    if (all.some((l) => VALGRIND_LINE.test(l))) return "lackey";
    throw new TraceParseError(source, 1, 1, "expected a trace, found no references in the first lines");
  }
  for (let i = 0; i < sample.length; i++) {
    const { text: s, no } = sample[i]!;
    if (s.trimStart().startsWith("#")) continue;
    if (CSV_HEADER.test(s.trim()) && s.includes(",")) {
      return s
        .toLowerCase()
        .split(",")
        .some((c) => c.trim() === "obj_id")
        ? "libcachesim-csv"
        : "csv";
    }
    // The first reference line decides, so that a bad line further on is reported by the
    // decoder with its column instead of failing detection.
    const rest = sample.slice(i).filter((l) => !l.text.trimStart().startsWith("#"));
    if (LACKEY_LINE.test(s)) return "lackey";
    // "L 17" fits both K PAGE (hex) and text (decimal): K PAGE wins when every line fits it.
    if (PAGES_LINE.test(s) && (rest.every((l) => PAGES_LINE.test(l.text)) || !TEXT_LINE.test(s)))
      return "pages";
    if (TEXT_LINE.test(s)) return "text";
    throw new TraceParseError(
      source,
      no,
      1,
      "cannot tell the trace format (expected lackey, text, csv with a header, libcachesim-csv, K PAGE, pwt or oracleGeneral): give the format",
    );
  }
  return "text";
}
