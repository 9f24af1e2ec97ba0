/** `sel4vm/arch/guest_memory_arch.h` (ARM) and the processor modes of `sel4_arch/processor.h`. */
import { type Sel4_AArch64, seL4_NoError } from "@sel4/sel4";
import type { vm_t } from "@sel4/vm";
import { ArmGuestVspace } from "./guest-vspace.js";

/** AArch64 PSTATE.M values (`processor_mode_t`). */
export const PMODE_EL3h = 0b1101;
/** EL3 with SP_EL0. */
export const PMODE_EL3t = 0b1100;
/** EL2 with SP_EL2. */
export const PMODE_EL2h = 0b1001;
/** EL2 with SP_EL0. */
export const PMODE_EL2t = 0b1000;
/** EL1 with SP_EL1. */
export const PMODE_EL1h = 0b0101;
/** EL1 with SP_EL0. */
export const PMODE_EL1t = 0b0100;
/** EL0. */
export const PMODE_EL0t = 0b0000;

/**
 * The physical address behind guest-physical [ipa_base, ipa_base + size) if it is physically
 * contiguous (`vm_arm_ipa_to_pa`), else 0. Works from the frames the library mapped (C read
 * page sizes from cookies it never stored: bug M12).
 */
export function vm_arm_ipa_to_pa(vm: vm_t, ipa_base: number, size: number): number {
  const space = vm.mem.vm_vspace;
  if (!(space instanceof ArmGuestVspace) || !Number.isSafeInteger(ipa_base) || !(size > 0))
    return 0;
  const sel4 = vm.sel4 as Sel4_AArch64;
  let expected: number | null = null;
  let cur = ipa_base;
  while (cur < ipa_base + size) {
    const f = space.frame_at(cur);
    if (f === null) return 0;
    const a = sel4.seL4_ARM_Page_GetAddress(f.cap);
    if (a.error !== seL4_NoError) return 0;
    const pa = a.paddr + (cur - f.base);
    if (expected !== null && pa !== expected) return 0;
    const next = f.base + 2 ** f.size_bits;
    expected = pa + (next - cur);
    cur = next;
  }
  const first = space.frame_at(ipa_base)!;
  return sel4.seL4_ARM_Page_GetAddress(first.cap).paddr + (ipa_base - first.base);
}
