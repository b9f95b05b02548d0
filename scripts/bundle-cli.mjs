// Bundles the built command line (run by `npm run build` after tsc): dist/cli/main.js and the
// sweep worker dist/cli/worker.js are rewritten, with what they import, into a few files in
// dist/cli/. Why: the CLI imports the engine through its front door (src/index.ts), and Node
// evaluates every module an ESM barrel re-exports, about 150 of them (0.08 s of CPU per process).
// The bundler keeps only what each command uses, and keeps cli/main.ts's dynamic imports as their
// own chunks, so `pagewise --version` loads one file and `pagewise run` loads run's chunk and the
// engine modules it needs. Dependencies (commander, cli-progress, ...) stay imports of node_modules.
//
//   node scripts/bundle-cli.mjs [DIST]   DIST: tsc's output directory (default dist)
//
// Chunks sit beside main.js (chunk-*.js), so `import.meta.url` in any of them names dist/cli/, as
// in tsc's output: the worker's URL, package.json and the bundled traces are found as before.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.resolve(root, process.argv[2] ?? "dist");
const cli = path.join(dist, "cli");
const entries = ["main.js", "worker.js"].map((f) => path.join(cli, f));
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

// A bare specifier (node:fs, commander) is a dependency: left as an import.
const external = (id) => !id.startsWith(".") && !path.isAbsolute(id) && !id.startsWith("\0");

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
try {
  await bundle.write({
    dir: tmp,
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "chunk-[name]-[hash].js",
    sourcemap: false,
  });
  await bundle.close();
  for (const f of fs.readdirSync(cli)) if (/^chunk-.*\.js$/.test(f)) fs.rmSync(path.join(cli, f));
  for (const f of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, f), path.join(cli, f));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
// The shebang and the executable bit of the bin.
const main = path.join(cli, "main.js");
const text = fs.readFileSync(main, "utf8");
if (!text.startsWith("#!")) fs.writeFileSync(main, `#!/usr/bin/env node\n${text}`);
fs.chmodSync(main, 0o755);
