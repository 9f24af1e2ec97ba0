/** The thread-port contract of `@sel4/sel4`, re-exported for the kernel's modules. */
export type { Sel4ThreadPort, SyscallResult } from "@sel4/sel4";
