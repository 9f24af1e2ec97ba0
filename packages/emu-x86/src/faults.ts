/**
 * The two ways an instruction stops early: an architectural exception raised in the guest, or a
 * VM exit to the host. Both are thrown from deep inside memory access and decoding and caught by
 * the run loop, which keeps every instruction precise (EIP still points at it).
 */

/** Exception vectors (Intel SDM Vol. 3 table 6-1). */
export const Vector = {
  DE: 0,
  DB: 1,
  NMI: 2,
  BP: 3,
  OF: 4,
  BR: 5,
  UD: 6,
  NM: 7,
  DF: 8,
  TS: 10,
  NP: 11,
  SS: 12,
  GP: 13,
  PF: 14,
  MF: 16,
  AC: 17,
} as const;

/** A guest exception to deliver through the IDT (errorCode -1 when the vector has none). */
export class GuestFault {
  constructor(
    readonly vector: number,
    readonly errorCode: number,
  ) {}
}

/** A VM exit; the CPU has already recorded reason, qualification and the rest. */
export class VmExitSignal {}

/** Throws #UD. */
export function undefinedOpcode(): never {
  throw new GuestFault(Vector.UD, -1);
}

/** Throws #GP with an error code. */
export function generalProtection(errorCode: number): never {
  throw new GuestFault(Vector.GP, errorCode & 0xffff);
}
