/**
 * The register state a Linux arm64 kernel (or a bare-metal program built for QEMU virt's
 * `-kernel`) expects on its primary CPU, from booting.rst: x0 = device tree address,
 * x1 = x2 = x3 = 0, EL1h with all of DAIF masked, MMU off (the VM's reset state).
 */

/** SPSR mode field: EL1 using SP_EL1. */
export const PSR_MODE_EL1h = 0x5;
/** SPSR D, A, I and F mask bits (debug, SError, IRQ, FIQ masked). */
export const PSR_DAIF_MASK = 0x3c0;

/** Register values for the primary vCPU at entry. */
export interface Arm64BootRegisters {
  /** Program counter: the kernel entry point. */
  readonly pc: bigint;
  /** Device tree blob physical address. */
  readonly x0: bigint;
  /** Zero (reserved for future use). */
  readonly x1: bigint;
  /** Zero (reserved for future use). */
  readonly x2: bigint;
  /** Zero (reserved for future use). */
  readonly x3: bigint;
  /** Saved program status: EL1h, DAIF masked. */
  readonly spsr: bigint;
}

/**
 * The primary vCPU's entry registers. (libsel4vm's `vcpu_set_bootargs` leaves DAIF unmasked;
 * booting.rst asks for it masked, so we mask it.)
 * @param entry - kernel entry point
 * @param dtb - device tree blob guest-physical address
 * @returns the registers
 */
export function arm64BootRegisters(entry: bigint | number, dtb: number): Arm64BootRegisters {
  return {
    pc: BigInt(entry),
    x0: BigInt(dtb),
    x1: 0n,
    x2: 0n,
    x3: 0n,
    spsr: BigInt(PSR_DAIF_MASK | PSR_MODE_EL1h),
  };
}
