/** EFLAGS results of the arithmetic and logic operations the MMIO emulator performs. */

/** Carry. */
export const CF = 1;
/** Parity. */
export const PF = 4;
/** Adjust. */
export const AF = 16;
/** Zero. */
export const ZF = 64;
/** Sign. */
export const SF = 128;
/** Direction. */
export const DF = 1024;
/** Overflow. */
export const OF = 2048;
/** The six status flags. */
export const STATUS = CF | PF | AF | ZF | SF | OF;

function parity(v: number): number {
  let x = v & 0xff;
  x ^= x >> 4;
  x ^= x >> 2;
  x ^= x >> 1;
  return (x & 1) === 0 ? PF : 0;
}

function szp(result: number, bits: number): number {
  const mask = bits === 32 ? 0xffff_ffff : (1 << bits) - 1;
  const r = (result & mask) >>> 0;
  return (r === 0 ? ZF : 0) | ((r >>> (bits - 1)) & 1 ? SF : 0) | parity(r);
}

/** Result and status flags of an ALU operation on `bits`-wide operands. */
export interface AluResult {
  /** The truncated result. */
  readonly value: number;
  /** Status flags (CF, PF, AF, ZF, SF, OF). */
  readonly flags: number;
}

/** ALU operation numbers (the ModRM.reg of group 1): ADD OR ADC SBB AND SUB XOR CMP. */
export function alu(op: number, a: number, b: number, bits: number, carryIn: number): AluResult {
  const mask = bits === 32 ? 0xffff_ffff : (1 << bits) - 1;
  const sign = 2 ** (bits - 1);
  a = (a & mask) >>> 0;
  b = (b & mask) >>> 0;
  let r: number;
  let flags: number;
  switch (op) {
    case 0:
    case 2: {
      const c = op === 2 ? carryIn : 0;
      const full = a + b + c;
      r = full % 2 ** bits;
      flags =
        (full >= 2 ** bits ? CF : 0) |
        (((a ^ b ^ r) & 0x10) !== 0 ? AF : 0) |
        (a >= sign === b >= sign && r >= sign !== a >= sign ? OF : 0);
      break;
    }
    case 3:
    case 5:
    case 7: {
      const c = op === 3 ? carryIn : 0;
      const full = a - b - c;
      r = (full + 2 ** bits) % 2 ** bits;
      flags =
        (full < 0 ? CF : 0) |
        (((a ^ b ^ r) & 0x10) !== 0 ? AF : 0) |
        (a >= sign !== b >= sign && r >= sign !== a >= sign ? OF : 0);
      break;
    }
    default: {
      r = op === 1 ? (a | b) >>> 0 : op === 4 ? (a & b) >>> 0 : (a ^ b) >>> 0;
      flags = 0;
    }
  }
  return { value: r, flags: flags | szp(r, bits) };
}

/** INC/DEC keep CF. */
export function incDec(dec: boolean, a: number, bits: number, oldFlags: number): AluResult {
  const r = alu(dec ? 5 : 0, a, 1, bits, 0);
  return { value: r.value, flags: (r.flags & ~CF) | (oldFlags & CF) };
}
