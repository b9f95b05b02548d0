#!/usr/bin/env node
// Mutation check, run by hand (not in CI; several minutes): applies each mutant below to a copy of
// the committed tree, one at a time, runs the engine's tests on it, and expects them to FAIL, with
// a message, well before the time limit. A mutant that passes is a gap in the tests; one that runs
// into the time limit is an engine that hangs when broken (issue 18 items 13 and 14). Either makes
// the script exit 1. Results are recorded in README.md's testing section.
//
//   node scripts/mutants.mjs                 every mutant
//   node scripts/mutants.mjs tlb-asid dirty  only the mutants whose names contain these words
//   PW_MUTANT_TIMEOUT=600 node scripts/mutants.mjs   seconds before one test group counts as hung (default 400)

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const limitS = Number(process.env.PW_MUTANT_TIMEOUT ?? 400);

/** name, file, the exact source text, its replacement; `all` replaces every occurrence. */
const MUTANTS = [
  {
    name: "skip-dirty-writeback",
    what: "eviction treats every page as clean (no write-back)",
    file: "src/pager/frame-supply.ts",
    find: "    const dirty = this.parts.bits.dirty(f);\n    const obj =",
    replace: "    const dirty = false;\n    const obj =",
  },
  {
    name: "no-tlb-invalidate-on-unmap",
    what: "unmapping a frame leaves its TLB entries",
    file: "src/pager/pte-map.ts",
    find: "    tlb.invalidate(asid, vpn);\n    frames.removeMapping(f, asid, vpn);",
    replace: "    frames.removeMapping(f, asid, vpn);",
  },
  {
    name: "mmu-never-sets-dirty",
    what: "the MMU never sets the dirty bit",
    file: "src/mmu/mmu.ts",
    find: "const updated = pte | PTE_A | (access === ACC_WRITE ? PTE_D : 0);",
    replace: "const updated = pte | PTE_A;",
  },
  {
    name: "mmu-never-sets-accessed",
    what: "the MMU never sets the accessed bit",
    file: "src/mmu/mmu.ts",
    find: "const updated = pte | PTE_A | (access === ACC_WRITE ? PTE_D : 0);",
    replace: "const updated = pte | (access === ACC_WRITE ? PTE_D : 0);",
  },
  {
    name: "tlb-ignores-asid",
    what: "a TLB lookup matches an entry of any address space",
    file: "src/mmu/mmu.ts",
    find: " && tlb.asid[i] === this.asid",
    replace: "",
    all: true,
  },
  {
    name: "no-tlb-flush-on-switch",
    what: "a context switch in flush mode keeps the TLB",
    file: "src/mmu/mmu.ts",
    find: '    if (this.tlb.config.mode === "flush") this.tlb.flush();',
    replace: "",
  },
  {
    name: "sticky-dirty-dropped",
    what: "a sharer that wrote and unmapped leaves the frame clean",
    file: "src/pager/pager.ts",
    find: "      if (pte & PTE_D) frames.stickyDirty[f] = 1;",
    replace: "",
  },
  {
    name: "setpolicy-frame-order",
    what: "setPolicy adopts frames in frame-number order, not load order",
    file: "src/pager/frame-supply.ts",
    find: "    order.sort((a, b) => frames.loadSeq[a]! - frames.loadSeq[b]!);",
    replace: "",
  },
  {
    name: "clean-keeps-tlb-dirty",
    what: "cleaning a page leaves TLB entries that skip setting the dirty bit again",
    file: "src/pager/frame-supply.ts",
    find: "        mem.writeU32(addr, pte & ~PTE_D);\n        tlb.invalidate(frames.rmapAsidOf(n), frames.rmapVpnOf(n));",
    replace: "        mem.writeU32(addr, pte & ~PTE_D);",
  },
  {
    name: "evict-without-forget",
    what: "an evicted frame stays in its policy",
    file: "src/pager/frame-supply.ts",
    find: '    pol.forget(f, key, "evicted");\n    return dirty ? RECLAIM_DIRTY : RECLAIM_CLEAN;',
    replace: "    return dirty ? RECLAIM_DIRTY : RECLAIM_CLEAN;",
  },
  {
    name: "evict-without-release",
    what: "an evicted frame is never returned to the free list",
    file: "src/pager/frame-supply.ts",
    find: "    frames.slot[f] = NO_SLOT;\n    frames.release(f);\n    return true;",
    replace: "    frames.slot[f] = NO_SLOT;\n    return true;",
  },
  {
    name: "swap-in-zero",
    what: "a page faulted in from swap is zero-filled instead of read",
    file: "src/pager/pager.ts",
    find: "      this.read(this.parts.swap, slot, f);",
    replace: "      this.parts.mem.zeroFrame(f);",
  },
  {
    name: "pte-loses-swap-slot",
    what: "an evicted page's PTE forgets its swap slot",
    file: "src/pager/pte-map.ts",
    find: "slot >= 0 ? pteSwapped(slot, pte) : pteFromSource(pte)",
    replace: "pteFromSource(pte)",
  },
  {
    name: "pte-before-write",
    what: "a failed swap write still leaves the page's PTEs pointing at its slot",
    file: "src/pager/frame-supply.ts",
    find: "      this.writeOut(store, slot, f, fresh);\n    }\n    const owner",
    replace:
      "      unmapAll(this.parts, f, obj ? -1 : slot);\n      this.writeOut(store, slot, f, false);\n    }\n    const owner",
  },
  {
    name: "swap-file-no-checksum",
    what: "the swap file does not check what it reads back",
    file: "node/file-swap-store.ts",
    find: "if (pageSum(dst, dstOffset, ps, slot) !== this.sums[slot]) {",
    replace: "if (false) {",
  },
  {
    name: "pwt-no-block-check",
    what: "the pwt decoder does not check a version-3 block's checksum",
    file: "src/workloads/pwt-decoder.ts",
    find: "if (this.checkBytes !== 0) this.checkBlock(start);",
    replace: "",
  },
  {
    name: "pwt-no-header-check",
    what: "a version-3 pwt header's checksum is not checked",
    file: "src/workloads/pwt-header.ts",
    find: "if (stored !== computed) throw new PwtChecksumError",
    replace: "if (false) throw new PwtChecksumError",
  },
];

