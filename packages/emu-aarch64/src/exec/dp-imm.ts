/** Data processing (immediate): PC-relative, add/sub, logical, move wide, bitfield, extract. */
import type { Aarch64Cpu } from "../cpu.js";
import { undefinedInstruction } from "../exceptions.js";
import { add32, add64, asr64, bitMask, lsl64, lsr64, ones32 } from "./alu.js";

const TWO32 = 4294967296;

/** Execute an instruction of the "data processing - immediate" group. */
export function execDpImm(cpu: Aarch64Cpu, insn: number): void {
  switch ((insn >>> 23) & 7) {
    case 0:
    case 1: {
      pcRelative(cpu, insn);
      return;
    }
    case 2: {
      addSubImmediate(cpu, insn);
      return;
    }
    case 4: {
      logicalImmediate(cpu, insn);
      return;
    }
    case 5: {
      moveWide(cpu, insn);
      return;
    }
    case 6: {
      bitfield(cpu, insn);
      return;
    }
    case 7: {
      extract(cpu, insn);
      return;
    }
    default:
      undefinedInstruction(cpu);
  }
}

/** ADR / ADRP. */
function pcRelative(cpu: Aarch64Cpu, insn: number): void {
  const rd = insn & 31;
  let imm = (((insn << 8) >> 13) << 2) | ((insn >>> 29) & 3); // sign-extended immhi:immlo
  let baseLo = cpu.curLo;
  if (insn < 0) {
    baseLo &= -4096;
    imm *= 4096;
  }
  const offHi = Math.floor(imm / TWO32);
  const offLo = (imm - offHi * TWO32) | 0;
  const lo = add64(cpu, baseLo, cpu.curHi, offLo, offHi, 0, false);
  if (rd !== 31) {
    cpu.x[rd * 2] = lo;
    cpu.x[rd * 2 + 1] = cpu.rhi;
  }
}

/** ADD/ADDS/SUB/SUBS (immediate). */
function addSubImmediate(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const sub = (insn >>> 30) & 1;
  const setFlags = ((insn >>> 29) & 1) === 1;
  let imm = (insn >>> 10) & 0xfff;
  if ((insn >>> 22) & 1) imm <<= 12;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  const ni = rn === 31 ? 64 : rn * 2;
  let lo: number;
  let hi = 0;
  if (insn < 0) {
    lo = sub
      ? add64(cpu, x[ni]!, x[ni + 1]!, ~imm, -1, 1, setFlags)
      : add64(cpu, x[ni]!, x[ni + 1]!, imm, 0, 0, setFlags);
    hi = cpu.rhi;
  } else {
    lo = sub ? add32(cpu, x[ni]!, ~imm, 1, setFlags) : add32(cpu, x[ni]!, imm, 0, setFlags);
  }
  if (rd === 31) {
    if (setFlags) return;
    x[64] = lo;
    x[65] = hi;
    return;
  }
  x[rd * 2] = lo;
  x[rd * 2 + 1] = hi;
}

/** AND/ORR/EOR/ANDS (immediate). */
function logicalImmediate(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const is64 = insn < 0;
  const n = (insn >>> 22) & 1;
  if (!is64 && n) undefinedInstruction(cpu);
  const mlo = bitMask(cpu, n, (insn >>> 10) & 0x3f, (insn >>> 16) & 0x3f, is64);
  if (mlo === undefined) undefinedInstruction(cpu);
  const mhi = cpu.rhi;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  const opc = (insn >>> 29) & 3;
  const alo = x[rn * 2]!;
  const ahi = is64 ? x[rn * 2 + 1]! : 0;
  let lo: number;
  let hi: number;
  if (opc === 1) {
    lo = alo | mlo;
    hi = ahi | mhi;
  } else if (opc === 2) {
    lo = alo ^ mlo;
    hi = ahi ^ mhi;
  } else {
    lo = alo & mlo;
    hi = ahi & mhi;
  }
  if (opc === 3) {
    cpu.nf = (is64 ? hi : lo) >>> 31;
    cpu.zf = (lo | hi) === 0 ? 1 : 0;
    cpu.cf = 0;
    cpu.vf = 0;
    if (rd === 31) return;
  }
  const di = rd === 31 ? 64 : rd * 2;
  x[di] = lo;
  x[di + 1] = hi;
}

