// key=value parameter parsing shared by every policy: unknown keys and bad values are ConfigErrors
// naming the policy and the key (`aging.bits`), with what would be valid.

import { ConfigError, closest } from "../core/errors.js";
import { formatDurationNs, parseDurationNs } from "../core/time.js";
import type { ParamDoc } from "./policy.js";

/** Rejects any key not documented in `docs`. */
export function checkKeys(
  id: string,
  raw: Readonly<Record<string, string>>,
  docs: Readonly<Record<string, ParamDoc>>,
): void {
  for (const key of Object.keys(raw)) {
    if (!(key in docs)) {
      const known = Object.keys(docs);
      const near = closest(key, known);
      throw new ConfigError(
        `${id}.${key}`,
        raw[key],
        known.length
          ? `${near === undefined ? "" : `did you mean ${near}? `}one of the keys ${known.join(", ")}`
          : "no parameters",
      );
    }
  }
}

/** A number parameter within [min, max], integer if asked; `dflt` when absent. */
export function numberParam(
  id: string,
  raw: Readonly<Record<string, string>>,
  key: string,
  dflt: number,
  opts: { min: number; max: number; integer?: boolean },
): number {
  const s = raw[key];
  if (s === undefined) return dflt;
  const v = Number(s);
  const ok =
    s.trim() !== "" &&
    Number.isFinite(v) &&
    v >= opts.min &&
    v <= opts.max &&
    (!opts.integer || Number.isInteger(v));
  if (!ok) {
    const kind = opts.integer ? "an integer" : "a number";
    throw new ConfigError(`${id}.${key}`, s, `${kind} from ${opts.min} to ${opts.max}`);
  }
  return v;
}

/**
 * A duration parameter of simulated time, in ns, within [min, max] ns: written with a unit
 * (`10ms`, `500us`, `2s`, `100ns`) or as a plain number of nanoseconds; `dflt` when absent.
 */
export function durationParam(
  id: string,
  raw: Readonly<Record<string, string>>,
  key: string,
  dflt: number,
  opts: { min: number; max: number },
): number {
  const s = raw[key];
  if (s === undefined) return dflt;
  const v = parseDurationNs(s, "ns");
  if (v === null || v < opts.min || v > opts.max) {
    throw new ConfigError(
      `${id}.${key}`,
      s,
      `a duration from ${formatDurationNs(opts.min)} to ${formatDurationNs(opts.max)} of simulated time, such as 10ms or 500us; a plain number is ns`,
    );
  }
  return v;
}

/** One of a fixed set of words; `dflt` when absent. */
export function choiceParam<T extends string>(
  id: string,
  raw: Readonly<Record<string, string>>,
  key: string,
  dflt: T,
  choices: readonly T[],
): T {
  const s = raw[key];
  if (s === undefined) return dflt;
  if (!(choices as readonly string[]).includes(s)) {
    throw new ConfigError(`${id}.${key}`, s, `one of ${choices.join(", ")}`);
  }
  return s as T;
}

/** Parameters of a policy that takes none. */
export type NoParams = Record<string, never>;

/** parseParams for a policy that takes none. */
export function noParams(id: string): (raw: Readonly<Record<string, string>>) => NoParams {
  return (raw) => {
    checkKeys(id, raw, {});
    return {};
  };
}
