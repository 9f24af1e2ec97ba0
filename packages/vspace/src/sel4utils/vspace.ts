/**
 * The sel4utils `vspace_t`: bookkeeping of reservations and mappings on the JS heap, frames and
 * paging structures from a vka, mappings through a pluggable map hook.
 */
import {
  type Sel4,
  type Sel4_AArch64,
  type Sel4_X86_64,
  seL4_AllRights,
  seL4_ArchConstants,
  type seL4_CapRights_t,
  type seL4_CPtr,
  seL4_ReadWrite,
} from "@sel4/sel4";
import {
  kobject_get_type,
  type UtCookie,
  vka_alloc_frame_maybe_device,
  vka_cnode_copy,
  vka_free_object,
  type vka_object_t,
  type vka_t,
} from "@sel4/vka";
import { sel4_valid_size_bits } from "../page.js";
import {
  type reservation_t,
  VSPACE_FREE,
  VSPACE_PRESERVE,
  type VspaceReserveResult,
  type vspace_free_mode,
  type vspace_t,
} from "../types.js";
import { IntervalSet } from "./interval-set.js";
import { sel4utils_map_ept_page, sel4utils_map_page } from "./map-page.js";

/** Maps one frame cap for a vspace (`sel4utils_map_page_fn`); returns 0 or an error. */
export type sel4utils_map_page_fn = (
  vspace: Sel4UtilsVspace,
  cap: seL4_CPtr,
  vaddr: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
  size_bits: number,
) => number;

/** The map hook of a VSpace (or ARM stage-2) root: `seL4_ARCH_Page_Map` plus tables on demand. */
export const sel4utils_map_page_pd: sel4utils_map_page_fn = (
  vspace,
  cap,
  vaddr,
  rights,
  cacheable,
) => {
  const r = sel4utils_map_page(vspace.vka, vspace.get_root(), cap, vaddr, rights, cacheable);
  vspace.paging_objects_created(r.objects);
  return r.error;
};

/** The map hook of an x86 EPT root: `seL4_X86_Page_MapEPT` plus EPT tables on demand. */
export const sel4utils_map_page_ept: sel4utils_map_page_fn = (
  vspace,
  cap,
  vaddr,
  rights,
  cacheable,
) => {
  const r = sel4utils_map_ept_page(vspace.vka, vspace.get_root(), cap, vaddr, rights, cacheable);
  vspace.paging_objects_created(r.objects);
  return r.error;
};

/** A reservation record (`sel4utils_res_t`); `rights` is `null` when deferred to map time. */
interface ReservationRecord {
  start: number;
  end: number;
  readonly rights: seL4_CapRights_t | null;
  readonly cacheable: boolean;
  /** Set for ranges the task had before the vspace existed (image, IPC buffer, BootInfo): never mappable. */
  readonly existing: boolean;
}

interface MappingRecord {
  readonly cap: seL4_CPtr;
  readonly cookie: UtCookie;
  readonly size_bits: number;
}

/** Options of a sel4utils vspace. */
export interface Sel4UtilsVspaceOptions {
  /** Allocator for frames, paging structures and slots. */
  readonly vka: vka_t;
  /** The root paging structure cap (already assigned an ASID). */
  readonly root: seL4_CPtr;
  /** The map hook (default {@link sel4utils_map_page_pd}). */
  readonly map_page?: sel4utils_map_page_fn;
  /**
   * Receives every paging structure created. When set, the receiver owns (and must free) them;
   * when absent the vspace keeps them and frees them in `tear_down`.
   */
  readonly allocated_object?: (object: vka_object_t) => void;
  /** Lowest address `new_pages`/`reserve_range_aligned` choose by themselves (default 0x10000000). */
  readonly floor?: number;
  /** First address above the space (default: the configuration's user top). */
  readonly top?: number;
  /** Ranges already in use that must never be chosen or mapped. */
  readonly existing?: readonly { readonly start: number; readonly end: number }[];
}

const PAGE = 4096;

function isRecord(r: reservation_t | null | undefined): r is { res: ReservationRecord } {
  return (
    !!r &&
    typeof r === "object" &&
    typeof (r as { res?: unknown }).res === "object" &&
    r.res !== null
  );
}

