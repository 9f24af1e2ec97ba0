/**
 * `@sel4/kernel`: an executable model of the seL4 kernel (non-MCS) for the `aarch64` (hyp) and
 * `x86_64` (VT-x) configurations. Threads written in TypeScript talk to it through the
 * `Sel4ThreadPort` of `@sel4/sel4`; threads executing machine code plug in through
 * {@link ThreadExecutor}.
 *
 * @packageDocumentation
 */
export type { Arch } from "./abi.js";
export type {
  ARMVCPUExecution,
  ARMVCPUExecutorOptions,
  ARMVCPUExecutorStats,
} from "./arch/aarch64/vcpu-executor.js";
export { X86VcpuExecutor } from "./arch/x86_64/vcpu-executor.js";
export type { PlatformMap } from "./boot.js";
export type { Slot } from "./cdt.js";
export type { ExecutionContext, ExecutorExit, ThreadExecutor, Translation } from "./executor.js";
export type { InvariantViolation } from "./invariants.js";
export {
  Kernel,
  type KernelConfig,
  KernelConfigError,
  type KernelHaltReason,
  type KernelStartOptions,
  type RootTask,
} from "./kernel.js";
export type {
  ASIDPool,
  Blocking,
  Cap,
  CNode,
  Endpoint,
  Fault,
  Frame,
  FrameMapping,
  IPCBufferMemo,
  KernelObject,
  LookupFailure,
  Notification,
  ObjectBase,
  PagingKind,
  PagingTable,
  PendingSyscall,
  PTE,
  TCB,
  ThreadProgramState,
  ThreadState,
  VCPU,
  VMRights,
} from "./objects/types.js";
export { PhysicalAddressError, PhysicalMemory, type PhysicalRegion } from "./physmem.js";
export type { ThreadProgram, ThreadStart } from "./program.js";
export { ThreadNotRunningError } from "./runner.js";
