/**
 * x86 VT-x: the VMCS field encodings that `seL4_X86_VCPU_ReadVMCS` / `WriteVMCS` accept (Intel
 * encodings, names as libsel4vm's `vmcs_fields.h`), and the message layout of `seL4_VMEnter`
 * (`SEL4_VMENTER_*`, libsel4's `vmenter.h`, 32-bit guests).
 */

/** Guest ES selector. */
export const VMX_GUEST_ES_SELECTOR = 0x0800;
/** Guest CS selector. */
export const VMX_GUEST_CS_SELECTOR = 0x0802;
/** Guest SS selector. */
export const VMX_GUEST_SS_SELECTOR = 0x0804;
/** Guest DS selector. */
export const VMX_GUEST_DS_SELECTOR = 0x0806;
/** Guest FS selector. */
export const VMX_GUEST_FS_SELECTOR = 0x0808;
/** Guest GS selector. */
export const VMX_GUEST_GS_SELECTOR = 0x080a;
/** Guest LDTR selector. */
export const VMX_GUEST_LDTR_SELECTOR = 0x080c;
/** Guest TR selector. */
export const VMX_GUEST_TR_SELECTOR = 0x080e;
/** Guest IA32_DEBUGCTL. */
export const VMX_GUEST_DEBUGCTRL = 0x2802;
/** Guest IA32_PAT. */
export const VMX_GUEST_PAT = 0x2804;
/** Guest IA32_EFER. */
export const VMX_GUEST_EFER = 0x2806;
/** Guest IA32_PERF_GLOBAL_CTRL. */
export const VMX_GUEST_PERF_GLOBAL_CTRL = 0x2808;
/** Guest PDPTE0 (PDPTE1..3 follow in steps of 2). */
export const VMX_GUEST_PDPTE0 = 0x280a;
/** Guest ES limit. */
export const VMX_GUEST_ES_LIMIT = 0x4800;
/** Guest CS limit. */
export const VMX_GUEST_CS_LIMIT = 0x4802;
/** Guest SS limit. */
export const VMX_GUEST_SS_LIMIT = 0x4804;
/** Guest DS limit. */
export const VMX_GUEST_DS_LIMIT = 0x4806;
/** Guest FS limit. */
export const VMX_GUEST_FS_LIMIT = 0x4808;
/** Guest GS limit. */
export const VMX_GUEST_GS_LIMIT = 0x480a;
/** Guest LDTR limit. */
export const VMX_GUEST_LDTR_LIMIT = 0x480c;
/** Guest TR limit. */
export const VMX_GUEST_TR_LIMIT = 0x480e;
/** Guest GDTR limit. */
export const VMX_GUEST_GDTR_LIMIT = 0x4810;
/** Guest IDTR limit. */
export const VMX_GUEST_IDTR_LIMIT = 0x4812;
/** Guest ES access rights. */
export const VMX_GUEST_ES_ACCESS_RIGHTS = 0x4814;
/** Guest CS access rights. */
export const VMX_GUEST_CS_ACCESS_RIGHTS = 0x4816;
/** Guest SS access rights. */
export const VMX_GUEST_SS_ACCESS_RIGHTS = 0x4818;
/** Guest DS access rights. */
export const VMX_GUEST_DS_ACCESS_RIGHTS = 0x481a;
/** Guest FS access rights. */
export const VMX_GUEST_FS_ACCESS_RIGHTS = 0x481c;
/** Guest GS access rights. */
export const VMX_GUEST_GS_ACCESS_RIGHTS = 0x481e;
/** Guest LDTR access rights. */
export const VMX_GUEST_LDTR_ACCESS_RIGHTS = 0x4820;
/** Guest TR access rights. */
export const VMX_GUEST_TR_ACCESS_RIGHTS = 0x4822;
/** Guest interruptibility state. */
export const VMX_GUEST_INTERRUPTABILITY = 0x4824;
/** Guest activity state. */
export const VMX_GUEST_ACTIVITY = 0x4826;
/** Guest SMBASE. */
export const VMX_GUEST_SMBASE = 0x4828;
/** Guest IA32_SYSENTER_CS. */
export const VMX_GUEST_SYSENTER_CS = 0x482a;
/** VMX preemption timer value. */
export const VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE = 0x482e;
/** Guest CR0. */
export const VMX_GUEST_CR0 = 0x6800;
/** Guest CR3. */
export const VMX_GUEST_CR3 = 0x6802;
/** Guest CR4. */
export const VMX_GUEST_CR4 = 0x6804;
/** Guest ES base. */
export const VMX_GUEST_ES_BASE = 0x6806;
/** Guest CS base. */
export const VMX_GUEST_CS_BASE = 0x6808;
/** Guest SS base. */
export const VMX_GUEST_SS_BASE = 0x680a;
/** Guest DS base. */
export const VMX_GUEST_DS_BASE = 0x680c;
/** Guest FS base. */
export const VMX_GUEST_FS_BASE = 0x680e;
/** Guest GS base. */
export const VMX_GUEST_GS_BASE = 0x6810;
/** Guest LDTR base. */
export const VMX_GUEST_LDTR_BASE = 0x6812;
/** Guest TR base. */
export const VMX_GUEST_TR_BASE = 0x6814;
/** Guest GDTR base. */
export const VMX_GUEST_GDTR_BASE = 0x6816;
/** Guest IDTR base. */
export const VMX_GUEST_IDTR_BASE = 0x6818;
/** Guest DR7. */
export const VMX_GUEST_DR7 = 0x681a;
/** Guest RSP. */
export const VMX_GUEST_RSP = 0x681c;
/** Guest RIP. */
export const VMX_GUEST_RIP = 0x681e;
/** Guest RFLAGS. */
export const VMX_GUEST_RFLAGS = 0x6820;
/** Guest pending debug exceptions. */
export const VMX_GUEST_PENDING_DEBUG_EXCEPTIONS = 0x6822;
/** Guest IA32_SYSENTER_ESP. */
export const VMX_GUEST_SYSENTER_ESP = 0x6824;
/** Guest IA32_SYSENTER_EIP. */
export const VMX_GUEST_SYSENTER_EIP = 0x6826;
/** VM-instruction error (read only). */
export const VMX_DATA_INSTRUCTION_ERROR = 0x4400;
/** Exit reason (read only). */
export const VMX_DATA_EXIT_REASON = 0x4402;
/** VM-exit interruption information (read only). */
export const VMX_DATA_EXIT_INTERRUPT_INFO = 0x4404;
/** VM-exit interruption error code (read only). */
export const VMX_DATA_EXIT_INTERRUPT_ERROR = 0x4406;
/** IDT-vectoring information (read only). */
export const VMX_DATA_IDT_VECTOR_INFO = 0x4408;
/** IDT-vectoring error code (read only). */
export const VMX_DATA_IDT_VECTOR_ERROR = 0x440a;
/** VM-exit instruction length (read only). */
export const VMX_DATA_EXIT_INSTRUCTION_LENGTH = 0x440c;
/** VM-exit instruction information (read only). */
export const VMX_DATA_EXIT_INSTRUCTION_INFO = 0x440e;
/** Guest-physical address of an EPT exit (read only). */
export const VMX_DATA_GUEST_PHYSICAL = 0x2400;
/** Exit qualification (read only). */
export const VMX_DATA_EXIT_QUALIFICATION = 0x6400;
/** I/O RCX (read only). */
export const VMX_DATA_IO_RCX = 0x6402;
/** I/O RSI (read only). */
export const VMX_DATA_IO_RSI = 0x6404;
/** I/O RDI (read only). */
export const VMX_DATA_IO_RDI = 0x6406;
/** I/O RIP (read only). */
export const VMX_DATA_IO_RIP = 0x6408;
/** Guest linear address (read only). */
export const VMX_DATA_GUEST_LINEAR_ADDRESS = 0x640a;
/** Pin-based VM-execution controls (fixed bits applied on write). */
export const VMX_CONTROL_PIN_EXECUTION_CONTROLS = 0x4000;
/** Primary processor-based VM-execution controls (fixed bits applied on write). */
export const VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS = 0x4002;
/** Exception bitmap. */
export const VMX_CONTROL_EXCEPTION_BITMAP = 0x4004;
/** VM-exit controls (fixed bits applied on write). */
export const VMX_CONTROL_EXIT_CONTROLS = 0x400c;
/** VM-entry controls (fixed bits applied on write). */
export const VMX_CONTROL_ENTRY_CONTROLS = 0x4012;
/** VM-entry interruption information (event injection). */
export const VMX_CONTROL_ENTRY_INTERRUPTION_INFO = 0x4016;
/** VM-entry exception error code (write only). */
export const VMX_CONTROL_ENTRY_EXCEPTION_ERROR_CODE = 0x4018;
/** Secondary processor-based VM-execution controls (fixed bits applied on write). */
export const VMX_CONTROL_SECONDARY_PROCESSOR_CONTROLS = 0x401e;
/** CR0 guest/host mask. */
export const VMX_CONTROL_CR0_MASK = 0x6000;
/** CR4 guest/host mask. */
export const VMX_CONTROL_CR4_MASK = 0x6002;
/** CR0 read shadow. */
export const VMX_CONTROL_CR0_READ_SHADOW = 0x6004;
/** CR4 read shadow. */
export const VMX_CONTROL_CR4_READ_SHADOW = 0x6006;

