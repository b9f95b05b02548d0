// Run by `npm ci` / `npm install` (the prepare script, after the build): makes the freshly built
// command runnable as `npx pagewise` from the repository. npm links the bins of dependencies into
// node_modules/.bin but not the project's own, and `npx` finds the project's own bin only in some
// states of npm's lockfile cache, so the link is made here: node_modules/.bin/pagewise →
// dist/cli/bin.cjs (made executable). Plain `pagewise` on the PATH: `npm link`.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const main = path.join(root, "dist", "cli", "bin.cjs");
if (!fs.existsSync(main)) {
  console.error(`link-bin: ${main} is missing: the build did not run`);
  process.exit(1);
}
fs.chmodSync(main, 0o755);
const bin = path.join(root, "node_modules", ".bin");
fs.mkdirSync(bin, { recursive: true });
const link = path.join(bin, "pagewise");
fs.rmSync(link, { force: true });
fs.symlinkSync(path.relative(bin, main), link);
