/**
 * Fault messages: the labels (`seL4_Fault_*`, the message label of a fault IPC) and the message
 * register index of every field (`seL4_VMFault_IP` ...). Where the two configurations differ the
 * values are given per configuration.
 */

/** Not a fault (an ordinary message). */
export const seL4_Fault_NullFault = 0;
/** A capability lookup failed in a send or receive. */
export const seL4_Fault_CapFault = 1;
/** An unknown system-call number. */
export const seL4_Fault_UnknownSyscall = 2;
/** An architectural exception. */
export const seL4_Fault_UserException = 3;
/** A hardware debug exception (only with the debug API). */
export const seL4_Fault_DebugException = 4;
/** A page fault. */
export const seL4_Fault_VMFault = 5;
/** ARM hyp: a VGIC maintenance interrupt for an injected IRQ. */
export const seL4_Fault_VGICMaintenance = 6;
/** ARM hyp: a VCPU exception the kernel does not handle (WFI, SMC, trapped register ...). */
export const seL4_Fault_VCPUFault = 7;
/** ARM hyp: a virtual PPI (the virtual timer) fired. */
export const seL4_Fault_VPPIEvent = 8;

/** The fault labels each configuration can deliver. */
export const seL4_FaultType = {
  aarch64: {
    seL4_Fault_NullFault,
    seL4_Fault_CapFault,
    seL4_Fault_UnknownSyscall,
    seL4_Fault_UserException,
    seL4_Fault_DebugException,
    seL4_Fault_VMFault,
    seL4_Fault_VGICMaintenance,
    seL4_Fault_VCPUFault,
    seL4_Fault_VPPIEvent,
  },
  x86_64: {
    seL4_Fault_NullFault,
    seL4_Fault_CapFault,
    seL4_Fault_UnknownSyscall,
    seL4_Fault_UserException,
    seL4_Fault_DebugException,
    seL4_Fault_VMFault,
  },
} as const;

/** CapFault: the restart PC. */
export const seL4_CapFault_IP = 0;
/** CapFault: the CPtr that failed. */
export const seL4_CapFault_Addr = 1;
/** CapFault: 1 if the failure was in the receive phase. */
export const seL4_CapFault_InRecvPhase = 2;
/** CapFault: the lookup failure type word (`seL4_LookupFailureType`). */
export const seL4_CapFault_LookupFailureType = 3;
/** CapFault: bits left to resolve. */
export const seL4_CapFault_BitsLeft = 4;
/** CapFault (depth mismatch): bits found. */
export const seL4_CapFault_DepthMismatch_BitsFound = 5;
/** CapFault (guard mismatch): the guard found (same index as DepthMismatch_BitsFound). */
export const seL4_CapFault_GuardMismatch_GuardFound = 5;
/** CapFault (guard mismatch): the guard size found. */
export const seL4_CapFault_GuardMismatch_BitsFound = 6;

/** VMFault: the faulting instruction's address (restart PC). */
export const seL4_VMFault_IP = 0;
/** VMFault: the fault address (an IPA for a thread running a VCPU on ARM). */
export const seL4_VMFault_Addr = 1;
/** VMFault: 1 for an instruction fetch, 0 for a data access. */
export const seL4_VMFault_PrefetchFault = 2;
/** VMFault: the fault status (ESR on AArch64, the page-fault error code on x86). */
export const seL4_VMFault_FSR = 3;
/** VMFault: message length. */
export const seL4_VMFault_Length = 4;

/** `seL4_VMFault_PrefetchFault` value of a data access. */
export const seL4_DataFault = 0;
/** `seL4_VMFault_PrefetchFault` value of an instruction fetch. */
export const seL4_InstructionFault = 1;

