/**
 * Lazy EFLAGS. Arithmetic records its kind, operands and result (masked to the operand width;
 * 32-bit values kept as int32 so V8 never boxes them) and the six status flags are computed only when read. Flags that the SDM
 * leaves undefined get the values Intel hardware and QEMU produce (AF = 0 after logic ops).
 */

/** The state the lazy-flag functions need; the CPU core implements it. */
export interface FlagState {
  /** Which operation produced the status flags (a FLAGS_* kind). */
  fKind: number;
  /** First operand, masked (32-bit values as int32). */
  fOp1: number;
  /** Second operand, masked. */
  fOp2: number;
  /** Result, masked. */
  fRes: number;
  /** Operand width in bits: 8, 16 or 32. */
  fWidth: number;
  /** EFLAGS bits not owned by the lazy kind (and CF/AF/OF for INC, DEC and RESULT kinds). */
  fStored: number;
}

/** All status flags are in fStored. */
export const FLAGS_NONE = 0;
/** ADD, or ADC with carry-in 0. */
export const FLAGS_ADD = 1;
/** ADC with carry-in 1. */
export const FLAGS_ADC = 2;
/** SUB/CMP, or SBB with borrow-in 0. */
export const FLAGS_SUB = 3;
/** SBB with borrow-in 1. */
export const FLAGS_SBB = 4;
/** AND/OR/XOR/TEST: CF = OF = AF = 0. */
export const FLAGS_LOGIC = 5;
/** INC: CF kept in fStored. */
export const FLAGS_INC = 6;
/** DEC: CF kept in fStored. */
export const FLAGS_DEC = 7;
/** NEG (fOp1 holds the operand). */
export const FLAGS_NEG = 8;
/** ZF/SF/PF from the result; CF/AF/OF from fStored (shifts and friends). */
export const FLAGS_RESULT = 9;

/** EFLAGS bit masks. */
export const CF = 1 << 0;
/** Parity flag. */
export const PF = 1 << 2;
/** Auxiliary carry flag. */
export const AF = 1 << 4;
/** Zero flag. */
export const ZF = 1 << 6;
/** Sign flag. */
export const SF = 1 << 7;
/** Trap flag. */
export const TF = 1 << 8;
/** Interrupt enable flag. */
export const IF = 1 << 9;
/** Direction flag. */
export const DF = 1 << 10;
/** Overflow flag. */
export const OF = 1 << 11;
/** I/O privilege level field. */
export const IOPL = 3 << 12;
/** Nested task. */
export const NT = 1 << 14;
/** Resume flag. */
export const RF = 1 << 16;
/** Virtual-8086 mode. */
export const VM = 1 << 17;
/** Alignment check. */
export const AC = 1 << 18;
/** ID flag (CPUID is available). */
export const ID = 1 << 21;
/** The six status flags. */
export const STATUS_FLAGS = CF | PF | AF | ZF | SF | OF;

const PARITY = buildParityTable();

function buildParityTable(): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let bits = 0;
    for (let b = 0; b < 8; b++) bits += (i >> b) & 1;
    table[i] = bits & 1 ? 0 : 1;
  }
  return table;
}

/** The sign bit of a width as an int32 (values are stored as int32, so bit 31 is negative). */
function signBit(width: number): number {
  return width === 32 ? -0x80000000 : 1 << (width - 1);
}

function maxPositive(width: number): number {
  return width === 32 ? 0x7fffffff : (1 << (width - 1)) - 1;
}

/** Carry flag as 0 or 1. */
export function getCF(s: FlagState): number {
  switch (s.fKind) {
    case FLAGS_ADD:
      return s.fRes >>> 0 < s.fOp1 >>> 0 ? 1 : 0;
    case FLAGS_ADC:
      return s.fRes >>> 0 <= s.fOp1 >>> 0 ? 1 : 0;
    case FLAGS_SUB:
      return s.fOp1 >>> 0 < s.fOp2 >>> 0 ? 1 : 0;
    case FLAGS_SBB:
      return s.fOp1 >>> 0 <= s.fOp2 >>> 0 ? 1 : 0;
    case FLAGS_LOGIC:
      return 0;
    case FLAGS_NEG:
      return s.fOp1 !== 0 ? 1 : 0;
    default:
      return s.fStored & CF;
  }
}

/** Overflow flag as 0 or 1. */
export function getOF(s: FlagState): number {
  const sign = signBit(s.fWidth);
  switch (s.fKind) {
    case FLAGS_ADD:
    case FLAGS_ADC:
      return (s.fOp1 ^ s.fRes) & (s.fOp2 ^ s.fRes) & sign ? 1 : 0;
    case FLAGS_SUB:
    case FLAGS_SBB:
      return (s.fOp1 ^ s.fOp2) & (s.fOp1 ^ s.fRes) & sign ? 1 : 0;
    case FLAGS_LOGIC:
      return 0;
    case FLAGS_INC:
    case FLAGS_NEG:
      return s.fRes === sign ? 1 : 0;
    case FLAGS_DEC:
      return s.fRes === maxPositive(s.fWidth) ? 1 : 0;
    default:
      return (s.fStored >> 11) & 1;
  }
}

