import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runUserProgram } from "./testing/user-mode.js";

const binDir = join(dirname(fileURLToPath(import.meta.url)), "../../guests/aarch64/isa/bin");
// The bench-* programs run 10^8 instructions: they belong to the benchmarks, not the tests.
const programs = existsSync(binDir)
  ? readdirSync(binDir).filter((f) => !f.includes(".") && !f.startsWith("bench-"))
  : [];

function qemuAvailable(): boolean {
  try {
    execFileSync("qemu-aarch64", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const haveQemu = qemuAvailable();
if (!haveQemu) console.warn("qemu-aarch64 is not installed: user-mode differential tests skipped");

describe("user-mode differential tests against qemu-aarch64 (MMU off, then on)", () => {
  it("has test programs", () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const name of programs) {
    it.skipIf(!haveQemu)(name, () => {
      const path = join(binDir, name);
      const expected = execFileSync("qemu-aarch64", ["-cpu", "cortex-a53", path], {
        encoding: "utf8",
      });
      const image = readFileSync(path);
      for (const mmu of [false, true]) {
        const result = runUserProgram(image, 2e9, mmu);
        expect(result.error).toBeUndefined();
        expect(result.stdout).toBe(expected);
        expect(result.exitCode).toBe(0);
      }
    });
  }
});
