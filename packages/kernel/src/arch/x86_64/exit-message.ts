/** The `seL4_VMEnter` FAULT message (§9.5): MR0.. in the `SEL4_VMENTER_*` layout. */

import type { VmExit } from "@sel4/emu-x86";
import {
  SEL4_VMENTER_CALL_CONTROL_PPC_MR,
  SEL4_VMENTER_CALL_EIP_MR,
  SEL4_VMENTER_CALL_INTERRUPT_INFO_MR,
  SEL4_VMENTER_FAULT_CR3_MR,
  SEL4_VMENTER_FAULT_EAX,
  SEL4_VMENTER_FAULT_GUEST_INT_MR,
  SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR,
  SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR,
  SEL4_VMENTER_FAULT_QUALIFICATION_MR,
  SEL4_VMENTER_FAULT_REASON_MR,
  SEL4_VMENTER_FAULT_RFLAGS_MR,
  SEL4_VMENTER_NUM_FAULT_MSGS,
  VMX_CONTROL_ENTRY_INTERRUPTION_INFO,
  VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS,
  VMX_GUEST_CR3,
  VMX_GUEST_INTERRUPTABILITY,
  VMX_GUEST_RFLAGS,
  VMX_GUEST_RIP,
} from "@sel4/sel4";
import type { VCPU } from "../../objects/types.js";

/**
 * Basic exit reasons whose qualification seL4 reports (exception/NMI, SIPI, task switch, INVLPG,
 * VMX instructions, CR and DR access, I/O, MWAIT, TPR below threshold, APIC access, GDTR/IDTR and
 * LDTR/TR access, EPT violation, INVEPT, INVVPID); the others report 0.
 */
const QUALIFIED_REASONS = new Set<number>([
  0, 4, 9, 14, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 36, 43, 44, 46, 47, 48, 50, 53,
]);

function frame(vcpu: VCPU): bigint[] {
  const words = new Array<bigint>(SEL4_VMENTER_NUM_FAULT_MSGS).fill(0n);
  const get = (f: number) => vcpu.vmcs.get(f) ?? 0n;
  words[SEL4_VMENTER_CALL_EIP_MR] = get(VMX_GUEST_RIP);
  words[SEL4_VMENTER_CALL_CONTROL_PPC_MR] = get(VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS);
  words[SEL4_VMENTER_CALL_INTERRUPT_INFO_MR] = get(VMX_CONTROL_ENTRY_INTERRUPTION_INFO);
  words[SEL4_VMENTER_FAULT_RFLAGS_MR] = get(VMX_GUEST_RFLAGS);
  words[SEL4_VMENTER_FAULT_GUEST_INT_MR] = get(VMX_GUEST_INTERRUPTABILITY);
  words[SEL4_VMENTER_FAULT_CR3_MR] = get(VMX_GUEST_CR3);
  for (const [i, r] of vcpu.guestRegisters.entries()) words[SEL4_VMENTER_FAULT_EAX + i] = r;
  return words;
}

/** The message of a VM exit (the VCPU object already holds the state at the exit). */
export function exitMessage(vcpu: VCPU, exit: VmExit): bigint[] {
  const words = frame(vcpu);
  const basic = exit.reason & 0xffff;
  words[SEL4_VMENTER_FAULT_REASON_MR] = BigInt(exit.reason >>> 0);
  words[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = QUALIFIED_REASONS.has(basic)
    ? BigInt(exit.qualification >>> 0)
    : 0n;
  words[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR] = BigInt(exit.instructionLength);
  words[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] = BigInt(exit.guestPhysical >>> 0);
  return words;
}

/** A failed VMLAUNCH/VMRESUME: reason 0xFFFF_FFFF, an all-ones qualification, the rest as usual. */
export function failedEntryMessage(vcpu: VCPU): bigint[] {
  const words = frame(vcpu);
  words[SEL4_VMENTER_FAULT_REASON_MR] = 0xffff_ffffn;
  words[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = (1n << 64n) - 1n;
  return words;
}
