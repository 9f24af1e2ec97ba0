/** ARM VCPU register indices (`seL4_VCPUReg`), the `field` of ARM_VCPU_ReadRegs/WriteRegs. */

/** System control register (EL1). */
export const seL4_VCPUReg_SCTLR = 0;
/** Architectural feature access control (EL1). */
export const seL4_VCPUReg_CPACR = 1;
/** Translation table base 0 (EL1). */
export const seL4_VCPUReg_TTBR0 = 2;
/** Translation table base 1 (EL1). */
export const seL4_VCPUReg_TTBR1 = 3;
/** Translation control (EL1). */
export const seL4_VCPUReg_TCR = 4;
/** Memory attribute indirection (EL1). */
export const seL4_VCPUReg_MAIR = 5;
/** Auxiliary memory attribute indirection (EL1). */
export const seL4_VCPUReg_AMAIR = 6;
/** Context ID (CONTEXTIDR_EL1). */
export const seL4_VCPUReg_CIDR = 7;
/** Auxiliary control (EL1). */
export const seL4_VCPUReg_ACTLR = 8;
/** Auxiliary fault status 0 (EL1). */
export const seL4_VCPUReg_AFSR0 = 9;
/** Auxiliary fault status 1 (EL1). */
export const seL4_VCPUReg_AFSR1 = 10;
/** Exception syndrome (EL1). */
export const seL4_VCPUReg_ESR = 11;
/** Fault address (EL1). */
export const seL4_VCPUReg_FAR = 12;
/** Physical address (PAR_EL1). */
export const seL4_VCPUReg_PAR = 13;
/** Vector base (EL1). */
export const seL4_VCPUReg_VBAR = 14;
/** Thread ID (TPIDR_EL1). */
export const seL4_VCPUReg_TPIDR_EL1 = 15;
/** Virtual multiprocessor ID (VMPIDR_EL2). */
export const seL4_VCPUReg_VMPIDR_EL2 = 16;
/** EL1 stack pointer. */
export const seL4_VCPUReg_SP_EL1 = 17;
/** EL1 exception link register. */
export const seL4_VCPUReg_ELR_EL1 = 18;
/** EL1 saved program status (32-bit). */
export const seL4_VCPUReg_SPSR_EL1 = 19;
/** Virtual timer control. */
export const seL4_VCPUReg_CNTV_CTL = 20;
/** Virtual timer compare value. */
export const seL4_VCPUReg_CNTV_CVAL = 21;
/** Virtual counter offset. */
export const seL4_VCPUReg_CNTVOFF = 22;
/** Counter-timer kernel control (EL1). */
export const seL4_VCPUReg_CNTKCTL_EL1 = 23;
/** Number of VCPU registers (a field at or above it is InvalidArgument(1)). */
export const seL4_VCPUReg_Num = 24;
/** First register of the range saved and restored on a VCPU switch. */
export const seL4_VCPURegSaveRange_start = seL4_VCPUReg_TTBR0;
/** Last register of the range saved and restored on a VCPU switch. */
export const seL4_VCPURegSaveRange_end = seL4_VCPUReg_SPSR_EL1;
