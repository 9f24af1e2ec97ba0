import type { CpuCore } from "./cpu.js";
import { VmExitSignal } from "./faults.js";
import { deliverEvent } from "./interrupts.js";
import { INTERRUPTION_INFO_DELIVER_ERROR_CODE, InterruptionType } from "./vmcs.js";

/** Records the exit information fields (the read-only data part of the VMCS). */
export function recordExit(
  cpu: CpuCore,
  reason: number,
  qualification: number,
  length: number,
): void {
  cpu.exitReason = reason;
  cpu.exitQualification = qualification | 0;
  cpu.exitInstructionLength = length;
  cpu.exitGuestPhysical = 0;
  cpu.exitGuestLinear = 0;
  cpu.exitInterruptInfo = 0;
  cpu.exitInterruptError = 0;
  if (cpu.delivering !== 0) {
    // The exit interrupted event delivery: report it so the VMM can re-inject it.
    cpu.idtVectoringInfo = cpu.delivering | 0;
    cpu.idtVectoringError = cpu.deliveringError;
    cpu.delivering = 0;
  }
}

/** Ends the current instruction with the exit already recorded. */
export function throwExit(): never {
  throw new VmExitSignal();
}

/** Records an instruction-caused exit (EIP stays on the instruction) and stops. */
export function instructionExit(cpu: CpuCore, reason: number, qualification: number): never {
  cpu.eip = cpu.instructionStart;
  recordExit(cpu, reason, qualification, cpu.insn.length);
  throwExit();
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
