/** The MMIO emulator's flag computation against the CPU emulator executing the same operation. */
import { createFlatMemory, VmcsField, X86Register, X86Vcpu } from "@sel4/emu-x86";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alu } from "../src/index.js";

/** Runs `op eax, ebx` (32-bit) / `op al, bl` (8-bit) on the CPU emulator; returns [result, flags]. */
function hardware(op: number, a: number, b: number, bits: number, carry: number): [number, number] {
  const mem = createFlatMemory(0x10000);
  // stc/clc; <op> r/m, r with mod=3 rm=eax reg=ebx; out 0x80, al (exit)
  const opcode = (op << 3) | (bits === 8 ? 0 : 1);
  mem.ram.set([carry ? 0xf9 : 0xf8, opcode, 0xd8, 0xe6, 0x80], 0x1000);
  const cpu = new X86Vcpu(mem);
  cpu.writeVmcs(VmcsField.GUEST_CS_ACCESS_RIGHTS, 0xc09b);
  cpu.writeVmcs(VmcsField.GUEST_CS_LIMIT, 0xffffffff);
  cpu.writeVmcs(VmcsField.GUEST_CR0, 0x11);
  cpu.writeVmcs(VmcsField.GUEST_RIP, 0x1000);
  cpu.writeVmcs(VmcsField.GUEST_RFLAGS, 2);
  cpu.writeVmcs(VmcsField.CONTROL_PRIMARY_PROCESSOR_CONTROLS, 1 << 24);
  cpu.setRegister(X86Register.EAX, a);
  cpu.setRegister(X86Register.EBX, b);
  cpu.run(10);
  const mask = bits === 32 ? 0xffffffff : 0xff;
  return [
    (cpu.getRegister(X86Register.EAX) & mask) >>> 0,
    cpu.readVmcs(VmcsField.GUEST_RFLAGS) & 0x8d5,
  ];
}

describe("MMIO emulator flags", () => {
  it("match the CPU for ADD OR ADC SBB AND SUB XOR CMP at 8 and 32 bits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.constantFrom(8, 32),
        fc.integer({ min: 0, max: 1 }),
        (op, a, b, bits, carry) => {
          const r = alu(op, a, b, bits, carry);
          const [value, flags] = hardware(op, a, b, bits, carry);
          const mask = bits === 32 ? 0xffffffff : 0xff;
          const expectedValue = op === 7 ? (a & mask) >>> 0 : value;
          expect([op === 7 ? (a & mask) >>> 0 : r.value, r.flags & 0x8d5]).toEqual([
            expectedValue,
            flags,
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
