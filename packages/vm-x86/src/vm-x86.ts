/** The x86 public API of libsel4vm (`sel4vm/arch/*.h`) over an {@link X86Vm}. */
import type { Sel4_X86_64 } from "@sel4/sel4";
import type { vm_t, vm_vcpu_t } from "@sel4/vm";
import type { vmcall_handler_fn, x86_time_source_t } from "./arch.js";
import { X86Vm } from "./arch.js";
import type {
  ioport_interface_t,
  ioport_range_t,
  unhandled_ioport_callback_fn,
} from "./ioports.js";

function x86(vm: vm_t): X86Vm | null {
  return vm.arch instanceof X86Vm ? vm.arch : null;
}

/** `vm_io_port_add_handler`: emulates the ports of `io_range`. 0, or -1 (overlap, bad range). */
export function vm_io_port_add_handler(
  vm: vm_t,
  io_range: ioport_range_t,
  io_interface: ioport_interface_t,
): number {
  const a = x86(vm);
  if (a === null) return -1;
  return a.io_ports.add(io_range, io_interface) === null ? -1 : 0;
}

/** `vm_register_unhandled_ioport_callback`: handles ports no range claims. 0 or -1. */
export function vm_register_unhandled_ioport_callback(
  vm: vm_t,
  ioport_callback: unhandled_ioport_callback_fn,
  cookie: unknown,
): number {
  const a = x86(vm);
  if (a === null || typeof ioport_callback !== "function") return -1;
  a.io_ports.unhandled = { fn: ioport_callback, cookie };
  return 0;
}

/**
 * `vm_enable_passthrough_ioport`: lets the guest reach ports `[port_start, port_end]` directly
 * through the I/O port capability `port_cap` (no exits). 0 or -1.
 */
export function vm_enable_passthrough_ioport(
  vcpu: vm_vcpu_t,
  port_start: number,
  port_end: number,
  port_cap: number,
): number {
  const sel4 = vcpu.vm.sel4 as Sel4_X86_64;
  if (sel4.config !== "x86_64") return -1;
  return sel4.seL4_X86_VCPU_EnableIOPort(vcpu.vcpu.cptr, port_cap, port_start, port_end) === 0
    ? 0
    : -1;
}

/** `vm_reg_new_vmcall_handler`: handles VMCALLs whose EAX is `token`. 0, or -1 if taken. */
export function vm_reg_new_vmcall_handler(
  vm: vm_t,
  func: vmcall_handler_fn,
  token: number,
): number {
  const a = x86(vm);
  if (a === null || typeof func !== "function" || a.vmcall_handlers.has(token)) return -1;
  a.vmcall_handlers.set(token, func);
  return 0;
}

/** Adds a device with deadlines to the guest clock (not in C: its devices use host timers). */
export function vm_x86_add_time_source(vm: vm_t, source: x86_time_source_t): number {
  const a = x86(vm);
  if (a === null) return -1;
  a.time_sources.push(source);
  return 0;
}
