// Reading a generator spec's terms (generators.ts gives the grammar): a term split into its kind and
// key=value parameters (parseTerm), the parameters read with their bounds and unknown ones refused
// (Keys: every bad value a ConfigError naming kind.key), and a term written back (fmt).

import { ConfigError } from "../core/errors.js";

export type Params = Record<string, string>;

/** Reads keys from a parsed term and reports unknown ones. */
export class Keys {
  private readonly used = new Set<string>();
  constructor(
    readonly kind: string,
    private readonly p: Params,
  ) {}

  int(key: string, def: number, min = 1, max = 2 ** 53 - 1): number {
    this.used.add(key);
    const raw = this.p[key];
    if (raw === undefined) return def;
    const v = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new ConfigError(`${this.kind}.${key}`, raw, `an integer from ${min} to ${max}`);
    }
    return v;
  }

  num(key: string, def: number, min: number, max: number): number {
    this.used.add(key);
    const raw = this.p[key];
    if (raw === undefined) return def;
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v) || v < min || v > max) {
      throw new ConfigError(`${this.kind}.${key}`, raw, `a number from ${min} to ${max}`);
    }
    return v;
  }

  str<T extends string>(key: string, def: T, allowed: readonly T[]): T {
    this.used.add(key);
    const raw = this.p[key];
    if (raw === undefined) return def;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(`${this.kind}.${key}`, raw, `one of ${allowed.join(", ")}`);
    }
    return raw as T;
  }

  raw(key: string): string | undefined {
    this.used.add(key);
    return this.p[key];
  }

  /** Throws ConfigError for any key not read. */
  done(): void {
    for (const k of Object.keys(this.p)) {
      if (!this.used.has(k)) {
        throw new ConfigError(
          `${this.kind}.${k}`,
          this.p[k],
          `a key of ${this.kind}: ${[...this.used].join(", ")}`,
        );
      }
    }
  }
}

/** Splits a term into its kind and its key=value parameters (refs also takes a bare list of pages). */
export function parseTerm(term: string): { kind: string; params: Params } {
  const t = term.trim();
  const colon = t.indexOf(":");
  const kind = (colon < 0 ? t : t.slice(0, colon)).trim();
  const params: Params = {};
  if (colon >= 0) {
    const body = t.slice(colon + 1);
    if (kind === "refs" && !body.includes("=")) {
      params.pages = body.replace(/,/g, " ");
    } else if (body.trim() !== "") {
      for (const kv of body.split(",")) {
        const eq = kv.indexOf("=");
        if (eq < 0) throw new ConfigError(`${kind} parameter`, kv.trim(), "key=value");
        const key = kv.slice(0, eq).trim();
        if (key in params) throw new ConfigError(`${kind}.${key}`, kv.trim(), "each key once");
        params[key] = kv.slice(eq + 1).trim();
      }
    }
  }
  return { kind, params };
}

/** A term written back: `kind:key=value,...`. */
export function fmt(kind: string, parts: Record<string, string | number>): string {
  return `${kind}:${Object.entries(parts)
    .map(([k, v]) => `${k}=${v}`)
    .join(",")}`;
}
