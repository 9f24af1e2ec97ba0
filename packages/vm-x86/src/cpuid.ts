/**
 * CPUID as the guest sees it (`vm_cpuid_handler`). Unlike C, which filters the host's answers,
 * the values are those of QEMU's `pentium3` model (`-cpu pentium3`), so a guest prints the same
 * under this VMM as under QEMU on any host.
 */

/** Leaf 1 EDX of a Pentium III: FPU..PGE, CMOV, PAT, PSE36, MMX, FXSR, SSE. */
export const CPUID_PENTIUM3_EDX = 0x0383fbfd;
/** Leaf 1 EAX: family 6, model 7, stepping 3. */
export const CPUID_PENTIUM3_SIGNATURE = 0x673;

/** [EAX, EBX, ECX, EDX] for `leaf`/`subleaf` (leaves past the maximum read as zeros). */
export function vm_cpuid_values(leaf: number, _subleaf: number): [number, number, number, number] {
  switch (leaf >>> 0) {
    case 0:
      return [3, 0x756e6547, 0x6c65746e, 0x49656e69];
    case 1:
      return [CPUID_PENTIUM3_SIGNATURE, 0x0000_0800, 0, CPUID_PENTIUM3_EDX];
    case 2:
      return [0x03020101, 0, 0, 0x0c040843];
    case 0x8000_0000:
      return [0x8000_0004, 0, 0, 0];
    default:
      return [0, 0, 0, 0];
  }
}
