/**
 * The SMC Calling Convention as libsel4vmmplatsupport's `smc.h` decodes it: function-id fields,
 * argument and return registers.
 */

/** Bit 31 of a function id: a fast call. */
export const SMC_FAST_CALL = 1 << 31;
/** Bit 30 of a function id: the SMC64/HVC64 convention (C tested bit 31 here: harmless bug). */
export const SMC_CALLING_CONVENTION_64 = 1 << 30;

/** Service owners (bits 29:24 of a function id). */
export const SMC_SERVICE_ARM_ARCH = 0;
/** CPU service calls. */
export const SMC_SERVICE_CPU = 1;
/** Silicon-provider service calls. */
export const SMC_SERVICE_SIP = 2;
/** OEM service calls. */
export const SMC_SERVICE_OEM = 3;
/** Standard secure service calls (PSCI). */
export const SMC_SERVICE_STANDARD = 4;
/** Standard hypervisor service calls. */
export const SMC_SERVICE_STANDARD_HYP = 5;
/** Vendor hypervisor service calls. */
export const SMC_SERVICE_VENDOR_HYP = 6;

/** Whether the call uses the 32-bit convention (`smc_call_is_32`). */
export function smc_call_is_32(function_id: number): boolean {
  return ((function_id >>> 0) & SMC_CALLING_CONVENTION_64) === 0;
}

/** Whether the call is a fast call (`smc_call_is_atomic`). */
export function smc_call_is_atomic(function_id: number): boolean {
  return ((function_id >>> 0) & SMC_FAST_CALL) !== 0;
}

/** Service owner of the call (`smc_get_call`). */
export function smc_get_call(function_id: number): number {
  return (function_id >>> 24) & 0x3f;
}

/** Function number within the service (`smc_get_function_number`). */
export function smc_get_function_number(function_id: number): number {
  return function_id & 0xffff;
}

/** The SMCCC "unknown function" answer (-1 as a 64-bit word). */
export const SMCCC_NOT_SUPPORTED = (1n << 64n) - 1n;
