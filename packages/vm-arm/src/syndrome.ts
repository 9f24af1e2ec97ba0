/**
 * ESR/HSR fields (`sel4vm/arch/processor.h`, `sel4_arch/processor.h` for AArch64) and the decode of
 * a data-abort ISS: access width, sign extension, destination width, register, direction.
 */

/** Largest exception class (`HSR_MAX_EXCEPTION`). */
export const HSR_MAX_EXCEPTION = 0x3f;
/** Shift of the exception class (`HSR_EXCEPTION_CLASS_SHIFT`). */
export const HSR_EXCEPTION_CLASS_SHIFT = 26;
/** Mask of the exception class (`HSR_EXCEPTION_CLASS_MASK`). */
export const HSR_EXCEPTION_CLASS_MASK = 0x3f << 26;
/** Shift of the instruction-length bit (`HSR_IL_SHIFT`). */
export const HSR_IL_SHIFT = 25;
/** The instruction-length bit: 1 = 32-bit instruction (`HSR_IL_MASK`). */
export const HSR_IL_MASK = 1 << 25;
/** Mask of the instruction-specific syndrome (`HSR_ISS_MASK`). */
export const HSR_ISS_MASK = (1 << 25) - 1;

/** Exception class of an HSR (`HSR_EXCEPTION_CLASS`). */
export function HSR_EXCEPTION_CLASS(hsr: number): number {
  return (hsr >>> HSR_EXCEPTION_CLASS_SHIFT) & 0x3f;
}

/** Instruction-length bit of an HSR (`HSR_IL`). */
export function HSR_IL(hsr: number): number {
  return (hsr >>> HSR_IL_SHIFT) & 1;
}

/** EC: unknown reason. */
export const HSR_UNKNOWN_EXCEPTION = 0x00;
/** EC: WFI or WFE. */
export const HSR_WFx_EXCEPTION = 0x01;
/** EC: MCR/MRC to CP15 (AArch32). */
export const HSR_CP15_32_EXCEPTION = 0x03;
/** EC: MCRR/MRRC to CP15 (AArch32). */
export const HSR_CP15_64_EXCEPTION = 0x04;
/** EC: MCR/MRC to CP14. */
export const HSR_CP14_32_EXCEPTION = 0x05;
/** EC: LDC/STC to CP14. */
export const HSR_CP14_LC_32_EXCEPTION = 0x06;
/** EC: SIMD/FP access trapped. */
export const HSR_SIMD_EXCEPTION = 0x07;
/** EC: CP10 (VMRS) access. */
export const HSR_CP10_EXCEPTION = 0x08;
/** EC: MRRC to CP14. */
export const HSR_CP14_EXCEPTION = 0x0c;
/** EC: illegal execution state. */
export const HSR_ILLEGAL_EXCEPTION = 0x0e;
/** EC: SVC from AArch32. */
export const HSR_SVC_32_EXCEPTION = 0x11;
/** EC: HVC from AArch32. */
export const HSR_HVC_32_EXCEPTION = 0x12;
/** EC: SMC from AArch32. */
export const HSR_SMC_32_EXCEPTION = 0x13;
/** EC: SVC from AArch64. */
export const HSR_SVC_64_EXCEPTION = 0x15;
/** EC: HVC from AArch64. */
export const HSR_HVC_64_EXCEPTION = 0x16;
/** EC: SMC from AArch64. */
export const HSR_SMC_64_EXCEPTION = 0x17;
/** EC: MSR/MRS/system instruction trapped (AArch64). */
export const HSR_SYSREG_64_EXCEPTION = 0x18;
/** EC: implementation defined. */
export const HSR_IMPL_DEF_EXCEPTION = 0x1f;
/** EC: instruction abort from a lower EL. */
export const HSR_IABT_LOW_EXCEPTION = 0x20;
/** EC: instruction abort from the same EL. */
export const HSR_IABT_CURR_EXCEPTION = 0x21;
/** EC: PC alignment fault. */
export const HSR_PC_ALIGN_EXCEPTION = 0x22;
/** EC: data abort from a lower EL. */
export const HSR_DABT_LOW_EXCEPTION = 0x24;
/** EC: data abort from the same EL. */
export const HSR_DABT_CUR_EXCEPTION = 0x25;
/** EC: SP alignment fault. */
export const HSR_SP_ALIGN_EXCEPTION = 0x26;
/** EC: floating-point exception (AArch32). */
export const HSR_FP32_EXCEPTION = 0x28;
/** EC: floating-point exception (AArch64). */
export const HSR_FP64_EXCEPTION = 0x2c;
/** EC: SError. */
export const HSR_SERROR_EXCEPTION = 0x2f;
/** EC: breakpoint from a lower EL. */
export const HSR_BRK_LOW_EXCEPTION = 0x30;
/** EC: breakpoint from the same EL. */
export const HSR_BRK_CUR_EXCEPTION = 0x31;
/** EC: software step from a lower EL. */
export const HSR_SWSTEP_LOW_EXCEPTION = 0x32;
/** EC: software step from the same EL. */
export const HSR_SWSTEP_CUR_EXCEPTION = 0x33;
/** EC: watchpoint from a lower EL. */
export const HSR_WATCHPT_LOW_EXCEPTION = 0x34;
/** EC: watchpoint from the same EL. */
export const HSR_WATCHPT_CUR_EXCEPTION = 0x35;
/** EC: BKPT (AArch32). */
export const HSR_SWBRK_32_EXCEPTION = 0x38;
/** EC: vector catch (AArch32). */
export const HSR_VECTOR_32_EXCEPTION = 0x3a;
/** EC: BRK (AArch64). */
export const HSR_SWBRK_64_EXCEPTION = 0x3c;