/** Auxiliary-carry flag as 0 or 1. */
export function getAF(s: FlagState): number {
  switch (s.fKind) {
    case FLAGS_ADD:
    case FLAGS_ADC:
    case FLAGS_SUB:
    case FLAGS_SBB:
    case FLAGS_NEG:
      return (s.fOp1 ^ s.fOp2 ^ s.fRes) & 0x10 ? 1 : 0;
    case FLAGS_LOGIC:
      return 0;
    case FLAGS_INC:
      return (s.fRes & 0xf) === 0 ? 1 : 0;
    case FLAGS_DEC:
      return (s.fRes & 0xf) === 0xf ? 1 : 0;
    default:
      return (s.fStored >> 4) & 1;
  }
}

/** Zero flag as 0 or 1. */
export function getZF(s: FlagState): number {
  return s.fKind === FLAGS_NONE ? (s.fStored >> 6) & 1 : s.fRes === 0 ? 1 : 0;
}

/** Sign flag as 0 or 1. */
export function getSF(s: FlagState): number {
  return s.fKind === FLAGS_NONE ? (s.fStored >> 7) & 1 : s.fRes & signBit(s.fWidth) ? 1 : 0;
}

/** Parity flag (of the low byte) as 0 or 1. */
export function getPF(s: FlagState): number {
  return s.fKind === FLAGS_NONE ? (s.fStored >> 2) & 1 : PARITY[s.fRes & 0xff]!;
}

/** The full EFLAGS value (bit 1 always set). */
export function readEflags(s: FlagState): number {
  if (s.fKind === FLAGS_NONE) return (s.fStored | 2) >>> 0;
  const status =
    getCF(s) |
    (getPF(s) << 2) |
    (getAF(s) << 4) |
    (getZF(s) << 6) |
    (getSF(s) << 7) |
    (getOF(s) << 11);
  return ((s.fStored & ~STATUS_FLAGS) | status | 2) >>> 0;
}

/** Replaces all flags (the lazy kind becomes NONE). */
export function writeEflags(s: FlagState, value: number): void {
  s.fStored = (value | 2) >>> 0;
  s.fKind = FLAGS_NONE;
}

/** Materialises the status flags into fStored so single bits can be edited. */
export function settleFlags(s: FlagState): void {
  if (s.fKind !== FLAGS_NONE) writeEflags(s, readEflags(s));
}

/** Records an arithmetic result for later flag evaluation. */
export function setLazy(
  s: FlagState,
  kind: number,
  op1: number,
  op2: number,
  res: number,
  width: number,
): void {
  // INC/DEC keep CF; the RESULT kind's caller writes CF/AF/OF into fStored right after.
  if (kind === FLAGS_INC || kind === FLAGS_DEC) s.fStored = (s.fStored & ~CF) | getCF(s);
  s.fKind = kind;
  s.fOp1 = op1;
  s.fOp2 = op2;
  s.fRes = res;
  s.fWidth = width;
}

/**
 * Evaluates condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc). Fast paths for the result
 * of CMP/SUB and of logic ops, which precede nearly every branch.
 */
export function testCondition(s: FlagState, cc: number): boolean {
  const kind = s.fKind;
  if (kind === FLAGS_SUB) {
    const a = s.fOp1;
    const b = s.fOp2;
    const shift = 32 - s.fWidth;
    switch (cc) {
      case 2:
        return a >>> 0 < b >>> 0;
      case 3:
        return a >>> 0 >= b >>> 0;
      case 4:
        return a === b;
      case 5:
        return a !== b;
      case 6:
        return a >>> 0 <= b >>> 0;
      case 7:
        return a >>> 0 > b >>> 0;
      case 0xc:
        return a << shift < b << shift;
      case 0xd:
        return a << shift >= b << shift;
      case 0xe:
        return a << shift <= b << shift;
      case 0xf:
        return a << shift > b << shift;
    }
  } else if (kind !== FLAGS_NONE && (cc === 4 || cc === 5)) {
    return (s.fRes === 0) === (cc === 4);
  } else if (kind === FLAGS_LOGIC) {
    const r = s.fRes;
    switch (cc) {
      case 4:
        return r === 0;
      case 5:
        return r !== 0;
      case 8:
        return (r & signBit(s.fWidth)) !== 0;
      case 9:
        return (r & signBit(s.fWidth)) === 0;
    }
  }
  let result: number;
  switch (cc >> 1) {
    case 0:
      result = getOF(s);
      break;
    case 1:
      result = getCF(s);
      break;
    case 2:
      result = getZF(s);
      break;
    case 3:
      result = getCF(s) | getZF(s);
      break;
    case 4:
      result = getSF(s);
      break;
    case 5:
      result = getPF(s);
      break;
    case 6:
      result = getSF(s) ^ getOF(s);
      break;
    default:
      result = getZF(s) | (getSF(s) ^ getOF(s));
      break;
  }
  return (result !== 0) !== ((cc & 1) === 1);
}