/** The sel4utils vspace (see the file comment). */
export class Sel4UtilsVspace implements vspace_t {
  /** The allocator the vspace allocates with (and frees with under `VSPACE_FREE`). */
  readonly vka: vka_t;
  /** The thread's system-call interface. */
  readonly sel4: Sel4;
  /** See {@link Sel4UtilsVspaceOptions.allocated_object}. */
  readonly allocated_object?: (object: vka_object_t) => void;
  private readonly root: seL4_CPtr;
  private readonly mapHook: sel4utils_map_page_fn;
  private readonly floor: number;
  private readonly top: number;
  private readonly reservations = new IntervalSet<ReservationRecord>();
  private readonly mappings = new IntervalSet<MappingRecord>();
  private readonly ownedPaging: vka_object_t[] = [];
  private cursor: number;

  /** Creates a vspace over `opts.root`. */
  constructor(opts: Sel4UtilsVspaceOptions) {
    this.vka = opts.vka;
    this.sel4 = opts.vka.sel4;
    this.root = opts.root;
    this.mapHook = opts.map_page ?? sel4utils_map_page_pd;
    if (opts.allocated_object) this.allocated_object = opts.allocated_object;
    this.floor = opts.floor ?? 0x1000_0000;
    this.top = opts.top ?? seL4_ArchConstants[this.sel4.config].seL4_UserTop + 1;
    this.cursor = this.floor;
    for (const r of opts.existing ?? []) {
      const start = Math.floor(r.start / PAGE) * PAGE;
      const end = Math.ceil(r.end / PAGE) * PAGE;
      this.reservations.insert({
        start,
        end,
        value: { start, end, rights: null, cacheable: true, existing: true },
      });
    }
  }

  /** Paging structures this vspace owns (freed by `tear_down`). */
  get paging_objects(): readonly vka_object_t[] {
    return this.ownedPaging;
  }

  /** Number of pages mapped (for tests and statistics). */
  get mapping_count(): number {
    return this.mappings.size;
  }

  /** Number of reservations, including the task's existing ranges. */
  get reservation_count(): number {
    return this.reservations.size;
  }

  /** Called by map hooks with the paging structures they created. */
  paging_objects_created(objects: readonly vka_object_t[]): void {
    for (const o of objects) {
      if (this.allocated_object) this.allocated_object(o);
      else this.ownedPaging.push(o);
    }
  }

  /** Allocates frames from the vka and maps them at a free range (next fit above the floor). */
  new_pages(rights: seL4_CapRights_t, num_pages: number, size_bits: number): number | null {
    if (!this.validPages(num_pages, size_bits)) return null;
    const vaddr = this.findRange(num_pages * 2 ** size_bits, size_bits);
    if (vaddr === null) return null;
    if (this.allocAndMap(vaddr, num_pages, size_bits, rights, true, false) !== 0) return null;
    this.cursor = vaddr + num_pages * 2 ** size_bits;
    return vaddr;
  }

  /** Maps caller caps at a free range; all or nothing. */
  map_pages(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    rights: seL4_CapRights_t,
    num_pages: number,
    size_bits: number,
    cacheable: boolean,
  ): number | null {
    if (!this.validPages(num_pages, size_bits) || !this.validCaps(caps, cookies, num_pages))
      return null;
    const vaddr = this.findRange(num_pages * 2 ** size_bits, size_bits);
    if (vaddr === null) return null;
    if (this.mapCaps(caps, cookies, vaddr, num_pages, size_bits, rights, cacheable) !== 0)
      return null;
    this.cursor = vaddr + num_pages * 2 ** size_bits;
    return vaddr;
  }

  /** Allocates and maps inside a reservation with rights; all or nothing. */
  new_pages_at_vaddr(
    vaddr: number,
    num_pages: number,
    size_bits: number,
    reservation: reservation_t,
    can_use_dev: boolean,
  ): number {
    const res = this.usableReservation(reservation, vaddr, num_pages, size_bits, false);
    if (!res) return -1;
    return this.allocAndMap(vaddr, num_pages, size_bits, res.rights!, res.cacheable, can_use_dev);
  }

