import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { generalProtection, undefinedOpcode } from "../faults.js";
import { IF, IOPL, RF, readEflags, VM, writeEflags } from "../flags.js";
import { SS } from "../registers.js";
import { loadSegment } from "../segmentation.js";
import { Interruptibility } from "../vmcs.js";
import type { Handler } from "./execute.js";

/** Stack instructions: PUSH/POP forms, PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE. */

/** EFLAGS bits POPF/IRET may change (before the privilege rules): all but VM, RF and reserved. */
const WRITABLE_FLAGS = 0x00247fd5;

/** Applies a popped EFLAGS value with the privilege rules of POPF and IRET. */
export function loadFlags(cpu: CpuCore, value: number, width: number): void {
  let writable = WRITABLE_FLAGS;
  if (cpu.protectedMode) {
    if (cpu.cpl > 0) writable &= ~IOPL;
    if (cpu.cpl > (readEflags(cpu) & IOPL) >> 12) writable &= ~IF;
  }
  if (width === 16) writable &= 0xffff;
  const old = readEflags(cpu);
  writeEflags(cpu, ((old & ~writable) | (value & writable)) & ~(VM | RF));
}

function popToRM(cpu: CpuCore, insn: Instruction): void {
  if (insn.reg !== 0) undefinedOpcode();
  const w = insn.opsize;
  const v = cpu.peek(0, w);
  if (insn.mod === 3) {
    cpu.adjustStack(w >> 3);
    cpu.setReg(insn.rm, w, v);
    return;
  }
  const oldEsp = cpu.regs[4]!;
  cpu.adjustStack(w >> 3);
  try {
    // The address is computed with ESP already incremented.
    cpu.writeW(cpu.effectiveAddress(insn), w, v);
  } catch (e) {
    cpu.regs[4] = oldEsp;
    throw e;
  }
}

function popSegment(cpu: CpuCore, insn: Instruction, seg: number): void {
  const w = insn.opsize;
  const sel = cpu.peek(0, w) & 0xffff;
  loadSegment(cpu, seg, sel);
  cpu.adjustStack(w >> 3);
  if (seg === SS) cpu.blockInterrupts(Interruptibility.BLOCKING_BY_MOV_SS);
}

/** Registers the handlers of this group. */
export function registerStack(t: Handler[]): void {
  for (let r = 0; r < 8; r++) {
    t[0x50 + r] = (cpu, insn) => cpu.push(cpu.regs[r]!, insn.opsize);
    t[0x58 + r] = (cpu, insn) => {
      const w = insn.opsize;
      const v = cpu.pop(w);
      cpu.setReg(r, w, v);
    };
  }
  const pushSeg =
    (seg: number): Handler =>
    (cpu, insn) =>
      cpu.push(cpu.segSel[seg]!, insn.opsize);
  const popSeg =
    (seg: number): Handler =>
    (cpu, insn) =>
      popSegment(cpu, insn, seg);
  t[0x06] = pushSeg(0);
  t[0x0e] = pushSeg(1);
  t[0x16] = pushSeg(2);
  t[0x1e] = pushSeg(3);
  t[0x1a0] = pushSeg(4);
  t[0x1a8] = pushSeg(5);
  t[0x07] = popSeg(0);
  t[0x17] = popSeg(2);
  t[0x1f] = popSeg(3);
  t[0x1a1] = popSeg(4);
  t[0x1a9] = popSeg(5);
  t[0x68] = t[0x6a] = (cpu, insn) => cpu.push(insn.imm, insn.opsize);
  t[0x8f] = popToRM;
  t[0x60] = (cpu, insn) => {
    const w = insn.opsize;
    const esp = cpu.regs[4]!;
    const values = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => (r === 4 ? esp : cpu.regs[r]!));
    try {
      for (const v of values) cpu.push(v, w);
    } catch (e) {
      cpu.regs[4] = esp;
      throw e;
    }
  };
  t[0x61] = (cpu, insn) => {
    const w = insn.opsize;
    const bytes = w >> 3;
    const values: number[] = [];
    for (let i = 0; i < 8; i++) values.push(cpu.peek(i * bytes, w));
    for (let i = 0; i < 8; i++) {
      const r = 7 - i;
      if (r !== 4) cpu.setReg(r, w, values[i]!);
    }
    cpu.adjustStack(8 * bytes);
  };
  t[0x9c] = (cpu, insn) => {
    // PUSHF stores EFLAGS with VM and RF cleared.
    cpu.push(readEflags(cpu) & ~(VM | RF), insn.opsize);
  };
  t[0x9d] = (cpu, insn) => {
    const w = insn.opsize;
    const v = cpu.peek(0, w);
    loadFlags(cpu, v, w);
    cpu.adjustStack(w >> 3);
  };
  t[0xc9] = (cpu, insn) => {
    const w = insn.opsize;
    const oldEsp = cpu.regs[4]!;
    if (cpu.stack32) cpu.regs[4] = cpu.regs[5]!;
    else cpu.setReg(4, 16, cpu.regs[5]!);
    try {
      const v = cpu.pop(w);
      cpu.setReg(5, w, v);
    } catch (e) {
      cpu.regs[4] = oldEsp;
      throw e;
    }
  };
  t[0xc8] = (cpu, insn) => {
    const w = insn.opsize;
    const bytes = w >> 3;
    const size = insn.imm & 0xffff;
    const level = insn.imm2 & 31;
    const oldEsp = cpu.regs[4]!;
    const oldEbp = cpu.regs[5]!;
    try {
      cpu.push(oldEbp, w);
      const frame = cpu.stack32 ? cpu.regs[4]! : cpu.regs[4]! & 0xffff;
      let ebp = oldEbp;
      for (let i = 1; i < level; i++) {
        ebp = cpu.stack32 ? (ebp - bytes) | 0 : (ebp & ~0xffff) | ((ebp - bytes) & 0xffff);
        const at = cpu.stack32 ? ebp : ebp & 0xffff;
        cpu.push(cpu.readW((cpu.segBase[SS]! + at) | 0, w), w);
      }
      if (level > 0) cpu.push(frame, w);
      cpu.adjustStack(-size);
      cpu.setReg(5, w, frame);
    } catch (e) {
      cpu.regs[4] = oldEsp;
      cpu.regs[5] = oldEbp;
      throw e;
    }
  };
}

/** Raises #GP(0) unless the instruction may run at the current CPL and IOPL (CLI, STI, IN, OUT). */
export function checkIopl(cpu: CpuCore): void {
  if (cpu.protectedMode && cpu.cpl > (cpu.fStored & IOPL) >> 12) generalProtection(0);
}
