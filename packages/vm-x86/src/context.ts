/**
 * `sel4vm/arch/guest_x86_context.h`: guest registers and VMCS fields through the vCPU's cache.
 * Functions return 0 on success and -1 on failure, as in C; getters return the value or null.
 */
import { VMX_GUEST_RIP } from "@sel4/sel4";
import type { vm_vcpu_t } from "@sel4/vm";
import type { vcpu_context_reg_t } from "./guest-state.js";
import { vcpu_arch } from "./vcpu-state.js";

/** `vm_set_thread_context_reg`: sets one guest GPR (32-bit). 0, or -1 while unknown. */
export function vm_set_thread_context_reg(
  vcpu: vm_vcpu_t,
  reg: vcpu_context_reg_t,
  value: bigint,
): number {
  return vcpu_arch(vcpu).guest_state.set_reg(reg, value) ? 0 : -1;
}

/** `vm_get_thread_context_reg`: one guest GPR, or null while the context is unknown. */
export function vm_get_thread_context_reg(vcpu: vm_vcpu_t, reg: vcpu_context_reg_t): bigint | null {
  return vcpu_arch(vcpu).guest_state.get_reg(reg);
}

/** `vm_set_thread_context`: replaces all seven GPRs (eax, ebx, ecx, edx, esi, edi, ebp). */
export function vm_set_thread_context(vcpu: vm_vcpu_t, context: readonly bigint[]): number {
  if (context.length !== 7) return -1;
  vcpu_arch(vcpu).guest_state.set_context(context);
  return 0;
}

/** `vm_get_thread_context`: the seven GPRs, or null while unknown. */
export function vm_get_thread_context(vcpu: vm_vcpu_t): readonly bigint[] | null {
  return vcpu_arch(vcpu).guest_state.context;
}

/** `vm_set_vmcs_field`: sets a VMCS field, written before the next entry. 0 or -1. */
export function vm_set_vmcs_field(vcpu: vm_vcpu_t, field: number, value: bigint): number {
  const gs = vcpu_arch(vcpu).guest_state;
  if (field === VMX_GUEST_RIP) gs.eip = BigInt.asUintN(64, value);
  else gs.write(field, value);
  return 0;
}

/** `vm_get_vmcs_field`: a VMCS field (read once per exit), or null if the kernel refuses it. */
export function vm_get_vmcs_field(vcpu: vm_vcpu_t, field: number): bigint | null {
  const gs = vcpu_arch(vcpu).guest_state;
  if (field === VMX_GUEST_RIP) return gs.eip;
  return gs.read(field);
}
