import type { CpuCore } from "../cpu.js";
import type { Instruction } from "../decode/instruction.js";
import { GuestFault, generalProtection, undefinedOpcode, Vector } from "../faults.js";
import { IOPL, NT, OF, readEflags, testCondition, VM } from "../flags.js";
import { deliverEvent } from "../interrupts.js";
import { CS, SS } from "../registers.js";
import {
  accessRights,
  checkCodeDescriptor,
  clearOuterDataSegments,
  Descriptor,
  loadCodeSegment,
  markAccessed,
  readDescriptor,
  setRealModeSegment,
  setSegmentFromDescriptor,
} from "../segmentation.js";
import { ExitReason, InterruptionType } from "../vmcs.js";
import { instructionExit } from "../vmexit.js";
import { incDecV } from "./alu.js";
import type { Handler } from "./execute.js";
import { loadFlags } from "./stack.js";

/** Control transfer: Jcc, JMP, CALL, RET, LOOP, far transfers, INT n/INT3/INTO, IRET, BOUND. */

function counter(cpu: CpuCore, insn: Instruction): number {
  return insn.adsize === 32 ? cpu.regs[1]! : cpu.regs[1]! & 0xffff;
}

function decrementCounter(cpu: CpuCore, insn: Instruction): number {
  if (insn.adsize === 32) {
    cpu.regs[1] = (cpu.regs[1]! - 1) | 0;
    return cpu.regs[1]!;
  }
  cpu.setReg(1, 16, cpu.regs[1]! - 1);
  return cpu.regs[1]! & 0xffff;
}

/** Far JMP/CALL to selector:offset. */
function farTransfer(
  cpu: CpuCore,
  insn: Instruction,
  selector: number,
  offset: number,
  call: boolean,
): void {
  const w = insn.opsize;
  if (!cpu.protectedMode) {
    if (call) {
      cpu.push(cpu.segSel[CS]!, w);
      cpu.push(cpu.eip, w);
    }
    setRealModeSegment(cpu, CS, selector);
    cpu.eip = w === 16 ? offset & 0xffff : offset;
    return;
  }
  if ((selector & 0xfffc) === 0) generalProtection(0);
  const d = new Descriptor();
  readDescriptor(cpu, selector, d);
  const ar = accessRights(d.hi);
  if ((ar & 0x10) === 0) {
    const type = ar & 0xf;
    if (type === 0x5 || type === 0x1 || type === 0x9) {
      // Task gate or TSS: task switches always exit (source 0 CALL, 2 JMP).
      instructionExit(cpu, ExitReason.TASK_SWITCH, (selector & 0xffff) | ((call ? 0 : 2) << 30));
    }
    if (type !== 0x4 && type !== 0xc) generalProtection(selector);
    callGate(cpu, insn, selector, d, call);
    return;
  }
  checkCodeDescriptor(selector, d);
  const dpl = (ar >> 5) & 3;
  const conforming = (ar & 4) !== 0;
  if (conforming ? dpl > cpu.cpl : (selector & 3) > cpu.cpl || dpl !== cpu.cpl)
    generalProtection(selector);
  if (call) {
    const esp = cpu.regs[4]!;
    try {
      cpu.push(cpu.segSel[CS]!, w);
      cpu.push(cpu.eip, w);
    } catch (e) {
      cpu.regs[4] = esp;
      throw e;
    }
  }
  loadCodeSegment(cpu, selector, d, cpu.cpl);
  cpu.eip = w === 16 ? offset & 0xffff : offset;
}

/** JMP/CALL through a call gate to the same privilege level (inner-ring calls exit nowhere: #GP). */
function callGate(
  cpu: CpuCore,
  insn: Instruction,
  selector: number,
  gate: Descriptor,
  call: boolean,
): void {
  const gar = accessRights(gate.hi);
  const gdpl = (gar >> 5) & 3;
  if (gdpl < cpu.cpl || gdpl < (selector & 3)) generalProtection(selector);
  if ((gar & 0x80) === 0) throw new GuestFault(Vector.NP, selector & 0xfffc);
  const target = gate.lo >>> 16;
  const gate32 = (gar & 8) !== 0;
  const offset = gate32 ? (gate.lo & 0xffff) | (gate.hi & 0xffff0000) : gate.lo & 0xffff;
  if ((target & 0xfffc) === 0) generalProtection(0);
  const d = new Descriptor();
  readDescriptor(cpu, target, d);
  const ar = checkCodeDescriptor(target, d);
  const dpl = (ar >> 5) & 3;
  const conforming = (ar & 4) !== 0;
  if (dpl > cpu.cpl) generalProtection(target);
  if (!conforming && dpl < cpu.cpl) {
    // Calls into an inner ring through a gate (with a TSS stack switch) are not implemented.
    generalProtection(target);
  }
  const w = gate32 ? 32 : 16;
  if (call) {
    const esp = cpu.regs[4]!;
    try {
      cpu.push(cpu.segSel[CS]!, w);
      cpu.push(cpu.eip, w);
    } catch (e) {
      cpu.regs[4] = esp;
      throw e;
    }
  }
  loadCodeSegment(cpu, target, d, cpu.cpl);
  cpu.eip = offset;
  void insn;
}