/** VMEnter input/output: MR holding the guest RIP. */
export const SEL4_VMENTER_CALL_EIP_MR = 0;
/** VMEnter input/output: MR holding the primary processor-based controls. */
export const SEL4_VMENTER_CALL_CONTROL_PPC_MR = 1;
/** VMEnter input/output: MR holding the VM-entry interruption information. */
export const SEL4_VMENTER_CALL_INTERRUPT_INFO_MR = 2;
/** VM exit: MR holding the basic exit reason. */
export const SEL4_VMENTER_FAULT_REASON_MR = 3;
/** VM exit: MR holding the exit qualification. */
export const SEL4_VMENTER_FAULT_QUALIFICATION_MR = 4;
/** VM exit: MR holding the exit instruction length. */
export const SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR = 5;
/** VM exit: MR holding the guest-physical address. */
export const SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR = 6;
/** VM exit: MR holding the guest RFLAGS. */
export const SEL4_VMENTER_FAULT_RFLAGS_MR = 7;
/** VM exit: MR holding the guest interruptibility state. */
export const SEL4_VMENTER_FAULT_GUEST_INT_MR = 8;
/** VM exit: MR holding the guest CR3. */
export const SEL4_VMENTER_FAULT_CR3_MR = 9;
/** VM exit: MR holding guest EAX. */
export const SEL4_VMENTER_FAULT_EAX = 10;
/** VM exit: MR holding guest EBX. */
export const SEL4_VMENTER_FAULT_EBX = 11;
/** VM exit: MR holding guest ECX. */
export const SEL4_VMENTER_FAULT_ECX = 12;
/** VM exit: MR holding guest EDX. */
export const SEL4_VMENTER_FAULT_EDX = 13;
/** VM exit: MR holding guest ESI. */
export const SEL4_VMENTER_FAULT_ESI = 14;
/** VM exit: MR holding guest EDI. */
export const SEL4_VMENTER_FAULT_EDI = 15;
/** VM exit: MR holding guest EBP. */
export const SEL4_VMENTER_FAULT_EBP = 16;
/** Number of VM-exit message registers (32-bit guests). */
export const SEL4_VMENTER_NUM_FAULT_MSGS = 17;
/** VMEnter result (the message-info register): the guest exited. */
export const SEL4_VMENTER_RESULT_FAULT = 1;
/** VMEnter result: a notification arrived (badge in the badge register). */
export const SEL4_VMENTER_RESULT_NOTIF = 0;
/** Message length of a VM-exit result. */
export const SEL4_VMENTER_RESULT_FAULT_LEN = 17;
/** Message length of a notification result. */
export const SEL4_VMENTER_RESULT_NOTIF_LEN = 3;
