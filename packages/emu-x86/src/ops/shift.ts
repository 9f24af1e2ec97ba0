import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { AF, CF, FLAGS_RESULT, getCF, OF, setLazy, settleFlags } from "../flags.js";
import { mask } from "./alu.js";
import type { Handler } from "./execute.js";

/**
 * Shifts and rotates (group 2, SHLD, SHRD). Undefined flags follow QEMU: OF is computed for every
 * count from the last two bits shifted, AF is cleared.
 */

function msb(v: number, w: number): number {
  return (v >>> (w - 1)) & 1;
}

function setShiftFlags(cpu: CpuCore, res: number, w: number, cf: number, of: number): void {
  setLazy(cpu, FLAGS_RESULT, 0, 0, res, w);
  cpu.fStored = (cpu.fStored & ~(CF | OF | AF)) | (cf ? CF : 0) | (of ? OF : 0);
}

function setRotateFlags(cpu: CpuCore, cf: number, of: number): void {
  settleFlags(cpu);
  cpu.fStored = (cpu.fStored & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0);
}

/** One group-2 operation on `a` (already masked); returns the result (flags set). */
export function shift(cpu: CpuCore, op: number, a: number, count: number, w: number): number {
  count &= 31;
  if (count === 0) return a;
  switch (op) {
    case 0: {
      const c = count % w;
      const r = mask((a << c) | (c === 0 ? 0 : a >>> (w - c)), w);
      const cf = r & 1;
      setRotateFlags(cpu, cf, msb(r, w) ^ cf);
      return r;
    }
    case 1: {
      const c = count % w;
      const r = mask((a >>> c) | (c === 0 ? 0 : a << (w - c)), w);
      setRotateFlags(cpu, msb(r, w), msb(r, w) ^ ((r >>> (w - 2)) & 1));
      return r;
    }
    case 2: {
      // RCL through w+1 bits.
      const c = count % (w + 1);
      if (c === 0) return a;
      let r = a;
      let cf = getCF(cpu);
      for (let i = 0; i < c; i++) {
        const out = msb(r, w);
        r = mask((r << 1) | cf, w);
        cf = out;
      }
      setRotateFlags(cpu, cf, msb(r, w) ^ cf);
      return r;
    }
    case 3: {
      const c = count % (w + 1);
      if (c === 0) return a;
      let r = a;
      let cf = getCF(cpu);
      const of = msb(a, w) ^ cf;
      for (let i = 0; i < c; i++) {
        const out = r & 1;
        r = mask((r >>> 1) | (cf << (w - 1)), w);
        cf = out;
      }
      setRotateFlags(cpu, cf, c === 1 ? of : msb(r, w) ^ ((r >>> (w - 2)) & 1));
      return r;
    }
    case 4:
    case 6: {
      const prev = count - 1 >= 32 ? 0 : a << (count - 1);
      const r = count >= 32 ? 0 : mask(a << count, w);
      const cf = msb(prev, w);
      setShiftFlags(cpu, r, w, cf, cf ^ msb(r, w));
      return r;
    }
    case 5: {
      const prev = a >>> (count - 1);
      const r = mask(a >>> count, w);
      setShiftFlags(cpu, r, w, prev & 1, msb(prev ^ r, w));
      return r;
    }
    default: {
      const s = (a << (32 - w)) >> (32 - w);
      const prev = s >> Math.min(count - 1, 31);
      const r = mask(s >> Math.min(count, 31), w);
      setShiftFlags(cpu, r, w, prev & 1, 0);
      return r;
    }
  }
}

function shiftRM(cpu: CpuCore, insn: Instruction, w: number, count: number): void {
  if (insn.mod === 3) {
    cpu.setReg(insn.rm, w, shift(cpu, insn.reg, cpu.getReg(insn.rm, w), count, w));
    return;
  }
  const lin = cpu.effectiveAddress(insn);
  const a = cpu.readForWrite(lin, w);
  if ((count & 31) === 0) return;
  const r = shift(cpu, insn.reg, a, count, w);
  cpu.writeW(lin, w, r);
}

function doubleShift(cpu: CpuCore, insn: Instruction, count: number, left: boolean): void {
  const w = insn.opsize;
  count &= 31;
  const lin = insn.mod === 3 ? 0 : cpu.effectiveAddress(insn);
  const dst = insn.mod === 3 ? cpu.getReg(insn.rm, w) : cpu.readForWrite(lin, w);
  if (count === 0) return;
  const src = cpu.getReg(insn.reg, w);
  let r: number;
  let cf: number;
  let prevMsb: number;
  if (w === 32) {
    if (left) {
      r = (dst << count) | (src >>> (32 - count));
      cf = (dst >>> (32 - count)) & 1;
      prevMsb = ((dst << (count - 1)) >>> 31) & 1;
    } else {
      r = (dst >>> count) | (src << (32 - count));
      cf = (dst >>> (count - 1)) & 1;
      prevMsb = count === 1 ? dst >>> 31 : (src >>> (count - 2)) & 1;
    }
  } else {
    // 16-bit: operate on the 32-bit concatenation as QEMU does.
    const wide = left ? ((dst << 16) | src) >>> 0 : ((src << 16) | dst) >>> 0;
    const c = count;
    if (left) {
      const v = c <= 16 ? (wide << c) | (c > 16 ? 0 : 0) : ((wide << c) | (dst << (c - 16))) >>> 0;
      r = (v >>> 16) & 0xffff;
      cf = ((wide << (c - 1)) >>> 31) & 1;
      prevMsb = cf;
    } else {
      const ext = c > 16 ? (wide | (dst * 0x100000000)) / 2 ** c : wide >>> c;
      r = Math.floor(ext) & 0xffff;
      cf = c > 16 ? 0 : (wide >>> (c - 1)) & 1;
      prevMsb = c > 16 ? 0 : ((wide >>> (c - 1)) >>> 15) & 1;
    }
  }
  r = mask(r, w);
  if (insn.mod === 3) cpu.setReg(insn.rm, w, r);
  else cpu.writeW(lin, w, r);
  setShiftFlags(cpu, r, w, cf, prevMsb ^ msb(r, w));
}

/** Registers the handlers of this group. */
export function registerShift(t: Handler[]): void {
  t[0xc0] = (cpu, insn) => shiftRM(cpu, insn, 8, insn.imm);
  t[0xc1] = (cpu, insn) => shiftRM(cpu, insn, insn.opsize, insn.imm);
  t[0xd0] = (cpu, insn) => shiftRM(cpu, insn, 8, 1);
  t[0xd1] = (cpu, insn) => shiftRM(cpu, insn, insn.opsize, 1);
  t[0xd2] = (cpu, insn) => shiftRM(cpu, insn, 8, cpu.regs[1]!);
  t[0xd3] = (cpu, insn) => shiftRM(cpu, insn, insn.opsize, cpu.regs[1]!);
  t[0x1a4] = (cpu, insn) => doubleShift(cpu, insn, insn.imm, true);
  t[0x1a5] = (cpu, insn) => doubleShift(cpu, insn, cpu.regs[1]!, true);
  t[0x1ac] = (cpu, insn) => doubleShift(cpu, insn, insn.imm, false);
  t[0x1ad] = (cpu, insn) => doubleShift(cpu, insn, cpu.regs[1]!, false);
}
