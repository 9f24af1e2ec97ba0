import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bench, describe } from "vitest";
import { createFlatMemory } from "../dist/memory.js";
import { flatProtectedMode } from "../dist/testing/flat.js";
import { loadElf32 } from "../dist/testing/user-mode.js";
import { X86Vcpu } from "../dist/vcpu.js";
import { ExitReason, VmcsField as F } from "../dist/vmcs.js";

// Measures the built package (dist/, as shipped; `pnpm bench` builds first).
// Guest instructions per second on three loops (packages/guests/x86/isa/system/bench.S): the
// same Multiboot binary runs in this emulator and in qemu-system-i386 (TCG), whose figure is
// measured in the same run as (time(N iterations) - time(0 iterations)) / instructions.
const binDir = join(import.meta.dirname, "../../guests/x86/isa/bin");
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1_000_000);
const QEMU_ITERATIONS = 100_000_000;
const programs = ["bench-int", "bench-mem", "bench-paging"] as const;

/** Runs the program once; returns the instructions it executed. */
function runOnce(name: string, iterations: number): number {
  const memory = createFlatMemory(8 << 20);
  const cpu = new X86Vcpu(memory);
  flatProtectedMode(cpu);
  const entry = loadElf32(readFileSync(join(binDir, name)), memory.ram, 0);
  const cmdline = new TextEncoder().encode(`${name} ${iterations}\0`);
  memory.ram.set(cmdline, 0x9000);
  const view = new DataView(memory.ram.buffer);
  view.setUint32(0x8000, 1 << 2, true);
  view.setUint32(0x8010, 0x9000, true);
  cpu.setRegister(0, 0x2badb002);
  cpu.setRegister(3, 0x8000);
  cpu.writeVmcs(F.GUEST_RIP, entry);
  const exit = cpu.run(Number.MAX_SAFE_INTEGER);
  if (exit.reason !== ExitReason.IO_INSTRUCTION || exit.qualification >>> 16 !== 0xf4) {
    throw new Error(`${name} ended with exit ${exit.reason}`);
  }
  return cpu.instructionsRetired;
}

function qemuSeconds(name: string, iterations: number): number {
  const start = performance.now();
  // isa-debug-exit makes QEMU exit with status (0 << 1) | 1, so the status is not checked.
  spawnSync("qemu-system-i386", [
    ...["-M", "pc", "-cpu", "pentium3", "-m", "32", "-display", "none", "-no-reboot"],
    ...["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
    ...["-kernel", join(binDir, name), "-append", String(iterations)],
  ]);
  return (performance.now() - start) / 1000;
}

function hasQemu(): boolean {
  try {
    execFileSync("qemu-system-i386", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

describe("guest instructions per second", () => {
  // vitest bench runs no hooks and shows no console output: QEMU is measured on first use and
  // every figure is rewritten to temp/benchmarks.txt after each sample.
  const qemuMips = new Map<string, number | null>();
  const best = new Map<string, { instructions: number; seconds: number }>();
  const report = () => {
    const lines = programs.map((name) => {
      const ours = best.get(name);
      const qemu = qemuMips.get(name);
      const oursText =
        ours === undefined ? "n/a" : `${(ours.instructions / ours.seconds / 1e6).toFixed(1)} M/s`;
      const qemuText = qemu === undefined || qemu === null ? "n/a" : `${qemu.toFixed(0)} M/s`;
      return `${name}: emulator ${oursText}, QEMU TCG ${qemuText}`;
    });
    mkdirSync(join(import.meta.dirname, "../temp"), { recursive: true });
    writeFileSync(join(import.meta.dirname, "../temp/benchmarks.txt"), `${lines.join("\n")}\n`);
  };
  const measureQemu = (name: string) => {
    if (qemuMips.has(name)) return;
    qemuMips.set(name, null);
    if (!hasQemu()) return;
    const perIteration = (runOnce(name, 1000) - runOnce(name, 0)) / 1000;
    const instructions = runOnce(name, 0) + perIteration * QEMU_ITERATIONS;
    let boot = Number.POSITIVE_INFINITY;
    let full = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      boot = Math.min(boot, qemuSeconds(name, 0));
      full = Math.min(full, qemuSeconds(name, QEMU_ITERATIONS));
    }
    qemuMips.set(name, instructions / (full - boot) / 1e6);
  };

  for (const name of programs) {
    bench(
      name,
      () => {
        measureQemu(name);
        const start = performance.now();
        const instructions = runOnce(name, ITERATIONS);
        const seconds = (performance.now() - start) / 1000;
        const previous = best.get(name);
        if (previous === undefined || seconds < previous.seconds)
          best.set(name, { instructions, seconds });
        report();
      },
      { iterations: 5, time: 0, warmupIterations: 1 },
    );
  }
});
