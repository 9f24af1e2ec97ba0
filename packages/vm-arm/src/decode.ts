/**
 * Software decode of the A64 load/store instructions a guest may aim at a device, for data aborts
 * whose syndrome has no valid ISV (pairs, writeback forms): C could not do this (bug A2).
 * SIMD/FP, exclusive, atomic and literal forms are not decoded (null: the fault is reported).
 */

/** How the address of a load/store is formed. */
export type AddressingMode = "offset" | "pre" | "post";

/** An index register added to the base (register-offset forms). */
export interface RegisterOffset {
  /** Index register number (31 is XZR). */
  readonly rm: number;
  /** Extend: "uxtw" | "lsl" | "sxtw" | "sxtx". */
  readonly extend: "uxtw" | "lsl" | "sxtw" | "sxtx";
  /** Left shift applied after extension. */
  readonly shift: number;
}

/** A decoded general-purpose load or store (one register, or a pair). */
export interface LoadStoreInsn {
  /** True for a load. */
  readonly load: boolean;
  /** Bytes per register transferred. */
  readonly size: 1 | 2 | 4 | 8;
  /** Loads: sign-extend. */
  readonly signExtend: boolean;
  /** Loads: the destination is an X register (else W, upper half zeroed). */
  readonly sixtyFour: boolean;
  /** First transfer register (31 is XZR). */
  readonly rt: number;
  /** Second transfer register of a pair, else null. */
  readonly rt2: number | null;
  /** Base register (31 is SP). */
  readonly rn: number;
  /** Addressing mode. */
  readonly mode: AddressingMode;
  /** Signed byte offset for immediate forms (0 for register forms). */
  readonly imm: bigint;
  /** The index register of register-offset forms, else null. */
  readonly index: RegisterOffset | null;
}

function signExtend(value: number, bits: number): bigint {
  const v = BigInt(value);
  return v & (1n << BigInt(bits - 1)) ? v - (1n << BigInt(bits)) : v;
}

interface Semantics {
  readonly load: boolean;
  readonly signExtend: boolean;
  readonly sixtyFour: boolean;
}

/** Semantics of a single-register load/store from its size and opc fields. */
function singleSemantics(size: number, opc: number): Semantics | null {
  switch (opc) {
    case 0:
      return { load: false, signExtend: false, sixtyFour: size === 3 };
    case 1:
      return { load: true, signExtend: false, sixtyFour: size === 3 };
    case 2:
      return size === 3 ? null : { load: true, signExtend: true, sixtyFour: true };
    default:
      return size >= 2 ? null : { load: true, signExtend: true, sixtyFour: false };
  }
}

const EXTENDS = { 2: "uxtw", 3: "lsl", 6: "sxtw", 7: "sxtx" } as const;

function decodeSingle(insn: number): LoadStoreInsn | null {
  const size = insn >>> 30;
  const opc = (insn >>> 22) & 3;
  const rn = (insn >>> 5) & 31;
  const rt = insn & 31;
  const sem = singleSemantics(size, opc);
  if (sem === null) return null;
  const bytes = (1 << size) as 1 | 2 | 4 | 8;
  const base = { ...sem, size: bytes, rt, rt2: null, rn };
  if (((insn >>> 24) & 3) === 1) {
    const imm = BigInt(((insn >>> 10) & 0xfff) << size);
    return { ...base, mode: "offset", imm, index: null };
  }
  if (((insn >>> 24) & 3) !== 0) return null;
  if ((insn >>> 21) & 1) {
    if (((insn >>> 10) & 3) !== 2) return null; // atomics and others
    const option = (insn >>> 13) & 7;
    const extend = EXTENDS[option as keyof typeof EXTENDS];
    if (extend === undefined) return null;
    const s = (insn >>> 12) & 1;
    const index = { rm: (insn >>> 16) & 31, extend, shift: s ? size : 0 };
    return { ...base, mode: "offset", imm: 0n, index };
  }
  const op2 = (insn >>> 10) & 3;
  const mode: AddressingMode = op2 === 1 ? "post" : op2 === 3 ? "pre" : "offset";
  const imm = signExtend((insn >>> 12) & 0x1ff, 9);
  if (mode !== "offset" && rn === rt && rn !== 31) return null; // writeback to Rt: UNPREDICTABLE
  return { ...base, mode, imm, index: null };
}

function decodePair(insn: number): LoadStoreInsn | null {
  const opc = insn >>> 30;
  const idx = (insn >>> 23) & 3;
  const load = ((insn >>> 22) & 1) === 1;
  if (opc === 3 || (opc === 1 && !load)) return null; // unallocated, STGP
  if (opc === 1 && idx === 0) return null; // no LDNPSW
  const scale = opc === 2 ? 3 : 2;
  const rt = insn & 31;
  const rn = (insn >>> 5) & 31;
  const rt2 = (insn >>> 10) & 31;
  const imm = signExtend((insn >>> 15) & 0x7f, 7) << BigInt(scale);
  const mode: AddressingMode = idx === 1 ? "post" : idx === 3 ? "pre" : "offset";
  if (load && rt === rt2) return null; // UNPREDICTABLE
  if (mode !== "offset" && rn !== 31 && (rn === rt || rn === rt2)) return null;
  return {
    load,
    size: (1 << scale) as 4 | 8,
    signExtend: opc === 1,
    sixtyFour: opc !== 0,
    rt,
    rt2,
    rn,
    mode,
    imm,
    index: null,
  };
}

/** Decodes an A64 general-purpose load/store instruction word; null if it is not one we emulate. */
export function decode_load_store(word: number): LoadStoreInsn | null {
  const insn = word >>> 0;
  if ((insn >>> 26) & 1) return null; // SIMD&FP
  const op = (insn >>> 27) & 7;
  if (op === 7) return decodeSingle(insn);
  if (op === 5 && ((insn >>> 25) & 1) === 0) return decodePair(insn);
  return null;
}

const MASK64 = (1n << 64n) - 1n;

/** The offset an index register contributes, per its extend and shift. */
export function index_offset(index: RegisterOffset, rmValue: bigint): bigint {
  let v: bigint;
  switch (index.extend) {
    case "uxtw":
      v = rmValue & 0xffff_ffffn;
      break;
    case "sxtw":
      v = BigInt.asIntN(32, rmValue);
      break;
    default:
      v = BigInt.asIntN(64, rmValue);
  }
  return (v << BigInt(index.shift)) & MASK64;
}

/**
 * The virtual address of the first transfer and the new base after writeback (null without
 * writeback), given the base and index register values.
 */
export function load_store_address(
  insn: LoadStoreInsn,
  base: bigint,
  rmValue = 0n,
): { readonly address: bigint; readonly writeback: bigint | null } {
  const offset = insn.index === null ? insn.imm : index_offset(insn.index, rmValue);
  const moved = (base + offset) & MASK64;
  switch (insn.mode) {
    case "offset":
      return { address: moved, writeback: null };
    case "pre":
      return { address: moved, writeback: moved };
    default:
      return { address: base & MASK64, writeback: moved };
  }
}
