import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupDigits } from "./format.js";

describe("groupDigits", () => {
  it("groups as en-US does", () => {
    expect(groupDigits(0)).toBe("0");
    expect(groupDigits(999)).toBe("999");
    expect(groupDigits(1000)).toBe("1,000");
    expect(groupDigits(8_000_000)).toBe("8,000,000");
    expect(groupDigits(-1234567)).toBe("-1,234,567");
    expect(groupDigits(1234.6)).toBe("1,235");
  });
  it("agrees with toLocaleString('en-US') on any safe integer", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(groupDigits(n)).toBe(n.toLocaleString("en-US"));
      }),
    );
  });
});
