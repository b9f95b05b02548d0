// The policy registry: one object, one line per policy. A new policy is one new file and one new
// line here. A spec names a policy and its parameters: "aging:bits=4,interval=1000".

import { ConfigError, UnknownIdError } from "../core/errors.js";
import { aging } from "./aging.js";
import { arc } from "./arc.js";
import { car } from "./car.js";
import { clock } from "./clock.js";
import { clockPro } from "./clock-pro.js";
import { fifo } from "./fifo.js";
import { lfu } from "./lfu.js";
import { lirs } from "./lirs.js";
import { lru } from "./lru.js";
import { lru2List } from "./lru-2list.js";
import { mglru } from "./mglru.js";
import { nfu } from "./nfu.js";
import { nru } from "./nru.js";
import { opt } from "./opt.js";
import type { FrameBits, PolicyContext, PolicyFactory, ReplacementPolicy } from "./policy.js";
import { random } from "./random.js";
import { s3fifo } from "./s3fifo.js";
import { secondChance } from "./second-chance.js";
import { sieve } from "./sieve.js";
import { twoQ } from "./two-q.js";
import { wsclock } from "./wsclock.js";

export const POLICIES = {
  fifo,
  lru,
  opt,
  "second-chance": secondChance,
  clock,
  nru,
  aging,
  nfu,
  lfu,
  random,
  wsclock,
  arc,
  "2q": twoQ,
  s3fifo,
  sieve,
  lirs,
  car,
  "clock-pro": clockPro,
  "lru-2list": lru2List,
  mglru,
  // biome-ignore lint/suspicious/noExplicitAny: factories differ in their parameter types
} satisfies Record<string, PolicyFactory<any>>;

export type PolicyId = keyof typeof POLICIES;

/** Every registered policy id, in registry order. */
export function policyIds(): string[] {
  return Object.keys(POLICIES);
}

/** The factory for `id`; throws UnknownIdError listing the known ids. */
export function getPolicyFactory(id: string): PolicyFactory<unknown> {
  id = id.toLowerCase();
  const f = Object.hasOwn(POLICIES, id)
    ? (POLICIES as Record<string, PolicyFactory<unknown>>)[id]
    : undefined;
  if (f === undefined) throw new UnknownIdError("policy", id, policyIds());
  return f;
}

/** A policy spec split into its id and raw key=value parameters. */
export interface PolicySpec {
  readonly id: string;
  readonly params: Record<string, string>;
}

/**
 * Splits "id:k=v,k2=v2" into the id and raw parameters (not validated: see createPolicy). Throws
 * ConfigError for a malformed pair or a repeated key.
 */
export function parsePolicySpec(spec: string): PolicySpec {
  const colon = spec.indexOf(":");
  // Ids and keys are lower case; "LRU" and "Aging:Bits=4" mean lru and aging:bits=4.
  const id = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  if (colon < 0) return { id, params };
  for (const pair of spec.slice(colon + 1).split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ConfigError("policy", spec, `parameters as key=value pairs, got "${pair}"`);
    const key = pair.slice(0, eq).trim().toLowerCase();
    if (Object.hasOwn(params, key)) throw new ConfigError(`${id}.${key}`, spec, "each key at most once");
    params[key] = pair.slice(eq + 1).trim();
  }
  return { id, params };
}

/** Builds a policy from a spec over `bits`. Throws UnknownIdError or ConfigError. */
export function createPolicy(spec: string, bits: FrameBits, ctx: PolicyContext): ReplacementPolicy {
  const { id, params } = parsePolicySpec(spec);
  const factory = getPolicyFactory(id);
  return factory.create(bits, factory.parseParams(params), ctx);
}
