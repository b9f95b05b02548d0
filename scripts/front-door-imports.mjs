// Rewrites deep imports of the engine (`../src/sim/run.js`, `../../src/core/errors.js`...) in the
// CLI, the benchmarks, node/, the web app and the tests of whole runs into one import of its front
// door, src/index.ts (re-exports `export { x } from "../src/..."` are pointed at it too).
// Idempotent: a file already importing only src/index.js is left as it is, so the script can be
// re-run after merging branches that added deep imports.
//
//   node scripts/front-door-imports.mjs           rewrite, then format the changed files with biome
//   node scripts/front-door-imports.mjs --check   list what would change; exit 1 if anything would
//   node scripts/front-door-imports.mjs --names   list the names the targets import (to keep src/index.ts honest)
//
// A name that src/index.ts does not export is reported (with the module it came from) and its
// file is left unchanged: add it to src/index.ts (in the group it belongs to) and run again.
// Unit tests of one engine module keep their deep imports: only the files below are rewritten.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Directories whose every .ts/.tsx file goes through the front door (tests included). */
const ALL_FILES = ["cli", "bench", "node", "web/src", "test/differential", "test/golden", "test/pinned"];
/** Unit tests of one module kept apart (they may import the module they test). */
const KEEP_DEEP = [/^node\/.*\.test\.ts$/];

const args = new Set(process.argv.slice(2));
const check = args.has("--check");
const listNames = args.has("--names");

function walk(dir) {
  const out = [];
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return out;
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "dist") out.push(...walk(rel));
    } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** Names exported by src/index.ts: `export { a, b as c } from "./x.js"` and `export type { ... }`. */
function indexExports() {
  const text = fs.readFileSync(path.join(root, "src/index.ts"), "utf8");
  const names = new Set();
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const p = part.replace(/\btype\s+/, "").trim();
      if (p === "") continue;
      const as = p.split(/\s+as\s+/);
      names.add((as[1] ?? as[0]).trim());
    }
  }
  for (const m of text.matchAll(/export\s+(?:const|function|class|interface|type)\s+([A-Za-z_$][\w$]*)/g))
    names.add(m[1]);
  return names;
}

/** import [type] { ... } from "<relative path into src/, not src/index.js>"; */
const DEEP = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*"((?:\.\.?\/)+(?:\.\.\/)*src\/[^"]+)";[ \t]*\n?/g;

/** export [type] { ... } from "<relative path into src/>"; */
const DEEP_EXPORT = /export\s+(type\s+)?\{([^}]*)\}\s*from\s*"((?:\.\.?\/)+(?:\.\.\/)*src\/[^"]+)";/g;

/** The specifiers of one import: { name, alias, type }. */
function specifiers(list, allType) {
  const out = [];
  for (const part of list.split(",")) {
    let p = part.trim();
    if (p === "") continue;
    let type = allType;
    if (p.startsWith("type ")) {
      type = true;
      p = p.slice(5).trim();
    }
    const [name, alias] = p.split(/\s+as\s+/).map((s) => s.trim());
    out.push({ name, alias: alias ?? null, type });
  }
  return out;
}

