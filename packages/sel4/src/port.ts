/**
 * The kernel entry of one thread: the raw system-call surface that a kernel (our executable model,
 * or anything else that speaks seL4's ABI) offers a thread written in TypeScript.
 *
 * libsel4's stubs marshal every invocation into a message-info word, message registers and extra
 * caps, then enter the kernel with `seL4_Call`. `@sel4/sel4` does the same on top of this port (see
 * {@link createSel4}), so the kernel decodes invocations exactly as seL4 does: by label, from the
 * message registers, with seL4's check order and error replies.
 *
 * @remarks
 * Words are `bigint` (full 64-bit machine words); capability pointers are `number`.
 * Blocking is async: only {@link Sel4ThreadPort.syscallBlocking} returns a Promise.
 */
export interface Sel4ThreadPort {
  /** The kernel configuration this thread runs on. */
  readonly config: "aarch64" | "x86_64";

  /**
   * Reads message register `i` as the kernel sees it: MR0..MR3 are machine registers of the
   * thread, MR4 and up live in its IPC buffer (`msg[i]`). Reads past a missing IPC buffer give 0.
   */
  getMR(i: number): bigint;

  /**
   * Writes message register `i` (see {@link Sel4ThreadPort.getMR}). A write to MR4 or up is
   * dropped when the thread has no usable IPC buffer, as in seL4.
   */
  setMR(i: number, value: bigint): void;

  /**
   * Reads word `i` (0..127) of the thread's IPC buffer in the layout of `seL4_IPCBuffer`
   * (tag, msg[120], userData, caps_or_badges[3], receiveCNode, receiveIndex, receiveDepth).
   * Returns 0 when the thread has no IPC buffer.
   */
  readIPCBufferWord(i: number): bigint;

  /** Writes word `i` (0..127) of the thread's IPC buffer; dropped without a buffer. */
  writeIPCBufferWord(i: number, value: bigint): void;

  /**
   * Enters the kernel with a system call that completes without blocking the caller:
   * `seL4_SysNBSend`, `seL4_SysReply`, `seL4_SysNBRecv`, `seL4_SysSend` or `seL4_SysCall` on a
   * capability that is not an endpoint (a kernel-object invocation, or a Signal), and the debug
   * calls. A Send or Call through this entry aimed at an endpoint would have to block; the model
   * does not block here and replies with label `seL4_IllegalOperation` instead.
   *
   * @param id - the syscall number (`seL4_Syscall_ID`, negative)
   * @param dest - the capability register (x0 / rdi)
   * @param info - the message-info word (x1 / rsi)
   * @returns the badge register and message-info word the kernel leaves in the thread
   */
  syscall(id: number, dest: number, info: bigint): SyscallResult;

  /**
   * Enters the kernel with a system call that may block: `seL4_SysCall`, `seL4_SysSend`,
   * `seL4_SysRecv`, `seL4_SysReplyRecv`, `seL4_SysYield` and (x86) `seL4_SysVMEnter`. The promise
   * settles when the kernel schedules the thread again.
   */
  syscallBlocking(id: number, dest: number, info: bigint): Promise<SyscallResult>;
}

/** What a system call leaves in the calling thread's badge and message-info registers. */
export interface SyscallResult {
  /** The badge register (x0 / rdi) on return: the sender's badge for a receive, else 0. */
  readonly badge: bigint;
  /** The message-info word (x1 / rsi) on return. */
  readonly info: bigint;
}
