/** The C wrappers of `vspace.h`: argument checks, then the member. */
import type { seL4_CapRights_t, seL4_CPtr } from "@sel4/sel4";
import type { UtCookie, vka_object_t } from "@sel4/vka";
import type {
  reservation_t,
  VspaceReserveResult,
  vspace_free_mode,
  vspace_new_pages_config_t,
  vspace_t,
} from "./types.js";

function positive(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

/** `vspace_new_pages`: `null` for a non-positive count. */
export function vspace_new_pages(
  vspace: vspace_t,
  rights: seL4_CapRights_t,
  num_pages: number,
  size_bits: number,
): number | null {
  return positive(num_pages) ? vspace.new_pages(rights, num_pages, size_bits) : null;
}

/** `vspace_map_pages`: `null` for a non-positive count. */
export function vspace_map_pages(
  vspace: vspace_t,
  caps: readonly seL4_CPtr[],
  cookies: readonly UtCookie[] | null,
  rights: seL4_CapRights_t,
  num_pages: number,
  size_bits: number,
  cacheable: boolean,
): number | null {
  return positive(num_pages)
    ? vspace.map_pages(caps, cookies, rights, num_pages, size_bits, cacheable)
    : null;
}

/** `vspace_new_pages_at_vaddr`: as the config variant with `can_use_dev` false. */
export function vspace_new_pages_at_vaddr(
  vspace: vspace_t,
  vaddr: number,
  num_pages: number,
  size_bits: number,
  reservation: reservation_t | null,
): number {
  return vspace_new_pages_at_vaddr_with_config(
    vspace,
    { vaddr, num_pages, size_bits, can_use_dev: false },
    reservation,
  );
}

/**
 * `vspace_new_pages_at_vaddr_with_config`: -1 without calling the member when the reservation is
 * `null` or `config.vaddr` is `null` (C logs and calls through anyway).
 */
export function vspace_new_pages_at_vaddr_with_config(
  vspace: vspace_t,
  config: vspace_new_pages_config_t,
  reservation: reservation_t | null,
): number {
  if (!reservation || config.vaddr === null || !positive(config.num_pages)) return -1;
  return vspace.new_pages_at_vaddr(
    config.vaddr,
    config.num_pages,
    config.size_bits,
    reservation,
    config.can_use_dev,
  );
}

/** `vspace_map_pages_at_vaddr`: -1 for a non-positive count. */
export function vspace_map_pages_at_vaddr(
  vspace: vspace_t,
  caps: readonly seL4_CPtr[],
  cookies: readonly UtCookie[] | null,
  vaddr: number,
  num_pages: number,
  size_bits: number,
  reservation: reservation_t,
): number {
  return positive(num_pages)
    ? vspace.map_pages_at_vaddr(caps, cookies, vaddr, num_pages, size_bits, reservation)
    : -1;
}

/** `vspace_deferred_rights_map_pages_at_vaddr`: -1 for a non-positive count. */
export function vspace_deferred_rights_map_pages_at_vaddr(
  vspace: vspace_t,
  caps: readonly seL4_CPtr[],
  cookies: readonly UtCookie[] | null,
  vaddr: number,
  num_pages: number,
  size_bits: number,
  rights: seL4_CapRights_t,
  reservation: reservation_t,
): number {
  return positive(num_pages)
    ? vspace.deferred_rights_map_pages_at_vaddr(
        caps,
        cookies,
        vaddr,
        num_pages,
        size_bits,
        rights,
        reservation,
      )
    : -1;
}

/** `vspace_unmap_pages`: ignored for a non-positive count. */
export function vspace_unmap_pages(
  vspace: vspace_t,
  vaddr: number,
  num_pages: number,
  size_bits: number,
  free: vspace_free_mode,
): void {
  if (positive(num_pages)) vspace.unmap_pages(vaddr, num_pages, size_bits, free);
}

/** `vspace_tear_down`. */
export function vspace_tear_down(vspace: vspace_t, free: vspace_free_mode): void {
  vspace.tear_down(free);
}

/** `vspace_reserve_range_aligned`: failure for a non-positive size. */
export function vspace_reserve_range_aligned(
  vspace: vspace_t,
  bytes: number,
  size_bits: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
): VspaceReserveResult {
  return positive(bytes)
    ? vspace.reserve_range_aligned(bytes, size_bits, rights, cacheable)
    : { reservation: null, vaddr: 0 };
}

/** `vspace_reserve_range_at`: `null` for a non-positive size. */
export function vspace_reserve_range_at(
  vspace: vspace_t,
  vaddr: number,
  bytes: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
): reservation_t | null {
  return positive(bytes) ? vspace.reserve_range_at(vaddr, bytes, rights, cacheable) : null;
}

/** `vspace_reserve_deferred_rights_range_at`: `null` for a non-positive size. */
export function vspace_reserve_deferred_rights_range_at(
  vspace: vspace_t,
  vaddr: number,
  bytes: number,
  cacheable: boolean,
): reservation_t | null {
  return positive(bytes) ? vspace.reserve_deferred_rights_range_at(vaddr, bytes, cacheable) : null;
}

/** `vspace_free_reservation`. */
export function vspace_free_reservation(vspace: vspace_t, reservation: reservation_t): void {
  vspace.free_reservation(reservation);
}

/** `vspace_free_reservation_by_vaddr`. */
export function vspace_free_reservation_by_vaddr(vspace: vspace_t, vaddr: number): void {
  vspace.free_reservation_by_vaddr(vaddr);
}

/** `vspace_get_cap`: the frame cap at `vaddr` or 0. */
export function vspace_get_cap(vspace: vspace_t, vaddr: number): seL4_CPtr {
  return vspace.get_cap(vaddr);
}

/** `vspace_get_root`. */
export function vspace_get_root(vspace: vspace_t): seL4_CPtr {
  return vspace.get_root();
}

/** `vspace_get_cookie`: the cookie at `vaddr` or 0. */
export function vspace_get_cookie(vspace: vspace_t, vaddr: number): UtCookie {
  return vspace.get_cookie(vaddr);
}

/** `vspace_maybe_call_allocated_object`: reports `object` if the vspace has a callback. */
export function vspace_maybe_call_allocated_object(vspace: vspace_t, object: vka_object_t): void {
  vspace.allocated_object?.(object);
}
