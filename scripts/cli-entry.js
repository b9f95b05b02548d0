#!/usr/bin/env node
// The bundled command line's entry: scripts/bundle-cli.mjs copies this file to dist/cli/main.js,
// with ENTRY replaced by the bundle's entry chunk (a CommonJS file whose name carries a hash of
// its content, as every chunk's does).
//
// Why a loader of its own: a command spends more of its start compiling JavaScript than running
// it (`pagewise run` loads about 0.5 MB of it). Node 20 has no compile cache for modules
// (module.enableCompileCache came in Node 22), but vm.Script takes V8's code cache, so each chunk
// is compiled here with the cache `npm run build` recorded for it (dist/cli/code-cache/, written
// by running a few commands with PAGEWISE_CODE_CACHE=write). V8 refuses a cache made by another
// V8 or with other flags, and the chunk is then compiled as usual: the cache changes how fast a
// command starts, never what it does. A chunk's cache is found by its name, and the name changes
// with its content, so a rebuilt chunk never meets an old cache.

import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const ENTRY = "__ENTRY__";
const dir = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.join(dir, "code-cache");
// PAGEWISE_CODE_CACHE: "write" records the cache at exit (the build does), "off" compiles without
// it, "check" says on stderr at exit how many chunks found theirs and how many V8 refused.
const mode = process.env.PAGEWISE_CODE_CACHE ?? "";
const write = mode === "write";
const modules = new Map();
const compiled = [];
const counts = { chunks: 0, cached: 0, refused: 0 };

/** Loads a chunk of the bundle (a CommonJS file in this directory), compiled with its code cache. */
function load(file) {
  const known = modules.get(file);
  if (known !== undefined) return known.exports;
  const module = { exports: {}, filename: file, loaded: false };
  modules.set(file, module);
  const cachePath = path.join(cacheDir, `${path.basename(file)}.v8`);
  let cachedData;
  try {
    if (mode !== "off") cachedData = fs.readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  // A CommonJS module's wrapper, on the file's first line so that line numbers stay the file's
  // (a shebang, which only the first line of a script may have, becomes an empty line).
  const source = `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, "utf8").replace(/^#!.*/, "")}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData });
  if (write) compiled.push({ script, cachePath });
  counts.chunks++;
  if (cachedData !== undefined) counts[script.cachedDataRejected ? "refused" : "cached"]++;
  const nodeRequire = createRequire(file);
  const require = (id) => (id.startsWith("./chunk-") ? load(path.join(dir, id)) : nodeRequire(id));
  require.resolve = nodeRequire.resolve;
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dir);
  module.loaded = true;
  return module.exports;
}

if (write) {
  // Recorded at exit, when the functions the command ran have been compiled too.
  process.on("exit", () => {
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const { script, cachePath } of compiled) fs.writeFileSync(cachePath, script.createCachedData());
  });
}

if (mode === "check") {
  process.on("exit", () => {
    process.stderr.write(
      `code cache: ${counts.chunks} chunks, ${counts.cached} with their cache, ${counts.refused} refused by V8\n`,
    );
  });
}

const entry = load(path.join(dir, ENTRY));

/** The command line's main(argv, io) (cli/main.ts), for a caller that runs commands in-process. */
export const main = entry.main;

// Run as the program (node dist/cli/main.js, or the bin's link to it), not imported.
let script = "";
try {
  script = process.argv[1] === undefined ? "" : fs.realpathSync(process.argv[1]);
} catch {
  script = "";
}
if (script === fs.realpathSync(fileURLToPath(import.meta.url))) entry.start();
