/** The decoded form of an object invocation, as decoders see it. */
import type { Slot } from "./cdt.js";
import type { Cap, TCB } from "./objects/types.js";
import type { KernelState } from "./state.js";
import { getMR } from "./threads/tcb.js";

/** One invocation: the invoked cap, label, message words and extra caps. */
export interface Invocation {
  readonly k: KernelState;
  readonly caller: TCB;
  /** Label as a number; labels beyond every table become -1 (never a valid label). */
  readonly label: number;
  /** Message length after clamping (4 without an IPC buffer). */
  readonly length: number;
  readonly buffer: number | null;
  readonly slot: Slot;
  readonly cap: Cap;
  readonly extraCaps: readonly Slot[];
  readonly isCall: boolean;
  readonly isBlocking: boolean;
}

/** `getSyscallArg(i)`. */
export function arg(inv: Invocation, i: number): bigint {
  return getMR(inv.k, inv.caller, inv.buffer, i);
}

/** A word argument as a JS number, saturating above 2^53 (callers range-check it). */
export function argNumber(inv: Invocation, i: number): number {
  const w = arg(inv, i);
  return w > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(w);
}

/** Words a successful invocation replies with (Call only). */
export type InvocationReply = readonly bigint[] | undefined;
