/** TCB flags (`seL4_TCBFlag`) for `seL4_TCB_SetFlags`, and the priority bounds. */

/** No flag. */
export const seL4_TCBFlag_NoFlag = 0x0;
/** The thread may not use the FPU (an FP instruction faults). */
export const seL4_TCBFlag_fpuDisabled = 0x1;
/** The flags the kernel accepts (both targets have an FPU). */
export const seL4_TCBFlag_MASK = 0x1;

/** Not a priority (libsel4's marker). */
export const seL4_InvalidPrio = -1;