  /** Maps caller caps inside a reservation with rights; all or nothing. */
  map_pages_at_vaddr(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    vaddr: number,
    num_pages: number,
    size_bits: number,
    reservation: reservation_t,
  ): number {
    const res = this.usableReservation(reservation, vaddr, num_pages, size_bits, false);
    if (!res || !this.validCaps(caps, cookies, num_pages)) return -1;
    return this.mapCaps(caps, cookies, vaddr, num_pages, size_bits, res.rights!, res.cacheable);
  }

  /** Maps caller caps inside a deferred-rights reservation with `rights`; all or nothing. */
  deferred_rights_map_pages_at_vaddr(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    vaddr: number,
    num_pages: number,
    size_bits: number,
    rights: seL4_CapRights_t,
    reservation: reservation_t,
  ): number {
    const res = this.usableReservation(reservation, vaddr, num_pages, size_bits, true);
    if (!res || !this.validCaps(caps, cookies, num_pages)) return -1;
    return this.mapCaps(caps, cookies, vaddr, num_pages, size_bits, rights, res.cacheable);
  }

  /**
   * Unmaps the pages of size 2^`size_bits` based at `vaddr`, `vaddr` + 2^`size_bits`, ... Pages with
   * no mapping of exactly that size recorded there are skipped (C would delete and free slot 0).
   * With a vka the frame cap is deleted before its slot and memory are freed.
   */
  unmap_pages(vaddr: number, num_pages: number, size_bits: number, free: vspace_free_mode): void {
    if (!this.validPages(num_pages, size_bits) || !Number.isSafeInteger(vaddr)) return;
    const vka = this.freeVka(free);
    for (let i = 0; i < num_pages; i++) {
      const at = vaddr + i * 2 ** size_bits;
      const m = this.mappings.containing(at);
      if (!m || m.start !== at || m.value.size_bits !== size_bits) continue;
      this.unmapOne(m.start, m.value, vka);
    }
  }

  /**
   * Unmaps every page; with a vka deletes and frees those with a cookie (pages mapped from caller
   * caps are only unmapped), frees the paging structures it owns, and drops every reservation.
   */
  tear_down(free: vspace_free_mode): void {
    const vka = this.freeVka(free);
    for (const m of [...this.mappings.all()])
      this.unmapOne(m.start, m.value, m.value.cookie !== 0 ? vka : null);
    if (vka) {
      for (const o of this.ownedPaging) vka_free_object(vka, o);
      this.ownedPaging.length = 0;
    }
    for (const r of [...this.reservations.all()]) this.reservations.remove(r.start);
  }

  /** Reserves a free range aligned to 2^`size_bits` (next fit above the floor). */
  reserve_range_aligned(
    bytes: number,
    size_bits: number,
    rights: seL4_CapRights_t,
    cacheable: boolean,
  ): VspaceReserveResult {
    if (
      !Number.isSafeInteger(bytes) ||
      bytes <= 0 ||
      !Number.isInteger(size_bits) ||
      size_bits < 12 ||
      size_bits > 47
    ) {
      return { reservation: null, vaddr: 0 };
    }
    const size = Math.ceil(bytes / PAGE) * PAGE;
    const vaddr = this.findRange(size, size_bits);
    if (vaddr === null) return { reservation: null, vaddr: 0 };
    const reservation = this.reserve(vaddr, size, rights, cacheable);
    if (!reservation) return { reservation: null, vaddr: 0 };
    this.cursor = vaddr + size;
    return { reservation, vaddr };
  }

  /** Reserves exactly the range (rounded out to pages) if nothing reserved or mapped overlaps it. */
  reserve_range_at(
    vaddr: number,
    bytes: number,
    rights: seL4_CapRights_t,
    cacheable: boolean,
  ): reservation_t | null {
    return this.reserve(vaddr, bytes, rights, cacheable);
  }

  /** As `reserve_range_at`, with rights given at map time. */
  reserve_deferred_rights_range_at(
    vaddr: number,
    bytes: number,
    cacheable: boolean,
  ): reservation_t | null {
    return this.reserve(vaddr, bytes, null, cacheable);
  }

