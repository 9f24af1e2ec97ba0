/**
 * Lookup failures (`seL4_LookupFailureType`) as they appear in FailedLookup error replies (from
 * MR1) and cap-fault messages (from MR3): the type word, then its detail words.
 */

/** No failure. */
export const seL4_NoFailure = 0;
/** The root was not a CNode cap. Detail words: none. */
export const seL4_InvalidRoot = 1;
/** The slot held no cap of the needed kind. Detail: bitsLeft. */
export const seL4_MissingCapability = 2;
/** The depth did not match. Detail: bitsLeft, bitsFound. */
export const seL4_DepthMismatch = 3;
/** The guard did not match. Detail: bitsLeft, guardFound, bitsFound. */
export const seL4_GuardMismatch = 4;

/** A decoded lookup failure. */
export type seL4_LookupFailure =
  | { readonly type: typeof seL4_NoFailure }
  | { readonly type: typeof seL4_InvalidRoot }
  | { readonly type: typeof seL4_MissingCapability; readonly bitsLeft: number }
  | {
      readonly type: typeof seL4_DepthMismatch;
      readonly bitsLeft: number;
      readonly bitsFound: number;
    }
  | {
      readonly type: typeof seL4_GuardMismatch;
      readonly bitsLeft: number;
      readonly guardFound: bigint;
      readonly bitsFound: number;
    };

/** How many words a lookup failure takes in a message (type word included). */
export function lookupFailureLength(failure: seL4_LookupFailure): number {
  switch (failure.type) {
    case seL4_NoFailure:
    case seL4_InvalidRoot:
      return 1;
    case seL4_MissingCapability:
      return 2;
    case seL4_DepthMismatch:
      return 3;
    case seL4_GuardMismatch:
      return 4;
  }
}

/** The message words of a lookup failure, type word first. */
export function lookupFailureToWords(failure: seL4_LookupFailure): bigint[] {
  switch (failure.type) {
    case seL4_NoFailure:
    case seL4_InvalidRoot:
      return [BigInt(failure.type)];
    case seL4_MissingCapability:
      return [BigInt(failure.type), BigInt(failure.bitsLeft)];
    case seL4_DepthMismatch:
      return [BigInt(failure.type), BigInt(failure.bitsLeft), BigInt(failure.bitsFound)];
    case seL4_GuardMismatch:
      return [
        BigInt(failure.type),
        BigInt(failure.bitsLeft),
        failure.guardFound,
        BigInt(failure.bitsFound),
      ];
  }
}

/**
 * Decodes a lookup failure from message words (`words[0]` is the type word). Missing detail words
 * read as 0. Returns `null` for an unknown type word or a bit count above 64, which no kernel
 * reports (so the words are not a lookup failure).
 */
export function lookupFailureFromWords(words: readonly bigint[]): seL4_LookupFailure | null {
  const at = (i: number): bigint => words[i] ?? 0n;
  const countIndices = at(0) === 2n ? [1] : at(0) === 3n ? [1, 2] : at(0) === 4n ? [1, 3] : [];
  if (countIndices.some((i) => at(i) > 64n)) return null;
  const bitsLeft = Number(at(1));
  switch (at(0)) {
    case 0n:
      return { type: seL4_NoFailure };
    case 1n:
      return { type: seL4_InvalidRoot };
    case 2n:
      return { type: seL4_MissingCapability, bitsLeft };
    case 3n:
      return { type: seL4_DepthMismatch, bitsLeft, bitsFound: Number(at(2)) };
    case 4n:
      return { type: seL4_GuardMismatch, bitsLeft, guardFound: at(2), bitsFound: Number(at(3)) };
    default:
      return null;
  }
}
