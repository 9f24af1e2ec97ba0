/** The x86 part of a vCPU (`struct vm_vcpu_arch`): its VMCS cache, exit data and halt state. */
import type { vm_vcpu_t } from "@sel4/vm";
import type { GuestState } from "./guest-state.js";

/** The exit being handled (`guest_exit_information`). */
export interface guest_exit_t {
  /** True between an exit and the next entry. */
  in_exit: boolean;
  /** Basic exit reason. */
  reason: number;
  /** Exit qualification. */
  qualification: bigint;
  /** Length of the exiting instruction. */
  instruction_length: number;
  /** Guest-physical address (EPT violations). */
  guest_physical: number;
}

/** One memory access of an instruction aimed at a memory reservation (the "fault"). */
export interface x86_fault_t {
  /** Guest-physical address. */
  readonly addr: number;
  /** Width in bytes. */
  readonly size: number;
  /** True for a load. */
  readonly is_read: boolean;
  /** Stored value (writes) or the value the handler provided (reads). */
  data: bigint;
  /** Set by `advance_vcpu_fault`. */
  completed: boolean;
}

/** `struct vm_vcpu_arch` of x86. */
export interface x86_vcpu_arch_t {
  /** VMCS and register cache. */
  readonly guest_state: GuestState;
  /** Exit information. */
  readonly exit: guest_exit_t;
  /** The guest halted and waits for an interrupt (`interrupt_halt`). */
  interrupt_halt: boolean;
  /** The device access being emulated, or null. */
  fault: x86_fault_t | null;
}

/** The x86 state of a vCPU of an x86 VM. */
export function vcpu_arch(vcpu: vm_vcpu_t): x86_vcpu_arch_t {
  return vcpu.vcpu_arch as x86_vcpu_arch_t;
}
