/**
 * System-call numbers (`seL4_Syscall_ID`) of the non-MCS kernel. They are negative and numbered
 * from -1 over the whole syscall list, debug and benchmark entries included, configured or not.
 */

/** Send a message and wait for the reply (invocations use this). */
export const seL4_SysCall = -1;
/** Reply to the caller, then receive. */
export const seL4_SysReplyRecv = -2;
/** Blocking send. */
export const seL4_SysSend = -3;
/** Non-blocking send (dropped if nobody waits). */
export const seL4_SysNBSend = -4;
/** Blocking receive. */
export const seL4_SysRecv = -5;
/** Reply to the caller. */
export const seL4_SysReply = -6;
/** Give up the rest of the time slice. */
export const seL4_SysYield = -7;
/** Non-blocking receive (polling). */
export const seL4_SysNBRecv = -8;
/** Debug: print a character (CONFIG_PRINTING). */
export const seL4_SysDebugPutChar = -9;
/** Debug: dump the scheduler state. */
export const seL4_SysDebugDumpScheduler = -10;
/** Debug: halt the kernel. */
export const seL4_SysDebugHalt = -11;
/** Debug: return the cap type tag of a slot. */
export const seL4_SysDebugCapIdentify = -12;
/** Debug: take a capDL snapshot. */
export const seL4_SysDebugSnapshot = -13;
/** Debug: name a thread (name in the IPC buffer). */
export const seL4_SysDebugNameThread = -14;
/** Debug (SMP): send an IPI. */
export const seL4_SysDebugSendIPI = -15;
/** Debug (SMP): read a thread's affinity. */
export const seL4_SysDebugGetThreadAffinity = -16;
/** Debug: run a function in kernel mode. */
export const seL4_SysDebugRun = -17;
/** Benchmark: flush caches. */
export const seL4_SysBenchmarkFlushCaches = -18;
/** Benchmark: reset the log. */
export const seL4_SysBenchmarkResetLog = -19;
/** Benchmark: finalise the log. */
export const seL4_SysBenchmarkFinalizeLog = -20;
/** Benchmark: set the log buffer. */
export const seL4_SysBenchmarkSetLogBuffer = -21;
/** Benchmark: the null syscall. */
export const seL4_SysBenchmarkNullSyscall = -22;
/** Benchmark: read a thread's utilisation. */
export const seL4_SysBenchmarkGetThreadUtilisation = -23;
/** Benchmark: reset a thread's utilisation. */
export const seL4_SysBenchmarkResetThreadUtilisation = -24;
/** Benchmark: dump every thread's utilisation. */
export const seL4_SysBenchmarkDumpAllThreadsUtilisation = -25;
/** Benchmark: reset every thread's utilisation. */
export const seL4_SysBenchmarkResetAllThreadsUtilisation = -26;
/** x86 debug: write an MSR. */
export const seL4_SysX86DangerousWRMSR = -27;
/** x86 debug: read an MSR. */
export const seL4_SysX86DangerousRDMSR = -28;
/** x86 VT-x: enter the guest bound to the caller's VCPU. */
export const seL4_SysVMEnter = -29;
/** Set the caller's TLS base (CONFIG_SET_TLS_BASE_SELF). */
export const seL4_SysSetTLSBase = -30;

/** The lowest and highest numbers the kernel dispatches as ordinary system calls. */
export const SYSCALL_MIN = -8;
/** The highest ordinary system-call number. */
export const SYSCALL_MAX = -1;
