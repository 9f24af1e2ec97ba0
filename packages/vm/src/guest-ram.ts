/**
 * `sel4vm/guest_ram.h`: guest RAM registration (reservation + frames mapped at once), the RAM
 * region list (`vm->mem.ram_regions`) and host access to guest RAM (`vm_ram_touch`).
 */
import { seL4_AllRights, seL4_CapNull } from "@sel4/sel4";
import { vka_alloc_frame_at, vka_alloc_frame_maybe_device } from "@sel4/vka";
import {
  FAULT_ERROR,
  map_vm_memory_reservation,
  vm_free_reserved_memory,
  vm_reserve_anon_memory,
  vm_reserve_memory_at,
} from "./guest-memory.js";
import type {
  memory_fault_callback_fn,
  memory_map_iterator_fn,
  ram_touch_callback_fn,
  vm_frame_t,
  vm_ram_region_t,
  vm_t,
} from "./types.js";

const PAGE_BITS_4K = 12;
const PAGE_SIZE_4K = 0x1000;
const PAGE_BITS_2M = 21;

/** RAM is mapped and must never fault: a fault on it is a VMM or guest error. */
const ramFault: memory_fault_callback_fn = () => FAULT_ERROR;

/** Adds [start, start+bytes) as free RAM, keeping the list sorted and merged. */
function expand_guest_ram_region(vm: vm_t, start: number, bytes: number): void {
  pushRegions(vm, [{ start, size: bytes, allocated: 0 }]);
}

function pushRegions(vm: vm_t, add: readonly vm_ram_region_t[]): void {
  const all = [...vm.mem.ram_regions, ...add.filter((r) => r.size > 0)];
  all.sort((a, b) => a.start - b.start);
  const merged: vm_ram_region_t[] = [];
  for (const r of all) {
    const last = merged[merged.length - 1];
    if (last && last.start + last.size === r.start && last.allocated === r.allocated) {
      last.size += r.size;
    } else {
      merged.push({ ...r });
    }
  }
  vm.mem.ram_regions = merged;
  vm.mem.num_ram_regions = merged.length;
}

/**
 * The frame iterator of RAM: 2 MiB frames where the range allows (C bug M9 used only 4 KiB), else
 * 4 KiB; from the allocator, or at PA == GPA when `one_to_one`.
 */
function ramIterator(vm: vm_t, end: number, one_to_one: boolean): memory_map_iterator_fn {
  return (addr: number): vm_frame_t => {
    const page = addr - (addr % PAGE_SIZE_4K);
    const big = page % 2 ** PAGE_BITS_2M === 0 && page + 2 ** PAGE_BITS_2M <= end;
    for (const bits of big ? [PAGE_BITS_2M, PAGE_BITS_4K] : [PAGE_BITS_4K]) {
      const r = one_to_one
        ? vka_alloc_frame_at(vm.vka, bits, page)
        : vka_alloc_frame_maybe_device(vm.vka, bits, true);
      if (r.error === 0) {
        return { cptr: r.object.cptr, rights: seL4_AllRights, vaddr: page, size_bits: bits };
      }
    }
    return { cptr: seL4_CapNull, rights: seL4_AllRights, vaddr: page, size_bits: PAGE_BITS_4K };
  };
}

function validRange(start: number, bytes: number): boolean {
  return (
    Number.isSafeInteger(start) &&
    Number.isSafeInteger(bytes) &&
    start >= 0 &&
    bytes > 0 &&
    start % PAGE_SIZE_4K === 0 &&
    Number.isSafeInteger(start + bytes)
  );
}

/**
 * Registers `bytes` of RAM somewhere inside the anonymous regions, page aligned, backed at once
 * by frames from the allocator (`vm_ram_register`). Returns the guest-physical address, or null
 * (C's 0 is a valid address: bug M8).
 */
export function vm_ram_register(vm: vm_t, bytes: number): number | null {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) return null;
  const r = vm_reserve_anon_memory(vm, bytes, PAGE_SIZE_4K, ramFault, null);
  if (r === null) return null;
  const end = r.addr + bytes;
  if (map_vm_memory_reservation(vm, r.reservation, ramIterator(vm, end, false), null) !== 0) {
    vm_free_reserved_memory(vm, r.reservation);
    return null;
  }
  expand_guest_ram_region(vm, r.addr, bytes);
  return r.addr;
}

