import { describe, expect, it } from "vitest";
import { randomCodeSweep } from "./testing/sweep.js";

// The in-CI slice of the random-code sweep; `pnpm --filter @sel4/emu-x86 sweep` runs 200,000
// cases (SWEEP_CASES and SWEEP_SEED choose others).
describe("random code", () => {
  it("never throws a host exception", () => {
    const cases = Number(process.env.SWEEP_CASES ?? 3000);
    const result = randomCodeSweep(cases, Number(process.env.SWEEP_SEED ?? 1));
    expect(result.failures.slice(0, 3)).toEqual([]);
    // The cases really executed code and ended in many different ways.
    expect(result.instructions).toBeGreaterThan(cases);
    expect(result.exits.size).toBeGreaterThan(5);
  });
});
