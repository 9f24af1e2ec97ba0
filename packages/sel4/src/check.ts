// Range checks shared by the encoders and the stubs (internal, not exported from the package).
import { Sel4ArgumentError } from "./errors.js";

const WORD_LIMIT = 1n << 64n;

/** Checks that `value` is a bigint in [0, 2^bits) and returns it. */
export function checkBigUint(parameter: string, value: unknown, bits: number): bigint {
  if (typeof value !== "bigint" || value < 0n || value >= 1n << BigInt(bits)) {
    throw new Sel4ArgumentError(parameter, value, `a bigint in [0, 2^${bits})`);
  }
  return value;
}

/** Checks that `value` is a 64-bit word (bigint in [0, 2^64)) and returns it. */
export function checkWord(parameter: string, value: unknown): bigint {
  if (typeof value !== "bigint" || value < 0n || value >= WORD_LIMIT) {
    throw new Sel4ArgumentError(parameter, value, "a 64-bit word (a bigint in [0, 2^64))");
  }
  return value;
}

/** Checks that `value` is an integer number in [0, 2^bits) (bits up to 53) and returns it. */
export function checkUint(parameter: string, value: unknown, bits: number): number {
  const limit = 2 ** Math.min(bits, 53);
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= limit) {
    throw new Sel4ArgumentError(parameter, value, `an integer in [0, 2^${Math.min(bits, 53)})`);
  }
  return value;
}

/** Checks that `value` is a boolean and returns it. */
export function checkBool(parameter: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new Sel4ArgumentError(parameter, value, "a boolean");
  return value;
}

/** A word from the kernel, taken modulo 2^64 (a register can never hold more). */
export function asWord(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}
