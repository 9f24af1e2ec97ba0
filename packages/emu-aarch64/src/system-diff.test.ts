import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Aarch64Cpu } from "./cpu.js";
import { FlatPhysicalMemory } from "./host.js";
import { Reg } from "./state.js";
import { parseQemuCpuLog, type TraceState } from "./testing/qemu-trace.js";
import { loadElf } from "./testing/user-mode.js";

const binDir = join(dirname(fileURLToPath(import.meta.url)), "../../guests/aarch64/isa/bin");
const programs = existsSync(binDir) ? readdirElf(binDir) : [];

function readdirElf(dir: string): string[] {
  return execFileSync("ls", [dir], { encoding: "utf8" })
    .split("\n")
    .filter((f) => f.startsWith("sys-") && f.endsWith(".elf"));
}

function haveQemuSystem(): boolean {
  try {
    execFileSync("qemu-system-aarch64", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const haveQemu = haveQemuSystem();
if (!haveQemu)
  console.warn("qemu-system-aarch64 is not installed: system-level differential tests skipped");

/** QEMU's trace of a bare-metal program on the virt board, one state per instruction. */
function qemuTrace(elf: string): TraceState[] {
  const dir = mkdtempSync(join(tmpdir(), "emu-aarch64-"));
  try {
    const log = join(dir, "cpu.log");
    execFileSync(
      "qemu-system-aarch64",
      [
        "-M",
        "virt",
        "-cpu",
        "cortex-a57",
        "-nographic",
        "-kernel",
        elf,
        "-singlestep",
        "-d",
        "cpu,nochain",
        "-D",
        log,
        "-monitor",
        "none",
        "-serial",
        "null",
      ],
      { stdio: "ignore", timeout: 60_000 },
    );
    return parseQemuCpuLog(readFileSync(log, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("system-level differential tests against qemu-system-aarch64 -singlestep", () => {
  it("has bare-metal programs", () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const name of programs) {
    it.skipIf(!haveQemu)(name, () => {
      const path = join(binDir, name);
      const trace = qemuTrace(path);
      expect(trace.length).toBeGreaterThan(10);
      const ramBase = 0x40000000;
      const ram = new Uint8Array(128 << 20);
      loadElf(readFileSync(path), ram, ramBase);
      const memory = new FlatPhysicalMemory();
      memory.addRam(ramBase, ram);
      let uart = "";
      memory.addDevice(
        0x09000000,
        0x1000,
        () => 0n,
        (offset, _size, value) => {
          if (offset === 0) uart += String.fromCharCode(Number(value & 0xffn));
        },
      );
      const cpu = new Aarch64Cpu({ memory });
      const first = trace[0]!;
      cpu.setPstate(first.pstate);
      cpu.setPc(first.pc);
      cpu.setSp(first.sp);
      for (const [i, v] of first.x.entries()) cpu.setX(i, v);
      cpu.setSys(Reg.SCTLR_EL1, 0x00c50838n); // QEMU's reset value for the Cortex-A57 model
      for (let step = 0; step < trace.length; step++) {
        const want = trace[step]!;
        const got: TraceState = {
          pc: cpu.getPc(),
          x: Array.from({ length: 31 }, (_, i) => cpu.getX(i)),
          sp: cpu.getSp(),
          pstate: cpu.getPstate(),
        };
        if (
          JSON.stringify(got, (_, v) => (typeof v === "bigint" ? v.toString(16) : v)) !==
          JSON.stringify(want, (_, v) => (typeof v === "bigint" ? v.toString(16) : v))
        ) {
          expect({ step, ...got }).toEqual({ step, ...want });
        }
        if (step === trace.length - 1) break;
        const exit = cpu.run(1);
        if (exit.reason === "hvc") break; // PSCI SYSTEM_OFF: QEMU's log ends here too
        expect(exit.reason).toBe("budget");
      }
      expect(uart).toBe("A");
    });
  }
});
