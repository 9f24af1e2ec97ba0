/** Fault message layouts (§6.9) and fault replies (§6.10): pure functions over thread state. */
import { decodeMessageInfo, FaultLabel, WORD_MASK } from "./abi.js";
import { lookupFailureWords } from "./errors.js";
import type { Fault, TCB } from "./objects/types.js";
import type { KernelState } from "./state.js";
import { getMR, ipcBufferPaddr, sanitiseRegister } from "./threads/tcb.js";

/** Size of the syscall instruction (svc / syscall): NextIP - FaultIP. */
export function syscallInstructionSize(k: KernelState): bigint {
  return k.arch === "aarch64" ? 4n : 2n;
}

/** Context indices of the registers an UnknownSyscall message carries, in message order. */
function unknownSyscallRegisters(k: KernelState): number[] {
  // AArch64: x0..x7, FaultIP, SP, (LR slot), SPSR; x86_64: rax..r15, FaultIP, rsp, rflags.
  return k.arch === "aarch64"
    ? [3, 4, 5, 6, 7, 8, 9, 10, 0, 1, -1, 2]
    : [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 0, 1, 2];
}

/** The label and message words of a fault (§6.9). */
export function faultMessage(
  k: KernelState,
  t: TCB,
  fault: Fault,
): { label: number; words: bigint[] } {
  const c = t.context;
  const pc = c[k.params.pcRegister]!;
  switch (fault.type) {
    case "CapFault":
      return {
        label: FaultLabel.CapFault,
        words: [
          pc,
          fault.address,
          fault.inReceivePhase ? 1n : 0n,
          ...lookupFailureWords(fault.lookup),
        ],
      };
    case "UnknownSyscall": {
      const words = unknownSyscallRegisters(k).map((i) =>
        i < 0 ? (pc + syscallInstructionSize(k)) & WORD_MASK : c[i]!,
      );
      return { label: FaultLabel.UnknownSyscall, words: [...words, fault.syscall & WORD_MASK] };
    }
    case "UserException":
      return {
        label: FaultLabel.UserException,
        words: [pc, c[k.params.spRegister]!, c[k.params.flagsRegister]!, fault.number, fault.code],
      };
    case "VMFault":
      return {
        label: FaultLabel.VMFault,
        words: [pc, fault.address, fault.instruction ? 1n : 0n, fault.fsr],
      };
    case "VGICMaintenance":
      return { label: FaultLabel.VGICMaintenance, words: [fault.index & WORD_MASK] };
    case "VCPUFault":
      return { label: FaultLabel.VCPUFault, words: [fault.hsr] };
    case "VPPIEvent":
      return { label: FaultLabel.VPPIEvent, words: [fault.irq] };
  }
}

/** `handleFaultReply`: applies the replier's message to the faulted thread; true = restart. */
export function handleFaultReply(k: KernelState, receiver: TCB, sender: TCB): boolean {
  const fault = receiver.pendingFault;
  if (fault === null) return true;
  const tag = decodeMessageInfo(sender.context[k.params.infoRegister]!);
  const buffer = ipcBufferPaddr(sender, false);
  const writeBack = (indices: number[]) => {
    const n = Math.min(tag.length, indices.length);
    for (let i = 0; i < n; i++) {
      const reg = indices[i]!;
      if (reg < 0) continue;
      receiver.context[reg] = sanitiseRegister(k, receiver, reg, getMR(k, sender, buffer, i));
    }
  };
  switch (fault.type) {
    case "UnknownSyscall":
      writeBack(unknownSyscallRegisters(k));
      return tag.label === 0;
    case "UserException":
      writeBack([k.params.pcRegister, k.params.spRegister, k.params.flagsRegister]);
      return tag.label === 0;
    default:
      return true;
  }
}
