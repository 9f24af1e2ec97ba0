import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { GuestFault, undefinedOpcode, Vector } from "../faults.js";
import {
  AF,
  CF,
  FLAGS_ADC,
  FLAGS_ADD,
  FLAGS_DEC,
  FLAGS_INC,
  FLAGS_LOGIC,
  FLAGS_NEG,
  FLAGS_SBB,
  FLAGS_SUB,
  getAF,
  getCF,
  OF,
  setLazy,
  settleFlags,
} from "../flags.js";
import type { Handler } from "./execute.js";

/** Integer arithmetic: ADD..CMP, INC/DEC, NEG/NOT, TEST, MUL/IMUL/DIV/IDIV, XADD, CMPXCHG, BCD. */

/** Masks a value to `width` bits (a 32-bit value stays int32). */
export function mask(v: number, width: number): number {
  return width === 32 ? v | 0 : v & ((1 << width) - 1);
}

/** The eight group-1 operations (ADD OR ADC SBB AND SUB XOR CMP); returns the masked result. */
export function alu(cpu: CpuCore, op: number, a: number, b: number, width: number): number {
  const m = width === 32 ? -1 : (1 << width) - 1;
  a &= m;
  b &= m;
  let r: number;
  let kind: number;
  switch (op) {
    case 0:
      r = a + b;
      kind = FLAGS_ADD;
      break;
    case 1:
      r = a | b;
      kind = FLAGS_LOGIC;
      break;
    case 2: {
      const c = getCF(cpu);
      r = a + b + c;
      kind = c ? FLAGS_ADC : FLAGS_ADD;
      break;
    }
    case 3: {
      const c = getCF(cpu);
      r = a - b - c;
      kind = c ? FLAGS_SBB : FLAGS_SUB;
      break;
    }
    case 4:
      r = a & b;
      kind = FLAGS_LOGIC;
      break;
    case 5:
    case 7:
      r = a - b;
      kind = FLAGS_SUB;
      break;
    default:
      r = a ^ b;
      kind = FLAGS_LOGIC;
      break;
  }
  r &= m;
  cpu.fKind = kind;
  cpu.fOp1 = a;
  cpu.fOp2 = b;
  cpu.fRes = r;
  cpu.fWidth = width;
  return r;
}

function aluRM(cpu: CpuCore, insn: Instruction, op: number, width: number, b: number): void {
  if (insn.mod === 3) {
    const r = alu(cpu, op, cpu.getReg(insn.rm, width), b, width);
    if (op !== 7) cpu.setReg(insn.rm, width, r);
    return;
  }
  const lin = cpu.effectiveAddress(insn);
  const a = op === 7 ? cpu.readW(lin, width) : cpu.readForWrite(lin, width);
  if (op === 7) {
    alu(cpu, op, a, b, width);
    return;
  }
  const kind = cpu.fKind;
  const op1 = cpu.fOp1;
  const op2 = cpu.fOp2;
  const res = cpu.fRes;
  const width0 = cpu.fWidth;
  const stored = cpu.fStored;
  const r = alu(cpu, op, a, b, width);
  try {
    cpu.writeW(lin, width, r);
  } catch (e) {
    // The write faulted: the instruction did not happen, flags included.
    cpu.fKind = kind;
    cpu.fOp1 = op1;
    cpu.fOp2 = op2;
    cpu.fRes = res;
    cpu.fWidth = width0;
    cpu.fStored = stored;
    throw e;
  }
}

function opWidth(opcode: number, insn: Instruction): number {
  return (opcode & 1) === 0 ? 8 : insn.opsize;
}

