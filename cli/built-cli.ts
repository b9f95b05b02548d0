// For tests that run the CLI as a real process (worker threads only run from built JavaScript):
// builds (tsc, then the bundle of scripts/bundle-cli.mjs) the project once per test file into a
// cache directory inside the repository (so package.json, node_modules and the bundled traces are
// found as usual) and runs its bin, cli/bin.cjs.

import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

export interface BuiltCli {
  /** The built bin, cli/bin.cjs (cli/main.js beside it loads it too). */
  readonly main: string;
  /** Runs `pagewise ARGS` to completion with colours off. */
  run(args: string[], env?: Record<string, string>): { code: number | null; stdout: string; stderr: string };
}

/**
 * Builds into node_modules/.cache/NAME (call it from beforeAll: it takes tens of seconds) and
 * returns a runner. Throws when the build emitted no main.js.
 */
export function buildCli(name: string, timeoutMs = 60_000): BuiltCli {
  const out = join(ROOT, "node_modules", ".cache", name);
  const tscMain = join(out, "cli", "main.js");
  const main = join(out, "cli", "bin.cjs");
  rmSync(out, { recursive: true, force: true });
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  // Type errors elsewhere in the tree do not stop tsc from emitting; a missing main.js does.
  spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (!existsSync(tscMain)) throw new Error(`build failed: ${tscMain} missing`);
  // Bundled as `npm run build` bundles it (scripts/bundle-cli.mjs), so tests run what users run.
  const bundled = spawnSync(process.execPath, [join(ROOT, "scripts", "bundle-cli.mjs"), out], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (bundled.status !== 0 || !existsSync(main)) throw new Error(`bundling failed: ${bundled.stderr}`);
  return {
    main,
    run(args, env = {}) {
      const r = spawnSync(process.execPath, [main, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env },
        timeout: timeoutMs,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
