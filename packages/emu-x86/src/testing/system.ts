import { createFlatMemory, type GuestPhysicalMemory } from "../memory.js";
import { X86Vcpu } from "../vcpu.js";
import { VmcsField as F } from "../vmcs.js";
import { assemble } from "./assemble.js";
import { flatProtectedMode } from "./flat.js";

/** Fixed layout of the protected-mode test machine (guest-physical = linear). */
export const GDT = 0x8000;
/** IDT address (256 gates). */
export const IDT = 0x9000;
/** 32-bit TSS address; ESP0 = RING0_STACK, SS0 = 0x10. */
export const TSS = 0xa000;
/** Ring-0 stack top named in the TSS. */
export const RING0_STACK = 0x70000;
/** Selectors: ring-0 code/data, ring-3 code/data, TSS. */
export const SEL = { code0: 0x08, data0: 0x10, code3: 0x1b, data3: 0x23, tss: 0x28 } as const;

/** A flat protected-mode machine with a GDT (ring 0 and 3 segments and a TSS) and an IDT. */
export interface SystemMachine {
  cpu: X86Vcpu;
  memory: GuestPhysicalMemory;
  ram: Uint8Array;
  /** Assembles `source` at `address` into RAM. */
  load(address: number, source: string): void;
  /** Writes an IDT gate (type 0xE interrupt, 0xF trap) for `vector`. */
  gate(vector: number, handler: number, dpl?: number, type?: number): void;
  /** Reads a 32-bit little-endian word of RAM. */
  word(address: number): number;
}

function descriptor(
  ram: Uint8Array,
  at: number,
  base: number,
  limit: number,
  access: number,
  flags: number,
): void {
  const v = new DataView(ram.buffer);
  v.setUint16(at, limit & 0xffff, true);
  v.setUint16(at + 2, base & 0xffff, true);
  ram[at + 4] = (base >>> 16) & 0xff;
  ram[at + 5] = access;
  ram[at + 6] = ((flags & 0xf) << 4) | ((limit >>> 16) & 0xf);
  ram[at + 7] = base >>> 24;
}

/** Builds the machine: flat ring-0 state, GDTR/IDTR/TR loaded, EIP = 0x1000, ESP = 0x60000. */
export function systemMachine(
  memory: GuestPhysicalMemory = createFlatMemory(1 << 22),
): SystemMachine {
  const ram = memory.ram;
  const cpu = new X86Vcpu(memory);
  flatProtectedMode(cpu);
  descriptor(ram, GDT + 0x08, 0, 0xfffff, 0x9b, 0xc);
  descriptor(ram, GDT + 0x10, 0, 0xfffff, 0x93, 0xc);
  descriptor(ram, GDT + 0x18, 0, 0xfffff, 0xfb, 0xc);
  descriptor(ram, GDT + 0x20, 0, 0xfffff, 0xf3, 0xc);
  descriptor(ram, GDT + 0x28, TSS, 0x67, 0x8b, 0);
  const view = new DataView(ram.buffer);
  view.setUint32(TSS + 4, RING0_STACK, true);
  view.setUint32(TSS + 8, SEL.data0, true);
  view.setUint16(TSS + 0x66, 0x68, true);
  resetSystemState(cpu);
  return {
    cpu,
    memory,
    ram,
    load(address, source) {
      ram.set(assemble(source, address), address);
    },
    gate(vector, handler, dpl = 0, type = 0xe) {
      const at = IDT + vector * 8;
      view.setUint16(at, handler & 0xffff, true);
      view.setUint16(at + 2, SEL.code0, true);
      ram[at + 4] = 0;
      ram[at + 5] = 0x80 | (dpl << 5) | type;
      view.setUint16(at + 6, handler >>> 16, true);
    },
    word: (address) => view.getUint32(address, true),
  };
}

/** Puts the CPU back into the machine's initial ring-0 flat protected-mode state. */
export function resetSystemState(cpu: X86Vcpu): void {
  flatProtectedMode(cpu);
  cpu.writeVmcs(F.GUEST_GDTR_BASE, GDT);
  cpu.writeVmcs(F.GUEST_GDTR_LIMIT, 0x2f);
  cpu.writeVmcs(F.GUEST_IDTR_BASE, IDT);
  cpu.writeVmcs(F.GUEST_IDTR_LIMIT, 0x7ff);
  cpu.writeVmcs(F.GUEST_TR_SELECTOR, SEL.tss);
  cpu.writeVmcs(F.GUEST_TR_BASE, TSS);
  cpu.writeVmcs(F.GUEST_TR_LIMIT, 0x67);
  cpu.writeVmcs(F.GUEST_TR_ACCESS_RIGHTS, 0x8b);
  cpu.writeVmcs(F.GUEST_LDTR_ACCESS_RIGHTS, 0x10000);
  cpu.writeVmcs(F.GUEST_RIP, 0x1000);
  cpu.writeVmcs(F.GUEST_RSP, 0x60000);
  cpu.writeVmcs(F.GUEST_ACTIVITY, 0);
  cpu.writeVmcs(F.GUEST_INTERRUPTIBILITY, 0);
  cpu.writeVmcs(F.GUEST_CR3, 0);
  cpu.writeVmcs(F.GUEST_CR4, 0);
  cpu.writeVmcs(F.CONTROL_PRIMARY_PROCESSOR_CONTROLS, 0);
  cpu.writeVmcs(F.CONTROL_ENTRY_INTERRUPTION_INFO, 0);
}
