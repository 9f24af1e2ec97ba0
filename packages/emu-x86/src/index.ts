/**
 * \@sel4/emu-x86: an i686 CPU emulator (real mode, 32-bit protected mode, 2-level paging) with a
 * VT-x-style interface — VMCS fields for guest state, `run` until a VM exit, EPT through a host
 * callback. Independent of seL4.
 *
 * @packageDocumentation
 */
export { CPUID_1_EAX, CPUID_1_EDX, cpuidLeaf } from "./cpuid.js";
export { Vector } from "./faults.js";
export {
  createFlatMemory,
  EPT_EXECUTE,
  EPT_MMIO,
  EPT_READ,
  EPT_RWX,
  EPT_WRITE,
  eptEntry,
  type GuestPhysicalMemory,
} from "./memory.js";
export { type VmExit, X86Register, X86Vcpu } from "./vcpu.js";
export {
  ACCESS_RIGHTS_UNUSABLE,
  ActivityState,
  ExitReason,
  INTERRUPTION_INFO_DELIVER_ERROR_CODE,
  INTERRUPTION_INFO_VALID,
  Interruptibility,
  InterruptionType,
  PrimaryControl,
  VmcsField,
} from "./vmcs.js";
