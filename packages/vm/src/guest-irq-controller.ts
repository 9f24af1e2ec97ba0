/** `sel4vm/guest_irq_controller.h`: interrupt injection through the VM's architecture. */
import type { irq_ack_fn_t, vm_t, vm_vcpu_t } from "./types.js";

function validIrq(irq: number): boolean {
  return Number.isInteger(irq) && irq >= 0 && irq < 1020;
}

/** Makes `irq` pending for the guest on `vcpu` (`vm_inject_irq`). 0, or -1 if it cannot be. */
export function vm_inject_irq(vcpu: vm_vcpu_t, irq: number): number {
  if (!validIrq(irq)) return -1;
  return vcpu.vm.arch.vm_inject_irq(vcpu, irq);
}

/** Sets the level of interrupt line `irq` (`vm_set_irq_level`; ARM: level-sensitive SPIs/PPIs). */
export function vm_set_irq_level(vcpu: vm_vcpu_t, irq: number, irq_level: number): number {
  if (!validIrq(irq) || (irq_level !== 0 && irq_level !== 1)) return -1;
  return vcpu.vm.arch.vm_set_irq_level(vcpu, irq, irq_level);
}

/**
 * Registers `irq` with an acknowledgement callback run when the guest has finished with it
 * (`vm_register_irq`); required before injection. 0, or -1 (invalid, or already registered).
 */
export function vm_register_irq(
  vcpu: vm_vcpu_t,
  irq: number,
  ack_fn: irq_ack_fn_t,
  cookie: unknown,
): number {
  if (!validIrq(irq) || typeof ack_fn !== "function") return -1;
  return vcpu.vm.arch.vm_register_irq(vcpu, irq, ack_fn, cookie);
}

/** Installs the architecture's interrupt controller (`vm_create_default_irq_controller`). */
export function vm_create_default_irq_controller(vm: vm_t): number {
  return vm.arch.vm_create_default_irq_controller(vm);
}