  /** Frees a reservation of this vspace (mappings stay); others are ignored. */
  free_reservation(reservation: reservation_t): void {
    if (!isRecord(reservation) || reservation.res.existing) return;
    const found = this.reservations.containing(reservation.res.start);
    if (found?.value === reservation.res) this.reservations.remove(found.start);
  }

  /** Frees the reservation containing `vaddr`, if any. */
  free_reservation_by_vaddr(vaddr: number): void {
    const found = Number.isSafeInteger(vaddr) ? this.reservations.containing(vaddr) : null;
    if (found && !found.value.existing) this.reservations.remove(found.start);
  }

  /** The frame cap of the mapping containing `vaddr`, or 0. */
  get_cap(vaddr: number): seL4_CPtr {
    return Number.isSafeInteger(vaddr) ? (this.mappings.containing(vaddr)?.value.cap ?? 0) : 0;
  }

  /** The root paging structure cap. */
  get_root(): seL4_CPtr {
    return this.root;
  }

  /** The cookie of the mapping containing `vaddr`, or 0. */
  get_cookie(vaddr: number): UtCookie {
    return Number.isSafeInteger(vaddr) ? (this.mappings.containing(vaddr)?.value.cookie ?? 0) : 0;
  }

  /**
   * Copies the caps of this vspace's pages at `start..` into slots of `to`'s vka and maps the
   * copies in `to` at `vaddr` (cookie 0). `to` must be a sel4utils vspace whose vka addresses the
   * same CSpace. All or nothing: a failure undoes every copy and mapping made. 0 or -1.
   */
  share_mem_at_vaddr(
    to: vspace_t,
    start: number,
    num_pages: number,
    size_bits: number,
    vaddr: number,
    reservation: reservation_t,
  ): number {
    if (!(to instanceof Sel4UtilsVspace) || !this.validPages(num_pages, size_bits)) return -1;
    const res = to.usableReservation(reservation, vaddr, num_pages, size_bits, null);
    if (!res) return -1;
    const size = 2 ** size_bits;
    for (let i = 0; i < num_pages; i++) {
      const m = this.mappings.containing(start + i * size);
      const ok =
        m &&
        m.start === start + i * size &&
        m.value.size_bits === size_bits &&
        this.copyAndMapInto(to, m.value.cap, vaddr + i * size, size_bits, res);
      if (!ok) {
        to.unmap_pages(vaddr, i, size_bits, VSPACE_FREE);
        return -1;
      }
    }
    return 0;
  }

  /** Records a mapping without a kernel call (`update_entries`, for shadows such as iospaces). 0 or -1. */
  update_entries(vaddr: number, cap: seL4_CPtr, size_bits: number, cookie: UtCookie): number {
    if (!this.validPages(1, size_bits) || !this.alignedInSpace(vaddr, 1, size_bits)) return -1;
    return this.mappings.insert({
      start: vaddr,
      end: vaddr + 2 ** size_bits,
      value: { cap, cookie, size_bits },
    })
      ? 0
      : -1;
  }

  /** Forgets the mapping based at `vaddr` of 2^`size_bits` without a kernel call (`clear_entries`). */
  clear_entries(vaddr: number, size_bits: number): void {
    const m = this.mappings.containing(vaddr);
    if (m && m.start === vaddr && m.value.size_bits === size_bits) this.mappings.remove(vaddr);
  }

