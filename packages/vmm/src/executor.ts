/**
 * Guest execution: the kernel model's AArch64 vCPU executor. The `--max-insns` guard is the
 * kernel's own instruction limit (`maxInstructions` of `Kernel.start`), checked before every
 * slice, so a guest spinning without a single VM exit stops too.
 */
import type { Kernel } from "@sel4/kernel";

/** Guest instructions per second of virtual time (the executor's clock rate). */
export const VIRTUAL_INSTRUCTIONS_PER_SECOND = 1e9;

/** What the run reads from the executor. */
export interface GuestClock {
  /** Guest instructions executed so far (the virtual clock). */
  instructions(): number;
  /** True once the `--max-insns` guard stopped execution. */
  guard_reached(): boolean;
}

/**
 * Installs guest execution in `kernel` (an `aarch64` one); pass `max_insns` to `Kernel.start`
 * as `maxInstructions` to enforce the guard.
 * @param max_insns - the guard, or null
 */
export function installGuestExecution(kernel: Kernel, max_insns: number | null): GuestClock {
  // WFI untrapped (seL4's KernelArmDisableWFIWFETraps): an idle guest sleeps in the emulator,
  // which skips virtual time to its next timer event. Trapped, vm-arm parks the vCPU on the fault
  // and the kernel model delivers no timer event to it, so a guest waiting for its timer stalls.
  const inner = kernel.useARMVCPUs({
    instructionsPerSecond: VIRTUAL_INSTRUCTIONS_PER_SECOND,
    trapWFI: false,
  });
  const instructions = (): number => inner.stats.instructions;
  return {
    instructions,
    guard_reached: () =>
      kernel.haltReason === "instruction-limit" ||
      (max_insns !== null && instructions() >= max_insns),
  };
}
