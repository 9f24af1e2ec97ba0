/**
 * `seL4_Error`: the error codes a kernel invocation returns (the reply label), and the typed error
 * this package throws when a caller hands it a value its C type could not hold.
 */

/** An `seL4_Error` code. It is the reply label, so a misbehaving kernel could return any number. */
export type seL4_Error = number;

/** Success. */
export const seL4_NoError = 0;
/** An argument was invalid; MR0 holds its index. */
export const seL4_InvalidArgument = 1;
/** A capability was invalid; MR0 holds its index (0 is the invoked cap). */
export const seL4_InvalidCapability = 2;
/** The operation is not allowed on this object. */
export const seL4_IllegalOperation = 3;
/** An argument was out of range; MR0 and MR1 hold the allowed minimum and maximum. */
export const seL4_RangeError = 4;
/** An address was not aligned as required. */
export const seL4_AlignmentError = 5;
/** A capability lookup failed; MR0 is 1 for a source slot, MR1.. the lookup failure. */
export const seL4_FailedLookup = 6;
/** The message was too short for the invocation. */
export const seL4_TruncatedMessage = 7;
/** The destination slot is occupied. */
export const seL4_DeleteFirst = 8;
/** The object has derived capabilities that must be revoked first. */
export const seL4_RevokeFirst = 9;
/** The untyped has too little room; MR0 holds the bytes available. */
export const seL4_NotEnoughMemory = 10;
/** The number of error codes (the first value that is not one). */
export const seL4_NumErrors = 11;

/** The C names of the error codes, indexed by code. */
export const seL4_ErrorNames: readonly string[] = [
  "seL4_NoError",
  "seL4_InvalidArgument",
  "seL4_InvalidCapability",
  "seL4_IllegalOperation",
  "seL4_RangeError",
  "seL4_AlignmentError",
  "seL4_FailedLookup",
  "seL4_TruncatedMessage",
  "seL4_DeleteFirst",
  "seL4_RevokeFirst",
  "seL4_NotEnoughMemory",
];

/**
 * Thrown when a value handed to this package does not fit the C type it stands for (a negative
 * CPtr, a 9-bit `seL4_Uint8`, a 53-bit label, a non-integer). C would truncate it silently; we
 * refuse, because a truncated argument is a bug in the caller, never a request.
 */
export class Sel4ArgumentError extends RangeError {
  /** Where the value was given: `"seL4_CNode_Copy.dest_depth"`, `"seL4_MessageInfo_new.label"`. */
  readonly parameter: string;
  /** The offending value. */
  readonly value: unknown;

  /**
   * @param parameter - where the value was given
   * @param value - the offending value
   * @param expected - what the C type allows, in words
   */
  constructor(parameter: string, value: unknown, expected: string) {
    super(`${parameter}: ${describe(value)} is not ${expected}`);
    this.name = "Sel4ArgumentError";
    this.parameter = parameter;
    this.value = value;
  }
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
