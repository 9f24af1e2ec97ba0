import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bench, describe } from "vitest";
import { createFlatMemory } from "../dist/memory.js";
import { flatProtectedMode } from "../dist/testing/flat.js";
import { loadElf32 } from "../dist/testing/user-mode.js";
import { X86Vcpu } from "../dist/vcpu.js";
import { ExitReason, VmcsField as F } from "../dist/vmcs.js";

// Measures the built package (dist/, as shipped; `pnpm bench` builds first) in a plain Node
// process (bench/direct.mjs, best of five runs per sample).
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

/** QEMU's wall and CPU (user + system) seconds for one run, measured by GNU time. */
function qemuSeconds(name: string, iterations: number): { wall: number; cpu: number } {
  const start = performance.now();
  // isa-debug-exit makes QEMU exit with status (0 << 1) | 1, so the status is not checked.
  const run = spawnSync("/usr/bin/time", [
    ...["-f", "%U %S", "qemu-system-i386"],
    ...["-M", "pc", "-cpu", "pentium3", "-m", "32", "-display", "none", "-no-reboot"],
    ...["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
    ...["-kernel", join(binDir, name), "-append", String(iterations)],
  ]);
  const wall = (performance.now() - start) / 1000;
  const [user, system] = run.stderr.toString().trim().split("\n").at(-1)!.split(" ").map(Number);
  return { wall, cpu: user! + system! };
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
  // vitest bench runs no hooks, shows no console output and swallows errors: QEMU is measured on
  // first use and every figure is rewritten to temp/benchmarks.txt after each sample (errors go
  // to temp/bench-error.txt). Figures are guest instructions per second of wall time and of CPU
  // time (user + system); on a shared machine the CPU-time figure is the steadier one.
  const qemuMips = new Map<string, { wall: number; cpu: number } | null>();
  const best = new Map<string, { instructions: number; wall: number; cpu: number }>();
  const mips = (instructions: number, seconds: number) => (instructions / seconds / 1e6).toFixed(1);
  const report = () => {
    const lines = programs.map((name) => {
      const ours = best.get(name);
      const qemu = qemuMips.get(name);
      const oursText =
        ours === undefined
          ? "n/a"
          : `${mips(ours.instructions, ours.wall)} M/s wall, ${mips(ours.instructions, ours.cpu)} M/s CPU`;
      const qemuText =
        qemu === undefined || qemu === null
          ? "n/a"
          : `${qemu.wall.toFixed(0)} M/s wall, ${qemu.cpu.toFixed(0)} M/s CPU`;
      return `${name}: emulator ${oursText}; QEMU TCG ${qemuText}`;
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
    const boot = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
    const full = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 3; i++) {
      const b = qemuSeconds(name, 0);
      const f = qemuSeconds(name, QEMU_ITERATIONS);
      boot.wall = Math.min(boot.wall, b.wall);
      boot.cpu = Math.min(boot.cpu, b.cpu);
      full.wall = Math.min(full.wall, f.wall);
      full.cpu = Math.min(full.cpu, f.cpu);
    }
    qemuMips.set(name, {
      wall: instructions / (full.wall - boot.wall) / 1e6,
      cpu: instructions / (full.cpu - boot.cpu) / 1e6,
    });
  };
  const sample = (name: string) => {
    measureQemu(name);
    // The emulator runs in a plain Node process (bench/direct.mjs): vitest transforms the modules
    // it loads itself, which would measure that transformation rather than the package.
    const child = spawnSync(process.execPath, [
      join(import.meta.dirname, "direct.mjs"),
      "--json",
      String(ITERATIONS),
      name,
    ]);
    if (child.status !== 0) throw new Error(child.stderr.toString());
    const r = JSON.parse(child.stdout.toString()) as {
      instructions: number;
      wall: number;
      cpu: number;
    };
    const previous = best.get(name);
    best.set(name, {
      instructions: r.instructions,
      wall: Math.min(r.wall, previous?.wall ?? r.wall),
      cpu: Math.min(r.cpu, previous?.cpu ?? r.cpu),
    });
    report();
  };

  for (const name of programs) {
    bench(
      name,
      () => {
        try {
          sample(name);
        } catch (e) {
          mkdirSync(join(import.meta.dirname, "../temp"), { recursive: true });
          writeFileSync(
            join(import.meta.dirname, "../temp/bench-error.txt"),
            String((e as Error).stack),
          );
          throw e;
        }
      },
      { iterations: 1, time: 0, warmupIterations: 0 },
    );
  }
});