/** RETF / IRET common part: return to selector:offset, maybe to an outer ring. */
function farReturn(cpu: CpuCore, w: number, popBytes: number, iret: boolean): void {
  const bytes = w >> 3;
  const offset = cpu.peek(0, w);
  const selector = cpu.peek(bytes, w) & 0xffff;
  const flags = iret ? cpu.peek(2 * bytes, w) : 0;
  const frame = (iret ? 3 : 2) * bytes;
  if (!cpu.protectedMode) {
    cpu.adjustStack(frame + popBytes);
    setRealModeSegment(cpu, CS, selector);
    cpu.eip = w === 16 ? offset & 0xffff : offset;
    if (iret) loadFlags(cpu, flags, w);
    return;
  }
  if ((selector & 0xfffc) === 0) generalProtection(0);
  const d = new Descriptor();
  readDescriptor(cpu, selector, d);
  const ar = checkCodeDescriptor(selector, d);
  const rpl = selector & 3;
  const dpl = (ar >> 5) & 3;
  const conforming = (ar & 4) !== 0;
  if (rpl < cpu.cpl) generalProtection(selector);
  if (conforming ? dpl > rpl : dpl !== rpl) generalProtection(selector);
  if (rpl === cpu.cpl) {
    cpu.adjustStack(frame + popBytes);
    if (iret) loadFlags(cpu, flags, w);
    loadCodeSegment(cpu, selector, d, rpl);
    cpu.eip = w === 16 ? offset & 0xffff : offset;
    return;
  }
  // Return to an outer ring: the outer SS:ESP follows the frame.
  const newEsp = cpu.peek(frame + popBytes, w);
  const newSs = cpu.peek(frame + popBytes + bytes, w) & 0xffff;
  if ((newSs & 0xfffc) === 0) generalProtection(0);
  const sd = new Descriptor();
  readDescriptor(cpu, newSs, sd);
  const sar = accessRights(sd.hi);
  if ((newSs & 3) !== rpl || ((sar >> 5) & 3) !== rpl || (sar & 0x1a) !== 0x12)
    generalProtection(newSs);
  if ((sar & 0x80) === 0) throw new GuestFault(Vector.SS, newSs & 0xfffc);
  if (iret) loadFlags(cpu, flags, w);
  loadCodeSegment(cpu, selector, d, rpl);
  markAccessed(cpu, sd);
  setSegmentFromDescriptor(cpu, SS, newSs, sd);
  if (cpu.stack32) cpu.regs[4] = (newEsp + popBytes) | 0;
  else cpu.setReg(4, 16, newEsp + popBytes);
  cpu.eip = w === 16 ? offset & 0xffff : offset;
  clearOuterDataSegments(cpu);
}

function softwareInterrupt(cpu: CpuCore, vector: number, type: number): void {
  deliverEvent(cpu, vector, type, -1, cpu.eip, true);
}

