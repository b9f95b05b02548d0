// The line under full mode's table that explains its TLB counts: hits + misses exceed the
// references because an access that faults is restarted once its page is in, and the restart looks
// the TLB up again (the fault left no entry for it) and walks the page table a second time.

import { groupDigits } from "../src/index.js";

/** The explanation for `hits` and `misses` over `references`; "" when there is nothing to explain. */
export function tlbCountsNote(references: number, hits: number, misses: number): string {
  const lookups = hits + misses;
  const restarts = lookups - references;
  if (restarts <= 0) return "";
  const s = (n: number, one: string, many: string) => `${groupDigits(n)} ${n === 1 ? one : many}`;
  return (
    `TLB: ${s(lookups, "lookup", "lookups")} for ${s(references, "reference", "references")}. An access that faults ` +
    "is restarted once its page is in,\nand the restart looks the TLB up and walks the page table again: " +
    `${s(hits, "hit", "hits")} + ${s(misses, "miss", "misses")} =\n` +
    `${s(references, "reference", "references")} + ${s(restarts, "restart", "restarts")}.\n`
  );
}
