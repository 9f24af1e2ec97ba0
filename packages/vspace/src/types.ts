/** The `vspace_t` interface (`vspace/vspace.h`) and its data types. */
import type { seL4_CapRights_t, seL4_CPtr } from "@sel4/sel4";
import type { UtCookie, vka_object_t, vka_t } from "@sel4/vka";

/** A reserved virtual range (`reservation_t`); `res` is the implementation's own record. */
export interface reservation_t {
  /** The implementation's reservation record. */
  readonly res: object;
}

/** Free with the vspace's own allocator (`VSPACE_FREE`). */
export const VSPACE_FREE: unique symbol = Symbol("VSPACE_FREE");
/** Do not free anything (`VSPACE_PRESERVE`). */
export const VSPACE_PRESERVE: unique symbol = Symbol("VSPACE_PRESERVE");

/** What unmap and tear-down free: nothing, with the vspace's own vka, or with the given vka. */
export type vspace_free_mode = typeof VSPACE_FREE | typeof VSPACE_PRESERVE | vka_t;

/** Where and how `vspace_new_pages_with_config` allocates (`vspace_new_pages_config_t`). */
export interface vspace_new_pages_config_t {
  /** Start address, or `null` for anywhere. */
  readonly vaddr: number | null;
  /** Number of pages. */
  readonly num_pages: number;
  /** log2 of the page size. */
  readonly size_bits: number;
  /** Whether frames may come from device untyped. */
  readonly can_use_dev: boolean;
}

/** Result of `reserve_range_aligned`: the reservation (`null` on failure) and its start. */
export interface VspaceReserveResult {
  /** The reservation, or `null`. */
  readonly reservation: reservation_t | null;
  /** Its start address (0 on failure). */
  readonly vaddr: number;
}

/**
 * The virtual-memory manager interface (`vspace_t`). Addresses are numbers (below 2^53). Error
 * convention as in C: members that return an address return `null` on failure, members returning
 * `int` return 0 or -1 (or a negative/positive seL4 error), lookups return 0 for "none".
 */
export interface vspace_t {
  /** Allocates and maps `num_pages` frames anywhere; returns the start or `null`. */
  new_pages(rights: seL4_CapRights_t, num_pages: number, size_bits: number): number | null;
  /** Maps the given frame caps anywhere; `cookies` (or `null`) are kept for a later freeing unmap. */
  map_pages(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    rights: seL4_CapRights_t,
    num_pages: number,
    size_bits: number,
    cacheable: boolean,
  ): number | null;
  /** Allocates and maps at `vaddr` inside `reservation` (which must carry rights). 0 or -1. */
  new_pages_at_vaddr(
    vaddr: number,
    num_pages: number,
    size_bits: number,
    reservation: reservation_t,
    can_use_dev: boolean,
  ): number;
  /** Maps caps at `vaddr` inside `reservation` (which must carry rights). 0 or -1. */
  map_pages_at_vaddr(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    vaddr: number,
    num_pages: number,
    size_bits: number,
    reservation: reservation_t,
  ): number;
  /** Maps caps at `vaddr` inside a reservation made without rights, with `rights`. 0 or -1. */
  deferred_rights_map_pages_at_vaddr(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    vaddr: number,
    num_pages: number,
    size_bits: number,
    rights: seL4_CapRights_t,
    reservation: reservation_t,
  ): number;
  /** Unmaps pages; with a vka (or `VSPACE_FREE`) also deletes their caps and frees slots and memory. */
  unmap_pages(vaddr: number, num_pages: number, size_bits: number, free: vspace_free_mode): void;
  /** Destroys the vspace's bookkeeping, unmapping (and with a vka freeing) what it allocated. */
  tear_down(free: vspace_free_mode): void;
  /** Reserves `bytes` anywhere, aligned to 2^`size_bits`. */
  reserve_range_aligned(
    bytes: number,
    size_bits: number,
    rights: seL4_CapRights_t,
    cacheable: boolean,
  ): VspaceReserveResult;
  /** Reserves exactly [`vaddr`, `vaddr` + `bytes`) rounded out to pages, or `null`. */
  reserve_range_at(
    vaddr: number,
    bytes: number,
    rights: seL4_CapRights_t,
    cacheable: boolean,
  ): reservation_t | null;
  /** As `reserve_range_at` with the rights given at map time. */
  reserve_deferred_rights_range_at(
    vaddr: number,
    bytes: number,
    cacheable: boolean,
  ): reservation_t | null;
  /** Frees a reservation (mappings inside stay). */
  free_reservation(reservation: reservation_t): void;
  /** Frees the reservation containing `vaddr`, if any. */
  free_reservation_by_vaddr(vaddr: number): void;
  /** The frame cap mapped at `vaddr`, or 0. */
  get_cap(vaddr: number): seL4_CPtr;
  /** The vspace root cap. */
  get_root(): seL4_CPtr;
  /** The cookie recorded for the mapping at `vaddr`, or 0. */
  get_cookie(vaddr: number): UtCookie;
  /** Maps copies of this vspace's frames at `start..` into `to` at `vaddr` (inside `reservation` of `to`). 0 or -1. */
  share_mem_at_vaddr(
    to: vspace_t,
    start: number,
    num_pages: number,
    size_bits: number,
    vaddr: number,
    reservation: reservation_t,
  ): number;
  /** Called with every paging structure the vspace allocates (so its owner can free it). */
  allocated_object?: (object: vka_object_t) => void;
}
