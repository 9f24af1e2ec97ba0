/**
 * `sel4vm/guest_memory.h`: memory reservations of guest-physical space, their fault dispatch
 * (`vm_memory_handle_fault`) and their mapping (`map_vm_memory_reservation`).
 */
import { seL4_AllRights, seL4_CapNull } from "@sel4/sel4";
import { ResTree } from "./reservation-tree.js";
import type {
  memory_fault_callback_fn,
  memory_fault_result_t,
  memory_map_iterator_fn,
  vm_anon_region_t,
  vm_frame_t,
  vm_memory_reservation_cookie_t,
  vm_memory_reservation_t,
  vm_t,
  vm_vcpu_t,
} from "./types.js";

/** The callback completed the access, including resuming the vCPU (or chose to leave it parked). */
export const FAULT_HANDLED = 0;
/** The callback did not handle the access; the VM-wide unhandled callback gets a turn. */
export const FAULT_UNHANDLED = 1;
/** Resume the vCPU at the same instruction (for example after mapping memory). */
export const FAULT_RESTART = 2;
/** Skip the instruction without touching registers. */
export const FAULT_IGNORE = 3;
/** Fatal: `vm_run` stops with an error. */
export const FAULT_ERROR = 4;

const PAGE_SIZE_4K = 0x1000;

function roundUp(x: number, align: number): number {
  return Math.ceil(x / align) * align;
}

function isRange(addr: number, size: number): boolean {
  return (
    Number.isSafeInteger(addr) &&
    Number.isSafeInteger(size) &&
    addr >= 0 &&
    size > 0 &&
    Number.isSafeInteger(addr + size)
  );
}

/** Creates the two empty reservation sets (`vm_memory_init`). Returns 0. */
export function vm_memory_init(vm: vm_t): number {
  vm.mem.reservation_cookie = new_reservation_cookie();
  return 0;
}

/** Two empty reservation sets. */
export function new_reservation_cookie(): vm_memory_reservation_cookie_t {
  return { regular: new ResTree(), anon: new ResTree() };
}

/** True when [addr, addr+size) intersects a regular reservation or an anonymous region. */
function overlapsAny(vm: vm_t, addr: number, size: number): boolean {
  const { regular, anon } = vm.mem.reservation_cookie;
  for (const set of [regular, anon] as const) {
    for (const n of set.entries()) {
      if (n.addr < addr + size && addr < n.addr + n.size) return true;
    }
  }
  return false;
}

function newReservation(
  addr: number,
  size: number,
  fault_callback: memory_fault_callback_fn,
  cookie: unknown,
  res_type: vm_memory_reservation_t["res_type"],
): vm_memory_reservation_t {
  return {
    addr,
    size,
    fault_callback,
    fault_callback_cookie: cookie,
    memory_map_iterator: null,
    memory_iterator_cookie: null,
    is_mapped: false,
    mapped_frames: [],
    res_type,
  };
}

/**
 * Reserves [addr, addr+size) of guest-physical space (`vm_reserve_memory_at`). Nothing is mapped:
 * every access faults into `fault_callback` until frames are mapped. Returns null if the range is
 * invalid or overlaps a reservation or an anonymous region.
 */
export function vm_reserve_memory_at(
  vm: vm_t,
  addr: number,
  size: number,
  fault_callback: memory_fault_callback_fn,
  cookie: unknown,
): vm_memory_reservation_t | null {
  if (typeof fault_callback !== "function" || !isRange(addr, size)) return null;
  if (overlapsAny(vm, addr, size)) return null;
  const res = newReservation(addr, size, fault_callback, cookie, "MEM_REGULAR_RES");
  if (!vm.mem.reservation_cookie.regular.insert(addr, size, res)) return null;
  return res;
}

/**
 * Declares [addr, addr+size) as an anonymous region from which `vm_reserve_anon_memory` and
 * `vm_ram_register` carve (`vm_memory_make_anon`). Returns 0, or -1 on an invalid or overlapping
 * range.
 */
export function vm_memory_make_anon(vm: vm_t, addr: number, size: number): number {
  if (!isRange(addr, size) || overlapsAny(vm, addr, size)) return -1;
  const region: vm_anon_region_t = { addr, size, alloc_addr: addr, reservations: [] };
  return vm.mem.reservation_cookie.anon.insert(addr, size, region) ? 0 : -1;
}

/**
 * Carves `size` bytes aligned to `align` out of the first anonymous region with room
 * (`vm_reserve_anon_memory`). C's `*addr` out-parameter is the returned `addr`; null when nothing
 * fits (the bounds check is exact: C bug M5).
 */
