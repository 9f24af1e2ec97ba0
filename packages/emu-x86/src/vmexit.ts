import type { CpuCore } from "./cpu.js";
import { VmExitSignal } from "./faults.js";

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
