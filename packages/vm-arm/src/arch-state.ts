/** The per-VM ARM state (`struct vm_arch`) the exit handlers work on. */
import type { Sel4_AArch64, seL4_UserContext_aarch64 } from "@sel4/sel4";
import type { vm_t, vm_vcpu_t } from "@sel4/vm";
import type { VgicV2 } from "./vgic/vgic-v2.js";

/**
 * `smc_handler_callback_fn`: emulates an SMC. `regs` is the guest's register copy to edit (x0 =
 * result); return 0 on success, non-zero to stop the VM with an error.
 */
export type smc_handler_callback_fn = (vcpu: vm_vcpu_t, regs: seL4_UserContext_aarch64) => number;

/** How the guest asked to stop. */
export type ArmSystemEvent = "off" | "reset";

/** Guest-physical layout of the GIC as the guest sees it. */
export interface ArmGicLayout {
  /** Distributor base (4 KiB, emulated). */
  readonly dist_paddr: number;
  /** CPU interface base the guest uses (8 KiB, backed by the GICV frames). */
  readonly cpu_paddr: number;
  /** Physical address of the hardware virtual CPU interface (GICV). */
  readonly vcpu_paddr: number;
  /** Interrupt IDs the distributor implements. */
  readonly num_irqs: number;
}

/** QEMU `virt` with gic-version=2. */
export const GIC_LAYOUT_QEMU_VIRT: ArmGicLayout = Object.freeze({
  dist_paddr: 0x0800_0000,
  cpu_paddr: 0x0801_0000,
  vcpu_paddr: 0x0804_0000,
  num_irqs: 288,
});

/** What the exit handlers need from the VM's ARM state. */
export interface ArmVmState {
  /** The VM. */
  readonly vm: vm_t;
  /** The VMM thread's system calls. */
  readonly sel4: Sel4_AArch64;
  /** The vGIC, once `vm_create_default_irq_controller` ran. */
  vgic: VgicV2 | null;
  /** `vm->arch.vm_smc_handler`. */
  vm_smc_handler: smc_handler_callback_fn;
  /** Set when the guest powered off or reset: `vm_run` returns 0. */
  system_event: ArmSystemEvent | null;
  /** A failure found outside the handler of the current message (a deferred fault completion). */
  deferred_error: string | null;
  /** Why the last error happened (for diagnostics; C printed it). */
  last_error: string | null;
  /** Reads a 32-bit little-endian word of the guest at virtual address `va` (instruction fetch). */
  fetch_instruction(vcpu: vm_vcpu_t, va: bigint): number | null;
  /** Makes interrupts pending on `vcpu` visible: wakes it from WFI if its list registers hold one. */
  wake_if_interrupted(vcpu: vm_vcpu_t): void;
}
