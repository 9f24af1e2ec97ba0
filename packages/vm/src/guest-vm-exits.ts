/** `sel4vm/guest_vm_exits.h` and the exit-handler results of `src/vm.h`. */

/** Guest exit: an MMIO access (`VM_GUEST_MMIO_EXIT`). */
export const VM_GUEST_MMIO_EXIT = 0;
/** Guest exit: an I/O-port access (`VM_GUEST_IO_EXIT`). */
export const VM_GUEST_IO_EXIT = 1;
/** Guest exit: a notification reached the VMM (`VM_GUEST_NOTIFICATION_EXIT`). */
export const VM_GUEST_NOTIFICATION_EXIT = 2;
/** Guest exit of unknown kind (`VM_GUEST_UNKNOWN_EXIT`); the value after `vm_init`. */
export const VM_GUEST_UNKNOWN_EXIT = 3;
/** `vm_run` stopped on an error (`VM_GUEST_ERROR_EXIT`). */
export const VM_GUEST_ERROR_EXIT = -1;
/**
 * `vm_run` stopped because the guest powered itself off or asked for a reset (PSCI SYSTEM_OFF /
 * SYSTEM_RESET). Not in C, whose PSCI emulation cannot stop the VM (reference 9.3 A8).
 */
export const VM_GUEST_SHUTDOWN_EXIT = 4;

/** The values `vm_run.exit_reason` takes (`vm_exit_codes_t` plus the two stop codes). */
export type vm_exit_codes_t =
  | typeof VM_GUEST_MMIO_EXIT
  | typeof VM_GUEST_IO_EXIT
  | typeof VM_GUEST_NOTIFICATION_EXIT
  | typeof VM_GUEST_UNKNOWN_EXIT
  | typeof VM_GUEST_ERROR_EXIT
  | typeof VM_GUEST_SHUTDOWN_EXIT;

/** Exit-handler result: the exit could not be handled; `vm_run` returns 0 (`VM_EXIT_UNHANDLED`). */
export const VM_EXIT_UNHANDLED = 0;
/** Exit-handler result: handled, keep running (`VM_EXIT_HANDLED`). */
export const VM_EXIT_HANDLED = 1;
/** Exit-handler result: fatal; `vm_run` returns -1 (`VM_EXIT_HANDLE_ERROR`). */
export const VM_EXIT_HANDLE_ERROR = -1;

/** What an exit handler returns. */
export type vm_exit_result_t =
  | typeof VM_EXIT_UNHANDLED
  | typeof VM_EXIT_HANDLED
  | typeof VM_EXIT_HANDLE_ERROR;
