// `npm run bench`: runs every compiled bench/*.bench.js in turn, each in its own Node process
// (with --expose-gc so a bench can check for allocation), and passes its output through.
// A name on the command line runs only the benches whose file name contains it.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? "";
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".bench.js") && f.includes(filter))
  .sort();
console.log(`pagewise bench: ${new Date().toISOString()}`);
console.log(
  `machine: ${os.cpus()[0]?.model ?? "unknown cpu"} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
let failed = 0;
for (const f of files) {
  console.log(`== ${f.replace(/\.bench\.js$/, "")}`);
  const r = spawnSync(process.execPath, ["--expose-gc", path.join(here, f)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
  console.log("");
}
process.exit(failed === 0 ? 0 : 1);
