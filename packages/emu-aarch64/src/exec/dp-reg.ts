/**
 * Data processing (register): logical and add/sub (shifted, extended), add/sub with carry,
 * conditional compare and select, 1- and 2-source, 3-source multiply.
 */
import type { Aarch64Cpu } from "../cpu.js";
import { undefinedInstruction } from "../exceptions.js";
import {
  add32,
  add64,
  div64,
  lsl64,
  mul64,
  shift32,
  shift64,
  smulh64,
  umul32,
  umulh64,
} from "./alu.js";
import { conditionHolds } from "./cond.js";

/** Execute an instruction of the "data processing - register" group. */
export function execDpReg(cpu: Aarch64Cpu, insn: number): void {
  if (!((insn >>> 28) & 1)) {
    if (!((insn >>> 24) & 1)) {
      logicalShifted(cpu, insn);
      return;
    }
    if (!((insn >>> 21) & 1)) {
      addSubShifted(cpu, insn);
      return;
    }
    addSubExtended(cpu, insn);
    return;
  }
  switch ((insn >>> 21) & 0xf) {
    case 0:
      if ((insn >>> 10) & 0x3f) undefinedInstruction(cpu);
      {
        addSubCarry(cpu, insn);
        return;
      }
    case 2: {
      conditionalCompare(cpu, insn);
      return;
    }
    case 4: {
      conditionalSelect(cpu, insn);
      return;
    }
    case 6:
      if ((insn >>> 30) & 1) oneSource(cpu, insn);
      else twoSource(cpu, insn);
      return;
    default:
      if ((insn >>> 24) & 1) {
        threeSource(cpu, insn);
        return;
      }
      undefinedInstruction(cpu);
  }
}

/** Read Rm shifted (shift type and amount from the instruction). Returns low, high in rhi. */
function shiftedOperand(cpu: Aarch64Cpu, insn: number, is64: boolean): number {
  const x = cpu.x;
  const rm = (insn >>> 16) & 31;
  const type = (insn >>> 22) & 3;
  const amount = (insn >>> 10) & 0x3f;
  if (!is64) {
    if (amount >= 32) undefinedInstruction(cpu);
    cpu.rhi = 0;
    return shift32(x[rm * 2]!, type, amount);
  }
  return shift64(cpu, x[rm * 2]!, x[rm * 2 + 1]!, type, amount);
}

/** AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register). */
function logicalShifted(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const is64 = insn < 0;
  let blo = shiftedOperand(cpu, insn, is64);
  let bhi = cpu.rhi;
  if ((insn >>> 21) & 1) {
    blo = ~blo;
    bhi = is64 ? ~bhi : 0;
  }
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  const alo = x[rn * 2]!;
  const ahi = is64 ? x[rn * 2 + 1]! : 0;
  const opc = (insn >>> 29) & 3;
  let lo: number;
  let hi: number;
  if (opc === 1) {
    lo = alo | blo;
    hi = ahi | bhi;
  } else if (opc === 2) {
    lo = alo ^ blo;
    hi = ahi ^ bhi;
  } else {
    lo = alo & blo;
    hi = ahi & bhi;
  }
  if (!is64) hi = 0;
  if (opc === 3) {
    cpu.nf = (is64 ? hi : lo) >>> 31;
    cpu.zf = (lo | hi) === 0 ? 1 : 0;
    cpu.cf = 0;
    cpu.vf = 0;
  }
  if (rd !== 31) {
    x[rd * 2] = lo;
    x[rd * 2 + 1] = hi;
  }
}

/** ADD, ADDS, SUB, SUBS (shifted register). */
function addSubShifted(cpu: Aarch64Cpu, insn: number): void {
  if (((insn >>> 22) & 3) === 3) undefinedInstruction(cpu);
  const x = cpu.x;
  const is64 = insn < 0;
  const blo = shiftedOperand(cpu, insn, is64);
  const bhi = cpu.rhi;
  addSubWrite(
    cpu,
    insn,
    is64,
    blo,
    bhi,
    x[((insn >>> 5) & 31) * 2]!,
    x[((insn >>> 5) & 31) * 2 + 1]!,
    false,
  );
}

