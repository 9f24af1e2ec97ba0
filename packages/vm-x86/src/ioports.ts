/** `sel4vm/arch/ioports.h`: emulated I/O port ranges and the VM-wide fallback. */
import type { vm_vcpu_t } from "@sel4/vm";

/** `ioport_fault_result_t`: the handler dealt with the access. */
export const IO_FAULT_HANDLED = 0;
/** The handler did not deal with the access (an IN returns all ones). */
export const IO_FAULT_UNHANDLED = 1;
/** The access is an error (`vm_run` stops). */
export const IO_FAULT_ERROR = 2;

/** What an I/O-port handler returns. */
export type ioport_fault_result_t =
  | typeof IO_FAULT_HANDLED
  | typeof IO_FAULT_UNHANDLED
  | typeof IO_FAULT_ERROR;

/** `ioport_in_fn`: an IN of `size` bytes; `result` is the value read. */
export type ioport_in_fn = (
  vcpu: vm_vcpu_t,
  cookie: unknown,
  port_no: number,
  size: number,
) => { readonly result: ioport_fault_result_t; readonly value: number };

/** `ioport_out_fn`: an OUT of `value` (`size` bytes). */
export type ioport_out_fn = (
  vcpu: vm_vcpu_t,
  cookie: unknown,
  port_no: number,
  size: number,
  value: number,
) => ioport_fault_result_t;

/** `ioport_range_t`: an inclusive port range. */
export interface ioport_range_t {
  /** First port. */
  readonly start: number;
  /** Last port (inclusive). */
  readonly end: number;
  /** Size in ports. */
  readonly size: number;
}

/** `ioport_interface_t`: the handlers of a range. */
export interface ioport_interface_t {
  /** Passed back to the handlers. */
  readonly cookie: unknown;
  /** IN handler. */
  readonly port_in: ioport_in_fn;
  /** OUT handler. */
  readonly port_out: ioport_out_fn;
  /** Name for diagnostics. */
  readonly desc: string;
}

/** `unhandled_ioport_callback_fn`: accesses to ports no range claims. */
export type unhandled_ioport_callback_fn = (
  vcpu: vm_vcpu_t,
  port_no: number,
  is_in: boolean,
  value: number,
  size: number,
  cookie: unknown,
) => { readonly result: ioport_fault_result_t; readonly value: number };

/** `ioport_entry_t`: a registered range. */
export interface ioport_entry_t {
  /** The range. */
  readonly range: ioport_range_t;
  /** Its handlers. */
  readonly interface: ioport_interface_t;
}

/** The sorted, non-overlapping ranges of one VM (`vm_io_port_list_t`). */
export class IoPortList {
  readonly #entries: ioport_entry_t[] = [];
  /** VM-wide fallback. */
  unhandled: { fn: unhandled_ioport_callback_fn; cookie: unknown } | null = null;

  /** Adds a range; null if it is malformed or overlaps one already there. */
  add(range: ioport_range_t, iface: ioport_interface_t): ioport_entry_t | null {
    const { start, end } = range;
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end > 0xffff ||
      end < start
    ) {
      return null;
    }
    if (this.#entries.some((e) => start <= e.range.end && e.range.start <= end)) return null;
    const entry: ioport_entry_t = {
      range: { start, end, size: end - start + 1 },
      interface: iface,
    };
    this.#entries.push(entry);
    this.#entries.sort((a, b) => a.range.start - b.range.start);
    return entry;
  }

  /** The range containing `port` (binary search), or null. */
  find(port: number): ioport_entry_t | null {
    let lo = 0;
    let hi = this.#entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.#entries[mid]!;
      if (port < e.range.start) hi = mid - 1;
      else if (port > e.range.end) lo = mid + 1;
      else return e;
    }
    return null;
  }
}