/** Registers the handlers of this group. */
export function registerAlu(t: Handler[]): void {
  for (let op = 0; op < 8; op++) {
    const b = op * 8;
    t[b] = (cpu, insn) => aluRM(cpu, insn, op, 8, cpu.getReg8(insn.reg));
    t[b + 1] = (cpu, insn) => {
      if (insn.opsize === 32 && insn.mod === 3) {
        // The common 32-bit register form without the width plumbing.
        const r = alu(cpu, op, cpu.regs[insn.rm]!, cpu.regs[insn.reg]!, 32);
        if (op !== 7) cpu.regs[insn.rm] = r;
        return;
      }
      aluRM(cpu, insn, op, insn.opsize, cpu.getReg(insn.reg, insn.opsize));
    };
    t[b + 2] = t[b + 3] = (cpu, insn) => {
      const w = opWidth(insn.opcode, insn);
      const r = alu(cpu, op, cpu.getReg(insn.reg, w), cpu.readRM(insn, w), w);
      if (op !== 7) cpu.setReg(insn.reg, w, r);
    };
    t[b + 4] = t[b + 5] = (cpu, insn) => {
      const w = opWidth(insn.opcode, insn);
      const r = alu(cpu, op, cpu.getReg(0, w), insn.imm, w);
      if (op !== 7) cpu.setReg(0, w, r);
    };
  }
  t[0x80] =
    t[0x81] =
    t[0x82] =
    t[0x83] =
      (cpu, insn) => {
        const w = opWidth(insn.opcode, insn);
        aluRM(cpu, insn, insn.reg, w, insn.imm);
      };
  for (let r = 0; r < 8; r++) {
    t[0x40 + r] = (cpu, insn) => {
      const w = insn.opsize;
      const a = cpu.getReg(r, w);
      const res = mask(a + 1, w);
      cpu.setReg(r, w, res);
      setLazy(cpu, FLAGS_INC, a, 1, res, w);
    };
    t[0x48 + r] = (cpu, insn) => {
      const w = insn.opsize;
      const a = cpu.getReg(r, w);
      const res = mask(a - 1, w);
      cpu.setReg(r, w, res);
      setLazy(cpu, FLAGS_DEC, a, 1, res, w);
    };
  }
  t[0x84] = t[0x85] = (cpu, insn) => {
    const w = opWidth(insn.opcode, insn);
    alu(cpu, 4, cpu.readRM(insn, w), cpu.getReg(insn.reg, w), w);
  };
  t[0xa8] = t[0xa9] = (cpu, insn) => {
    const w = opWidth(insn.opcode, insn);
    alu(cpu, 4, cpu.getReg(0, w), insn.imm, w);
  };
  t[0xf6] = t[0xf7] = group3;
  t[0xfe] = (cpu, insn) => {
    if (insn.reg > 1) undefinedOpcode();
    incDecRM(cpu, insn, 8);
  };
  t[0x69] = t[0x6b] = (cpu, insn) => {
    const w = insn.opsize;
    cpu.setReg(insn.reg, w, imulFlags(cpu, cpu.readRM(insn, w), insn.imm, w));
  };
  t[0x1af] = (cpu, insn) => {
    const w = insn.opsize;
    cpu.setReg(insn.reg, w, imulFlags(cpu, cpu.getReg(insn.reg, w), cpu.readRM(insn, w), w));
  };
  t[0x1c0] = t[0x1c1] = (cpu, insn) => {
    const w = opWidth(insn.opcode, insn);
    const src = cpu.getReg(insn.reg, w);
    if (insn.mod === 3) {
      const dst = cpu.getReg(insn.rm, w);
      const r = alu(cpu, 0, dst, src, w);
      cpu.setReg(insn.reg, w, dst);
      cpu.setReg(insn.rm, w, r);
    } else {
      const lin = cpu.effectiveAddress(insn);
      const dst = cpu.readForWrite(lin, w);
      cpu.writeW(lin, w, mask(dst + src, w));
      alu(cpu, 0, dst, src, w);
      cpu.setReg(insn.reg, w, dst);
    }
  };
  t[0x1b0] = t[0x1b1] = (cpu, insn) => {
    const w = opWidth(insn.opcode, insn);
    const acc = cpu.getReg(0, w);
    const lin = insn.mod === 3 ? 0 : cpu.effectiveAddress(insn);
    const dst = insn.mod === 3 ? cpu.getReg(insn.rm, w) : cpu.readForWrite(lin, w);
    const equal = acc === dst;
    // Memory is always written (the old value back on failure), as the processor does.
    const value = equal ? cpu.getReg(insn.reg, w) : dst;
    if (insn.mod === 3) {
      if (equal) cpu.setReg(insn.rm, w, value);
    } else cpu.writeW(lin, w, value);
    alu(cpu, 7, acc, dst, w);
    if (!equal) cpu.setReg(0, w, dst);
  };
  registerBcd(t);
}

function incDecRM(cpu: CpuCore, insn: Instruction, w: number): void {
  const dec = insn.reg === 1;
  const lin = insn.mod === 3 ? 0 : cpu.effectiveAddress(insn);
  const a = insn.mod === 3 ? cpu.getReg(insn.rm, w) : cpu.readForWrite(lin, w);
  const res = mask(dec ? a - 1 : a + 1, w);
  if (insn.mod === 3) cpu.setReg(insn.rm, w, res);
  else cpu.writeW(lin, w, res);
  setLazy(cpu, dec ? FLAGS_DEC : FLAGS_INC, a, 1, res, w);
}

/** INC/DEC r/m (FF /0, /1). */
export function incDecV(cpu: CpuCore, insn: Instruction): void {
  incDecRM(cpu, insn, insn.opsize);
}

