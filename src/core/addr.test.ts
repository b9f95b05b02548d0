import { describe, expect, it } from "vitest";
import {
  isPowerOfTwo,
  layoutFor,
  levelIndex,
  makeLayout,
  offsetOf,
  pageKey,
  pageKeyAsid,
  pageKeyVpn,
  pageRoundUp,
  parseShape,
  SHAPE_PRESETS,
  vpnOf,
} from "./addr.js";
import { ConfigError } from "./errors.js";

describe("address layout", () => {
  it("splits the seed's 16-bit address with 1 KiB pages: 0x4ED is VPN 1, offset 0x0ED", () => {
    const l = makeLayout(parseShape("6/10"));
    expect(l.pageSize).toBe(1024);
    expect(l.vaBits).toBe(16);
    expect(vpnOf(l, 0x4ed)).toBe(1);
    expect(offsetOf(l, 0x4ed)).toBe(0x0ed);
  });

  it("has the four presets with their level splits", () => {
    expect(makeLayout(SHAPE_PRESETS["x86-32"]).levelBits).toEqual([10, 10]);
    expect(makeLayout(SHAPE_PRESETS.sv32).vaBits).toBe(32);
    expect(makeLayout(SHAPE_PRESETS.sv39).vaBits).toBe(39);
    expect(makeLayout(SHAPE_PRESETS["x86-64"]).vaBits).toBe(48);
  });

  it("computes level indices beyond 32 bits with exact arithmetic", () => {
    const l = makeLayout(SHAPE_PRESETS["x86-64"]);
    const va = 0xabcd_1234_5678; // 48-bit
    const vpn = vpnOf(l, va);
    expect(vpn).toBe(Math.floor(va / 4096));
    expect(levelIndex(l, vpn, 0)).toBe(Math.floor(va / 2 ** 39) % 512);
    expect(levelIndex(l, vpn, 1)).toBe(Math.floor(va / 2 ** 30) % 512);
    expect(levelIndex(l, vpn, 2)).toBe(Math.floor(va / 2 ** 21) % 512);
    expect(levelIndex(l, vpn, 3)).toBe(Math.floor(va / 2 ** 12) % 512);
    expect(offsetOf(l, va)).toBe(0x678);
  });

  it("packs page keys beyond 32 bits and unpacks them", () => {
    const key = pageKey(8191, 2 ** 36 - 1);
    expect(Number.isSafeInteger(key)).toBe(true);
    expect(pageKeyAsid(key)).toBe(8191);
    expect(pageKeyVpn(key)).toBe(2 ** 36 - 1);
  });

  it("derives levels that each fit one frame", () => {
    const l = layoutFor(256, 48);
    expect(l.levelBits.every((b) => 2 ** b * 4 <= 256)).toBe(true);
    expect(l.levelBits.reduce((a, b) => a + b, 0)).toBe(40);
    expect(pageRoundUp(l, 257)).toBe(512);
  });

  it.each([
    [() => layoutFor(3000, 32), "pageSize"],
    [() => layoutFor(128, 32), "pageSize"],
    [() => layoutFor(131072, 32), "pageSize"],
    [() => layoutFor(4096, 12), "vaBits"],
    [() => layoutFor(4096, 64), "vaBits"],
    [() => makeLayout(parseShape("11/10/12")), "shape level 0"],
    [() => parseShape("ten/12"), "shape"],
  ])("rejects a bad configuration with a ConfigError naming the key (%#)", (make, key) => {
    try {
      make();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).code).toBe("CONFIG_INVALID");
      expect((e as ConfigError).data.key).toBe(key);
    }
  });

  it("knows powers of two", () => {
    expect([1, 2, 256, 65536].every(isPowerOfTwo)).toBe(true);
    expect([0, 3, -4, 1.5, 1000].some(isPowerOfTwo)).toBe(false);
  });
});