export function vm_reserve_anon_memory(
  vm: vm_t,
  size: number,
  align: number,
  fault_callback: memory_fault_callback_fn,
  cookie: unknown,
): { readonly reservation: vm_memory_reservation_t; readonly addr: number } | null {
  if (typeof fault_callback !== "function" || !Number.isSafeInteger(size) || size <= 0) return null;
  if (!Number.isSafeInteger(align) || align <= 0) return null;
  const need = roundUp(size, PAGE_SIZE_4K);
  for (const node of vm.mem.reservation_cookie.anon.entries()) {
    const region = node.data;
    const candidate = roundUp(region.alloc_addr, align);
    if (candidate + need > region.addr + region.size) continue;
    region.alloc_addr = candidate + need;
    const res = newReservation(candidate, size, fault_callback, cookie, "MEM_ANON_RES");
    region.reservations.push(res);
    return { reservation: res, addr: candidate };
  }
  return null;
}

/**
 * Frees a reservation (`vm_free_reserved_memory`): unmaps exactly the frames mapped for it (C bug
 * M4 assumed 4 KiB pages). Anonymous carve-outs are removed from their region (C could not free
 * them); the region's bump pointer goes back only if it was the last carve-out. 0 or -1.
 */
export function vm_free_reserved_memory(vm: vm_t, reservation: vm_memory_reservation_t): number {
  const { regular, anon } = vm.mem.reservation_cookie;
  if (reservation.res_type === "MEM_REGULAR_RES") {
    const node = regular.find(reservation.addr);
    if (node === null || node.data !== reservation) return -1;
    unmapReservation(vm, reservation);
    return regular.remove(reservation.addr, reservation.size) ? 0 : -1;
  }
  const node = anon.find(reservation.addr);
  if (node === null) return -1;
  const region = node.data;
  const i = region.reservations.indexOf(reservation);
  if (i < 0) return -1;
  unmapReservation(vm, reservation);
  region.reservations.splice(i, 1);
  if (region.alloc_addr === reservation.addr + roundUp(reservation.size, PAGE_SIZE_4K)) {
    region.alloc_addr = reservation.addr;
  }
  return 0;
}

function unmapReservation(vm: vm_t, res: vm_memory_reservation_t): void {
  for (const f of res.mapped_frames.splice(0)) vm.mem.vm_vspace.unmap_frame(f.vaddr, f.size_bits);
  res.is_mapped = false;
}

/**
 * Maps the frames the iterator returns over the whole reservation (`map_vm_memory_reservation`).
 * On failure every frame mapped so far is unmapped again (C leaves them, bug M4). 0 or -1.
 */
export function map_vm_memory_reservation(
  vm: vm_t,
  reservation: vm_memory_reservation_t,
  map_iterator: memory_map_iterator_fn,
  map_cookie: unknown,
): number {
  const end = reservation.addr + reservation.size;
  let cur = reservation.addr;
  while (cur < end) {
    let frame: vm_frame_t;
    try {
      frame = map_iterator(cur, map_cookie);
    } catch {
      unmapReservation(vm, reservation);
      return -1;
    }
    if (!isValidFrame(frame) || vm.mem.vm_vspace.map_frame(frame) !== 0) {
      unmapReservation(vm, reservation);
      return -1;
    }
    reservation.mapped_frames.push({ vaddr: frame.vaddr, size_bits: frame.size_bits });
    cur += 2 ** frame.size_bits;
  }
  reservation.memory_map_iterator = null;
  reservation.memory_iterator_cookie = null;
  reservation.is_mapped = true;
  return 0;
}

function isValidFrame(frame: vm_frame_t | null | undefined): frame is vm_frame_t {
  return (
    frame !== null &&
    typeof frame === "object" &&
    frame.cptr !== seL4_CapNull &&
    Number.isInteger(frame.size_bits) &&
    frame.size_bits >= 12 &&
    frame.size_bits <= 40 &&
    Number.isSafeInteger(frame.vaddr) &&
    frame.vaddr % 2 ** frame.size_bits === 0
  );
}

/** Options of {@link vm_map_reservation} (C's `CONFIG_LIB_SEL4VM_DEFER_MEMORY_MAP`). */
export interface VmMapReservationOptions {
  /** Map on the first fault inside the reservation instead of now. */
  readonly defer?: boolean;
}