/** VGICMaintenance: the list-register index, or all ones if unknown. */
export const seL4_VGICMaintenance_IDX = 0;
/** VGICMaintenance: message length. */
export const seL4_VGICMaintenance_Length = 1;
/** VPPIEvent: the IRQ number. */
export const seL4_VPPIEvent_IRQ = 0;
/** VPPIEvent: message length. */
export const seL4_VPPIEvent_Length = 1;
/** VCPUFault: the HSR/ESR value. */
export const seL4_VCPUFault_HSR = 0;
/** VCPUFault: message length. */
export const seL4_VCPUFault_Length = 1;

/** UnknownSyscall message layout (`seL4_UnknownSyscall_Msg`) per configuration. */
export const seL4_UnknownSyscall_Msg = {
  aarch64: {
    seL4_UnknownSyscall_X0: 0,
    seL4_UnknownSyscall_X1: 1,
    seL4_UnknownSyscall_X2: 2,
    seL4_UnknownSyscall_X3: 3,
    seL4_UnknownSyscall_X4: 4,
    seL4_UnknownSyscall_X5: 5,
    seL4_UnknownSyscall_X6: 6,
    seL4_UnknownSyscall_X7: 7,
    seL4_UnknownSyscall_FaultIP: 8,
    seL4_UnknownSyscall_SP: 9,
    seL4_UnknownSyscall_LR: 10,
    seL4_UnknownSyscall_SPSR: 11,
    seL4_UnknownSyscall_Syscall: 12,
    seL4_UnknownSyscall_Length: 13,
  },
  x86_64: {
    seL4_UnknownSyscall_RAX: 0,
    seL4_UnknownSyscall_RBX: 1,
    seL4_UnknownSyscall_RCX: 2,
    seL4_UnknownSyscall_RDX: 3,
    seL4_UnknownSyscall_RSI: 4,
    seL4_UnknownSyscall_RDI: 5,
    seL4_UnknownSyscall_RBP: 6,
    seL4_UnknownSyscall_R8: 7,
    seL4_UnknownSyscall_R9: 8,
    seL4_UnknownSyscall_R10: 9,
    seL4_UnknownSyscall_R11: 10,
    seL4_UnknownSyscall_R12: 11,
    seL4_UnknownSyscall_R13: 12,
    seL4_UnknownSyscall_R14: 13,
    seL4_UnknownSyscall_R15: 14,
    seL4_UnknownSyscall_FaultIP: 15,
    seL4_UnknownSyscall_SP: 16,
    seL4_UnknownSyscall_FLAGS: 17,
    seL4_UnknownSyscall_Syscall: 18,
    seL4_UnknownSyscall_Length: 19,
  },
} as const;

/** UserException message layout (`seL4_UserException_Msg`) per configuration. */
export const seL4_UserException_Msg = {
  aarch64: {
    seL4_UserException_FaultIP: 0,
    seL4_UserException_SP: 1,
    seL4_UserException_SPSR: 2,
    seL4_UserException_Number: 3,
    seL4_UserException_Code: 4,
    seL4_UserException_Length: 5,
  },
  x86_64: {
    seL4_UserException_FaultIP: 0,
    seL4_UserException_SP: 1,
    seL4_UserException_FLAGS: 2,
    seL4_UserException_Number: 3,
    seL4_UserException_Code: 4,
    seL4_UserException_Length: 5,
  },
} as const;

/**
 * How many reply words of a fault reply the kernel writes back into the faulting thread's
 * registers (the rest of the reply is ignored), per configuration.
 */
export const faultReplyRegisterCount = {
  aarch64: { UnknownSyscall: 12, UserException: 3 },
  x86_64: { UnknownSyscall: 18, UserException: 3 },
} as const;

/** DebugException (hardware debug API only): the faulting instruction. */
export const seL4_DebugException_FaultIP = 0;
/** DebugException: the reason (`seL4_BreakpointType`). */
export const seL4_DebugException_ExceptionReason = 1;
/** DebugException: the address that triggered a watchpoint. */
export const seL4_DebugException_TriggerAddress = 2;
/** DebugException: the breakpoint number. */
export const seL4_DebugException_BreakpointNumber = 3;
/** DebugException: message length. */
export const seL4_DebugException_Length = 4;