  /**
   * Moves or resizes a reservation (`sel4utils_move_resize_reservation`). Newly covered parts must
   * be free of other reservations and mappings. 0, or -1 with nothing changed.
   */
  move_resize_reservation(reservation: reservation_t, vaddr: number, bytes: number): number {
    if (!isRecord(reservation) || reservation.res.existing) return -1;
    const rec = reservation.res;
    const found = this.reservations.containing(rec.start);
    if (
      found?.value !== rec ||
      !Number.isSafeInteger(vaddr) ||
      !Number.isSafeInteger(bytes) ||
      bytes <= 0
    )
      return -1;
    const start = Math.floor(vaddr / PAGE) * PAGE;
    const end = Math.ceil((vaddr + bytes) / PAGE) * PAGE;
    if (start < 0 || end > this.top) return -1;
    this.reservations.remove(rec.start);
    const newParts = [
      [start, Math.min(end, rec.start)],
      [Math.max(start, rec.end), end],
    ].filter(([a, b]) => a! < b!);
    const blocked =
      this.reservations.firstOverlap(start, end) ||
      newParts.some(([a, b]) => this.mappings.firstOverlap(a!, b!));
    if (!blocked) {
      rec.start = start;
      rec.end = end;
    }
    this.reservations.insert({ start: rec.start, end: rec.end, value: rec });
    return blocked ? -1 : 0;
  }

  // --- internals ---

  private validPages(num_pages: number, size_bits: number): boolean {
    return (
      Number.isSafeInteger(num_pages) &&
      num_pages > 0 &&
      sel4_valid_size_bits(this.sel4.config, size_bits)
    );
  }

  private validCaps(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    n: number,
  ): boolean {
    return (
      Array.isArray(caps) &&
      caps.length >= n &&
      (cookies === null || (Array.isArray(cookies) && cookies.length >= n))
    );
  }

  private alignedInSpace(vaddr: number, n: number, size_bits: number): boolean {
    const size = 2 ** size_bits;
    return (
      Number.isSafeInteger(vaddr) &&
      vaddr >= 0 &&
      vaddr % size === 0 &&
      vaddr + n * size <= this.top
    );
  }

  /** The reservation record if `[vaddr, +n pages)` lies in it, is unmapped and its rights mode matches. */
  private usableReservation(
    reservation: reservation_t,
    vaddr: number,
    n: number,
    size_bits: number,
    deferred: boolean | null,
  ): ReservationRecord | null {
    if (
      !isRecord(reservation) ||
      !this.validPages(n, size_bits) ||
      !this.alignedInSpace(vaddr, n, size_bits)
    )
      return null;
    const rec = reservation.res;
    if (rec.existing || this.reservations.containing(rec.start)?.value !== rec) return null;
    if (deferred !== null && (rec.rights === null) !== deferred) return null;
    const end = vaddr + n * 2 ** size_bits;
    if (vaddr < rec.start || end > rec.end || this.mappings.firstOverlap(vaddr, end)) return null;
    return rec;
  }

  private reserve(
    vaddr: number,
    bytes: number,
    rights: seL4_CapRights_t | null,
    cacheable: boolean,
  ): reservation_t | null {
    if (!Number.isSafeInteger(vaddr) || !Number.isSafeInteger(bytes) || vaddr < 0 || bytes <= 0)
      return null;
    const start = Math.floor(vaddr / PAGE) * PAGE;
    const end = Math.ceil((vaddr + bytes) / PAGE) * PAGE;
    if (end > this.top || this.mappings.firstOverlap(start, end)) return null;
    const rec: ReservationRecord = { start, end, rights, cacheable, existing: false };
    return this.reservations.insert({ start, end, value: rec }) ? { res: rec } : null;
  }

  /** Next-fit search for a free, aligned range above the floor (wraps to the floor once). */
  private findRange(bytes: number, align_bits: number): number | null {
    const align = 2 ** align_bits;
    let cursor = Math.max(this.cursor, this.floor);
    let wrapped = false;
    for (;;) {
      const start = Math.ceil(cursor / align) * align;
      if (start + bytes > this.top) {
        if (wrapped) return null;
        wrapped = true;
        cursor = this.floor;
        continue;
      }
      const end = start + bytes;
      const block =
        this.reservations.firstOverlap(start, end) ?? this.mappings.firstOverlap(start, end);
      if (!block) return start;
      cursor = block.end;
      if (wrapped && cursor >= this.cursor) return null;
    }
  }

  private mapOne(
    cap: seL4_CPtr,
    cookie: UtCookie,
    vaddr: number,
    size_bits: number,
    rights: seL4_CapRights_t,
    cacheable: boolean,
  ): number {
    const error = this.mapHook(this, cap, vaddr, rights, cacheable, size_bits);
    if (error !== 0) return error;
    this.mappings.insert({
      start: vaddr,
      end: vaddr + 2 ** size_bits,
      value: { cap, cookie, size_bits },
    });
    return 0;
  }

