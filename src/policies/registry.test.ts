import { describe, expect, it } from "vitest";
import { ConfigError, UnknownIdError } from "../core/errors.js";
import { createPolicy, getPolicyFactory, POLICIES, parsePolicySpec, policyIds } from "./registry.js";

const ISSUE_IDS = [
  "fifo",
  "opt",
  "lru",
  "second-chance",
  "clock",
  "nru",
  "aging",
  "nfu",
  "lfu",
  "random",
  "wsclock",
  "lru-2list",
  "mglru",
  "arc",
  "car",
  "2q",
  "lirs",
  "clock-pro",
  "s3fifo",
  "sieve",
];

const bits = {
  frameCount: 4,
  isEvictable: () => true,
  referenced: () => false,
  clearReferenced: () => {},
  dirty: () => false,
};

describe("registry", () => {
  it("registers every policy the issue names, each under its own id", () => {
    expect([...policyIds()].sort()).toEqual([...ISSUE_IDS].sort());
    for (const [key, f] of Object.entries(POLICIES)) expect(f.id).toBe(key);
  });

  it("ids are lowercase kebab-case and every factory documents a summary", () => {
    for (const id of policyIds()) {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(getPolicyFactory(id).summary.length).toBeGreaterThan(10);
    }
  });

  it("parses specs into an id and raw parameters", () => {
    expect(parsePolicySpec("aging:bits=4,interval=1000")).toEqual({
      id: "aging",
      params: { bits: "4", interval: "1000" },
    });
    expect(parsePolicySpec("lru")).toEqual({ id: "lru", params: {} });
    expect(parsePolicySpec(" arc : ")).toEqual({ id: "arc", params: {} });
  });

  it("rejects malformed pairs and repeated keys", () => {
    expect(() => parsePolicySpec("aging:bits")).toThrow(ConfigError);
    expect(() => parsePolicySpec("aging:bits=4,bits=5")).toThrow(ConfigError);
  });

  it("throws UnknownIdError listing the known ids, also for prototype names", () => {
    expect(() => getPolicyFactory("nope")).toThrow(UnknownIdError);
    expect(() => getPolicyFactory("toString")).toThrow(UnknownIdError);
    try {
      getPolicyFactory("nope");
    } catch (e) {
      expect((e as UnknownIdError).data.known).toEqual(policyIds());
    }
  });

  it("names the policy and key in a ConfigError for an unknown key or a bad value", () => {
    const cases = [
      "lru:x=1",
      "aging:bits=0",
      "aging:bits=4.5",
      "aging:on=sometimes",
      "random:seed=-1",
      "s3fifo:small=2",
    ];
    for (const spec of cases) {
      let err: unknown;
      try {
        createPolicy(spec, bits, { pageSpace: 0 });
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(ConfigError);
      expect(String((err as ConfigError).data.key)).toMatch(new RegExp(`^${parsePolicySpec(spec).id}\\.`));
    }
  });

  it("applies presets and explicit values over them", () => {
    const aging = getPolicyFactory("aging");
    expect(aging.parseParams({ preset: "xinu" })).toEqual({ bits: 8, interval: 100_000_000, on: "fault" });
    expect(aging.parseParams({ preset: "xinu", bits: "4" })).toMatchObject({ bits: 4, on: "fault" });
  });
});