/**
 * Registers [start, start+bytes) as RAM, backed at once (`vm_ram_register_at`): by allocator
 * frames, or with `untyped` by the frames at physical address == guest-physical address. 0 or -1;
 * on failure nothing stays reserved or mapped.
 */
export function vm_ram_register_at(
  vm: vm_t,
  start: number,
  bytes: number,
  untyped: boolean,
): number {
  if (!validRange(start, bytes)) return -1;
  const end = start + bytes;
  return vm_ram_register_at_custom_iterator(vm, start, bytes, ramIterator(vm, end, untyped), null);
}

/**
 * Registers [start, start+bytes) as RAM backed by the frames `map_iterator` returns
 * (`vm_ram_register_at_custom_iterator`). 0 or -1; the reservation is released on failure (C bug
 * M10).
 */
export function vm_ram_register_at_custom_iterator(
  vm: vm_t,
  start: number,
  bytes: number,
  map_iterator: memory_map_iterator_fn,
  cookie: unknown,
): number {
  if (!validRange(start, bytes) || typeof map_iterator !== "function") return -1;
  const res = vm_reserve_memory_at(vm, start, bytes, ramFault, null);
  if (res === null) return -1;
  if (map_vm_memory_reservation(vm, res, map_iterator, cookie) !== 0) {
    vm_free_reserved_memory(vm, res);
    return -1;
  }
  expand_guest_ram_region(vm, start, bytes);
  return 0;
}

function containing(vm: vm_t, start: number, bytes: number): number {
  return vm.mem.ram_regions.findIndex((r) => r.start <= start && start + bytes <= r.start + r.size);
}

function setAllocated(vm: vm_t, start: number, bytes: number, allocated: 0 | 1): number {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(bytes) || bytes <= 0) return -1;
  // The range may span several adjacent regions: check it is fully covered first (C bug M8).
  let cur = start;
  const end = start + bytes;
  while (cur < end) {
    const i = containing(vm, cur, 1);
    if (i < 0) return -1;
    const r = vm.mem.ram_regions[i]!;
    cur = r.start + r.size;
  }
  const pieces: vm_ram_region_t[] = [];
  const keep: vm_ram_region_t[] = [];
  for (const r of vm.mem.ram_regions) {
    const rEnd = r.start + r.size;
    if (rEnd <= start || r.start >= end) {
      keep.push(r);
      continue;
    }
    pieces.push({ start: r.start, size: Math.max(0, start - r.start), allocated: r.allocated });
    const lo = Math.max(r.start, start);
    const hi = Math.min(rEnd, end);
    pieces.push({ start: lo, size: hi - lo, allocated });
    pieces.push({ start: hi, size: Math.max(0, rEnd - hi), allocated: r.allocated });
  }
  vm.mem.ram_regions = keep;
  pushRegions(vm, pieces);
  return 0;
}

/**
 * Marks [start, start+bytes) of RAM as allocated (`vm_ram_mark_allocated`). Unlike C, which
 * silently ignores ranges spanning two regions or outside RAM, returns -1 for those (0 on success).
 */
export function vm_ram_mark_allocated(vm: vm_t, start: number, bytes: number): number {
  return setAllocated(vm, start, bytes, 1);
}

/** Returns [start, start+bytes) of RAM to the free pool (`vm_ram_free`; a no-op in C). 0 or -1. */
export function vm_ram_free(vm: vm_t, start: number, bytes: number): number {
  return setAllocated(vm, start, bytes, 0);
}

/**
 * First-fit allocation of `bytes` of free RAM aligned to `align` (`vm_ram_allocate`; C has no
 * alignment and returns 0 on failure). Returns the guest-physical address, or null.
 */
export function vm_ram_allocate(vm: vm_t, bytes: number, align = 1): number | null {
  if (!Number.isSafeInteger(bytes) || bytes <= 0 || !Number.isSafeInteger(align) || align <= 0) {
    return null;
  }
  for (const r of vm.mem.ram_regions) {
    if (r.allocated) continue;
    const at = Math.ceil(r.start / align) * align;
    if (at + bytes <= r.start + r.size) {
      setAllocated(vm, at, bytes, 1);
      return at;
    }
  }
  return null;
}

