/**
 * `@sel4/vm-x86`: the x86 side of libsel4vm in TypeScript. {@link vm_x86_arch} plugs into
 * `vm_init` of `@sel4/vm`; the VMM thread then runs its vCPU with `seL4_VMEnter`. VM exits
 * (CPUID, MSRs, I/O ports including string/REP forms, EPT violations emulated against memory
 * reservations, HLT, CR access, interrupt window, VMCALL, preemption timer), the VMCS cache, the
 * i8259 PIC pair and the guest clock are here, under C names.
 *
 * @packageDocumentation
 */

export * from "./apic/ioapic.js";
export * from "./apic/lapic.js";
export {
  NS_PER_INSTRUCTION,
  type VmX86Options,
  vm_x86_arch,
  type vmcall_handler_fn,
  X86Vm,
  type x86_time_source_t,
} from "./arch.js";
export * from "./context.js";
export { CPUID_PENTIUM3_EDX, CPUID_PENTIUM3_SIGNATURE, vm_cpuid_values } from "./cpuid.js";
export { vm_inject_exception } from "./exits.js";
export {
  GuestState,
  GuestStateError,
  VCPU_CONTEXT_EAX,
  VCPU_CONTEXT_EBP,
  VCPU_CONTEXT_EBX,
  VCPU_CONTEXT_ECX,
  VCPU_CONTEXT_EDI,
  VCPU_CONTEXT_EDX,
  VCPU_CONTEXT_ESI,
  type vcpu_context_reg_t,
} from "./guest-state.js";
export { type HostFrameAccess, X86GuestVspace } from "./guest-vspace.js";
export { i8259, type PicAckCallback } from "./i8259.js";
export * from "./ioports.js";
export { emulate_mmio_instruction } from "./mmio/emulate.js";
export { type AluResult, alu } from "./mmio/flags.js";
export {
  type guest_exit_t,
  vcpu_arch,
  type x86_fault_t,
  type x86_vcpu_arch_t,
} from "./vcpu-state.js";
export * from "./vm-x86.js";
export * from "./vmcs.js";
