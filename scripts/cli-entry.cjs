#!/usr/bin/env node
// The bundled command line's entry, the package's bin: scripts/bundle-cli.mjs copies this file to
// dist/cli/bin.cjs, with ENTRY replaced by the bundle's entry chunk (a CommonJS file whose name
// carries a hash of its content, as every chunk's does) and VERSION by package.json's version. dist/cli/main.js, an ES module, loads it
// for `node dist/cli/main.js` and for callers that import main().
//
// Why a loader of its own: a command spends more of its start compiling JavaScript than running
// it (`pagewise run` loads about 0.5 MB of it). Node 20 has no compile cache for modules
// (module.enableCompileCache came in Node 22), but vm.Script takes V8's code cache, so each chunk
// is compiled here with the cache `npm run build` recorded for it (dist/cli/code-cache/, written
// by running a few commands with PAGEWISE_CODE_CACHE=write). V8 refuses a cache made by another
// V8 or with other flags, and the chunk is then compiled as usual: the cache changes how fast a
// command starts, never what it does. A chunk's cache is found by its name, and the name changes
// with its content, so a rebuilt chunk never meets an old cache.
// CommonJS itself, not an ES module: Node starts a CommonJS entry and loads its built-in modules
// about 6 ms sooner (an ES module entry importing the same five built-ins: 67.5 ms of CPU against
// 61.6, `node -e 0` 60.6, on the development machine).

const fs = require("node:fs");
const path = require("node:path");

// Loaded with the first chunk (builtins()): `pagewise --version` needs none of them.
let createRequire;
let vm;
let zlib;
function builtins() {
  if (vm !== undefined) return;
  ({ createRequire } = require("node:module"));
  vm = require("node:vm");
  zlib = require("node:zlib");
}

const ENTRY = "__ENTRY__";
const VERSION = "__VERSION__";
const dir = __dirname;
const cacheDir = path.join(dir, "code-cache");
// PAGEWISE_CODE_CACHE: "write" records the cache at exit (the build does), "off" compiles without
// it, "check" says on stderr at exit how many chunks found theirs, how many V8 refused and how
// many were damaged (their CRC-32 did not match: compiled without).
const mode = process.env.PAGEWISE_CODE_CACHE ?? "";
const write = mode === "write";
const modules = new Map();
let nodeRequire;
const compiled = [];
const counts = { chunks: 0, cached: 0, refused: 0, damaged: 0 };

/**
 * A chunk's code cache: undefined when there is none (or no zlib.crc32, Node before 20.15), null
 * when it is damaged. V8 checks that a cache suits its version, flags and source, but a release
 * build does not check the cache's own bytes, and a damaged cache can crash it: each file starts
 * with the CRC-32 of the rest, checked here first.
 */
function readCache(cachePath) {
  if (typeof zlib.crc32 !== "function") return undefined;
  let bytes;
  try {
    bytes = fs.readFileSync(cachePath);
  } catch {
    return undefined;
  }
  if (bytes.length < 4) return null;
  const data = bytes.subarray(4);
  return bytes.readUInt32LE(0) === zlib.crc32(data) ? data : null;
}

/** Loads a chunk of the bundle (a CommonJS file in this directory), compiled with its code cache. */
function load(file) {
  const known = modules.get(file);
  if (known !== undefined) return known.exports;
  builtins();
  const module = { exports: {}, filename: file, loaded: false };
  modules.set(file, module);
  const cachePath = `${cacheDir}${path.sep}${path.basename(file)}.v8`;
  const cachedData = mode === "off" ? undefined : readCache(cachePath);
  // A CommonJS module's wrapper, on the file's first line so that line numbers stay the file's
  // (a shebang, which only the first line of a script may have, becomes an empty line).
  const source = `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, "utf8").replace(/^#!.*/, "")}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData: cachedData ?? undefined });
  if (write) compiled.push({ script, cachePath });
  counts.chunks++;
  if (cachedData === null) counts.damaged++;
  else if (cachedData !== undefined) counts[script.cachedDataRejected ? "refused" : "cached"]++;
  // Every chunk sits in this directory: one require for what they import from Node (and for the
  // modules kept out of the bundle), made once (each createRequire works out node_modules paths).
  nodeRequire ??= createRequire(path.join(dir, ENTRY));
  const require = (id) =>
    id.startsWith("./chunk-") ? load(`${dir}${path.sep}${id.slice(2)}`) : nodeRequire(id);
  require.resolve = nodeRequire.resolve;
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dir);
  module.loaded = true;
  return module.exports;
}

if (write) {
  // Recorded at exit, when the functions the command ran have been compiled too.
  process.on("exit", () => {
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const { script, cachePath } of compiled) {
      const data = script.createCachedData();
      const head = Buffer.alloc(4);
      head.writeUInt32LE(zlib.crc32(data), 0);
      fs.writeFileSync(cachePath, Buffer.concat([head, data]));
    }
  });
}

if (mode === "check") {
  process.on("exit", () => {
    process.stderr.write(
      `code cache: ${counts.chunks} chunks, ${counts.cached} with their cache, ${counts.refused} refused by V8, ${counts.damaged} damaged\n`,
    );
  });
}

// Run as the program (the bin, its link, or `node dist/cli/main.js`), not required by a caller.
// realpathSync.native: one system call where the JavaScript realpathSync walks the path (with
// the write below, 2.6 ms of `pagewise --version`'s CPU: 59.4 ms against 62.0, `node -e 0` 59.5).
const realpath = (p) => {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return "";
  }
};
const script = process.argv[1] === undefined ? "" : realpath(process.argv[1]);
const program =
  script !== "" && (script === realpath(__filename) || script === realpath(path.join(dir, "main.js")));
const args = process.argv.slice(2);
if (program && args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // `pagewise --version` alone needs nothing of the bundle: the build wrote package.json's version
  // in here (what cli/version.ts reads), so Node's own start is all it costs. Written to fd 1
  // directly: process.stdout would be created for it (a stream, on a pipe a socket). A closed pipe
  // (`pagewise --version | true`) is no error; a pipe that would block gets process.stdout.
  const line = `${VERSION}\n`;
  try {
    fs.writeSync(1, line);
  } catch (e) {
    if (e.code !== "EPIPE") process.stdout.write(line);
  }
} else {
  const entry = load(path.join(dir, ENTRY));
  /** The command line's main(argv, io) (cli/main.ts), for a caller that runs commands in-process. */
  module.exports.main = entry.main;
  if (program) entry.start();
}
