// The System's settings: its defaults, and the check of a SystemConfig against them and against
// the machine (every bad value a ConfigError naming the key), resolved into the numbers the
// scheduling loop reads (src/system/system.ts).

import { ConfigError } from "../core/errors.js";
import { ALLOCATION_MODES } from "../sim/allocation.js";
import type { SystemConfig } from "./config.js";

const DEFAULTS = {
  quantumNs: 10_000_000,
  contextSwitchNs: 0,
  minFrames: 1,
  tau: 20_000,
  controlIntervalNs: 10_000_000,
  reserveFrames: 0,
  resumeWindowRefs: 5_000,
  rotateNs: 1e9,
  windowNs: 100_000_000,
  cpuBelow: 0.5,
  faultsPerSecondAbove: 50,
};

/** A SystemConfig checked, with the defaults filled in. */
export interface SystemSettings {
  readonly quantumNs: number;
  readonly contextSwitchNs: number;
  readonly tau: number;
  readonly minFrames: number;
  readonly controlIntervalNs: number;
  readonly windowNs: number;
  readonly cpuBelow: number;
  readonly faultsPerSecondAbove: number;
  readonly reserveFrames: number;
  readonly resumeWindowRefs: number;
  readonly rotateNs: number;
}

/**
 * Checks `c` (for a machine of replacement scope `scope`) and fills in the defaults. Throws
 * ConfigError naming the first bad key.
 */
export function systemSettings(c: SystemConfig, scope: string): SystemSettings {
  const quantumNs = positive("quantumNs", c.quantumNs ?? DEFAULTS.quantumNs);
  const contextSwitchNs = nonNegative("contextSwitchNs", c.contextSwitchNs ?? DEFAULTS.contextSwitchNs);
  const tau = c.tau ?? DEFAULTS.tau;
  const minFrames = c.minFrames ?? DEFAULTS.minFrames;
  if (!Number.isInteger(minFrames) || minFrames < 1)
    throw new ConfigError("minFrames", minFrames, "a whole number of frames ≥ 1");
  const controlIntervalNs = positive("controlIntervalNs", c.controlIntervalNs ?? DEFAULTS.controlIntervalNs);
  const windowNs = positive("detect.windowNs", c.detect?.windowNs ?? DEFAULTS.windowNs);
  const cpuBelow = c.detect?.cpuBelow ?? DEFAULTS.cpuBelow;
  const faultsPerSecondAbove = c.detect?.faultsPerSecondAbove ?? DEFAULTS.faultsPerSecondAbove;
  const reserveFrames = c.reserveFrames ?? DEFAULTS.reserveFrames;
  const resumeWindowRefs = c.resumeWindowRefs ?? DEFAULTS.resumeWindowRefs;
  const rotateNs = nonNegative("rotateNs", c.rotateNs ?? DEFAULTS.rotateNs);
  if (c.io !== undefined) {
    if (!Number.isInteger(c.io.everyRefs) || c.io.everyRefs < 1)
      throw new ConfigError("io.everyRefs", c.io.everyRefs, "a positive whole number of references");
    nonNegative("io.ns", c.io.ns);
  }
  if (c.allocation !== undefined && !ALLOCATION_MODES.includes(c.allocation))
    throw new ConfigError("allocation", c.allocation, ALLOCATION_MODES.join(", "));
  if ((c.allocation !== undefined || c.pff !== undefined) && scope !== "local") {
    throw new ConfigError(
      "scope",
      scope,
      `"local": frame allocation and PFF set per-process quotas, which only local replacement honours`,
    );
  }
  if (c.pff !== undefined) {
    const p = c.pff;
    if (!(p.lower >= 0 && p.upper > p.lower && p.upper <= 1))
      throw new ConfigError("pff", `${p.lower}..${p.upper}`, "0 ≤ lower < upper ≤ 1 faults per reference");
    if (!Number.isInteger(p.windowRefs) || p.windowRefs < 1)
      throw new ConfigError("pff.windowRefs", p.windowRefs, "a positive whole number");
    if (!Number.isInteger(p.step) || p.step < 1)
      throw new ConfigError("pff.step", p.step, "a positive whole number");
  }
  return {
    quantumNs,
    contextSwitchNs,
    tau,
    minFrames,
    controlIntervalNs,
    windowNs,
    cpuBelow,
    faultsPerSecondAbove,
    reserveFrames,
    resumeWindowRefs,
    rotateNs,
  };
}

function positive(key: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(key, v, "a positive number of ns");
  return v;
}

function nonNegative(key: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new ConfigError(key, v, "a number of ns ≥ 0");
  return v;
}