/** Registers the handlers of this group. */
export function registerControl(t: Handler[]): void {
  for (let cc = 0; cc < 16; cc++) {
    const jcc: Handler = (cpu, insn) => {
      if (testCondition(cpu, cc)) cpu.branch(cpu.eip + insn.imm, insn.opsize);
    };
    t[0x70 + cc] = jcc;
    t[0x180 + cc] = jcc;
  }
  t[0xeb] = t[0xe9] = (cpu, insn) => cpu.branch(cpu.eip + insn.imm, insn.opsize);
  t[0xe8] = (cpu, insn) => {
    cpu.push(cpu.eip, insn.opsize);
    cpu.branch(cpu.eip + insn.imm, insn.opsize);
  };
  t[0xc3] = (cpu, insn) => {
    const target = cpu.peek(0, insn.opsize);
    cpu.adjustStack(insn.opsize >> 3);
    cpu.branch(target, insn.opsize);
  };
  t[0xc2] = (cpu, insn) => {
    const target = cpu.peek(0, insn.opsize);
    cpu.adjustStack((insn.opsize >> 3) + insn.imm);
    cpu.branch(target, insn.opsize);
  };
  t[0xe0] = (cpu, insn) => {
    if (decrementCounter(cpu, insn) !== 0 && !testCondition(cpu, 4))
      cpu.branch(cpu.eip + insn.imm, insn.opsize);
  };
  t[0xe1] = (cpu, insn) => {
    if (decrementCounter(cpu, insn) !== 0 && testCondition(cpu, 4))
      cpu.branch(cpu.eip + insn.imm, insn.opsize);
  };
  t[0xe2] = (cpu, insn) => {
    if (decrementCounter(cpu, insn) !== 0) cpu.branch(cpu.eip + insn.imm, insn.opsize);
  };
  t[0xe3] = (cpu, insn) => {
    if (counter(cpu, insn) === 0) cpu.branch(cpu.eip + insn.imm, insn.opsize);
  };
  t[0x9a] = (cpu, insn) => farTransfer(cpu, insn, insn.imm2, insn.imm, true);
  t[0xea] = (cpu, insn) => farTransfer(cpu, insn, insn.imm2, insn.imm, false);
  t[0xcb] = (cpu, insn) => farReturn(cpu, insn.opsize, 0, false);
  t[0xca] = (cpu, insn) => farReturn(cpu, insn.opsize, insn.imm, false);
  t[0xcf] = (cpu, insn) => {
    if (cpu.protectedMode && (cpu.fStored & NT) !== 0) {
      instructionExit(
        cpu,
        ExitReason.TASK_SWITCH,
        (cpu.systemAccess(() => cpu.read16(cpu.segBase[7]!)) | (1 << 30)) >>> 0,
      );
    }
    if (cpu.protectedMode && cpu.cpl === 0 && insn.opsize === 32 && (cpu.peek(8, 32) & VM) !== 0) {
      // Returning to virtual-8086 mode is not implemented; report it like a task switch cannot.
      generalProtection(0);
    }
    farReturn(cpu, insn.opsize, 0, true);
  };
  t[0xcc] = (cpu) => softwareInterrupt(cpu, 3, InterruptionType.SOFTWARE_EXCEPTION);
  t[0xcd] = (cpu, insn) =>
    softwareInterrupt(cpu, insn.imm & 0xff, InterruptionType.SOFTWARE_INTERRUPT);
  t[0xce] = (cpu) => {
    if ((readEflags(cpu) & OF) !== 0)
      softwareInterrupt(cpu, 4, InterruptionType.SOFTWARE_EXCEPTION);
  };
  t[0xf1] = (cpu) =>
    deliverEvent(cpu, 1, InterruptionType.PRIVILEGED_SOFTWARE_EXCEPTION, -1, cpu.eip, false);
  t[0x62] = (cpu, insn) => {
    if (insn.mod === 3) undefinedOpcode();
    const w = insn.opsize;
    const lin = cpu.effectiveAddress(insn);
    const sx = (v: number) => (w === 16 ? (v << 16) >> 16 : v | 0);
    const lower = sx(cpu.readW(lin, w));
    const upper = sx(cpu.readW((lin + (w >> 3)) | 0, w));
    const index = sx(cpu.getReg(insn.reg, w));
    if (index < lower || index > upper) throw new GuestFault(Vector.BR, -1);
  };
  t[0xff] = (cpu, insn) => {
    const w = insn.opsize;
    switch (insn.reg) {
      case 0:
      case 1:
        incDecV(cpu, insn);
        return;
      case 2: {
        const target = cpu.readRM(insn, w);
        cpu.push(cpu.eip, w);
        cpu.branch(target, w);
        return;
      }
      case 4:
        cpu.branch(cpu.readRM(insn, w), w);
        return;
      case 3:
      case 5: {
        if (insn.mod === 3) undefinedOpcode();
        const lin = cpu.effectiveAddress(insn);
        const offset = cpu.readW(lin, w);
        const selector = cpu.read16((lin + (w >> 3)) | 0);
        farTransfer(cpu, insn, selector, offset, insn.reg === 3);
        return;
      }
      case 6:
        cpu.push(cpu.readRM(insn, w), w);
        return;
      default:
        undefinedOpcode();
    }
  };
  void IOPL;
}
