/**
 * Guest instructions per second: (a) an integer loop, (b) a memory loop, (c) the memory loop with
 * the stage-1 MMU on, each 10^8 instructions, beside qemu-aarch64 (TCG) running the same binary
 * in the same run. Prints "M instructions/s" lines for docs/benchmarks.md, per wall-clock second
 * and per CPU second (user + system time of the process doing the work), because the machine is
 * shared and wall-clock rates depend on its load.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, bench, describe } from "vitest";
import { runUserProgram } from "../src/testing/user-mode.js";

const binDir = join(dirname(fileURLToPath(import.meta.url)), "../../guests/aarch64/isa/bin");
const results: string[] = [];
// One 10^8-instruction run each: V8 reaches its optimised code early in such a run.
const options = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

function rate(instructions: number, seconds: number): string {
  return (instructions / seconds / 1e6).toFixed(1);
}

function ours(name: string, mmu: boolean): () => void {
  const image = readFileSync(join(binDir, name));
  return () => {
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const r = runUserProgram(image, 2e9, mmu);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu0);
    const cpuSeconds = (used.user + used.system) / 1e6;
    if (r.error) throw new Error(r.error);
    const label = `emu-aarch64 ${name}${mmu ? " (MMU on)" : ""}`;
    results.push(
      `${label}: ${rate(r.instructions, seconds)} M/s wall, ${rate(r.instructions, cpuSeconds)} M/s CPU`,
    );
  };
}

function qemu(name: string): () => void {
  const path = join(binDir, name);
  return () => {
    const started = performance.now();
    // bash's `time` reports the child's CPU time; the programs exit with their checksum as status.
    const out = execFileSync(
      "bash",
      [
        "-c",
        `TIMEFORMAT="%U %S"; { time qemu-aarch64 -cpu cortex-a53 "$0" >/dev/null; } 2>&1 || true`,
        path,
      ],
      { encoding: "utf8" },
    );
    const seconds = (performance.now() - started) / 1000;
    const [user, system] = out.trim().split(/\s+/).slice(-2).map(Number);
    const cpuSeconds = (user ?? 0) + (system ?? 0);
    results.push(
      `qemu-aarch64 ${name}: ${rate(1e8, seconds)} M/s wall, ${rate(1e8, cpuSeconds)} M/s CPU (incl. start-up)`,
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
