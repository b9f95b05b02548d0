// Bundles the built command line (run by `npm run build` after tsc): dist/cli/main.js and the
// sweep worker dist/cli/worker.js are rewritten, with what they import, into a few CommonJS files
// in dist/cli/; the loader scripts/cli-entry.cjs becomes dist/cli/bin.cjs (the package's bin) and
// main.js a three-line ES module that loads it. Why:
// - the CLI imports the engine through its front door (src/index.ts), and Node evaluates every
//   module an ESM barrel re-exports, about 150 of them (0.08 s of CPU per process); the bundler
//   keeps only what each command uses, and keeps cli/main.ts's dynamic imports as their own chunks,
//   so `pagewise --version` loads one chunk and `pagewise run` loads run's and the engine's it needs;
// - dependencies (commander, picocolors, ...) are bundled in too: resolving and loading them from
//   node_modules cost 10 ms of every command (cli-table3 and cli-progress, loaded with require only
//   when a table or a bar is drawn, stay in node_modules);
// - CommonJS, not ES modules: Node's ES module loader resolves, reads, links and evaluates each
//   file through promises, 13 ms more than require for the same chunks; and a CommonJS chunk can
//   be compiled with V8's code cache (scripts/cli-entry.cjs), 11 ms less again. After the bundle,
//   a few commands run on a bundled trace with PAGEWISE_CODE_CACHE=write to record it
//   (dist/cli/code-cache/; skipped with --no-code-cache).
//
//   node scripts/bundle-cli.mjs [DIST] [--no-code-cache]   DIST: tsc's output (default dist)
//
// Chunks sit beside main.js (chunk-*.cjs), so `import.meta.url` in any of them (rolldown makes it
// the chunk's file URL) names dist/cli/, as in tsc's output: package.json, the bundled traces and
// the worker (worker.cjs) are found as before.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const codeCache = !args.includes("--no-code-cache");
const dist = path.resolve(root, args.find((a) => !a.startsWith("--")) ?? "dist");
const cli = path.join(dist, "cli");
const entries = ["main.js", "worker.js"].map((f) => path.join(cli, f));
// tsc's main.js, not the ES module a previous bundle left there (it loads bin.cjs): bundling that
// again would bundle the loader.
if (fs.existsSync(entries[0]) && fs.readFileSync(entries[0], "utf8").includes('("./bin.cjs")')) {
  console.error(`bundle-cli: ${entries[0]} is bundled already: run tsc first (npm run build does both)`);
  process.exit(1);
}
for (const e of entries) {
  if (!fs.existsSync(e)) {
    console.error(`bundle-cli: ${e} is missing: run tsc first`);
    process.exit(1);
  }
}

/** `s` matched literally in a RegExp. */
function literal(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Node's own modules stay imports; dependencies are bundled too (see the header).
const external = (id) => id.startsWith("node:") || builtinModules.includes(id);

const bundle = await rolldown({
  input: { main: entries[0], worker: entries[1] },
  external,
  platform: "node",
  logLevel: "warn",
  // The engine's modules have no side effects when imported (src/ is pure: no top-level I/O,
  // nothing registered elsewhere): a module whose exports nothing uses is left out, and the
  // barrel's re-exports lead each chunk straight to the modules it uses.
  treeshake: {
    moduleSideEffects: [
      { test: new RegExp(`^${literal(path.join(dist, "src") + path.sep)}`), sideEffects: false },
    ],
  },
});
// Written to a fresh directory first, then moved over tsc's files, so an error leaves dist as tsc made it.
const tmp = fs.mkdtempSync(path.join(dist, ".bundle-"));
let entry = "";
try {
  const { output } = await bundle.write({
    dir: tmp,
    format: "cjs",
    // The entry's name carries a hash of its content, as every chunk's does: a code cache is
    // found by the chunk's name, so a changed chunk never meets an old cache.
    entryFileNames: (chunk) => (chunk.name === "worker" ? "worker.cjs" : "pagewise-[hash].cjs"),
    chunkFileNames: "chunk-[name]-[hash].cjs",
    sourcemap: false,
  });
  await bundle.close();
  entry = output.find((o) => o.type === "chunk" && o.isEntry && o.name === "main")?.fileName ?? "";
  if (entry === "") throw new Error("bundle-cli: the bundle has no main entry");
  for (const f of fs.readdirSync(cli))
    if (/^(chunk-.*\.c?js|pagewise-.*\.cjs|worker\.cjs)$/.test(f)) fs.rmSync(path.join(cli, f));
  fs.rmSync(path.join(cli, "code-cache"), { recursive: true, force: true });
  for (const f of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, f), path.join(cli, f));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
// bin.cjs: the loader, naming the entry chunk (the bin: its shebang and executable bit); main.js:
// the ES module that loads it, for `node dist/cli/main.js` and for callers importing main().
const bin = path.join(cli, "bin.cjs");
const loader = fs.readFileSync(path.join(root, "scripts", "cli-entry.cjs"), "utf8");
if (!loader.includes('"__ENTRY__"')) throw new Error("bundle-cli: scripts/cli-entry.cjs lost its __ENTRY__");
if (!loader.includes('"__VERSION__"'))
  throw new Error("bundle-cli: scripts/cli-entry.cjs lost its __VERSION__");
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
fs.writeFileSync(
  bin,
  loader.replace('"__ENTRY__"', JSON.stringify(entry)).replace('"__VERSION__"', JSON.stringify(version)),
);
fs.chmodSync(bin, 0o755);
const main = path.join(cli, "main.js");
fs.writeFileSync(
  main,
  [
    "#!/usr/bin/env node",
    "// The bundled command line (scripts/bundle-cli.mjs): its loader is bin.cjs, the package's bin.",
    'import { createRequire } from "node:module";',
    'export const { main } = createRequire(import.meta.url)("./bin.cjs");',
    "",
  ].join("\n"),
);
fs.chmodSync(main, 0o755);

// The code cache: commands that between them run most of what a user's first commands run.
if (codeCache) {
  const trace = path.join(root, "test", "fixtures", "traces", "sort500.pwt");
  const warm = [
    ["--version"],
    ["run", "--trace", trace, "--policy", "lru", "--frames", "64"],
    ...["fifo", "clock", "sieve", "s3fifo", "arc", "lirs", "opt"].map((p) => [
      "run",
      "--trace",
      trace,
      "--policy",
      p,
      "--frames",
      "64",
      "--json",
    ]),
    ["run", "--trace", trace, "--policy", "lru", "--frames", "1024", "--mode", "full", "--json"],
  ];
  for (const a of warm) {
    const r = spawnSync(process.execPath, [bin, ...a], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PAGEWISE_CODE_CACHE: "write", PAGEWISE_THREADS: "1" },
    });
    if (r.status !== 0)
      throw new Error(
        `bundle-cli: pagewise ${a.join(" ")} failed while recording the code cache: ${r.stderr}`,
      );
  }
}
