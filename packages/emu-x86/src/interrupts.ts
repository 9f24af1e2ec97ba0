import type { CpuCore } from "./cpu.js";
import { GuestFault, generalProtection, Vector } from "./faults.js";
import { AC, IF, NT, RF, settleFlags, TF, VM } from "./flags.js";
import { CS, SS, TR } from "./registers.js";
import {
  accessRights,
  checkCodeDescriptor,
  Descriptor,
  loadCodeSegment,
  markAccessed,
  readDescriptor,
  setRealModeSegment,
  setSegmentFromDescriptor,
} from "./segmentation.js";
import { ExitReason, INTERRUPTION_INFO_DELIVER_ERROR_CODE, InterruptionType } from "./vmcs.js";
import { recordExit, throwExit } from "./vmexit.js";

/**
 * Event delivery: exceptions, software and external interrupts through the IVT (real mode) or
 * the IDT (protected mode) with gate checks, error codes and the TSS stack switch on a privilege
 * change; double-fault escalation and the triple-fault VM exit; exceptions the host intercepts
 * through the exception bitmap.
 */

const CONTRIBUTORY = (1 << 0) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13);

/** Delivers a fault or trap raised by execution (EIP already holds the return address). */
export function deliverFault(cpu: CpuCore, vector: number, errorCode: number): void {
  const previous = cpu.delivering;
  cpu.delivering = 0;
  if (previous !== 0 && ((previous >> 8) & 7) === InterruptionType.HARDWARE_EXCEPTION) {
    const prev = previous & 0xff;
    if (prev === Vector.DF) {
      recordExit(cpu, ExitReason.TRIPLE_FAULT, 0, 0);
      throwExit();
    }
    const contributory = ((CONTRIBUTORY >> vector) & 1) === 1 && vector < 14;
    if (
      (((CONTRIBUTORY >> prev) & 1) === 1 && prev < 14 && contributory) ||
      (prev === Vector.PF && (contributory || vector === Vector.PF))
    ) {
      vector = Vector.DF;
      errorCode = 0;
    }
  }
  const software = vector === Vector.BP || vector === Vector.OF;
  const type = software ? InterruptionType.SOFTWARE_EXCEPTION : InterruptionType.HARDWARE_EXCEPTION;
  if (((cpu.exceptionBitmap >>> vector) & 1) === 1 && vector < 32) {
    const info =
      vector |
      (type << 8) |
      (errorCode >= 0 ? INTERRUPTION_INFO_DELIVER_ERROR_CODE : 0) |
      0x80000000;
    recordExit(
      cpu,
      ExitReason.EXCEPTION_NMI,
      vector === Vector.PF ? cpu.cr2Pending : 0,
      software ? cpu.insn.length : 0,
    );
    cpu.exitInterruptInfo = info | 0;
    cpu.exitInterruptError = Math.max(errorCode, 0);
    if (previous !== 0) {
      cpu.idtVectoringInfo = previous | 0;
    }
    if (software) cpu.eip = cpu.instructionStart;
    throwExit();
  }
  if (vector === Vector.PF) cpu.cr2 = cpu.cr2Pending;
  if (vector === Vector.DB) cpu.dr[6] = cpu.dr[6]! | 0x4000 | 0;
  deliverEvent(cpu, vector, type, errorCode, cpu.eip, false);
}

/**
 * Delivers one event. `type` is the interruption type; `intN` marks INT n / INT3 / INTO, whose
 * gate DPL is checked against CPL. `returnEip` is the EIP pushed.
 */
export function deliverEvent(
  cpu: CpuCore,
  vector: number,
  type: number,
  errorCode: number,
  returnEip: number,
  intN: boolean,
): void {
  cpu.delivering =
    vector |
    (type << 8) |
    (errorCode >= 0 ? INTERRUPTION_INFO_DELIVER_ERROR_CODE : 0) |
    0x80000000 |
    0;
  cpu.deliveringError = Math.max(errorCode, 0);
  cpu.activity = 0;
  settleFlags(cpu);
  if (!cpu.protectedMode) deliverReal(cpu, vector, returnEip);
  else deliverProtected(cpu, vector, type, errorCode, returnEip, intN);
  cpu.delivering = 0;
}