/** The specifier of src/index.js from the file at `abs`. */
function frontDoorFrom(abs) {
  const rel = path.relative(path.dirname(abs), path.join(root, "src/index.js")).split(path.sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

function srcTarget(file, spec) {
  const abs = path.resolve(path.dirname(path.join(root, file)), spec);
  return path.relative(root, abs).split(path.sep).join("/");
}

const exported = indexExports();
const files = ALL_FILES.flatMap(walk).filter((f) => !KEEP_DEEP.some((r) => r.test(f)));
const changed = [];
const missing = [];
const used = new Map();

for (const file of files) {
  const abs = path.join(root, file);
  const original = fs.readFileSync(abs, "utf8");
  // Re-exports of the engine (`export { a } from "../src/x.js"`) point at the front door in place.
  let reexported = false;
  const text = original.replace(DEEP_EXPORT, (whole, type, list, from) => {
    const target = srcTarget(file, from);
    if (!target.startsWith("src/") || target === "src/index.js") return whole;
    const absent = specifiers(list, type !== undefined).filter((s) => !exported.has(s.name));
    if (absent.length > 0) {
      for (const s of absent) missing.push(`${file}: ${s.name} (re-exported from ${target})`);
      return whole;
    }
    reexported = true;
    return whole.replace(`"${from}"`, `"${frontDoorFrom(abs)}"`);
  });
  const deep = [];
  for (const m of text.matchAll(DEEP)) {
    const target = srcTarget(file, m[3]);
    if (!target.startsWith("src/")) continue;
    deep.push({ at: m.index, text: m[0], target, specs: specifiers(m[2], m[1] !== undefined) });
  }
  const indexImports = deep.filter((d) => d.target === "src/index.js");
  const rewrite = deep.filter((d) => d.target !== "src/index.js");
  for (const d of deep) for (const s of d.specs) used.set(s.name, d.target);
  if (rewrite.length === 0) {
    if (reexported) {
      changed.push(file);
      if (!check) fs.writeFileSync(abs, text);
    }
    continue;
  }
  const absent = rewrite.flatMap((d) =>
    d.specs.filter((s) => !exported.has(s.name)).map((s) => [s.name, d.target]),
  );
  if (absent.length > 0) {
    for (const [name, target] of absent) missing.push(`${file}: ${name} (from ${target})`);
    continue;
  }
  // One import of the front door, merging what the file imported deeply and from it already.
  const seen = new Set();
  const specs = [];
  for (const d of [...indexImports, ...rewrite]) {
    for (const s of d.specs) {
      const key = `${s.name} as ${s.alias}`;
      if (seen.has(key)) {
        // Imported twice (once as a type): a value import covers both.
        if (!s.type) for (const t of specs) if (`${t.name} as ${t.alias}` === key) t.type = false;
        continue;
      }
      seen.add(key);
      specs.push({ ...s });
    }
  }
  specs.sort(
    (a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }) || a.name.localeCompare(b.name),
  );
  const allType = specs.every((s) => s.type);
  const list = specs.map(
    (s) => `${s.type && !allType ? "type " : ""}${s.name}${s.alias ? ` as ${s.alias}` : ""}`,
  );
  const stmt = `import ${allType ? "type " : ""}{ ${list.join(", ")} } from "${frontDoorFrom(abs)}";\n`;
  const gone = [...indexImports, ...rewrite].sort((a, b) => a.at - b.at);
  let out = "";
  let pos = 0;
  for (const [k, d] of gone.entries()) {
    out += text.slice(pos, d.at) + (k === 0 ? stmt : "");
    pos = d.at + d.text.length;
  }
  out += text.slice(pos);
  changed.push(file);
  if (!check) fs.writeFileSync(abs, out);
}

if (listNames) {
  const byModule = new Map();
  for (const [name, target] of used) {
    if (!byModule.has(target)) byModule.set(target, []);
    byModule.get(target).push(name);
  }
  for (const [target, names] of [...byModule].sort()) console.log(`${target}: ${names.sort().join(", ")}`);
}
for (const f of changed) console.log(`${check ? "would rewrite" : "rewrote"} ${f}`);
if (missing.length > 0) {
  console.error("not exported by src/index.ts (add them, then run again):");
  for (const m of missing) console.error(`  ${m}`);
}
if (!check && changed.length > 0) {
  // biome puts the merged import in its sorted place and formats the long ones.
  execFileSync(path.join(root, "node_modules/.bin/biome"), ["check", "--write", ...changed], {
    cwd: root,
    stdio: "inherit",
  });
}
process.exitCode = missing.length > 0 || (check && changed.length > 0) ? 1 : 0;
