/**
 * Invocation errors: decoders throw {@link InvocationError}; the syscall layer catches exactly
 * this class and turns it into seL4's error reply (§1.7). Anything else escaping is a model bug.
 */
import { seL4_Error } from "./abi.js";
import type { LookupFailure } from "./objects/types.js";

/** A syscall error with its detail words (MR0..). */
export class InvocationError {
  /** `seL4_Error` code. */
  readonly code: number;
  /** Detail words. */
  readonly words: readonly bigint[];
  /** Creates the error. */
  constructor(code: number, words: readonly bigint[] = []) {
    this.code = code;
    this.words = words;
  }
}

/** Encodes a lookup failure as the words after the source/type word (§3.4). */
export function lookupFailureWords(f: LookupFailure): bigint[] {
  switch (f.type) {
    case "InvalidRoot":
      return [1n];
    case "MissingCapability":
      return [2n, BigInt(f.bitsLeft)];
    case "DepthMismatch":
      return [3n, BigInt(f.bitsLeft), BigInt(f.bitsFound)];
    case "GuardMismatch":
      return [4n, BigInt(f.bitsLeft), f.guardFound, BigInt(f.bitsFound)];
  }
}

/** Constructors for the error of each `seL4_Error`. */
export const fail = {
  invalidArgument: (index: number) =>
    new InvocationError(seL4_Error.InvalidArgument, [BigInt(index)]),
  invalidCapability: (index: number) =>
    new InvocationError(seL4_Error.InvalidCapability, [BigInt(index)]),
  illegalOperation: () => new InvocationError(seL4_Error.IllegalOperation),
  rangeError: (min: bigint | number, max: bigint | number) =>
    new InvocationError(seL4_Error.RangeError, [BigInt(min), BigInt(max)]),
  alignmentError: () => new InvocationError(seL4_Error.AlignmentError),
  failedLookup: (source: boolean, lookup: LookupFailure) =>
    new InvocationError(seL4_Error.FailedLookup, [source ? 1n : 0n, ...lookupFailureWords(lookup)]),
  truncatedMessage: () => new InvocationError(seL4_Error.TruncatedMessage),
  deleteFirst: () => new InvocationError(seL4_Error.DeleteFirst),
  revokeFirst: () => new InvocationError(seL4_Error.RevokeFirst),
  notEnoughMemory: (bytes: number) =>
    new InvocationError(seL4_Error.NotEnoughMemory, [BigInt(bytes)]),
};

/** Error thrown when a thread's port is used while that thread is not the one running. */
export class ThreadNotRunningError extends Error {
  /** Creates the error. */
  constructor(what: string) {
    super(`${what}: this thread is not running (its program must only await its own syscalls)`);
    this.name = "ThreadNotRunningError";
  }
}
