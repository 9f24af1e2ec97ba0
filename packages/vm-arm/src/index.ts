/**
 * `@sel4/vm-arm`: libsel4vm for AArch64 guests. The ARM architecture of `@sel4/vm`
 * ({@link vm_arm_arch}), the `guest_arm_context.h` register access, fault emulation with a full
 * data-abort decode, the vGICv2, PSCI over SMC and HVC, WFI, the virtual timer and Linux arm64
 * boot set-up.
 *
 * @packageDocumentation
 */
export * from "./arch.js";
export * from "./arch-state.js";
export * from "./decode.js";
export { SYS_IPA_TO_PA, SYS_NOP, SYS_PA_TO_IPA, vmm_handle_arm_vcpu_exception } from "./exits.js";
export * from "./fault.js";
export * from "./guest-memory-arch.js";
export * from "./guest-vspace.js";
export * from "./linux.js";
export * from "./psci.js";
export * from "./smc.js";
export * from "./stage1.js";
export * from "./syndrome.js";
export * from "./vcpu.js";
export * from "./vgic/distributor.js";
export * from "./vgic/vgic-v2.js";
export * from "./vtimer.js";
export * from "./wfi.js";
