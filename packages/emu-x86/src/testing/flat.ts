import { createFlatMemory, type GuestPhysicalMemory } from "../memory.js";
import { X86Vcpu } from "../vcpu.js";
import { ExitReason, VmcsField as F } from "../vmcs.js";

/** A CPU in flat 32-bit protected mode over RAM of `size` bytes (test helper). */
export interface FlatMachine {
  cpu: X86Vcpu;
  memory: GuestPhysicalMemory;
  ram: Uint8Array;
}

/** Sets up flat 4 GiB segments (CS 0x08, data 0x10, or ring-3 0x1b/0x23 when `user`). */
export function flatProtectedMode(cpu: X86Vcpu, user = false): void {
  const dpl = user ? 3 : 0;
  const code = user ? 0x1b : 0x08;
  const data = user ? 0x23 : 0x10;
  cpu.writeVmcs(F.GUEST_CR0, 0x11);
  const segs = [
    F.GUEST_ES_SELECTOR,
    F.GUEST_CS_SELECTOR,
    F.GUEST_SS_SELECTOR,
    F.GUEST_DS_SELECTOR,
    F.GUEST_FS_SELECTOR,
    F.GUEST_GS_SELECTOR,
  ];
  for (let i = 0; i < 6; i++) {
    const isCode = i === 1;
    cpu.writeVmcs(segs[i]!, isCode ? code : data);
    cpu.writeVmcs(F.GUEST_ES_BASE + 2 * i, 0);
    cpu.writeVmcs(F.GUEST_ES_LIMIT + 2 * i, 0xffffffff);
    cpu.writeVmcs(F.GUEST_ES_ACCESS_RIGHTS + 2 * i, (isCode ? 0xc09b : 0xc093) | (dpl << 5));
  }
  cpu.writeVmcs(F.GUEST_RFLAGS, 2);
}

/** A flat machine with `code` at 0x1000, ESP = 0x80000, EIP = 0x1000. */
export function flatMachine(code: number[] | Uint8Array, ramSize = 1 << 20): FlatMachine {
  const memory = createFlatMemory(ramSize);
  const cpu = new X86Vcpu(memory);
  flatProtectedMode(cpu);
  memory.ram.set(code, 0x1000);
  cpu.writeVmcs(F.GUEST_RIP, 0x1000);
  cpu.writeVmcs(F.GUEST_RSP, 0x80000);
  return { cpu, memory, ram: memory.ram };
}

/** Runs until HLT (HLT exiting on); throws on any other exit. */
export function runToHlt(m: FlatMachine, budget = 1_000_000): void {
  m.cpu.writeVmcs(F.CONTROL_PRIMARY_PROCESSOR_CONTROLS, 1 << 7);
  const exit = m.cpu.run(budget);
  if (exit.reason !== ExitReason.HLT)
    throw new Error(
      `unexpected exit ${exit.reason} q=${exit.qualification.toString(16)} eip=${m.cpu.readVmcs(F.GUEST_RIP).toString(16)} info=${exit.interruptInfo.toString(16)}`,
    );
}
