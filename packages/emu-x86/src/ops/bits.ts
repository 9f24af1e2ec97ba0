import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { undefinedOpcode } from "../faults.js";
import { CF, FLAGS_LOGIC, setLazy, settleFlags, testCondition, ZF } from "../flags.js";
import type { Handler } from "./execute.js";

/** Bit instructions: BT/BTS/BTR/BTC, BSF/BSR, BSWAP, SETcc, CMOVcc. */

function bitTest(
  cpu: CpuCore,
  insn: Instruction,
  bit: number,
  op: number,
  immediate: boolean,
): void {
  const w = insn.opsize;
  let lin = 0;
  let value: number;
  if (insn.mod === 3) {
    bit &= w - 1;
    value = cpu.getReg(insn.rm, w);
  } else {
    if (immediate) bit &= w - 1;
    else {
      // A register bit offset addresses memory beyond the operand (signed).
      const signed = w === 16 ? (bit << 16) >> 16 : bit | 0;
      const unit = Math.floor(signed / w);
      lin = (cpu.effectiveAddress(insn) + unit * (w >> 3)) | 0;
      bit = signed - unit * w;
    }
    if (immediate) lin = cpu.effectiveAddress(insn);
    value = op === 0 ? cpu.readW(lin, w) : cpu.readForWrite(lin, w);
  }
  const cf = (value >>> bit) & 1;
  let r = value;
  if (op === 1) r = value | (1 << bit);
  else if (op === 2) r = value & ~(1 << bit);
  else if (op === 3) r = value ^ (1 << bit);
  if (op !== 0) {
    if (insn.mod === 3) cpu.setReg(insn.rm, w, r);
    else cpu.writeW(lin, w, r);
  }
  settleFlags(cpu);
  cpu.fStored = (cpu.fStored & ~CF) | cf;
}

/** Registers the handlers of this group. */
export function registerBits(t: Handler[]): void {
  t[0x1a3] = (cpu, insn) => bitTest(cpu, insn, cpu.getReg(insn.reg, insn.opsize), 0, false);
  t[0x1ab] = (cpu, insn) => bitTest(cpu, insn, cpu.getReg(insn.reg, insn.opsize), 1, false);
  t[0x1b3] = (cpu, insn) => bitTest(cpu, insn, cpu.getReg(insn.reg, insn.opsize), 2, false);
  t[0x1bb] = (cpu, insn) => bitTest(cpu, insn, cpu.getReg(insn.reg, insn.opsize), 3, false);
  t[0x1ba] = (cpu, insn) => {
    if (insn.reg < 4) undefinedOpcode();
    bitTest(cpu, insn, insn.imm & 0xff, insn.reg - 4, true);
  };
  t[0x1bc] = t[0x1bd] = (cpu, insn) => {
    const w = insn.opsize;
    const v = cpu.readRM(insn, w);
    // ZF = source was zero; the destination is left unchanged then (as Intel and QEMU do).
    // The other status flags are undefined: computed from the source like a logic op.
    setLazy(cpu, FLAGS_LOGIC, 0, 0, v, w);
    settleFlags(cpu);
    if (v === 0) {
      cpu.fStored |= ZF;
      return;
    }
    cpu.fStored &= ~ZF;
    const index = insn.opcode === 0x1bc ? 31 - Math.clz32(v & -v) : 31 - Math.clz32(v);
    cpu.setReg(insn.reg, w, index);
  };
  for (let r = 0; r < 8; r++) {
    t[0x1c8 + r] = (cpu, insn) => {
      const v = cpu.regs[r]!;
      // With a 16-bit operand size the result is undefined; real CPUs clear the low word.
      if (insn.opsize === 16) cpu.setReg(r, 16, 0);
      else
        cpu.regs[r] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
    };
  }
  for (let cc = 0; cc < 16; cc++) {
    t[0x190 + cc] = (cpu, insn) => cpu.writeRM(insn, 8, testCondition(cpu, cc) ? 1 : 0);
    t[0x140 + cc] = (cpu, insn) => {
      const w = insn.opsize;
      // The source is read (and may fault) even when the condition is false.
      const v = cpu.readRM(insn, w);
      if (testCondition(cpu, cc)) cpu.setReg(insn.reg, w, v);
    };
  }
}
