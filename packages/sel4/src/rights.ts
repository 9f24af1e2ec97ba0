/**
 * `seL4_CapRights_t`: the access rights of a capability, one word with Write in bit 0, Read in
 * bit 1, Grant in bit 2 and GrantReply in bit 3.
 */
import { asWord, checkBool } from "./check.js";

/** The rights of a capability (`seL4_CapRights_t`). */
export interface seL4_CapRights_t {
  /** May a Call through this endpoint cap produce a reply cap without Grant. */
  readonly capAllowGrantReply: boolean;
  /** May capabilities be transferred through it. */
  readonly capAllowGrant: boolean;
  /** May it be received from / read. */
  readonly capAllowRead: boolean;
  /** May it be sent to / written. */
  readonly capAllowWrite: boolean;
}

/** Number of rights bits in the word. */
export const seL4_CapRightsBits = 4;

/** Builds a rights value; parameter order as in C (GrantReply, Grant, Read, Write). */
export function seL4_CapRights_new(
  capAllowGrantReply: boolean,
  capAllowGrant: boolean,
  capAllowRead: boolean,
  capAllowWrite: boolean,
): seL4_CapRights_t {
  return {
    capAllowGrantReply: checkBool("seL4_CapRights_new.capAllowGrantReply", capAllowGrantReply),
    capAllowGrant: checkBool("seL4_CapRights_new.capAllowGrant", capAllowGrant),
    capAllowRead: checkBool("seL4_CapRights_new.capAllowRead", capAllowRead),
    capAllowWrite: checkBool("seL4_CapRights_new.capAllowWrite", capAllowWrite),
  };
}

/** The rights word as the kernel reads it from a message register. */
export function wordFromRights(rights: seL4_CapRights_t): bigint {
  return (
    (rights.capAllowWrite ? 1n : 0n) |
    (rights.capAllowRead ? 2n : 0n) |
    (rights.capAllowGrant ? 4n : 0n) |
    (rights.capAllowGrantReply ? 8n : 0n)
  );
}

/** Decodes a rights word as the kernel does (`rightsFromWord`): bits above 3 are ignored. */
export function rightsFromWord(word: bigint): seL4_CapRights_t {
  const w = asWord(word);
  return {
    capAllowGrantReply: (w & 8n) !== 0n,
    capAllowGrant: (w & 4n) !== 0n,
    capAllowRead: (w & 2n) !== 0n,
    capAllowWrite: (w & 1n) !== 0n,
  };
}

/** All four rights. */
export const seL4_AllRights: seL4_CapRights_t = seL4_CapRights_new(true, true, true, true);
/** Read and Write. */
export const seL4_ReadWrite: seL4_CapRights_t = seL4_CapRights_new(false, false, true, true);
/** Read only. */
export const seL4_CanRead: seL4_CapRights_t = seL4_CapRights_new(false, false, true, false);
/** Write only. */
export const seL4_CanWrite: seL4_CapRights_t = seL4_CapRights_new(false, false, false, true);
/** Grant only. */
export const seL4_CanGrant: seL4_CapRights_t = seL4_CapRights_new(false, true, false, false);
/** GrantReply only. */
export const seL4_CanGrantReply: seL4_CapRights_t = seL4_CapRights_new(true, false, false, false);
/** Everything but Write. */
export const seL4_NoWrite: seL4_CapRights_t = seL4_CapRights_new(true, true, true, false);
/** Everything but Read. */
export const seL4_NoRead: seL4_CapRights_t = seL4_CapRights_new(true, true, false, true);
/** No rights. */
export const seL4_NoRights: seL4_CapRights_t = seL4_CapRights_new(false, false, false, false);
