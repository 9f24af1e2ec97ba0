import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFlatMemory } from "./memory.js";
import { flatProtectedMode } from "./testing/flat.js";
import { loadElf32 } from "./testing/user-mode.js";
import { X86Vcpu } from "./vcpu.js";
import { ExitReason, VmcsField as F } from "./vmcs.js";

// System-level differential test: bare-metal Multiboot programs stepped one instruction at a
// time against the register trace qemu-system-i386 -singlestep recorded for them
// (packages/guests/x86/isa/system, committed in bin/<name>.qemu-trace).
const binDir = join(import.meta.dirname, "../../guests/x86/isa/bin");
const FIELDS = [
  "EIP",
  "EAX",
  "EBX",
  "ECX",
  "EDX",
  "ESI",
  "EDI",
  "EBP",
  "ESP",
  "EFL",
  "CR0",
  "CR2",
  "CR3",
  "CS",
  "SS",
  "DS",
];

function state(cpu: X86Vcpu): number[] {
  return [
    cpu.readVmcs(F.GUEST_RIP),
    ...[0, 3, 1, 2, 6, 7, 5].map((r) => cpu.getRegister(r)),
    cpu.readVmcs(F.GUEST_RSP),
    cpu.readVmcs(F.GUEST_RFLAGS),
    cpu.readVmcs(F.GUEST_CR0),
    cpu.getCr2(),
    cpu.readVmcs(F.GUEST_CR3),
    cpu.readVmcs(F.GUEST_CS_SELECTOR),
    cpu.readVmcs(F.GUEST_SS_SELECTOR),
    cpu.readVmcs(F.GUEST_DS_SELECTOR),
  ];
}

describe("bare-metal programs against qemu-system-i386 -singlestep", () => {
  for (const name of ["protected"]) {
    const tracePath = join(binDir, `${name}.qemu-trace`);
    it.runIf(existsSync(tracePath))(`${name}: every step matches`, () => {
      // QEMU logs a translation block again when it re-executes it without progress (after a
      // store into a page it watches, for example): identical consecutive lines are one step.
      const lines = readFileSync(tracePath, "utf8").trim().split("\n");
      const trace = lines
        .filter((l, i) => i === 0 || l !== lines[i - 1])
        .map((l) =>
          l
            .trim()
            .split(/\s+/)
            .map((h) => Number.parseInt(h, 16)),
        );
      const memory = createFlatMemory(32 << 20);
      const cpu = new X86Vcpu(memory);
      flatProtectedMode(cpu);
      const entry = loadElf32(readFileSync(join(binDir, name)), memory.ram, 0);
      const first = trace[0]!;
      expect(first[0]).toBe(entry);
      for (const [i, r] of [0, 3, 1, 2, 6, 7, 5].entries()) cpu.setRegister(r, first[i + 1]!);
      cpu.writeVmcs(F.GUEST_RIP, entry);
      cpu.writeVmcs(F.GUEST_RSP, first[8]!);
      cpu.writeVmcs(F.GUEST_RFLAGS, first[9]!);
      cpu.writeVmcs(F.GUEST_CR0, first[10]!);
      for (let step = 1; step < trace.length; step++) {
        const exit = cpu.run(1);
        if (exit.reason === ExitReason.IO_INSTRUCTION) {
          // Only the final write to isa-debug-exit leaves the guest; QEMU stops there too.
          expect(exit.qualification >>> 16).toBe(0xf4);
          expect(step).toBe(trace.length - 1);
          return;
        }
        expect(exit.reason).toBe(ExitReason.VMX_TIMER);
        const want = trace[step]!;
        const got = state(cpu);
        const diff = FIELDS.filter((_, i) => got[i] !== want[i]).map(
          (f) =>
            `${f} ${got[FIELDS.indexOf(f)]!.toString(16)} != ${want[FIELDS.indexOf(f)]!.toString(16)}`,
        );
        if (diff.length > 0) expect({ step, eip: want[0]!.toString(16), diff }).toBeNull();
      }
    });
  }
});
