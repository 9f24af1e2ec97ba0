/** WFI/WFE: the vCPU stays blocked on its fault until an interrupt is injected into it. */
import type { vm_vcpu_t } from "@sel4/vm";
import { HSR_EXCEPTION_CLASS, HSR_WFx_EXCEPTION } from "./syndrome.js";
import { vcpu_arch } from "./vcpu.js";

/** Whether `vcpu` is parked on a WFI/WFE fault. */
export function vcpu_is_waiting_for_interrupt(vcpu: vm_vcpu_t): boolean {
  const fault = vcpu_arch(vcpu).fault;
  return (
    !fault.handled && fault.type === "vcpu" && HSR_EXCEPTION_CLASS(fault.fsr) === HSR_WFx_EXCEPTION
  );
}

/** Resumes a parked vCPU past its WFI (C: `ignore_fault` from `vm_inject_irq`). 0, or -1. */
export function vcpu_wake_from_wfi(vcpu: vm_vcpu_t): number {
  if (!vcpu_is_waiting_for_interrupt(vcpu)) return 0;
  return vcpu_arch(vcpu).fault.ignore();
}
