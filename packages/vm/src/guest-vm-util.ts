/** `sel4vm/guest_vm_util.h`: small accessors. */
import { seL4_CapNull, type seL4_CPtr } from "@sel4/sel4";
import type { vspace_t } from "@sel4/vspace";
import type { vm_guest_vspace_t, vm_t, vm_vcpu_t } from "./types.js";

/** The vCPU's TCB cap (`vm_get_vcpu_tcb`); 0 on x86, where the VMM thread runs the guest. */
export function vm_get_vcpu_tcb(vcpu: vm_vcpu_t): seL4_CPtr {
  return vcpu.tcb.tcb.cptr;
}

/** The VCPU cap of vCPU `vcpu_id` (`vm_get_vcpu`), `seL4_CapNull` if there is no such vCPU. */
export function vm_get_vcpu(vm: vm_t, vcpu_id: number): seL4_CPtr {
  const vcpu = Number.isInteger(vcpu_id) && vcpu_id >= 0 ? vm.vcpus[vcpu_id] : undefined;
  return vcpu === undefined ? seL4_CapNull : vcpu.vcpu.cptr;
}

/** The vCPU representing guest CPU `target_cpu` (`vm_vcpu_for_target_cpu`), or null. */
export function vm_vcpu_for_target_cpu(vm: vm_t, target_cpu: number): vm_vcpu_t | null {
  if (target_cpu < 0) return null;
  return vm.vcpus.find((v) => v.target_cpu === target_cpu) ?? null;
}

/** The first vCPU with no target CPU (`vm_find_free_unassigned_vcpu`), or null. */
export function vm_find_free_unassigned_vcpu(vm: vm_t): vm_vcpu_t | null {
  return vm.vcpus.find((v) => v.target_cpu === -1) ?? null;
}

/** Whether the vCPU has been started (`is_vcpu_online`). */
export function is_vcpu_online(vcpu: vm_vcpu_t): boolean {
  return vcpu.vcpu_online;
}

/** The guest-physical address space (`vm_get_vspace`). */
export function vm_get_vspace(vm: vm_t): vm_guest_vspace_t {
  return vm.mem.vm_vspace;
}

/** The VMM's own address space as given to `vm_init` (`vm_get_vmm_vspace`). */
export function vm_get_vmm_vspace(vm: vm_t): vspace_t | null {
  return vm.mem.vmm_vspace;
}
