/** The generic `vspace_*` functions of `vspace.c`, written against any `vspace_t`. */
import { seL4_AllRights, type seL4_CapRights_t, type seL4_CPtr } from "@sel4/sel4";
import {
  type reservation_t,
  VSPACE_FREE,
  type VspaceReserveResult,
  type vspace_new_pages_config_t,
  type vspace_t,
} from "./types.js";

/** Default stack size in 4 KiB pages (`CONFIG_SEL4UTILS_STACK_SIZE` = 64 KiB). */
export const VSPACE_DEFAULT_STACK_PAGES = 16;

/** `vspace_reserve_range`: reserve `bytes` anywhere, page aligned. */
export function vspace_reserve_range(
  vspace: vspace_t,
  bytes: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
): VspaceReserveResult {
  return vspace.reserve_range_aligned(bytes, 12, rights, cacheable);
}

/**
 * `vspace_new_sized_stack`: `n_pages` of stack below an unmapped guard page; returns the top (the
 * address after the highest byte), or `null`. The reservation is kept so the guard stays free.
 */
export function vspace_new_sized_stack(vspace: vspace_t, n_pages: number): number | null {
  if (!Number.isSafeInteger(n_pages) || n_pages <= 0) return null;
  const { reservation, vaddr } = vspace.reserve_range_aligned(
    (n_pages + 1) * 4096,
    12,
    seL4_AllRights,
    true,
  );
  if (!reservation) return null;
  if (vspace.new_pages_at_vaddr(vaddr + 4096, n_pages, 12, reservation, false) !== 0) {
    vspace.free_reservation(reservation);
    return null;
  }
  return vaddr + (n_pages + 1) * 4096;
}

/** `vspace_new_stack`: a stack of the default size. */
export function vspace_new_stack(vspace: vspace_t): number | null {
  return vspace_new_sized_stack(vspace, VSPACE_DEFAULT_STACK_PAGES);
}

/** `vspace_free_sized_stack`: unmaps and frees the stack whose top is `stack_top`, and its guard reservation. */
export function vspace_free_sized_stack(
  vspace: vspace_t,
  stack_top: number,
  n_pages: number,
): void {
  if (!Number.isSafeInteger(n_pages) || n_pages <= 0) return;
  const base = stack_top - n_pages * 4096;
  vspace.unmap_pages(base, n_pages, 12, VSPACE_FREE);
  vspace.free_reservation_by_vaddr(base - 4096);
}

/** Result of {@link vspace_new_ipc_buffer}: its address (`null` on failure) and frame cap. */
export interface VspaceIpcBuffer {
  /** Address of the buffer, or `null`. */
  readonly vaddr: number | null;
  /** The frame cap (0 on failure). */
  readonly page: seL4_CPtr;
}

/** `vspace_new_ipc_buffer`: one new 4 KiB page and its cap. */
export function vspace_new_ipc_buffer(vspace: vspace_t): VspaceIpcBuffer {
  const vaddr = vspace.new_pages(seL4_AllRights, 1, 12);
  return vaddr === null ? { vaddr: null, page: 0 } : { vaddr, page: vspace.get_cap(vaddr) };
}

/** `vspace_free_ipc_buffer`. */
export function vspace_free_ipc_buffer(vspace: vspace_t, vaddr: number): void {
  vspace.unmap_pages(vaddr, 1, 12, VSPACE_FREE);
}

/** `vspace_share_mem_at_vaddr`: dispatches to `from.share_mem_at_vaddr`; -1 for bad counts. */
export function vspace_share_mem_at_vaddr(
  from: vspace_t,
  to: vspace_t,
  start: number,
  num_pages: number,
  size_bits: number,
  vaddr: number,
  reservation: reservation_t,
): number {
  if (!Number.isSafeInteger(num_pages) || num_pages <= 0) return -1;
  return from.share_mem_at_vaddr(to, start, num_pages, size_bits, vaddr, reservation);
}

/**
 * `vspace_share_mem`: maps `from`'s pages at `start..` somewhere in `to`; returns the address in
 * `to` or `null`. The temporary reservation is released (the mappings stay).
 */
export function vspace_share_mem(
  from: vspace_t,
  to: vspace_t,
  start: number,
  num_pages: number,
  size_bits: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
): number | null {
  if (
    !Number.isSafeInteger(num_pages) ||
    num_pages <= 0 ||
    !Number.isInteger(size_bits) ||
    size_bits < 0
  )
    return null;
  const { reservation, vaddr } = to.reserve_range_aligned(
    num_pages * 2 ** size_bits,
    size_bits,
    rights,
    cacheable,
  );
  if (!reservation) return null;
  const error = from.share_mem_at_vaddr(to, start, num_pages, size_bits, vaddr, reservation);
  to.free_reservation(reservation);
  return error === 0 ? vaddr : null;
}

/**
 * `vspace_access_page_with_callback`: maps the page of `from` containing `access_addr` into `to`,
 * calls `callback(access_addr, vaddr_in_to)`, then unmaps it (deleting the copied cap). Returns -1
 * if the page could not be shared, else the callback's result.
 */
export function vspace_access_page_with_callback(
  from: vspace_t,
  to: vspace_t,
  access_addr: number,
  size_bits: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
  callback: (access_addr: number, vaddr: number) => number,
): number {
  if (
    !Number.isSafeInteger(access_addr) ||
    !Number.isInteger(size_bits) ||
    size_bits < 12 ||
    size_bits > 47
  )
    return -1;
  const base = Math.floor(access_addr / 2 ** size_bits) * 2 ** size_bits;
  const vaddr = vspace_share_mem(from, to, base, 1, size_bits, rights, cacheable);
  if (vaddr === null) return -1;
  try {
    return callback(access_addr, vaddr);
  } finally {
    to.unmap_pages(vaddr, 1, size_bits, VSPACE_FREE);
  }
}

/** `default_vspace_new_pages_config`: anywhere, no device memory; `null` when `num_pages` is 0. */
export function default_vspace_new_pages_config(
  num_pages: number,
  size_bits: number,
): vspace_new_pages_config_t | null {
  if (!Number.isSafeInteger(num_pages) || num_pages <= 0) return null;
  return { vaddr: null, num_pages, size_bits, can_use_dev: false };
}

/**
 * `vspace_new_pages_with_config`: reserve (at `config.vaddr` or anywhere aligned), allocate and
 * map, release the reservation; returns the start address or `null`.
 */
export function vspace_new_pages_with_config(
  vspace: vspace_t,
  config: vspace_new_pages_config_t,
  rights: seL4_CapRights_t,
): number | null {
  const bytes = config.num_pages * 2 ** config.size_bits;
  let reservation: reservation_t | null;
  let vaddr: number;
  if (config.vaddr === null) {
    ({ reservation, vaddr } = vspace.reserve_range_aligned(bytes, config.size_bits, rights, true));
  } else {
    vaddr = config.vaddr;
    reservation = vspace.reserve_range_at(vaddr, bytes, rights, true);
  }
  if (!reservation) return null;
  const error = vspace.new_pages_at_vaddr(
    vaddr,
    config.num_pages,
    config.size_bits,
    reservation,
    config.can_use_dev,
  );
  vspace.free_reservation(reservation);
  return error === 0 ? vaddr : null;
}