/** Shared tail of the add/sub forms: operate and write Rd (SP allowed when `rdIsSp`). */
function addSubWrite(
  cpu: Aarch64Cpu,
  insn: number,
  is64: boolean,
  blo: number,
  bhi: number,
  alo: number,
  ahi: number,
  rdIsSp: boolean,
): void {
  const x = cpu.x;
  const sub = (insn >>> 30) & 1;
  const setFlags = ((insn >>> 29) & 1) === 1;
  let lo: number;
  let hi = 0;
  if (is64) {
    lo = sub
      ? add64(cpu, alo, ahi, ~blo, ~bhi, 1, setFlags)
      : add64(cpu, alo, ahi, blo, bhi, 0, setFlags);
    hi = cpu.rhi;
  } else {
    lo = sub ? add32(cpu, alo, ~blo, 1, setFlags) : add32(cpu, alo, blo, 0, setFlags);
  }
  const rd = insn & 31;
  if (rd === 31) {
    if (!rdIsSp || setFlags) return;
    x[64] = lo;
    x[65] = hi;
    return;
  }
  x[rd * 2] = lo;
  x[rd * 2 + 1] = hi;
}

/** Extend a register value (option: UXTB..SXTX) then shift left by 0..4. Returns low, high in rhi. */
export function extendRegister(
  cpu: Aarch64Cpu,
  lo: number,
  hi: number,
  option: number,
  shift: number,
): number {
  switch (option) {
    case 0:
      lo &= 0xff;
      hi = 0;
      break;
    case 1:
      lo &= 0xffff;
      hi = 0;
      break;
    case 2:
      hi = 0;
      break;
    case 4:
      lo = (lo << 24) >> 24;
      hi = lo >> 31;
      break;
    case 5:
      lo = (lo << 16) >> 16;
      hi = lo >> 31;
      break;
    case 6:
      hi = lo >> 31;
      break;
    default:
      break;
  }
  return lsl64(cpu, lo, hi, shift);
}

/** ADD, ADDS, SUB, SUBS (extended register). */
function addSubExtended(cpu: Aarch64Cpu, insn: number): void {
  const shift = (insn >>> 10) & 7;
  if ((insn >>> 22) & 3 || shift > 4) undefinedInstruction(cpu);
  const x = cpu.x;
  const is64 = insn < 0;
  const rm = (insn >>> 16) & 31;
  const blo = extendRegister(cpu, x[rm * 2]!, x[rm * 2 + 1]!, (insn >>> 13) & 7, shift);
  const bhi = cpu.rhi;
  const rn = (insn >>> 5) & 31;
  const ni = rn === 31 ? 64 : rn * 2;
  addSubWrite(cpu, insn, is64, blo, bhi, x[ni]!, x[ni + 1]!, true);
}

/** ADC, ADCS, SBC, SBCS. */
function addSubCarry(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const is64 = insn < 0;
  const sub = (insn >>> 30) & 1;
  const setFlags = ((insn >>> 29) & 1) === 1;
  const rm = (insn >>> 16) & 31;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  let blo = x[rm * 2]!;
  let bhi = x[rm * 2 + 1]!;
  if (sub) {
    blo = ~blo;
    bhi = ~bhi;
  }
  let lo: number;
  let hi = 0;
  if (is64) {
    lo = add64(cpu, x[rn * 2]!, x[rn * 2 + 1]!, blo, bhi, cpu.cf, setFlags);
    hi = cpu.rhi;
  } else {
    lo = add32(cpu, x[rn * 2]!, blo, cpu.cf, setFlags);
  }
  if (rd !== 31) {
    x[rd * 2] = lo;
    x[rd * 2 + 1] = hi;
  }
}

