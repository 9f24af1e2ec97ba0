/**
 * `@sel4/vm`: libsel4vm in TypeScript, the architecture-independent core. The public API of
 * `guest_vm.h`, `boot.h`, `guest_memory.h`, `guest_memory_helpers.h`, `guest_ram.h`,
 * `guest_vcpu_fault.h`, `guest_irq_controller.h`, `guest_iospace.h`, `guest_vm_util.h` and
 * `guest_vm_exits.h` under C names, and the {@link VmArch} contract an architecture package
 * (`@sel4/vm-arm`, `@sel4/vm-x86`) implements.
 *
 * @packageDocumentation
 */
export * from "./boot.js";
export * from "./guest-iospace.js";
export * from "./guest-irq-controller.js";
export * from "./guest-memory.js";
export * from "./guest-memory-helpers.js";
export * from "./guest-ram.js";
export * from "./guest-vcpu-fault.js";
export * from "./guest-vm.js";
export * from "./guest-vm-exits.js";
export * from "./guest-vm-util.js";
export { ResTree, type ResTreeNode } from "./reservation-tree.js";
export * from "./types.js";
