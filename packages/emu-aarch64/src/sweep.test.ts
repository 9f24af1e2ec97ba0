import { describe, expect, it } from "vitest";
import { sweep } from "./testing/sweep.js";

describe("instruction-word sweep (no host exception for any word)", () => {
  it("survives 10^6 random words", () => {
    const stats = sweep(1_000_000, 12345);
    expect(stats.failure).toBeUndefined();
    expect(stats.words).toBe(1_000_000);
    // Most random words are unallocated: they must raise UNDEFINED, not be silently ignored.
    expect(stats.undefinedWords).toBeGreaterThan(100_000);
  });

  it("survives every word of the load/store and SIMD/FP top-level classes with a fixed low half", () => {
    // Vary bits [31:16] over all values with a few low halves: every opcode pattern of each class.
    for (const low of [0x0000, 0x1234, 0xffff]) {
      const stats = sweep(65536, 7, (i) => ((i << 16) | low) >>> 0);
      expect(stats.failure).toBeUndefined();
    }
  });
});
