// The engine's layers import one way: core ← phys ← mmu ← pager ← proc ← sim ← {system, cpu};
// policies/ and stores/ see only core/ (README, "A tour of the engine"). This test reads every
// module of the lower layers and checks each relative import against the layers it may see, so
// moving a module back up (address-space management into sim/, kswapd's use of Process) or an
// import that reaches upward fails here as well as in biome's noRestrictedImports.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/** Each layer and the directories of src/ its modules may import (itself always allowed). */
const MAY_SEE: Record<string, readonly string[]> = {
  core: [],
  phys: ["core"],
  mmu: ["core", "phys"],
  pager: ["core", "phys", "mmu", "policies", "stores"],
  proc: ["core", "phys", "mmu", "pager", "policies", "stores"],
  policies: ["core"],
  stores: ["core"],
};

/** Directories sim/ must never import (they drive a Machine). */
const ABOVE_SIM = ["system", "cpu"];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The relative specifiers of a module's imports and re-exports (static and dynamic). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)"/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[1]!);
  return out;
}

/** The top directory under src/ that `spec`, imported from `file`, lands in ("" for src/ itself). */
function layerOf(file: string, spec: string): string {
  const target = relative(SRC, resolve(dirname(file), spec));
  if (target.startsWith("..")) return "<outside src>";
  const parts = target.split(sep);
  return parts.length > 1 ? parts[0]! : "";
}

/** Every import of a module under src/`layer` that lands outside `allowed` (and the layer itself). */
function violations(layer: string, allowed: (to: string) => boolean): string[] {
  const bad: string[] = [];
  for (const file of tsFiles(join(SRC, layer))) {
    for (const spec of relativeImports(readFileSync(file, "utf8"))) {
      const to = layerOf(file, spec);
      if (to !== layer && !allowed(to)) bad.push(`${relative(SRC, file)} imports ${spec} (${to || "src/"})`);
    }
  }
  return bad;
}

describe("engine layers", () => {
  it("finds the imports it checks (the scanner is not blind)", () => {
    const text = readFileSync(join(SRC, "sim/machine.ts"), "utf8");
    const specs = relativeImports(text);
    expect(specs).toContain("../pager/kswapd.js");
    expect(specs).toContain("../proc/address-space.js");
    expect(
      relativeImports('export { a } from "../sim/x.js";\nconst m = await import("../proc/y.js");'),
    ).toEqual(["../sim/x.js", "../proc/y.js"]);
    // A module that reached up would be reported: pager/ seeing proc/ is outside its set.
    expect(layerOf(join(SRC, "pager/kswapd.ts"), "../proc/process.js")).toBe("proc");
    expect(MAY_SEE.pager).not.toContain("proc");
  });

  for (const [layer, may] of Object.entries(MAY_SEE)) {
    it(`${layer}/ imports only ${may.length ? may.join(", ") : "itself"}`, () => {
      expect(tsFiles(join(SRC, layer)).length).toBeGreaterThan(0);
      expect(violations(layer, (to) => may.includes(to))).toEqual([]);
    });
  }

  it("sim/ never imports system/ or cpu/", () => {
    expect(violations("sim", (to) => !ABOVE_SIM.includes(to))).toEqual([]);
  });

  it("address-space management lives in proc/ and kswapd's reclaimer in pager/", () => {
    const names = (layer: string) => tsFiles(join(SRC, layer)).map((f) => relative(join(SRC, layer), f));
    expect(names("proc")).toEqual(expect.arrayContaining(["address-space.ts", "segments.ts"]));
    expect(names("pager")).toContain("kswapd.ts");
    expect(names("sim")).not.toContain("address-space.ts");
    expect(names("sim")).not.toContain("kswapd.ts");
    expect(names("sim")).not.toContain("segments.ts");
  });
});
