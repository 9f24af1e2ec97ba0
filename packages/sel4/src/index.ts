/**
 * libsel4 in TypeScript: seL4's types, constants, error codes, message and fault layouts, the
 * invocation tables of both target configurations (AArch64 hypervisor, x86_64 VT-x; non-MCS),
 * and the `Sel4` system-call interface of one thread with {@link createSel4}, which marshals every
 * invocation onto a {@link Sel4ThreadPort} exactly as libsel4's generated stubs do.
 *
 * @packageDocumentation
 */

export * from "./bootinfo.js";
export * from "./cap-tags.js";
export * from "./cnode-cap-data.js";
export * from "./errors.js";
export * from "./faults.js";
export * from "./invocations/by-config.js";
export * from "./invocations/labels-aarch64.js";
export * from "./invocations/labels-x86_64.js";
export * from "./invocations/layout.js";
export * from "./invocations/table.js";
export * from "./ipc-buffer.js";
export * from "./lookup-failure.js";
export * from "./mapping.js";
export * from "./message-info.js";
export * from "./objects.js";
export type { Sel4ThreadPort, SyscallResult } from "./port.js";
export * from "./rights.js";
export * from "./sel4.js";
export { createSel4 } from "./stubs.js";
export * from "./syscalls.js";
export * from "./tcb-flags.js";
export * from "./types.js";
export * from "./user-context.js";
export * from "./vcpu-arm.js";
export * from "./vmcs-x86.js";
