/** TypeScript thread programs: what a thread runs when its pc is a registered entry. */
import type { Sel4_AArch64, Sel4_X86_64 } from "@sel4/sel4";
import type { Sel4ThreadPort } from "./sel4-port.js";

/** Arguments a program receives: its kernel port and the registers it was started with. */
export interface ThreadStart {
  /** This thread's libsel4 interface (`createSel4` over its port). */
  readonly sel4: Sel4_AArch64 | Sel4_X86_64;
  /** The raw system-call surface of this thread. */
  readonly port: Sel4ThreadPort;
  /** The first four argument registers at start (x0..x3 / rdi, rsi, rdx, rcx). */
  readonly args: readonly bigint[];
  /** Stack pointer at start. */
  readonly sp: bigint;
}

/**
 * A thread's program written in TypeScript. It runs while the kernel schedules the thread; every
 * `await` must be on the port's blocking syscalls (other awaits stall the thread's turn).
 * Returning stops the thread (it becomes Inactive); throwing does the same and is recorded.
 */
export type ThreadProgram = (start: ThreadStart) => Promise<void>;