/** What the syndrome of a data abort says about the access, when ISV is set. */
export interface DataAbortSyndrome {
  /** ISS.ISV: the fields below are valid. */
  readonly isv: boolean;
  /** Access width in bytes (ISS.SAS). */
  readonly size: 1 | 2 | 4 | 8;
  /** ISS.SSE: the load sign-extends. */
  readonly signExtend: boolean;
  /** Transfer register (ISS.SRT); 31 is XZR. */
  readonly rt: number;
  /** ISS.SF: the destination is a 64-bit X register (else a 32-bit W register). */
  readonly sixtyFour: boolean;
  /** ISS.AR: acquire/release semantics. */
  readonly acquireRelease: boolean;
  /** ISS.WnR: a store. */
  readonly write: boolean;
  /** HSR.IL: a 32-bit instruction. */
  readonly il32: boolean;
}

/** Decodes the data-abort fields of an ESR (meaningful only when `isv` is set, except WnR/IL). */
export function decode_data_abort_syndrome(hsr: number): DataAbortSyndrome {
  return {
    isv: ((hsr >>> 24) & 1) === 1,
    size: (1 << ((hsr >>> 22) & 3)) as 1 | 2 | 4 | 8,
    signExtend: ((hsr >>> 21) & 1) === 1,
    rt: (hsr >>> 16) & 0x1f,
    sixtyFour: ((hsr >>> 15) & 1) === 1,
    acquireRelease: ((hsr >>> 14) & 1) === 1,
    write: ((hsr >>> 6) & 1) === 1,
    il32: ((hsr >>> 25) & 1) === 1,
  };
}

const MASK64 = (1n << 64n) - 1n;

/**
 * The register value a load of `size` bytes leaves: the byte lane of `data` selected by the
 * address (C's aligned-word convention), then sign-extended if `signExtend`, to 64 or 32 bits,
 * the upper half of a W destination zeroed (C bug A1 kept the old upper bits).
 */
export function load_result(
  data: bigint,
  addr: number,
  size: number,
  signExtend: boolean,
  sixtyFour: boolean,
): bigint {
  const bits = BigInt(size * 8);
  const shift = size === 8 ? 0n : BigInt((addr & 3) * 8);
  let v = (data >> shift) & ((1n << bits) - 1n);
  if (signExtend && (v >> (bits - 1n)) & 1n) v -= 1n << bits;
  return sixtyFour ? v & MASK64 : v & 0xffff_ffffn;
}

/** The width mask of an access of `size` bytes. */
export function width_mask(size: number): bigint {
  return size >= 8 ? MASK64 : (1n << BigInt(size * 8)) - 1n;
}