/** Two-operand signed multiply truncated to `w` bits; CF = OF = the product did not fit. */
function imulFlags(cpu: CpuCore, a: number, b: number, w: number): number {
  const sa = (a << (32 - w)) >> (32 - w);
  const sb = (b << (32 - w)) >> (32 - w);
  let r: number;
  let overflow: boolean;
  if (w === 32) {
    r = Math.imul(sa, sb);
    // The double product is inexact beyond 2^53, but then it is far outside the int32 range.
    overflow = sa * sb !== r;
  } else {
    const p = sa * sb;
    r = (p << (32 - w)) >> (32 - w);
    overflow = r !== p;
  }
  setMulFlags(cpu, r, w, overflow);
  return mask(r, w);
}

/** MUL/IMUL: CF = OF = overflow; SF/ZF/PF from the low result (as Intel/QEMU leave them); AF = 0. */
function setMulFlags(cpu: CpuCore, low: number, w: number, overflow: boolean): void {
  setLazy(cpu, FLAGS_LOGIC, 0, 0, mask(low, w), w);
  settleFlags(cpu);
  cpu.fStored = (cpu.fStored & ~(CF | OF | AF)) | (overflow ? CF | OF : 0);
}

function group3(cpu: CpuCore, insn: Instruction): void {
  const w = opWidth(insn.opcode, insn);
  switch (insn.reg) {
    case 0:
    case 1:
      alu(cpu, 4, cpu.readRM(insn, w), insn.imm, w);
      return;
    case 2: {
      const lin = insn.mod === 3 ? 0 : cpu.effectiveAddress(insn);
      const a = insn.mod === 3 ? cpu.getReg(insn.rm, w) : cpu.readForWrite(lin, w);
      if (insn.mod === 3) cpu.setReg(insn.rm, w, ~a);
      else cpu.writeW(lin, w, ~a);
      return;
    }
    case 3: {
      const lin = insn.mod === 3 ? 0 : cpu.effectiveAddress(insn);
      const a = insn.mod === 3 ? cpu.getReg(insn.rm, w) : cpu.readForWrite(lin, w);
      const r = mask(-a, w);
      if (insn.mod === 3) cpu.setReg(insn.rm, w, r);
      else cpu.writeW(lin, w, r);
      setLazy(cpu, FLAGS_NEG, a, 0, r, w);
      return;
    }
    case 4:
    case 5:
      multiply(cpu, cpu.readRM(insn, w), w, insn.reg === 5);
      return;
    default:
      divide(cpu, cpu.readRM(insn, w), w, insn.reg === 7);
  }
}

function multiply(cpu: CpuCore, src: number, w: number, signed: boolean): void {
  const acc = cpu.getReg(0, w);
  if (w === 8) {
    const p = signed ? ((acc << 24) >> 24) * ((src << 24) >> 24) : acc * src;
    cpu.setReg(0, 16, p);
    const overflow = signed ? (p << 24) >> 24 !== p : p > 0xff;
    setMulFlags(cpu, p, 8, overflow);
    return;
  }
  if (w === 16) {
    const p = signed ? ((acc << 16) >> 16) * ((src << 16) >> 16) : acc * src;
    cpu.setReg(0, 16, p);
    cpu.setReg(2, 16, p >> 16);
    const overflow = signed ? (p << 16) >> 16 !== p : p > 0xffff;
    setMulFlags(cpu, p, 16, overflow);
    return;
  }
  // 32x32 -> 64 from 16-bit halves, no BigInt.
  const a = acc >>> 0;
  const b = src >>> 0;
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const low = aLo * bLo + ((mid1 & 0xffff) + (mid2 & 0xffff)) * 0x10000;
  const lo = low >>> 0;
  let hi = (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + Math.floor(low / 0x100000000)) >>> 0;
  if (signed) {
    if ((a & 0x80000000) !== 0) hi = (hi - b) >>> 0;
    if ((b & 0x80000000) !== 0) hi = (hi - a) >>> 0;
  }
  cpu.regs[0] = lo;
  cpu.regs[2] = hi;
  const overflow = signed ? (hi | 0) !== (lo | 0) >> 31 : hi !== 0;
  setMulFlags(cpu, lo, 32, overflow);
}

function divideError(): never {
  throw new GuestFault(Vector.DE, -1);
}