/**
 * Backs a reservation with the frames `map_iterator` returns (`vm_map_reservation`): now, or on the
 * first fault inside it when `options.defer` is set (then that fault restarts the access). 0 / -1.
 */
export function vm_map_reservation(
  vm: vm_t,
  reservation: vm_memory_reservation_t,
  map_iterator: memory_map_iterator_fn,
  cookie: unknown,
  options: VmMapReservationOptions = {},
): number {
  if (typeof map_iterator !== "function" || reservation.is_mapped) return -1;
  if (options.defer) {
    reservation.memory_map_iterator = map_iterator;
    reservation.memory_iterator_cookie = cookie;
    return 0;
  }
  return map_vm_memory_reservation(vm, reservation, map_iterator, cookie);
}

/**
 * Backs a reservation with the caller's frame caps, `frames[(gpa - addr) >> frame_size_bits]`
 * with all rights (`vm_map_reservation_frames`). The list is copied, so deferred mapping is safe
 * (C bug M2). 0 or -1.
 */
export function vm_map_reservation_frames(
  vm: vm_t,
  reservation: vm_memory_reservation_t,
  frames: readonly number[],
  num_frames: number,
  frame_size_bits: number,
  options: VmMapReservationOptions = {},
): number {
  if (!Number.isInteger(num_frames) || num_frames < 0 || num_frames > frames.length) return -1;
  const copy = frames.slice(0, num_frames);
  const size = 2 ** frame_size_bits;
  const base = reservation.addr;
  const iterator: memory_map_iterator_fn = (addr) => {
    const index = Math.floor((addr - base) / size);
    const cptr = index >= 0 && index < copy.length ? copy[index]! : seL4_CapNull;
    return { cptr, rights: seL4_AllRights, vaddr: base + index * size, size_bits: frame_size_bits };
  };
  return vm_map_reservation(vm, reservation, iterator, null, options);
}

/** The reservation's start and (unrounded) size (`vm_get_reservation_memory_region`). */
export function vm_get_reservation_memory_region(reservation: vm_memory_reservation_t): {
  readonly addr: number;
  readonly size: number;
} {
  return { addr: reservation.addr, size: reservation.size };
}

/** Finds the reservation that must handle an access of `size` bytes at `addr`. */
function findReservation(
  vm: vm_t,
  addr: number,
  size: number,
): vm_memory_reservation_t | memory_fault_result_t {
  const { regular, anon } = vm.mem.reservation_cookie;
  const width = Math.max(size, 1);
  const reg = regular.find(addr);
  if (reg !== null) {
    // The whole access must lie inside the reservation (C bug M1 compared only widths).
    return addr + width <= reg.addr + reg.size ? reg.data : FAULT_ERROR;
  }
  const region = anon.find(addr);
  if (region === null) return FAULT_UNHANDLED;
  if (addr + width > region.addr + region.size) return FAULT_ERROR;
  const res = region.data.reservations.find(
    (r) => r.addr <= addr && addr + width <= r.addr + r.size,
  );
  return res ?? FAULT_UNHANDLED;
}

/**
 * Dispatches a guest memory fault to the reservation covering it (`vm_memory_handle_fault`):
 * `FAULT_UNHANDLED` when none does, `FAULT_ERROR` when the access straddles a reservation's end,
 * `FAULT_RESTART` after completing a deferred mapping, else the callback's result. A callback that
 * throws or returns something that is not a result code counts as `FAULT_ERROR`.
 */
export function vm_memory_handle_fault(
  vm: vm_t,
  vcpu: vm_vcpu_t,
  addr: number,
  size: number,
): memory_fault_result_t {
  const found = findReservation(vm, addr, size);
  if (typeof found === "number") return found;
  if (!found.is_mapped && found.memory_map_iterator !== null) {
    const err = map_vm_memory_reservation(
      vm,
      found,
      found.memory_map_iterator,
      found.memory_iterator_cookie,
    );
    return err === 0 ? FAULT_RESTART : FAULT_ERROR;
  }
  return call_fault_callback(() =>
    found.fault_callback(vm, vcpu, addr, size, found.fault_callback_cookie),
  );
}

/** Runs a fault callback; a throw or a value that is not a result code becomes `FAULT_ERROR`. */
export function call_fault_callback(fn: () => memory_fault_result_t): memory_fault_result_t {
  let result: unknown;
  try {
    result = fn();
  } catch {
    return FAULT_ERROR;
  }
  return result === 0 || result === 1 || result === 2 || result === 3 || result === 4
    ? result
    : FAULT_ERROR;
}
