// Run after any `npm install` that rewrites package-lock.json. The npm registry reachable from our
// machines serves only the linux-x64 build of biome's optional platform packages, so npm leaves the
// other platforms out of the lock file and `npm ci` then refuses the lock ("Missing: @biomejs/cli-…").
// This adds the missing entries (optional, with os/cpu/libc) so `npm ci` skips them as on any
// machine of another platform.
import fs from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(path, "utf8"));
const pk = lock.packages;
const version = pk["node_modules/@biomejs/biome"].version;
const platforms = {
  "android-arm64": ["android", "arm64"],
  "android-x64": ["android", "x64"],
  "darwin-arm64": ["darwin", "arm64"],
  "darwin-x64": ["darwin", "x64"],
  "linux-arm64-musl": ["linux", "arm64", "musl"],
  "linux-x64-musl": ["linux", "x64", "musl"],
  "win32-arm64": ["win32", "arm64"],
  "win32-x64": ["win32", "x64"],
};
let added = 0;
for (const [name, [os, cpu, libc]] of Object.entries(platforms)) {
  const key = `node_modules/@biomejs/cli-${name}`;
  if (pk[key]) continue;
  pk[key] = {
    version,
    cpu: [cpu],
    dev: true,
    license: "MIT OR Apache-2.0",
    optional: true,
    os: [os],
    engines: { node: ">=14.21.3" },
  };
  if (libc) pk[key].libc = [libc];
  added++;
}
lock.packages = Object.fromEntries(
  Object.entries(pk).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
fs.writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} biome platform entries added`);