/** CCMN, CCMP (register and immediate). */
function conditionalCompare(cpu: Aarch64Cpu, insn: number): void {
  if (insn & 0x400 || insn & 0x10 || !((insn >>> 29) & 1)) undefinedInstruction(cpu);
  const x = cpu.x;
  const is64 = insn < 0;
  if (!conditionHolds(cpu, (insn >>> 12) & 0xf)) {
    cpu.nf = (insn >>> 3) & 1;
    cpu.zf = (insn >>> 2) & 1;
    cpu.cf = (insn >>> 1) & 1;
    cpu.vf = insn & 1;
    return;
  }
  const rn = (insn >>> 5) & 31;
  const field = (insn >>> 16) & 31;
  let blo: number;
  let bhi: number;
  if ((insn >>> 11) & 1) {
    blo = field;
    bhi = 0;
  } else {
    blo = x[field * 2]!;
    bhi = x[field * 2 + 1]!;
  }
  const sub = (insn >>> 30) & 1;
  if (is64) {
    if (sub) add64(cpu, x[rn * 2]!, x[rn * 2 + 1]!, ~blo, ~bhi, 1, true);
    else add64(cpu, x[rn * 2]!, x[rn * 2 + 1]!, blo, bhi, 0, true);
  } else if (sub) add32(cpu, x[rn * 2]!, ~blo, 1, true);
  else add32(cpu, x[rn * 2]!, blo, 0, true);
}

/** CSEL, CSINC, CSINV, CSNEG. */
function conditionalSelect(cpu: Aarch64Cpu, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 11) & 1) undefinedInstruction(cpu);
  const x = cpu.x;
  const is64 = insn < 0;
  const rd = insn & 31;
  if (rd === 31) return;
  const rm = (insn >>> 16) & 31;
  const rn = (insn >>> 5) & 31;
  let lo: number;
  let hi: number;
  if (conditionHolds(cpu, (insn >>> 12) & 0xf)) {
    lo = x[rn * 2]!;
    hi = x[rn * 2 + 1]!;
  } else {
    lo = x[rm * 2]!;
    hi = x[rm * 2 + 1]!;
    const inv = (insn >>> 30) & 1;
    const inc = (insn >>> 10) & 1;
    if (inv) {
      lo = ~lo;
      hi = ~hi;
    }
    if (inc) {
      lo = add64(cpu, lo, hi, 1, 0, 0, false);
      hi = cpu.rhi;
    }
  }
  x[rd * 2] = lo;
  x[rd * 2 + 1] = is64 ? hi : 0;
}

/** UDIV, SDIV, LSLV, LSRV, ASRV, RORV. */
function twoSource(cpu: Aarch64Cpu, insn: number): void {
  if ((insn >>> 29) & 1) undefinedInstruction(cpu);
  const x = cpu.x;
  const is64 = insn < 0;
  const op = (insn >>> 10) & 0x3f;
  const rm = (insn >>> 16) & 31;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  const alo = x[rn * 2]!;
  const ahi = x[rn * 2 + 1]!;
  const blo = x[rm * 2]!;
  let lo: number;
  let hi = 0;
  if (op === 2 || op === 3) {
    if (is64) {
      lo = div64(cpu, alo, ahi, blo, x[rm * 2 + 1]!, op === 3);
      hi = cpu.rhi;
    } else if (blo === 0) {
      lo = 0;
    } else {
      lo = op === 3 ? (alo / blo) | 0 : Math.floor((alo >>> 0) / (blo >>> 0)) | 0;
    }
  } else if (op >= 8 && op <= 11) {
    if (is64) {
      lo = shift64(cpu, alo, ahi, op - 8, blo & 63);
      hi = cpu.rhi;
    } else {
      lo = shift32(alo, op - 8, blo & 31);
    }
  } else {
    undefinedInstruction(cpu);
  }
  if (rd !== 31) {
    x[rd * 2] = lo;
    x[rd * 2 + 1] = hi;
  }
}

/** Reverse the bits of a 32-bit value. */
function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}

/** Reverse the bytes of a 32-bit value. */
function reverseBytes(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24) | 0;
}

/** Reverse the bytes inside each halfword of a 32-bit value. */
function reverse16(v: number): number {
  return ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
}

