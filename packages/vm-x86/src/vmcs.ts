/** Exit reasons and control bits vm-x86 uses (Intel SDM numbers; libsel4vm's `vmcs.h` names). */

/** Basic exit reasons the exit handlers know. */
export const EXIT_REASON_PENDING_INTERRUPT = 7;
/** CPUID. */
export const EXIT_REASON_CPUID = 10;
/** HLT. */
export const EXIT_REASON_HLT = 12;
/** VMCALL. */
export const EXIT_REASON_VMCALL = 18;
/** MOV CR / CLTS / LMSW. */
export const EXIT_REASON_CR_ACCESS = 28;
/** IN / OUT / INS / OUTS. */
export const EXIT_REASON_IO_INSTRUCTION = 30;
/** RDMSR. */
export const EXIT_REASON_MSR_READ = 31;
/** WRMSR. */
export const EXIT_REASON_MSR_WRITE = 32;
/** EPT violation. */
export const EXIT_REASON_EPT_VIOLATION = 48;
/** VMX-preemption timer expired. */
export const EXIT_REASON_VMX_TIMER = 52;

/** Primary processor-based control: interrupt-window exiting. */
export const VMX_CONTROL_PPC_INTERRUPT_WINDOW = 1n << 2n;
/** Primary processor-based control: HLT exiting. */
export const VMX_CONTROL_PPC_HLT_EXITING = 1n << 7n;
/** Pin-based control: activate the VMX-preemption timer. */
export const VMX_CONTROL_PIN_PREEMPTION_TIMER = 1n << 6n;
/** RFLAGS.IF. */
export const RFLAGS_IF = 1n << 9n;
/** Entry interruption information: valid. */
export const ENTRY_INFO_VALID = 1n << 31n;
