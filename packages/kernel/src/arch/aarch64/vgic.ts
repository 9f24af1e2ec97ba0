/**
 * The GICv2 list-register words the kernel keeps per VCPU (seL4's `vgic.lr[]`, the GICH_LR
 * layout): what InjectIRQ writes and what the maintenance path reads back.
 */

/** Number of GIC list registers (QEMU GICv2). */
export const GIC_NUM_LIST_REGS = 4;

/** GICH_LR.EOI: a maintenance interrupt when the guest deactivates the interrupt. */
const LR_EOI = 1 << 19;
/** GICH_LR.State (bits 29:28): 1 pending, 2 active, 3 pending and active. */
const LR_STATE_SHIFT = 28;
const LR_STATE_PENDING = 1;
const LR_STATE_ACTIVE = 2;

/**
 * `virq_virq_pending_new(group, priority, eoi = 1, virq)`: a pending virtual interrupt with EOI
 * maintenance, as InjectIRQ installs it (priority is the 5-bit GICH_LR field).
 */
export function pendingListRegister(virq: number, priority: number, group: number): number {
  return (
    (((group & 1) << 30) |
      (LR_STATE_PENDING << LR_STATE_SHIFT) |
      ((priority & 0x1f) << 23) |
      LR_EOI |
      (virq & 0x3ff)) >>>
    0
  );
}

/** True when the list register holds an active (acknowledged, not yet EOI'd) interrupt. */
export function listRegisterIsActive(lr: number): boolean {
  return ((lr >>> LR_STATE_SHIFT) & 3) === LR_STATE_ACTIVE;
}

/**
 * The maintenance path (`VGICMaintenance`): the lowest list register whose EOI-maintenance
 * interrupt has retired (GICH_EISR), with its EOI flag cleared so it reads as free; -1 if none.
 */
export function takeEOIMaintenance(lrs: number[]): number {
  for (let i = 0; i < lrs.length; i++) {
    const lr = lrs[i]!;
    const hw = lr >>> 31;
    if (((lr >>> LR_STATE_SHIFT) & 3) === 0 && hw === 0 && (lr & LR_EOI) !== 0) {
      lrs[i] = (lr & ~LR_EOI) >>> 0;
      return i;
    }
  }
  return -1;
}
