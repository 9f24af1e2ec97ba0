/** The x86 VM loop on small hand-assembled guests: stop conditions, VMCALL, unhandled ports. */
import { describe, expect, it } from "vitest";
import { bootPc } from "./pc-machine.js";
import { tinyElf } from "./tiny-elf.js";

const SMALL = { ram: 4 * 2 ** 20 };

describe("vm_run on x86", () => {
  it("a guest halted with interrupts off and nothing pending ends the run with a clear message", async () => {
    // cli; hlt
    const run = await bootPc(tinyElf([0xfa, 0xf4]), SMALL);
    expect(run.result).toBe(-1);
    expect(run.message).toMatch(
      /halted with interrupts disabled at eip 0x100056: nothing can wake it/,
    );
    expect(run.status).toBeNull();
  });

  it("a guest halted with interrupts on sleeps to the next deadline, then stops when nothing is left", async () => {
    // sti; hlt
    const run = await bootPc(tinyElf([0xfb, 0xf4]), { ...SMALL, time_limit_ns: 1e6 });
    expect(run.message).toBe("guest time limit reached");
  });

  it("an endless loop is stopped by the guest-time limit, not by a hang", async () => {
    // jmp $
    const run = await bootPc(tinyElf([0xeb, 0xfe]), { ...SMALL, time_limit_ns: 2e6 });
    expect(run.message).toBe("guest time limit reached");
  });

  it("an unclaimed IN reads all ones; isa-debug-exit stops with (V << 1) | 1", async () => {
    // in al, 0x99; out 0xf4, al   -> status (0xff << 1) | 1
    const run = await bootPc(tinyElf([0xe4, 0x99, 0xe6, 0xf4]), SMALL);
    expect(run.status).toBe(0x1ff);
    expect(run.result).toBe(0);
  });

  it("CPUID gives QEMU's pentium3 values; an unknown MSR raises #GP in the guest", async () => {
    // xor eax,eax; cpuid; mov al,bl (0x47 'G'); out 0xf4, al
    const run = await bootPc(tinyElf([0x31, 0xc0, 0x0f, 0xa2, 0x88, 0xd8, 0xe6, 0xf4]), SMALL);
    expect(run.status).toBe((0x47 << 1) | 1);
  });

  it("an unknown MSR read is a #GP for the guest (a triple fault without an IDT stops the run)", async () => {
    // mov ecx, 0x12345; rdmsr
    const run = await bootPc(tinyElf([0xb9, 0x45, 0x23, 0x01, 0x00, 0x0f, 0x32]), SMALL);
    expect(run.result).toBe(-1);
    expect(run.message).toMatch(/unhandled VM exit reason 2 /);
  });
});