/**
 * The largest free RAM region (`vm_ram_find_largest_free_region`); `below` optionally restricts
 * to regions ending at or below it (x86 64-bit guests use 4 GiB). C's out-parameters are returned.
 */
export function vm_ram_find_largest_free_region(
  vm: vm_t,
  below?: number,
): { readonly addr: number; readonly size: number } | null {
  let best: vm_ram_region_t | null = null;
  for (const r of vm.mem.ram_regions) {
    if (r.allocated) continue;
    if (below !== undefined && r.start + r.size > below) continue;
    if (best === null || r.size > best.size) best = r;
  }
  return best === null ? null : { addr: best.start, size: best.size };
}

/** One page-bounded piece of a `vm_ram_touch` range. */
export interface RamTouchChunk {
  /** Guest-physical address of the chunk's first byte (C passed the page base: bug M7). */
  readonly guest_addr: number;
  /** The 4 KiB page containing it. */
  readonly page: number;
  /** Bytes in the chunk. */
  readonly size: number;
  /** Distance of the chunk from the start of the touched range. */
  readonly offset: number;
}

/** Splits [addr, addr+size) at 4 KiB page boundaries. */
export function ram_touch_chunks(addr: number, size: number): RamTouchChunk[] {
  const chunks: RamTouchChunk[] = [];
  let cur = addr;
  const end = addr + size;
  while (cur < end) {
    const page = cur - (cur % PAGE_SIZE_4K);
    const next = Math.min(end, page + PAGE_SIZE_4K);
    chunks.push({ guest_addr: cur, page, size: next - cur, offset: cur - addr });
    cur = next;
  }
  return chunks;
}

/**
 * Calls `touch_callback` on each page-bounded chunk of [addr, addr+size), which must lie inside
 * registered RAM, with the VMM's view of the chunk's bytes (`vm_ram_touch`). Stops at the first
 * non-zero return and returns it; -1 if the range is not RAM or a page has no frame; else 0.
 */
export function vm_ram_touch(
  vm: vm_t,
  addr: number,
  size: number,
  touch_callback: ram_touch_callback_fn,
  cookie: unknown,
): number {
  if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(size) || size <= 0) return -1;
  if (typeof touch_callback !== "function") return -1;
  let cur = addr;
  const end = addr + size;
  while (cur < end) {
    const i = containing(vm, cur, 1);
    if (i < 0) return -1;
    const r = vm.mem.ram_regions[i]!;
    cur = r.start + r.size;
  }
  for (const c of ram_touch_chunks(addr, size)) {
    const inPage = c.guest_addr - c.page;
    let result = 0;
    const mapped = vm.mem.vm_vspace.access_page(c.page, (bytes) => {
      result = touch_callback(
        vm,
        c.guest_addr,
        bytes.subarray(inPage, inPage + c.size),
        c.size,
        c.offset,
        cookie,
      );
      return 0;
    });
    if (mapped !== 0) return -1;
    if (result !== 0) return result;
  }
  return 0;
}

/**
 * A `ram_touch_callback_fn` that copies guest RAM into `buf` at `offset`
 * (`vm_guest_ram_read_callback`; C ignored the offset: bug M6).
 */
export function vm_guest_ram_read_callback(
  _vm: vm_t,
  _guest_addr: number,
  vaddr: Uint8Array,
  size: number,
  offset: number,
  buf: unknown,
): number {
  if (!(buf instanceof Uint8Array) || offset + size > buf.length) return -1;
  buf.set(vaddr.subarray(0, size), offset);
  return 0;
}

/**
 * A `ram_touch_callback_fn` that copies `buf` from `offset` into guest RAM
 * (`vm_guest_ram_write_callback`; C ignored the offset: bug M6).
 */
export function vm_guest_ram_write_callback(
  _vm: vm_t,
  _guest_addr: number,
  vaddr: Uint8Array,
  size: number,
  offset: number,
  buf: unknown,
): number {
  if (!(buf instanceof Uint8Array) || offset + size > buf.length) return -1;
  vaddr.set(buf.subarray(offset, offset + size), 0);
  return 0;
}
