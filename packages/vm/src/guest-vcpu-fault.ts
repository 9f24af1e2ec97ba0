/**
 * `sel4vm/guest_vcpu_fault.h`: the device-model view of the current fault of a vCPU. Each call
 * goes to the VM's architecture; `emulate_vcpu_fault` is the shared merge formula.
 */
import type { seL4_Word } from "@sel4/sel4";
import type { vm_vcpu_t } from "./types.js";

/** Guest-physical address of the faulting access (`get_vcpu_fault_address`). */
export function get_vcpu_fault_address(vcpu: vm_vcpu_t): number {
  return vcpu.vm.arch.get_vcpu_fault_address(vcpu);
}

/** Guest PC of the faulting instruction (`get_vcpu_fault_ip`). */
export function get_vcpu_fault_ip(vcpu: vm_vcpu_t): seL4_Word {
  return vcpu.vm.arch.get_vcpu_fault_ip(vcpu);
}

/**
 * For a write, the value stored (the source register, truncated to the access width); for a
 * read, what `set_vcpu_fault_data` set (`get_vcpu_fault_data`).
 */
export function get_vcpu_fault_data(vcpu: vm_vcpu_t): seL4_Word {
  return vcpu.vm.arch.get_vcpu_fault_data(vcpu);
}

/** Access-width mask shifted to the byte lane in its 32-bit word (`get_vcpu_fault_data_mask`). */
export function get_vcpu_fault_data_mask(vcpu: vm_vcpu_t): seL4_Word {
  return vcpu.vm.arch.get_vcpu_fault_data_mask(vcpu);
}

/** Access width in bytes: 1, 2, 4 or 8; 0 for an instruction fetch (`get_vcpu_fault_size`). */
export function get_vcpu_fault_size(vcpu: vm_vcpu_t): number {
  return vcpu.vm.arch.get_vcpu_fault_size(vcpu);
}

/** True for a load, false for a store (`is_vcpu_read_fault`). */
export function is_vcpu_read_fault(vcpu: vm_vcpu_t): boolean {
  return vcpu.vm.arch.is_vcpu_read_fault(vcpu);
}

/**
 * Sets the value a faulting load returns (`set_vcpu_fault_data`): the naturally aligned 32-bit
 * word containing the address (the byte lane is extracted, then zero- or sign-extended as the
 * instruction demands). 0 or -1.
 */
export function set_vcpu_fault_data(vcpu: vm_vcpu_t, data: seL4_Word): number {
  return vcpu.vm.arch.set_vcpu_fault_data(vcpu, data);
}

/** Completes the access and resumes the vCPU after the instruction (`advance_vcpu_fault`). */
export function advance_vcpu_fault(vcpu: vm_vcpu_t): void {
  vcpu.vm.arch.advance_vcpu_fault(vcpu);
}

/** Resumes the vCPU at the same instruction (`restart_vcpu_fault`). */
export function restart_vcpu_fault(vcpu: vm_vcpu_t): void {
  vcpu.vm.arch.restart_vcpu_fault(vcpu);
}

const WORD_MASK = (1n << 64n) - 1n;

/**
 * Merges a faulting access with a register image (`emulate_vcpu_fault`): for a read, the byte
 * lane of the fault data replaces the low bits of `data`; for a write, the stored value replaces
 * the lane of `data` (a 32-bit register image).
 */
export function emulate_vcpu_fault(vcpu: vm_vcpu_t, data: seL4_Word): seL4_Word {
  const addr = get_vcpu_fault_address(vcpu);
  const shift = BigInt((addr & 3) * 8);
  const mask = get_vcpu_fault_data_mask(vcpu);
  const fault = get_vcpu_fault_data(vcpu);
  if (is_vcpu_read_fault(vcpu)) {
    return ((data & ~(mask >> shift)) | ((fault & mask) >> shift)) & WORD_MASK;
  }
  return ((data & ~mask) | ((fault << shift) & mask)) & WORD_MASK;
}
