/**
 * `seL4_MessageInfo_t`: the message tag of every IPC and invocation. One word: label in bits
 * 63..12, capsUnwrapped in 11..9, extraCaps in 8..7, length in 6..0.
 */
import { asWord, checkUint } from "./check.js";

/** A message tag (`seL4_MessageInfo_t`). */
export interface seL4_MessageInfo_t {
  /** The label (52 bits): an invocation label, a fault type, or an error code in a reply. */
  readonly label: number;
  /** Bit i set: extra cap i was unwrapped into its badge (3 bits). */
  readonly capsUnwrapped: number;
  /** Number of extra caps (0..3). */
  readonly extraCaps: number;
  /** Number of message registers (0..127 in the word; the kernel uses at most 120). */
  readonly length: number;
}

/** Most message registers in one message. */
export const seL4_MsgMaxLength = 120;
/** Bits of the length field. */
export const seL4_MsgLengthBits = 7;
/** Bits of the extraCaps field. */
export const seL4_MsgExtraCapBits = 2;
/** Most extra caps in one message. */
export const seL4_MsgMaxExtraCaps = 3;
/** Message registers passed in machine registers. */
export const seL4_FastMessageRegisters = 4;
/** Bits of the label field. */
export const seL4_MsgLabelBits = 52;

/** Builds a message tag; throws {@link Sel4ArgumentError} if a field does not fit its bits. */
export function seL4_MessageInfo_new(
  label: number,
  capsUnwrapped: number,
  extraCaps: number,
  length: number,
): seL4_MessageInfo_t {
  return {
    label: checkUint("seL4_MessageInfo_new.label", label, 52),
    capsUnwrapped: checkUint("seL4_MessageInfo_new.capsUnwrapped", capsUnwrapped, 3),
    extraCaps: checkUint("seL4_MessageInfo_new.extraCaps", extraCaps, 2),
    length: checkUint("seL4_MessageInfo_new.length", length, 7),
  };
}

/** The tag as a word (what goes in x1 / rsi). */
export function wordFromMessageInfo(info: seL4_MessageInfo_t): bigint {
  return (
    (BigInt(info.label) << 12n) |
    (BigInt(info.capsUnwrapped) << 9n) |
    (BigInt(info.extraCaps) << 7n) |
    BigInt(info.length)
  );
}

/**
 * Decodes a tag word as the kernel does (`messageInfoFromWord`): a length above
 * {@link seL4_MsgMaxLength} is clamped to it. Any bigint is accepted (taken modulo 2^64).
 */
export function messageInfoFromWord(word: bigint): seL4_MessageInfo_t {
  const w = asWord(word);
  const length = Number(w & 0x7fn);
  return {
    label: Number(w >> 12n),
    capsUnwrapped: Number((w >> 9n) & 0x7n),
    extraCaps: Number((w >> 7n) & 0x3n),
    length: Math.min(length, seL4_MsgMaxLength),
  };
}

/** Decodes a tag word exactly, without the kernel's clamp (what libsel4's getters see). */
export function messageInfoFromWordRaw(word: bigint): seL4_MessageInfo_t {
  const w = asWord(word);
  return {
    label: Number(w >> 12n),
    capsUnwrapped: Number((w >> 9n) & 0x7n),
    extraCaps: Number((w >> 7n) & 0x3n),
    length: Number(w & 0x7fn),
  };
}

/** The label of a tag. */
export function seL4_MessageInfo_get_label(info: seL4_MessageInfo_t): number {
  return info.label;
}
/** The capsUnwrapped field of a tag. */
export function seL4_MessageInfo_get_capsUnwrapped(info: seL4_MessageInfo_t): number {
  return info.capsUnwrapped;
}
/** The extraCaps field of a tag. */
export function seL4_MessageInfo_get_extraCaps(info: seL4_MessageInfo_t): number {
  return info.extraCaps;
}
/** The length field of a tag. */
export function seL4_MessageInfo_get_length(info: seL4_MessageInfo_t): number {
  return info.length;
}
/** A copy of the tag with a new label. */
export function seL4_MessageInfo_set_label(
  info: seL4_MessageInfo_t,
  label: number,
): seL4_MessageInfo_t {
  return seL4_MessageInfo_new(label, info.capsUnwrapped, info.extraCaps, info.length);
}
/** A copy of the tag with a new capsUnwrapped field. */
export function seL4_MessageInfo_set_capsUnwrapped(
  info: seL4_MessageInfo_t,
  capsUnwrapped: number,
): seL4_MessageInfo_t {
  return seL4_MessageInfo_new(info.label, capsUnwrapped, info.extraCaps, info.length);
}
/** A copy of the tag with a new extraCaps field. */
export function seL4_MessageInfo_set_extraCaps(
  info: seL4_MessageInfo_t,
  extraCaps: number,
): seL4_MessageInfo_t {
  return seL4_MessageInfo_new(info.label, info.capsUnwrapped, extraCaps, info.length);
}
/** A copy of the tag with a new length. */
export function seL4_MessageInfo_set_length(
  info: seL4_MessageInfo_t,
  length: number,
): seL4_MessageInfo_t {
  return seL4_MessageInfo_new(info.label, info.capsUnwrapped, info.extraCaps, length);
}
