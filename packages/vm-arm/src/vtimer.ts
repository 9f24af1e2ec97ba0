/**
 * The EL1 virtual timer: the kernel masks its PPI after delivering a VPPIEvent; the guest's EOI
 * acknowledges it with `seL4_ARM_VCPU_AckVPPI` (libsel4vmmplatsupport's `create_vmm_plat_vcpu`).
 */
import { type Sel4_AArch64, seL4_NoError } from "@sel4/sel4";
import { vm_create_vcpu, vm_register_irq, type vm_t, type vm_vcpu_t } from "@sel4/vm";
import { vm_arm } from "./arch.js";

/** PPI of the EL1 virtual timer (`VIRTUAL_TIMER_IRQ`). */
export const VIRTUAL_TIMER_IRQ = 27;

/**
 * Registers the virtual timer PPI of `vcpu` with an ack that unmasks the next timer event. 0, or
 * -1 (no vGIC yet, or already registered). A failed AckVPPI is recorded in `vm_arm(vm).last_error`.
 */
export function vm_register_vtimer(vcpu: vm_vcpu_t): number {
  const arm = vm_arm(vcpu.vm);
  return vm_register_irq(
    vcpu,
    VIRTUAL_TIMER_IRQ,
    (v, irq) => {
      const err = (v.vm.sel4 as Sel4_AArch64).seL4_ARM_VCPU_AckVPPI(v.vcpu.cptr, irq);
      if (err !== seL4_NoError) arm.last_error = `AckVPPI(${irq}) failed with ${err}`;
    },
    null,
  );
}

/**
 * A vCPU ready for a platform guest (`create_vmm_plat_vcpu`): created, with its virtual timer
 * registered. Needs `vm_create_default_irq_controller` first. Null on failure.
 */
export function create_vmm_plat_vcpu(vm: vm_t, priority: number): vm_vcpu_t | null {
  const vcpu = vm_create_vcpu(vm, priority);
  if (vcpu === null) return null;
  return vm_register_vtimer(vcpu) === 0 ? vcpu : null;
}
