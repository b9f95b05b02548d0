// Effective access time at several fault rates: measured (simulated ns per reference on a full
// Machine) beside the documents' EAT = (1 - p) x 200 ns + p x 8 ms at the measured p. Read-only
// rows meet the formula's assumptions (no walk cost, no write-back); the dirty rows do not: every
// victim is written back first, so the measured EAT follows 16 ms per fault instead.
// Prints a Markdown table (README "Effective access time"). Run: npm run bench -- eat

import { type EatRunResult, runEat } from "../src/index.js";

const PAGES = 64;
const rows: Array<{ frames: number; visit: number; refs: number; dirty: boolean }> = [
  { frames: 64, visit: 1, refs: 1_000_000, dirty: false },
  { frames: 32, visit: 100_000, refs: 2_000_000, dirty: false },
  { frames: 32, visit: 10_000, refs: 1_000_000, dirty: false },
  { frames: 32, visit: 1_000, refs: 1_000_000, dirty: false },
  { frames: 32, visit: 100, refs: 1_000_000, dirty: false },
  { frames: 16, visit: 10, refs: 500_000, dirty: false },
  { frames: 32, visit: 1, refs: 200_000, dirty: false },
  { frames: 32, visit: 1_000, refs: 1_000_000, dirty: true },
  { frames: 32, visit: 100, refs: 1_000_000, dirty: true },
];

const ns = (x: number) =>
  x >= 1e6 ? `${(x / 1e6).toFixed(3)} ms` : x >= 1e3 ? `${(x / 1e3).toFixed(3)} µs` : `${x.toFixed(2)} ns`;

console.log(
  `workload: ${PAGES} pages, random visits of V consecutive references; FIFO; costs 200 ns per access, 8 ms per disk read or write, no walk cost\n`,
);
console.log(
  "| workload | frames | V | references | p (measured) | EAT measured | EAT formula | measured / formula |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const x: EatRunResult = runEat({
    frames: r.frames,
    pages: PAGES,
    visit: r.visit,
    references: r.refs,
    dirty: r.dirty,
  });
  console.log(
    `| ${r.dirty ? "dirty (write per visit)" : "read-only (code pages)"} | ${r.frames} | ${r.visit} | ${x.references.toLocaleString("en-US")} | ${x.faultRate.toExponential(2)} | ${ns(x.measuredNs)} | ${ns(x.formulaNs)} | ${(x.measuredNs / x.formulaNs).toFixed(4)} |`,
  );
}
console.log(
  "\nRead-only: measured − formula = p × 200 ns exactly (the machine charges the restarted access; the formula folds it into the 8 ms).",
);
console.log(
  "Dirty: each fault also writes its victim back (16 ms), so the measured EAT is about twice the formula's.",
);
