import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  lookupFailureFromWords,
  lookupFailureLength,
  lookupFailureToWords,
  seL4_GuardMismatch,
  type seL4_LookupFailure,
  seL4_MissingCapability,
} from "./lookup-failure.js";

const bits = fc.integer({ min: 0, max: 64 });
const failure: fc.Arbitrary<seL4_LookupFailure> = fc.oneof(
  fc.constant({ type: 0 as const }),
  fc.constant({ type: 1 as const }),
  bits.map((bitsLeft) => ({ type: 2 as const, bitsLeft })),
  fc.tuple(bits, bits).map(([bitsLeft, bitsFound]) => ({ type: 3 as const, bitsLeft, bitsFound })),
  fc
    .tuple(bits, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), bits)
    .map(([bitsLeft, guardFound, bitsFound]) => ({
      type: 4 as const,
      bitsLeft,
      guardFound,
      bitsFound,
    })),
);

describe("lookup failures", () => {
  it("encode as the type word then its detail words", () => {
    expect(lookupFailureToWords({ type: seL4_MissingCapability, bitsLeft: 21 })).toEqual([2n, 21n]);
    expect(
      lookupFailureToWords({
        type: seL4_GuardMismatch,
        bitsLeft: 64,
        guardFound: 5n,
        bitsFound: 52,
      }),
    ).toEqual([4n, 64n, 5n, 52n]);
  });

  it("round-trip, and their length is their word count", () => {
    fc.assert(
      fc.property(failure, (f) => {
        const words = lookupFailureToWords(f);
        expect(words.length).toBe(lookupFailureLength(f));
        expect(lookupFailureFromWords([...words, 99n])).toEqual(f);
      }),
    );
  });

  it("decode garbage as null rather than throwing", () => {
    expect(lookupFailureFromWords([5n])).toBeNull();
    expect(lookupFailureFromWords([2n, 65n])).toBeNull();
    expect(lookupFailureFromWords([4n, 1n, 1n << 63n, 1n << 40n])).toBeNull();
    expect(lookupFailureFromWords([2n, 30n, 1n << 63n])).toEqual({ type: 2, bitsLeft: 30 });
    expect(lookupFailureFromWords([])).toEqual({ type: 0 });
  });
});
