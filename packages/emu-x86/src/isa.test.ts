import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runUserProgram } from "./testing/user-mode.js";

// Differential test against the host CPU: each program's expected output was produced by running
// it natively (packages/guests/x86/isa/Makefile); the emulator must print exactly the same.
const binDir = join(import.meta.dirname, "../../guests/x86/isa/bin");
const programs = existsSync(binDir)
  ? readdirSync(binDir).filter((f) => f.endsWith(".expected"))
  : [];

describe("ISA programs against the host CPU", () => {
  it("has programs to run", () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const expectedFile of programs) {
    const name = expectedFile.replace(/\.expected$/, "");
    it(name, () => {
      const run = runUserProgram(readFileSync(join(binDir, name)));
      const expected = readFileSync(join(binDir, expectedFile), "utf8").split("\n");
      const actual = run.output.split("\n");
      const firstDiff = expected.findIndex((line, i) => line !== actual[i]);
      expect(run.error).toBeUndefined();
      expect(
        firstDiff === -1
          ? null
          : { line: firstDiff, expected: expected[firstDiff], actual: actual[firstDiff] },
      ).toBeNull();
      expect(run.status).toBe(0);
    });
  }
});