/** Test groups, run one after another (quickest to fail first); the first that fails kills the mutant. */
const GROUPS = [
  ["test/engine", "test/property", "node/file-swap-store.test.ts", "src/workloads/pwt-checksum.test.ts"],
  ["test/differential"],
  ["src"],
  ["test/conformance"],
  ["test/golden"],
];

const want = process.argv.slice(2);
const chosen = MUTANTS.filter((m) => want.length === 0 || want.some((w) => m.name.includes(w)));
if (chosen.length === 0) {
  console.error(`no mutant matches ${want.join(", ")}; known: ${MUTANTS.map((m) => m.name).join(", ")}`);
  process.exit(2);
}

// A copy of the committed tree, so a crash or Ctrl-C never leaves a mutant in the working tree.
const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-mutants-"));
const cleanup = () => fs.rmSync(copy, { recursive: true, force: true });
process.on("exit", cleanup);
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
const archive = spawnSync("git", ["archive", "--format=tar", "HEAD"], { cwd: root, maxBuffer: 1 << 30 });
if (archive.status !== 0) {
  console.error(`git archive failed: ${archive.stderr}`);
  process.exit(2);
}
const untar = spawnSync("tar", ["-x", "-C", copy], { input: archive.stdout });
if (untar.status !== 0) {
  console.error(`tar failed: ${untar.stderr}`);
  process.exit(2);
}
fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));

const vitest = path.join(copy, "node_modules", "vitest", "vitest.mjs");
const results = [];
for (const m of chosen) {
  const file = path.join(copy, m.file);
  const original = fs.readFileSync(file, "utf8");
  const count = original.split(m.find).length - 1;
  if (count === 0 || (count > 1 && !m.all)) {
    results.push({ ...m, verdict: "STALE", detail: `the text to mutate occurs ${count} times` });
    continue;
  }
  fs.writeFileSync(
    file,
    m.all ? original.split(m.find).join(m.replace) : original.replace(m.find, m.replace),
  );
  const t0 = Date.now();
  let verdict = "SURVIVED";
  let failed = "";
  let why = null;
  for (const group of GROUPS) {
    const run = spawnSync(
      process.execPath,
      [vitest, "run", ...group, "--bail=1", "--reporter=dot", "--testTimeout=30000"],
      {
        cwd: copy,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        timeout: limitS * 1000,
        killSignal: "SIGKILL",
        maxBuffer: 1 << 28,
      },
    );
    const out = `${run.stdout ?? ""}\n${run.stderr ?? ""}`;
    if (run.error?.code === "ETIMEDOUT" || run.signal === "SIGKILL") {
      verdict = "HUNG";
      failed = `(still running) ${group.join(" ")}`;
      break;
    }
    if (run.status === 0) continue;
    verdict = /Test timed out/.test(out) ? "TIMEOUT" : "killed";
    failed = out.match(/FAIL\s+(\S+)/)?.[1] ?? group.join(" ");
    why = out.match(/(AssertionError|InternalError|OutOfMemoryError|StoreIoError|Error): ([^\n]{0,90})/);
    break;
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  fs.writeFileSync(file, original);
  results.push({
    ...m,
    verdict,
    detail: `${secs} s${failed ? `, ${verdict === "HUNG" ? "limit reached in" : "first failure in"} ${failed}` : ""}${why ? ` (${why[1]}: ${why[2]})` : ""}`,
  });

  console.log(`${verdict.padEnd(8)} ${m.name.padEnd(28)} ${results.at(-1).detail}`);
}

const bad = results.filter((r) => r.verdict !== "killed");
console.log(
  `\n${results.length - bad.length} of ${results.length} mutants killed by failing tests` +
    (bad.length ? `; not killed: ${bad.map((r) => `${r.name} (${r.verdict}: ${r.detail})`).join(", ")}` : ""),
);
process.exit(bad.length ? 1 : 0);