  /** Maps caller caps; all or nothing (C leaves the first pages of a failed batch mapped). */
  private mapCaps(
    caps: readonly seL4_CPtr[],
    cookies: readonly UtCookie[] | null,
    vaddr: number,
    n: number,
    size_bits: number,
    rights: seL4_CapRights_t,
    cacheable: boolean,
  ): number {
    if (
      !this.alignedInSpace(vaddr, n, size_bits) ||
      this.mappings.firstOverlap(vaddr, vaddr + n * 2 ** size_bits)
    )
      return -1;
    for (let i = 0; i < n; i++) {
      const error = this.mapOne(
        caps[i]!,
        cookies?.[i] ?? 0,
        vaddr + i * 2 ** size_bits,
        size_bits,
        rights,
        cacheable,
      );
      if (error !== 0) {
        this.unmap_pages(vaddr, i, size_bits, VSPACE_PRESERVE);
        return error;
      }
    }
    return 0;
  }

  /** Allocates frames and maps them; all or nothing. */
  private allocAndMap(
    vaddr: number,
    n: number,
    size_bits: number,
    rights: seL4_CapRights_t,
    cacheable: boolean,
    can_use_dev: boolean,
  ): number {
    if (
      !this.alignedInSpace(vaddr, n, size_bits) ||
      this.mappings.firstOverlap(vaddr, vaddr + n * 2 ** size_bits)
    )
      return -1;
    for (let i = 0; i < n; i++) {
      const frame = vka_alloc_frame_maybe_device(this.vka, size_bits, can_use_dev);
      const error =
        frame.error !== 0
          ? frame.error
          : this.mapOne(
              frame.object.cptr,
              frame.object.ut,
              vaddr + i * 2 ** size_bits,
              size_bits,
              rights,
              cacheable,
            );
      if (error !== 0) {
        if (frame.error === 0) vka_free_object(this.vka, frame.object);
        this.unmap_pages(vaddr, i, size_bits, VSPACE_FREE);
        return error;
      }
    }
    return 0;
  }

  private freeVka(free: vspace_free_mode): vka_t | null {
    if (free === VSPACE_PRESERVE) return null;
    if (free === VSPACE_FREE) return this.vka;
    return free;
  }

  private unmapOne(start: number, m: MappingRecord, vka: vka_t | null): void {
    if (this.sel4.config === "aarch64") (this.sel4 as Sel4_AArch64).seL4_ARM_Page_Unmap(m.cap);
    else (this.sel4 as Sel4_X86_64).seL4_X86_Page_Unmap(m.cap);
    this.mappings.remove(start);
    if (!vka) return;
    const path = vka.cspace_make_path(m.cap);
    vka.sel4.seL4_CNode_Delete(path.root, path.capPtr, path.capDepth);
    vka.cspace_free(m.cap);
    if (m.cookie !== 0)
      vka.utspace_free(
        kobject_get_type(this.sel4.config, "KOBJECT_FRAME", m.size_bits),
        m.size_bits,
        m.cookie,
      );
  }

  private copyAndMapInto(
    to: Sel4UtilsVspace,
    cap: seL4_CPtr,
    vaddr: number,
    size_bits: number,
    res: ReservationRecord,
  ): boolean {
    const slot = to.vka.cspace_alloc();
    if (slot.error !== 0) return false;
    const dest = to.vka.cspace_make_path(slot.cptr);
    if (vka_cnode_copy(this.sel4, dest, this.vka.cspace_make_path(cap), seL4_AllRights) !== 0) {
      to.vka.cspace_free(slot.cptr);
      return false;
    }
    if (
      to.mapOne(slot.cptr, 0, vaddr, size_bits, res.rights ?? seL4_ReadWrite, res.cacheable) !== 0
    ) {
      to.sel4.seL4_CNode_Delete(dest.root, dest.capPtr, dest.capDepth);
      to.vka.cspace_free(slot.cptr);
      return false;
    }
    return true;
  }
}
