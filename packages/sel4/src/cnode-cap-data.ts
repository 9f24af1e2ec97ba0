/**
 * `seL4_CNode_CapData_t`: the guard word applied to a CNode capability (TCB_Configure's
 * `cspace_root_data`, CNode_Mint's badge on a CNode cap): bits 5..0 guardSize, bits 63..6 guard.
 */
import { asWord, checkBigUint, checkUint } from "./check.js";

/** A CNode guard (`seL4_CNode_CapData_t`). */
export interface seL4_CNode_CapData_t {
  /** The guard value (58 bits). */
  readonly guard: bigint;
  /** The number of guard bits (0..63). */
  readonly guardSize: number;
}

/** The empty cap data word (`seL4_NilData`). */
export const seL4_NilData = 0n;

/** Builds a guard (C parameter order: guard, guardSize). */
export function seL4_CNode_CapData_new(guard: bigint, guardSize: number): seL4_CNode_CapData_t {
  return {
    guard: checkBigUint("seL4_CNode_CapData_new.guard", guard, 58),
    guardSize: checkUint("seL4_CNode_CapData_new.guardSize", guardSize, 6),
  };
}

/** The word to pass as cap data. */
export function wordFromCNodeCapData(data: seL4_CNode_CapData_t): bigint {
  return (data.guard << 6n) | BigInt(data.guardSize);
}

/**
 * Decodes a cap-data word. The kernel then uses only `guard & MASK(guardSize)` (see
 * {@link guardFromCNodeCapData}).
 */
export function cnodeCapDataFromWord(word: bigint): seL4_CNode_CapData_t {
  const w = asWord(word);
  return { guard: w >> 6n, guardSize: Number(w & 0x3fn) };
}

/** The guard the kernel installs from cap data: the low `guardSize` bits of `guard`. */
export function guardFromCNodeCapData(data: seL4_CNode_CapData_t): bigint {
  return data.guard & ((1n << BigInt(data.guardSize)) - 1n);
}