function divide(cpu: CpuCore, src: number, w: number, signed: boolean): void {
  if (src === 0) divideError();
  if (w === 8) {
    const n = cpu.getReg(0, 16);
    let q: number;
    let r: number;
    if (signed) {
      const sn = (n << 16) >> 16;
      const d = (src << 24) >> 24;
      q = Math.trunc(sn / d);
      r = sn - q * d;
      if (q > 127 || q < -128) divideError();
    } else {
      q = Math.floor(n / src);
      r = n % src;
      if (q > 0xff) divideError();
    }
    cpu.setReg(0, 16, (q & 0xff) | ((r & 0xff) << 8));
    return;
  }
  if (w === 16) {
    const n = ((cpu.getReg(2, 16) << 16) | cpu.getReg(0, 16)) >>> 0;
    let q: number;
    let r: number;
    if (signed) {
      const sn = n | 0;
      const d = (src << 16) >> 16;
      q = Math.trunc(sn / d);
      r = sn - q * d;
      if (q > 32767 || q < -32768) divideError();
    } else {
      q = Math.floor(n / src);
      r = n % src;
      if (q > 0xffff) divideError();
    }
    cpu.setReg(0, 16, q);
    cpu.setReg(2, 16, r);
    return;
  }
  const [q, r] = divide64(cpu.regs[2]! >>> 0, cpu.regs[0]! >>> 0, src >>> 0, signed);
  cpu.regs[0] = q;
  cpu.regs[2] = r;
}

/** EDX:EAX / divisor without BigInt: long division in 16-bit digits. Throws #DE on overflow. */
function divide64(hi: number, lo: number, divisor: number, signed: boolean): [number, number] {
  let negQ = false;
  let negR = false;
  if (signed) {
    if ((hi & 0x80000000) !== 0) {
      // Negate the 64-bit dividend.
      lo = (~lo + 1) >>> 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
      negQ = true;
      negR = true;
    }
    if ((divisor & 0x80000000) !== 0) {
      divisor = -divisor >>> 0;
      negQ = !negQ;
    }
  }
  if (hi >= divisor) divideError();
  // Now the quotient fits in 32 bits; divide (hi:lo) 16 bits at a time.
  let rem = hi;
  let q = 0;
  for (let shift = 16; shift >= 0; shift -= 16) {
    const cur = rem * 0x10000 + ((lo >>> shift) & 0xffff);
    const digit = Math.floor(cur / divisor);
    rem = cur - digit * divisor;
    q = q * 0x10000 + digit;
  }
  if (signed) {
    if (negQ ? q > 0x80000000 : q > 0x7fffffff) divideError();
    return [negQ ? -q | 0 : q | 0, negR ? -rem | 0 : rem | 0];
  }
  return [q >>> 0, rem >>> 0];
}

function registerBcd(t: Handler[]): void {
  t[0x27] = (cpu) => decimalAdjust(cpu, false);
  t[0x2f] = (cpu) => decimalAdjust(cpu, true);
  t[0x37] = (cpu) => asciiAdjust(cpu, false);
  t[0x3f] = (cpu) => asciiAdjust(cpu, true);
  t[0xd4] = (cpu, insn) => {
    const base = insn.imm & 0xff;
    if (base === 0) divideError();
    const al = cpu.getReg8(0);
    const r = al % base;
    cpu.setReg8(4, Math.floor(al / base));
    cpu.setReg8(0, r);
    setLazy(cpu, FLAGS_LOGIC, 0, 0, r, 8);
  };
  t[0xd5] = (cpu, insn) => {
    const r = (cpu.getReg8(0) + cpu.getReg8(4) * (insn.imm & 0xff)) & 0xff;
    cpu.setReg(0, 16, r);
    setLazy(cpu, FLAGS_LOGIC, 0, 0, r, 8);
  };
}

function decimalAdjust(cpu: CpuCore, subtract: boolean): void {
  const oldAl = cpu.getReg8(0);
  const oldCf = getCF(cpu);
  let al = oldAl;
  let cf = 0;
  let af = 0;
  if ((al & 0xf) > 9 || getAF(cpu)) {
    al = subtract ? al - 6 : al + 6;
    cf = oldCf | (al > 0xff || al < 0 ? 1 : 0);
    al &= 0xff;
    af = 1;
  }
  if (oldAl > 0x99 || oldCf) {
    al = (subtract ? al - 0x60 : al + 0x60) & 0xff;
    cf = 1;
  }
  cpu.setReg8(0, al);
  setLazy(cpu, FLAGS_LOGIC, 0, 0, al, 8);
  settleFlags(cpu);
  cpu.fStored = (cpu.fStored & ~(CF | AF)) | (cf ? CF : 0) | (af ? AF : 0);
}

function asciiAdjust(cpu: CpuCore, subtract: boolean): void {
  const al = cpu.getReg8(0);
  let ax = cpu.getReg(0, 16);
  const adjust = (al & 0xf) > 9 || getAF(cpu) !== 0;
  if (adjust) {
    if (subtract) ax = (ax - 6 - 0x100) & 0xffff;
    else ax = (ax + 0x106) & 0xffff;
  }
  ax &= 0xff0f;
  cpu.setReg(0, 16, ax);
  setLazy(cpu, FLAGS_LOGIC, 0, 0, ax & 0xff, 8);
  settleFlags(cpu);
  cpu.fStored = (cpu.fStored & ~(CF | AF)) | (adjust ? CF | AF : 0);
}
