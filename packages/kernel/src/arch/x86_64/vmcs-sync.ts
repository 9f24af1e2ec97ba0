/**
 * Moving VMCS state between the kernel's VCPU object (the copy `ReadVMCS`/`WriteVMCS` and
 * `seL4_VMEnter` see) and the emulator that runs the guest. The object is authoritative while the
 * guest is not running; the emulator while it runs.
 */
import type { X86Vcpu } from "@sel4/emu-x86";
import { VmcsField, X86Register } from "@sel4/emu-x86";
import type { VCPU } from "../../objects/types.js";

const DATA_FIELDS = new Set<number>([
  VmcsField.DATA_EXIT_REASON,
  VmcsField.DATA_EXIT_INTERRUPT_INFO,
  VmcsField.DATA_EXIT_INTERRUPT_ERROR,
  VmcsField.DATA_IDT_VECTOR_INFO,
  VmcsField.DATA_IDT_VECTOR_ERROR,
  VmcsField.DATA_EXIT_INSTRUCTION_LENGTH,
  VmcsField.DATA_EXIT_QUALIFICATION,
  VmcsField.DATA_GUEST_LINEAR_ADDRESS,
  VmcsField.DATA_GUEST_PHYSICAL,
]);

/** Fields the emulator holds that a VMM may write (guest state and controls). */
export const LOADABLE_FIELDS: readonly number[] = Object.values(VmcsField).filter(
  (f) => !DATA_FIELDS.has(f),
);

/** Every field the emulator can report back. */
const STORABLE_FIELDS: readonly number[] = Object.values(VmcsField).filter(
  (f) => f !== VmcsField.CONTROL_ENTRY_EXCEPTION_ERROR_CODE,
);

/** The guest GPRs in `seL4_VCPUContext` order (eax, ebx, ecx, edx, esi, edi, ebp). */
export const CONTEXT_REGISTERS: readonly number[] = [
  X86Register.EAX,
  X86Register.EBX,
  X86Register.ECX,
  X86Register.EDX,
  X86Register.ESI,
  X86Register.EDI,
  X86Register.EBP,
];

/** Loads the object's VMCS copy and GPRs into the emulator (VM entry). */
export function loadGuestState(vcpu: VCPU, cpu: X86Vcpu): void {
  for (const field of LOADABLE_FIELDS) {
    const v = vcpu.vmcs.get(field);
    if (v !== undefined) cpu.writeVmcs(field, Number(BigInt.asUintN(32, v)));
  }
  for (const [i, r] of CONTEXT_REGISTERS.entries()) {
    cpu.setRegister(r, Number(BigInt.asUintN(32, vcpu.guestRegisters[i] ?? 0n)));
  }
}

/** Stores the emulator's state back into the object (VM exit). */
export function storeGuestState(vcpu: VCPU, cpu: X86Vcpu): void {
  for (const field of STORABLE_FIELDS) vcpu.vmcs.set(field, BigInt(cpu.readVmcs(field)));
  for (const [i, r] of CONTEXT_REGISTERS.entries()) {
    vcpu.guestRegisters[i] = BigInt(cpu.getRegister(r));
  }
}

/** The I/O bitmap the kernel keeps per VCPU: a set bit makes the port exit. */
export function ioBitmap(vcpu: VCPU): Uint8Array {
  const bitmap = new Uint8Array(8192).fill(0xff);
  for (const port of vcpu.ioPortsEnabled) bitmap[port >> 3]! &= ~(1 << (port & 7));
  return bitmap;
}
