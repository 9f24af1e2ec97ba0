/** The `vka_cspace_*` / `vka_utspace_*` wrappers of `vka.h`. */
import type { seL4_CPtr } from "@sel4/sel4";
import type {
  CSpaceAllocResult,
  cspacepath_t,
  RetypeSizeBits,
  UtCookie,
  UtspaceAllocResult,
  vka_t,
} from "./types.js";

/** Reserves one slot (`vka_cspace_alloc`): `{ error, cptr }`. */
export function vka_cspace_alloc(vka: vka_t): CSpaceAllocResult {
  return vka.cspace_alloc();
}

/** The path of a slot the allocator handed out (`vka_cspace_make_path`). */
export function vka_cspace_make_path(vka: vka_t, slot: seL4_CPtr): cspacepath_t {
  return vka.cspace_make_path(slot);
}

/** Result of {@link vka_cspace_alloc_path}: `error` 0 on success, then `path` names the slot. */
export interface CSpaceAllocPathResult {
  /** 0 on success, else the allocator's error. */
  readonly error: number;
  /** The slot's path (`null` on failure). */
  readonly path: cspacepath_t | null;
}

/** Reserves a slot and returns its path (`vka_cspace_alloc_path`). */
export function vka_cspace_alloc_path(vka: vka_t): CSpaceAllocPathResult {
  const { error, cptr } = vka.cspace_alloc();
  if (error !== 0) return { error, path: null };
  return { error: 0, path: vka.cspace_make_path(cptr) };
}

/** Returns an empty slot (`vka_cspace_free`). */
export function vka_cspace_free(vka: vka_t, slot: seL4_CPtr): void {
  vka.cspace_free(slot);
}

/** Returns the empty slot a path names (`vka_cspace_free_path`). */
export function vka_cspace_free_path(vka: vka_t, path: cspacepath_t): void {
  vka.cspace_free(path.capPtr);
}

/** `vka_utspace_alloc`: one object from RAM untyped at `dest`. */
export function vka_utspace_alloc(
  vka: vka_t,
  dest: cspacepath_t,
  type: number,
  size_bits: RetypeSizeBits,
): UtspaceAllocResult {
  return vka.utspace_alloc(dest, type, size_bits);
}

/** `vka_utspace_alloc_maybe_device`: as {@link vka_utspace_alloc}, device untyped allowed if asked. */
export function vka_utspace_alloc_maybe_device(
  vka: vka_t,
  dest: cspacepath_t,
  type: number,
  size_bits: RetypeSizeBits,
  can_use_dev: boolean,
): UtspaceAllocResult {
  return vka.utspace_alloc_maybe_device(dest, type, size_bits, can_use_dev);
}

/** `vka_utspace_alloc_at`: one object at physical address `paddr`. */
export function vka_utspace_alloc_at(
  vka: vka_t,
  dest: cspacepath_t,
  type: number,
  size_bits: RetypeSizeBits,
  paddr: number,
): UtspaceAllocResult {
  return vka.utspace_alloc_at(dest, type, size_bits, paddr);
}

/** `vka_utspace_free`: gives an allocation back (its caps already deleted). */
export function vka_utspace_free(
  vka: vka_t,
  type: number,
  size_bits: RetypeSizeBits,
  cookie: UtCookie,
): void {
  vka.utspace_free(type, size_bits, cookie);
}

/** `vka_utspace_paddr`: physical address of an allocation or `VKA_NO_PADDR`. */
export function vka_utspace_paddr(
  vka: vka_t,
  cookie: UtCookie,
  type: number,
  size_bits: RetypeSizeBits,
): number {
  return vka.utspace_paddr(cookie, type, size_bits);
}
