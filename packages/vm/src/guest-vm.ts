/** `sel4vm/guest_vm.h`: the event loop, vCPU start and the VM-wide callbacks. */
import { VM_GUEST_ERROR_EXIT } from "./guest-vm-exits.js";
import type {
  notification_callback_fn,
  unhandled_mem_fault_callback_fn,
  vm_run_t,
  vm_t,
  vm_vcpu_t,
} from "./types.js";

/** `struct vm_run` (C's struct name for {@link vm_run_t}; the function `vm_run` is the event loop). */
export type vm_run = vm_run_t;

/**
 * Runs the VM's event loop (`vm_run`): waits on the host endpoint and handles vCPU faults and
 * notifications until an error (resolves -1, `run.exit_reason = VM_GUEST_ERROR_EXIT`) or until the
 * guest stops itself (resolves 0, `run.exit_reason` says why). Unlike C (bug G3), a handled event,
 * including every virtual-timer event, never ends the loop.
 */
export async function vm_run(vm: vm_t): Promise<number> {
  if (!vm.vm_initialised) {
    vm.run.exit_reason = VM_GUEST_ERROR_EXIT;
    return -1;
  }
  const ret = await vm.arch.vm_run_arch(vm);
  if (ret < 0) vm.run.exit_reason = VM_GUEST_ERROR_EXIT;
  return ret;
}

/**
 * Starts a vCPU (`vcpu_start`): marks it online and lets the architecture start it (ARM: VMPIDR,
 * then `seL4_TCB_Resume`). 0, or -1 (the vCPU stays offline).
 */
export function vcpu_start(vcpu: vm_vcpu_t): number {
  if (vcpu.vcpu_online) return -1;
  vcpu.vcpu_online = true;
  const err = vcpu.vm.arch.vcpu_start_arch(vcpu);
  if (err !== 0) {
    vcpu.vcpu_online = false;
    return -1;
  }
  return 0;
}

/**
 * Installs the VM-wide handler of memory faults that no reservation handled
 * (`vm_register_unhandled_mem_fault_callback`); replaces any previous one. 0, or -1 without one.
 */
export function vm_register_unhandled_mem_fault_callback(
  vm: vm_t,
  fault_handler: unhandled_mem_fault_callback_fn,
  cookie: unknown,
): number {
  if (typeof fault_handler !== "function") return -1;
  vm.mem.unhandled_mem_fault_handler = fault_handler;
  vm.mem.unhandled_mem_fault_cookie = cookie;
  return 0;
}

/**
 * Installs the handler of messages on the host endpoint that are not vCPU faults
 * (`vm_register_notification_callback`); replaces any previous one. 0, or -1 without one.
 */
export function vm_register_notification_callback(
  vm: vm_t,
  notification_callback: notification_callback_fn,
  cookie: unknown,
): number {
  if (typeof notification_callback !== "function") return -1;
  vm.run.notification_callback = notification_callback;
  vm.run.notification_callback_cookie = cookie;
  return 0;
}
