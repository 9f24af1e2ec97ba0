/**
 * Guest instructions per second: (a) an integer loop, (b) a memory loop, (c) the memory loop with
 * the stage-1 MMU on, each 10^8 instructions, beside qemu-aarch64 (TCG) running the same binary
 * in the same run. Prints "M instructions/s" lines for docs/benchmarks.md.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, bench, describe } from "vitest";
import { runUserProgram } from "../src/testing/user-mode.js";

const binDir = join(dirname(fileURLToPath(import.meta.url)), "../../guests/aarch64/isa/bin");
const results: string[] = [];
const options = { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 };

function ours(name: string, mmu: boolean): () => void {
  const image = readFileSync(join(binDir, name));
  return () => {
    const started = performance.now();
    const r = runUserProgram(image, 2e9, mmu);
    const seconds = (performance.now() - started) / 1000;
    if (r.error) throw new Error(r.error);
    results.push(
      `emu-aarch64 ${name}${mmu ? " (MMU on)" : ""}: ${(r.instructions / seconds / 1e6).toFixed(1)} M instructions/s`,
    );
  };
}

function qemu(name: string): () => void {
  const path = join(binDir, name);
  return () => {
    const started = performance.now();
    try {
      execFileSync("qemu-aarch64", ["-cpu", "cortex-a53", path], { stdio: "ignore" });
    } catch {
      // The programs exit with their checksum as status.
    }
    const seconds = (performance.now() - started) / 1000;
    results.push(
      `qemu-aarch64 ${name}: ${(1e8 / seconds / 1e6).toFixed(1)} M instructions/s (incl. start-up)`,
    );
  };
}

describe("guest instructions per second", () => {
  bench("(a) integer loop: emu-aarch64", ours("bench-int", false), options);
  bench("(a) integer loop: qemu-aarch64", qemu("bench-int"), options);
  bench("(b) memory loop: emu-aarch64", ours("bench-mem", false), options);
  bench("(b) memory loop: qemu-aarch64", qemu("bench-mem"), options);
  bench("(c) memory loop, MMU on: emu-aarch64", ours("bench-mem", true), options);
});

afterAll(() => {
  for (const line of results) console.log(line);
});
