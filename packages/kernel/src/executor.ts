/**
 * The seam for threads that execute machine code (vCPUs and native threads with binary code).
 *
 * A thread whose pc is not a registered TypeScript program is handed to the kernel's
 * {@link ThreadExecutor} when scheduled. The executor runs the thread's instructions (an AArch64
 * or x86 emulator) against the {@link ExecutionContext} the kernel gives it, for at most
 * `budget` instructions, and returns why it stopped. The kernel then does what seL4 does on that
 * trap: a system call is decoded from the registers exactly as for TypeScript threads, a fault is
 * delivered to the thread's fault endpoint, an expired budget is a timer tick.
 *
 * Without an executor such a thread takes a VMFault on instruction fetch at its pc (the model has
 * nothing to run there), as a thread jumping to unmapped memory would.
 */
import type { Fault, TCB, VCPU } from "./objects/types.js";

/** Result of a translation through a thread's VSpace (stage 2 for vCPUs). */
export type Translation =
  | {
      readonly ok: true;
      readonly paddr: number;
      readonly writable: boolean;
      readonly executable: boolean;
    }
  | { readonly ok: false };

/** What an executor may touch while it runs a thread. */
export interface ExecutionContext {
  /** The thread (read-only view of its identity and bound VCPU). */
  readonly thread: TCB;
  /** The VCPU bound to the thread, or null. */
  readonly vcpu: VCPU | null;
  /** `seL4_UserContext` words (pc, sp, flags, general registers); read and write. */
  readonly registers: bigint[];
  /** Translates an address through the thread's VSpace (or EPT for x86 guest mode). */
  translate(vaddr: bigint, space: "vspace" | "ept"): Translation;
  /** Physical memory access for translated addresses. */
  readPhysical(paddr: number, length: number): Uint8Array;
  /** Physical memory access for translated addresses. */
  writePhysical(paddr: number, bytes: Uint8Array): void;
}

/** Why an executor returned control to the kernel. */
export type ExecutorExit =
  /**
   * The thread executed a system-call instruction (svc/hvc/syscall): number in its register, pc
   * left at the instruction (FaultIP). The kernel moves pc past it when the call completes and
   * leaves it there when the call must be re-executed (Restart).
   */
  | { readonly kind: "syscall" }
  /** The thread raised a fault (VMFault, UserException, VCPU faults...). pc = FaultIP. */
  | { readonly kind: "fault"; readonly fault: Fault }
  /** The instruction budget ran out: a timer tick. */
  | { readonly kind: "budget" }
  /** The thread waits for an interrupt (WFI/HLT with nothing pending). */
  | { readonly kind: "idle" }
  /**
   * x86 guest mode: a VM exit the kernel does not handle itself. `words` are the exit message
   * registers MR0.. in the `SEL4_VMENTER_FAULT_*` layout; seL4_VMEnter returns FAULT with them.
   */
  | { readonly kind: "vmexit"; readonly words: readonly bigint[] };

/** A plug-in that executes machine code for threads (the VM issues provide the emulators). */
export interface ThreadExecutor {
  /** True if this executor can run the thread (e.g. its architecture and mode are supported). */
  canExecute(thread: TCB): boolean;
  /** Runs the thread for at most `budget` instructions. */
  execute(context: ExecutionContext, budget: number): ExecutorExit;
  /**
   * Instructions executed so far by every thread (the virtual clock), if the executor counts
   * them: the kernel's instruction limit (`KernelStartOptions.maxInstructions`) reads it.
   */
  readonly instructionsExecuted?: number;
}