/** Count leading sign bits of a 32-bit value (excluding the sign bit). */
function cls32(v: number): number {
  return Math.clz32(v ^ (v >> 31)) - 1;
}

/** RBIT, REV16, REV32, REV, CLZ, CLS. */
function oneSource(cpu: Aarch64Cpu, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 16) & 31) undefinedInstruction(cpu);
  const x = cpu.x;
  const is64 = insn < 0;
  const op = (insn >>> 10) & 0x3f;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  const lo = x[rn * 2]!;
  const hi = is64 ? x[rn * 2 + 1]! : 0;
  let rlo: number;
  let rhi = 0;
  switch (op) {
    case 0:
      if (is64) {
        rlo = reverseBits(hi);
        rhi = reverseBits(lo);
      } else rlo = reverseBits(lo);
      break;
    case 1:
      rlo = reverse16(lo);
      rhi = reverse16(hi);
      break;
    case 2:
      rlo = reverseBytes(lo);
      rhi = is64 ? reverseBytes(hi) : 0;
      break;
    case 3:
      if (!is64) undefinedInstruction(cpu);
      rlo = reverseBytes(hi);
      rhi = reverseBytes(lo);
      break;
    case 4:
      rlo = is64 ? (hi === 0 ? 32 + Math.clz32(lo) : Math.clz32(hi)) : Math.clz32(lo);
      break;
    case 5:
      if (!is64) rlo = cls32(lo);
      else {
        const c = cls32(hi);
        rlo = c < 31 ? c : 31 + Math.clz32(lo ^ (hi >> 31));
      }
      break;
    default:
      undefinedInstruction(cpu);
  }
  if (rd !== 31) {
    x[rd * 2] = rlo;
    x[rd * 2 + 1] = rhi;
  }
}

/** MADD, MSUB, SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH. */
function threeSource(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const is64 = insn < 0;
  const op31 = (insn >>> 21) & 7;
  const o0 = (insn >>> 15) & 1;
  if ((insn >>> 29) & 3 || (!is64 && op31 !== 0)) undefinedInstruction(cpu);
  const rm = (insn >>> 16) & 31;
  const ra = (insn >>> 10) & 31;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  const nlo = x[rn * 2]!;
  const nhi = x[rn * 2 + 1]!;
  const mlo = x[rm * 2]!;
  const mhi = x[rm * 2 + 1]!;
  let plo: number;
  let phi: number;
  switch (op31) {
    case 0:
      if (!is64) {
        const p = Math.imul(nlo, mlo);
        if (rd !== 31) {
          x[rd * 2] = o0 ? (x[ra * 2]! - p) | 0 : (x[ra * 2]! + p) | 0;
          x[rd * 2 + 1] = 0;
        }
        return;
      }
      plo = mul64(cpu, nlo, nhi, mlo, mhi);
      phi = cpu.rhi;
      break;
    case 1:
    case 5: {
      plo = umul32(cpu, nlo, mlo);
      phi = cpu.rhi;
      if (op31 === 1) {
        // Signed: correct the unsigned product for negative operands.
        if (nlo < 0) phi = (phi - mlo) | 0;
        if (mlo < 0) phi = (phi - nlo) | 0;
      }
      break;
    }
    case 2:
    case 6:
      if (o0 || ra !== 31) undefinedInstruction(cpu);
      plo = op31 === 2 ? smulh64(cpu, nlo, nhi, mlo, mhi) : umulh64(cpu, nlo, nhi, mlo, mhi);
      if (rd !== 31) {
        x[rd * 2] = plo;
        x[rd * 2 + 1] = cpu.rhi;
      }
      return;
    default:
      undefinedInstruction(cpu);
  }
  const alo = x[ra * 2]!;
  const ahi = x[ra * 2 + 1]!;
  const lo = o0
    ? add64(cpu, alo, ahi, ~plo, ~phi, 1, false)
    : add64(cpu, alo, ahi, plo, phi, 0, false);
  if (rd !== 31) {
    x[rd * 2] = lo;
    x[rd * 2 + 1] = cpu.rhi;
  }
}
