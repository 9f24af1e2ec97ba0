/**
 * What CPUID reports: exactly the features this emulator implements. Under VT-x CPUID always
 * exits, so the VMM answers; it (or a user-mode harness) can use these values.
 */

/** Leaf 1 EDX bits reported: FPU, PSE, TSC, MSR, CX8, PGE, CMOV. */
export const CPUID_1_EDX =
  (1 << 0) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 13) | (1 << 15);

/** Family 6, model 3, stepping 3: a P6-class part. */
export const CPUID_1_EAX = 0x633;

/** Returns [EAX, EBX, ECX, EDX] for leaf `leaf`. Leaves above the maximum return zeros. */
export function cpuidLeaf(leaf: number): [number, number, number, number] {
  switch (leaf >>> 0) {
    case 0:
      // Maximum leaf 1, "GenuineIntel".
      return [1, 0x756e6547, 0x6c65746e, 0x49656e69];
    case 1:
      return [CPUID_1_EAX, 0, 0, CPUID_1_EDX];
    default:
      return [0, 0, 0, 0];
  }
}
