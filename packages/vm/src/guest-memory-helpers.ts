/** `sel4vm/guest_memory_helpers.h`. */
import { FAULT_ERROR } from "./guest-memory.js";
import type { memory_fault_result_t, vm_t, vm_vcpu_t } from "./types.js";

/**
 * A reservation fault callback for regions that must never fault (`default_error_fault_callback`):
 * returns `FAULT_ERROR`, so `vm_run` stops with an error.
 */
export function default_error_fault_callback(
  _vm: vm_t,
  _vcpu: vm_vcpu_t,
  _fault_addr: number,
  _fault_length: number,
  _cookie: unknown,
): memory_fault_result_t {
  return FAULT_ERROR;
}
