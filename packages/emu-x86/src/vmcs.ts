/**
 * VMCS field encodings, VM-exit reasons and control bits, with the numbers of the Intel SDM
 * (Vol. 3, appendices B and C). The emulator exposes its guest state through these encodings so
 * a VMM written against VT-x reads and writes it unchanged.
 */

/** VMCS field encodings (Intel SDM Vol. 3 appendix B) understood by `readVmcs`/`writeVmcs`. */
export const VmcsField = {
  GUEST_ES_SELECTOR: 0x0800,
  GUEST_CS_SELECTOR: 0x0802,
  GUEST_SS_SELECTOR: 0x0804,
  GUEST_DS_SELECTOR: 0x0806,
  GUEST_FS_SELECTOR: 0x0808,
  GUEST_GS_SELECTOR: 0x080a,
  GUEST_LDTR_SELECTOR: 0x080c,
  GUEST_TR_SELECTOR: 0x080e,
  GUEST_ES_LIMIT: 0x4800,
  GUEST_CS_LIMIT: 0x4802,
  GUEST_SS_LIMIT: 0x4804,
  GUEST_DS_LIMIT: 0x4806,
  GUEST_FS_LIMIT: 0x4808,
  GUEST_GS_LIMIT: 0x480a,
  GUEST_LDTR_LIMIT: 0x480c,
  GUEST_TR_LIMIT: 0x480e,
  GUEST_GDTR_LIMIT: 0x4810,
  GUEST_IDTR_LIMIT: 0x4812,
  GUEST_ES_ACCESS_RIGHTS: 0x4814,
  GUEST_CS_ACCESS_RIGHTS: 0x4816,
  GUEST_SS_ACCESS_RIGHTS: 0x4818,
  GUEST_DS_ACCESS_RIGHTS: 0x481a,
  GUEST_FS_ACCESS_RIGHTS: 0x481c,
  GUEST_GS_ACCESS_RIGHTS: 0x481e,
  GUEST_LDTR_ACCESS_RIGHTS: 0x4820,
  GUEST_TR_ACCESS_RIGHTS: 0x4822,
  GUEST_INTERRUPTIBILITY: 0x4824,
  GUEST_ACTIVITY: 0x4826,
  GUEST_SYSENTER_CS: 0x482a,
  GUEST_CR0: 0x6800,
  GUEST_CR3: 0x6802,
  GUEST_CR4: 0x6804,
  GUEST_ES_BASE: 0x6806,
  GUEST_CS_BASE: 0x6808,
  GUEST_SS_BASE: 0x680a,
  GUEST_DS_BASE: 0x680c,
  GUEST_FS_BASE: 0x680e,
  GUEST_GS_BASE: 0x6810,
  GUEST_LDTR_BASE: 0x6812,
  GUEST_TR_BASE: 0x6814,
  GUEST_GDTR_BASE: 0x6816,
  GUEST_IDTR_BASE: 0x6818,
  GUEST_DR7: 0x681a,
  GUEST_RSP: 0x681c,
  GUEST_RIP: 0x681e,
  GUEST_RFLAGS: 0x6820,
  GUEST_SYSENTER_ESP: 0x6824,
  GUEST_SYSENTER_EIP: 0x6826,
  CONTROL_PIN_EXECUTION_CONTROLS: 0x4000,
  CONTROL_PRIMARY_PROCESSOR_CONTROLS: 0x4002,
  CONTROL_EXCEPTION_BITMAP: 0x4004,
  CONTROL_ENTRY_INTERRUPTION_INFO: 0x4016,
  CONTROL_ENTRY_EXCEPTION_ERROR_CODE: 0x4018,
  CONTROL_ENTRY_INSTRUCTION_LENGTH: 0x401a,
  CONTROL_CR0_MASK: 0x6000,
  CONTROL_CR4_MASK: 0x6002,
  CONTROL_CR0_READ_SHADOW: 0x6004,
  CONTROL_CR4_READ_SHADOW: 0x6006,
  DATA_EXIT_REASON: 0x4402,
  DATA_EXIT_INTERRUPT_INFO: 0x4404,
  DATA_EXIT_INTERRUPT_ERROR: 0x4406,
  DATA_IDT_VECTOR_INFO: 0x4408,
  DATA_IDT_VECTOR_ERROR: 0x440a,
  DATA_EXIT_INSTRUCTION_LENGTH: 0x440c,
  DATA_EXIT_QUALIFICATION: 0x6400,
  DATA_GUEST_LINEAR_ADDRESS: 0x640a,
  DATA_GUEST_PHYSICAL: 0x2400,
} as const;

/** Basic VM-exit reasons (Intel SDM Vol. 3 appendix C) that this emulator produces. */
export const ExitReason = {
  EXCEPTION_NMI: 0,
  TRIPLE_FAULT: 2,
  PENDING_INTERRUPT: 7,
  TASK_SWITCH: 9,
  CPUID: 10,
  HLT: 12,
  VMCALL: 18,
  CR_ACCESS: 28,
  IO_INSTRUCTION: 30,
  MSR_READ: 31,
  MSR_WRITE: 32,
  EPT_VIOLATION: 48,
  VMX_TIMER: 52,
} as const;

/** Primary processor-based VM-execution control bits (Intel SDM Vol. 3 24.6.2). */
export const PrimaryControl = {
  INTERRUPT_WINDOW_EXITING: 1 << 2,
  HLT_EXITING: 1 << 7,
  CR3_LOAD_EXITING: 1 << 15,
  CR3_STORE_EXITING: 1 << 16,
  UNCONDITIONAL_IO_EXITING: 1 << 24,
  USE_IO_BITMAPS: 1 << 25,
} as const;

/** Event types of the interruption-information format (bits 10:8). */
export const InterruptionType = {
  EXTERNAL_INTERRUPT: 0,
  NMI: 2,
  HARDWARE_EXCEPTION: 3,
  SOFTWARE_INTERRUPT: 4,
  PRIVILEGED_SOFTWARE_EXCEPTION: 5,
  SOFTWARE_EXCEPTION: 6,
} as const;

/** Interruption-information bit: an error code is delivered (bit 11). */
export const INTERRUPTION_INFO_DELIVER_ERROR_CODE = 1 << 11;
/** Interruption-information bit: the field is valid (bit 31). */
export const INTERRUPTION_INFO_VALID = 1 << 31;

/** Guest interruptibility-state bits (Intel SDM Vol. 3 24.4.2). */
export const Interruptibility = {
  BLOCKING_BY_STI: 1 << 0,
  BLOCKING_BY_MOV_SS: 1 << 1,
} as const;

/** Segment access-rights bit in the VMCS format: the segment is unusable (bit 16). */
export const ACCESS_RIGHTS_UNUSABLE = 1 << 16;

/** Guest activity states (Intel SDM Vol. 3 24.4.2). */
export const ActivityState = { ACTIVE: 0, HLT: 1 } as const;
