// What the numbers of a text trace are: page numbers, or byte addresses (the common `0x0041f7a0 R`
// lines of tracing tools). The text format cannot say, so a reader either is told (the CLI's
// --pages and --addresses) or looks at the first values (docs/trace-formats.md, "text"):
//
//   byte addresses when (a) a value is at or above 2^48 / page size, a number no page of a 48-bit
//   address space has; or (b) among at least 4 distinct values, the largest is at least 2^16 and
//   at least half are multiples of 4. Programs access words at aligned addresses, so most byte
//   addresses are multiples of 4; page numbers run consecutively, a quarter of them multiples of 4,
//   and a page number of 2^16 or more lies 256 MiB into the space (at 4 KiB);
//   page numbers otherwise.
//
// The sample is the first TEXT_UNIT_SAMPLE values (of the first bytes the reader has: 64 KiB).

import { makeBatch } from "./refs.js";
import { PlainTextDecoder, type TextUnit } from "./text-trace.js";

/** Values looked at, at most. */
export const TEXT_UNIT_SAMPLE = 10_000;
/** Rule (b): the least number of distinct values, and the least largest value. */
export const TEXT_UNIT_MIN_DISTINCT = 4;
export const TEXT_UNIT_MIN_ADDRESS = 2 ** 16;

/** The unit a text trace's values were found to be, and why (a phrase for a note). */
export interface TextUnitGuess {
  readonly unit: TextUnit;
  readonly why: string;
}

function hex(v: number): string {
  return `0x${v.toString(16)}`;
}

/**
 * Decides whether the values of the text trace starting with `head` are page numbers or byte
 * addresses (the rule above). Malformed lines are skipped; `complete` says `head` is the whole
 * file (its last line counts even without a newline).
 */
export function detectTextUnit(head: Uint8Array, pageSize: number, complete = false): TextUnitGuess {
  const dec = new PlainTextDecoder({ pageSize, skipBad: true, source: "sample" });
  dec.push(head);
  const batch = makeBatch(TEXT_UNIT_SAMPLE);
  // end() replaces the decoder's buffer with the unterminated last line: drain what came before it.
  if (!dec.drain(batch) && complete) {
    dec.end();
    dec.drain(batch);
  }
  const distinct = new Set<number>();
  for (let i = 0; i < batch.count; i++) distinct.add(batch.pages[i]!);
  const pageLimit = 2 ** 48 / pageSize;
  let max = 0;
  let aligned = 0;
  for (const v of distinct) {
    if (v > max) max = v;
    if (v % 4 === 0) aligned++;
  }
  if (max >= pageLimit) {
    return {
      unit: "address",
      why: `the value ${hex(max)} is beyond the page numbers of a 48-bit space at ${pageSize}-byte pages`,
    };
  }
  const n = distinct.size;
  if (n >= TEXT_UNIT_MIN_DISTINCT && max >= TEXT_UNIT_MIN_ADDRESS && aligned * 2 >= n) {
    return {
      unit: "address",
      why: `${aligned} of ${n} distinct values are multiples of 4, as word addresses are; the largest is ${hex(max)}`,
    };
  }
  if (n < TEXT_UNIT_MIN_DISTINCT) {
    return {
      unit: "page",
      why: `only ${n} distinct value${n === 1 ? "" : "s"}: read as page numbers, the default`,
    };
  }
  return {
    unit: "page",
    why:
      max < TEXT_UNIT_MIN_ADDRESS
        ? `the largest of ${n} distinct values is ${max}, below 2^16`
        : `only ${aligned} of ${n} distinct values are multiples of 4 (word addresses mostly are)`,
  };
}