/** MOVN/MOVZ/MOVK. */
function moveWide(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const is64 = insn < 0;
  const opc = (insn >>> 29) & 3;
  const hw = (insn >>> 21) & 3;
  if (opc === 1 || (!is64 && hw >= 2)) undefinedInstruction(cpu);
  const rd = insn & 31;
  if (rd === 31) return;
  const imm = (insn >>> 5) & 0xffff;
  const shift = (hw & 1) * 16;
  const inHi = hw >= 2;
  let lo: number;
  let hi: number;
  if (opc === 3) {
    lo = x[rd * 2]!;
    hi = is64 ? x[rd * 2 + 1]! : 0;
    const mask = ~(0xffff << shift);
    if (inHi) hi = (hi & mask) | (imm << shift);
    else lo = (lo & mask) | (imm << shift);
  } else {
    lo = inHi ? 0 : imm << shift;
    hi = inHi ? imm << shift : 0;
    if (opc === 0) {
      lo = ~lo;
      hi = is64 ? ~hi : 0;
    }
  }
  x[rd * 2] = lo;
  x[rd * 2 + 1] = hi;
}

/** SBFM/BFM/UBFM and their aliases (LSL, LSR, ASR, SXT*, UXT*, *BFX, *BFIZ, BFI, BFXIL). */
function bitfield(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const is64 = insn < 0;
  const opc = (insn >>> 29) & 3;
  const n = (insn >>> 22) & 1;
  const immr = (insn >>> 16) & 0x3f;
  const imms = (insn >>> 10) & 0x3f;
  if (opc === 3 || n !== (is64 ? 1 : 0) || (!is64 && (immr >= 32 || imms >= 32))) {
    undefinedInstruction(cpu);
  }
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  if (rd === 31) return;
  const slo = x[rn * 2]!;
  const shi = x[rn * 2 + 1]!;
  if (!is64) {
    let v: number;
    let mask: number;
    if (imms >= immr) {
      const up = slo << (31 - imms);
      v = opc === 0 ? up >> (31 - imms + immr) : up >>> (31 - imms + immr);
      mask = ones32(imms - immr + 1);
    } else {
      const up = slo << (31 - imms);
      v = (opc === 0 ? up >> (31 - imms) : up >>> (31 - imms)) << (32 - immr);
      mask = ones32(imms + 1) << (32 - immr);
    }
    if (opc === 1) v = (x[rd * 2]! & ~mask) | (v & mask);
    x[rd * 2] = v;
    x[rd * 2 + 1] = 0;
    return;
  }
  let lo = lsl64(cpu, slo, shi, 63 - imms);
  let hi = cpu.rhi;
  let mlo: number;
  let mhi: number;
  if (imms >= immr) {
    const amount = 63 - imms + immr;
    lo = opc === 0 ? asr64(cpu, lo, hi, amount) : lsr64(cpu, lo, hi, amount);
    hi = cpu.rhi;
    const width = imms - immr + 1;
    mlo = ones32(width);
    mhi = width > 32 ? ones32(width - 32) : 0;
  } else {
    lo = opc === 0 ? asr64(cpu, lo, hi, 63 - imms) : lsr64(cpu, lo, hi, 63 - imms);
    hi = cpu.rhi;
    lo = lsl64(cpu, lo, hi, 64 - immr);
    hi = cpu.rhi;
    const width = imms + 1;
    mlo = lsl64(cpu, ones32(width), width > 32 ? ones32(width - 32) : 0, 64 - immr);
    mhi = cpu.rhi;
  }
  if (opc === 1) {
    lo = (x[rd * 2]! & ~mlo) | (lo & mlo);
    hi = (x[rd * 2 + 1]! & ~mhi) | (hi & mhi);
  }
  x[rd * 2] = lo;
  x[rd * 2 + 1] = hi;
}

/** EXTR (and ROR immediate). */
function extract(cpu: Aarch64Cpu, insn: number): void {
  const x = cpu.x;
  const is64 = insn < 0;
  const n = (insn >>> 22) & 1;
  const lsb = (insn >>> 10) & 0x3f;
  if ((insn >>> 29) & 3 || (insn >>> 21) & 1 || n !== (is64 ? 1 : 0) || (!is64 && lsb >= 32)) {
    undefinedInstruction(cpu);
  }
  const rm = (insn >>> 16) & 31;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  if (rd === 31) return;
  if (!is64) {
    const m = x[rm * 2]!;
    x[rd * 2] = lsb === 0 ? m : (m >>> lsb) | (x[rn * 2]! << (32 - lsb));
    x[rd * 2 + 1] = 0;
    return;
  }
  const w = [x[rm * 2]!, x[rm * 2 + 1]!, x[rn * 2]!, x[rn * 2 + 1]!, 0];
  const ws = lsb >>> 5;
  const bs = lsb & 31;
  const lo = bs === 0 ? w[ws]! : (w[ws]! >>> bs) | (w[ws + 1]! << (32 - bs));
  const hi = bs === 0 ? w[ws + 1]! : (w[ws + 1]! >>> bs) | (w[ws + 2]! << (32 - bs));
  x[rd * 2] = lo;
  x[rd * 2 + 1] = hi;
}