function deliverReal(cpu: CpuCore, vector: number, returnEip: number): void {
  const entry = vector * 4;
  if (entry + 3 > cpu.idtrLimit >>> 0) generalProtection(vector * 8 + 2);
  const target = cpu.read32((cpu.idtrBase + entry) | 0);
  cpu.push(cpu.fStored & 0xffff, 16);
  cpu.push(cpu.segSel[CS]!, 16);
  cpu.push(returnEip & 0xffff, 16);
  cpu.fStored &= ~(IF | TF | AC | RF);
  setRealModeSegment(cpu, CS, target >>> 16);
  cpu.eip = target & 0xffff;
}

function deliverProtected(
  cpu: CpuCore,
  vector: number,
  type: number,
  errorCode: number,
  returnEip: number,
  intN: boolean,
): void {
  const ext =
    type === InterruptionType.EXTERNAL_INTERRUPT ||
    type === InterruptionType.HARDWARE_EXCEPTION ||
    type === InterruptionType.NMI
      ? 1
      : 0;
  const idtError = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > cpu.idtrLimit >>> 0) generalProtection(idtError);
  let lo = 0;
  let hi = 0;
  cpu.systemAccess(() => {
    lo = cpu.read32((cpu.idtrBase + vector * 8) | 0);
    hi = cpu.read32((cpu.idtrBase + vector * 8 + 4) | 0);
  });
  const gateType = (hi >> 8) & 0x1f;
  const gateDpl = (hi >> 13) & 3;
  if (intN && gateDpl < cpu.cpl) generalProtection(vector * 8 + 2);
  if (gateType === 0x5) {
    if ((hi & 0x8000) === 0) throw new GuestFault(Vector.NP, idtError);
    // Task switches always exit under VT-x; qualification: selector, source 3 = IDT task gate.
    cpu.eip = returnEip;
    recordExit(cpu, ExitReason.TASK_SWITCH, ((lo >>> 16) | (3 << 30)) >>> 0, 0);
    throwExit();
  }
  if (gateType !== 0x6 && gateType !== 0x7 && gateType !== 0xe && gateType !== 0xf)
    generalProtection(idtError);
  if ((hi & 0x8000) === 0) throw new GuestFault(Vector.NP, idtError);
  const selector = lo >>> 16;
  const gate32 = (gateType & 8) !== 0;
  const offset = gate32 ? (lo & 0xffff) | (hi & 0xffff0000) : lo & 0xffff;
  if ((selector & 0xfffc) === 0) generalProtection(ext);
  const code = new Descriptor();
  readDescriptor(cpu, selector, code, ext);
  const ar = checkCodeDescriptor(selector, code);
  const dpl = (ar >> 5) & 3;
  if (dpl > cpu.cpl) generalProtection((selector & 0xfffc) | ext);
  const width = gate32 ? 32 : 16;
  const flags = cpu.fStored;
  const oldCs = cpu.segSel[CS]!;
  const conforming = (ar & 4) !== 0;
  if (!conforming && dpl < cpu.cpl) {
    // Privilege change: switch to the inner stack named in the TSS.
    const trType = cpu.segAr[TR]! & 0xf;
    const tss32 = trType === 0x9 || trType === 0xb;
    const tssBase = cpu.segBase[TR]!;
    let newSs = 0;
    let newEsp = 0;
    const at = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
    if (at + (tss32 ? 7 : 3) > cpu.segLimit[TR]! >>> 0)
      throw new GuestFault(Vector.TS, cpu.segSel[TR]! & 0xfffc);
    cpu.systemAccess(() => {
      if (tss32) {
        newEsp = cpu.read32((tssBase + at) | 0);
        newSs = cpu.read16((tssBase + at + 4) | 0);
      } else {
        newEsp = cpu.read16((tssBase + at) | 0);
        newSs = cpu.read16((tssBase + at + 2) | 0);
      }
    });
    if ((newSs & 0xfffc) === 0) throw new GuestFault(Vector.TS, ext);
    const stack = new Descriptor();
    readDescriptor(cpu, newSs, stack, ext);
    const sar = accessRights(stack.hi);
    if ((newSs & 3) !== dpl || ((sar >> 5) & 3) !== dpl || (sar & 0x1a) !== 0x12)
      throw new GuestFault(Vector.TS, (newSs & 0xfffc) | ext);
    if ((sar & 0x80) === 0) throw new GuestFault(Vector.SS, (newSs & 0xfffc) | ext);
    const oldSs = cpu.segSel[SS]!;
    const oldEsp = cpu.regs[4]!;
    const savedSs = [
      cpu.segBase[SS]!,
      cpu.segLimit[SS]!,
      cpu.segAr[SS]!,
      cpu.stack32 ? 1 : 0,
      oldSs,
    ];
    const savedCpl = cpu.cpl;
    setSegmentFromDescriptor(cpu, SS, newSs, stack);
    cpu.regs[4] = newEsp;
    cpu.setCpl(dpl);
    try {
      cpu.push(oldSs, width);
      cpu.push(oldEsp, width);
      cpu.push(flags, width);
      cpu.push(oldCs, width);
      cpu.push(returnEip, width);
      if (errorCode >= 0) cpu.push(errorCode, width);
    } catch (e) {
      cpu.segBase[SS] = savedSs[0]!;
      cpu.segLimit[SS] = savedSs[1]!;
      cpu.segAr[SS] = savedSs[2]!;
      cpu.stack32 = savedSs[3] === 1;
      cpu.segSel[SS] = savedSs[4]!;
      cpu.regs[4] = oldEsp;
      cpu.setCpl(savedCpl);
      throw e;
    }
    markAccessed(cpu, stack);
  } else if (conforming || dpl === cpu.cpl) {
    const oldEsp = cpu.regs[4]!;
    try {
      cpu.push(flags, width);
      cpu.push(oldCs, width);
      cpu.push(returnEip, width);
      if (errorCode >= 0) cpu.push(errorCode, width);
    } catch (e) {
      cpu.regs[4] = oldEsp;
      throw e;
    }
  } else {
    generalProtection((selector & 0xfffc) | ext);
  }
  loadCodeSegment(cpu, selector, code, conforming ? cpu.cpl : dpl);
  cpu.eip = offset;
  let cleared = TF | NT | RF | VM;
  if ((gateType & 1) === 0) cleared |= IF;
  cpu.fStored &= ~cleared;
}

/**
 * Delivers the event of the VM-entry interruption-information field (vector, type, error code;
 * software interrupts and exceptions push EIP + the entry instruction length).
 */
export function injectEntryEvent(cpu: CpuCore): void {
  const info = cpu.entryInterruptionInfo;
  cpu.entryInterruptionInfo = info & 0x7fffffff;
  const vector = info & 0xff;
  const type = (info >> 8) & 7;
  const errorCode = (info & INTERRUPTION_INFO_DELIVER_ERROR_CODE) !== 0 ? cpu.entryErrorCode : -1;
  const software =
    type === InterruptionType.SOFTWARE_INTERRUPT ||
    type === InterruptionType.SOFTWARE_EXCEPTION ||
    type === InterruptionType.PRIVILEGED_SOFTWARE_EXCEPTION;
  const returnEip = software ? (cpu.eip + cpu.entryInstructionLength) | 0 : cpu.eip;
  cpu.activity = 0;
  deliverEvent(cpu, vector, type, errorCode, returnEip, false);
}
