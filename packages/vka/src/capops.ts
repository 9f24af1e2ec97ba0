/**
 * Cap operations (`vka/capops.h`, `object_capops.h`): thin wrappers issuing CNode invocations on
 * paths. They take the thread's `Sel4` first and return the raw `seL4_Error`.
 */
import type { Sel4, seL4_CapRights_t, seL4_Error, seL4_Word } from "@sel4/sel4";
import type { cspacepath_t, RetypeSizeBits, vka_object_t, vka_t } from "./types.js";

/** `vka_cnode_copy`: copies `src` into the empty slot `dest` with `rights`. */
export function vka_cnode_copy(
  sel4: Sel4,
  dest: cspacepath_t,
  src: cspacepath_t,
  rights: seL4_CapRights_t,
): seL4_Error {
  return sel4.seL4_CNode_Copy(
    dest.root,
    dest.capPtr,
    dest.capDepth,
    src.root,
    src.capPtr,
    src.capDepth,
    rights,
  );
}

/** `vka_cnode_mint`: copies with `rights` and a badge (or CNode guard). */
export function vka_cnode_mint(
  sel4: Sel4,
  dest: cspacepath_t,
  src: cspacepath_t,
  rights: seL4_CapRights_t,
  badge: seL4_Word,
): seL4_Error {
  return sel4.seL4_CNode_Mint(
    dest.root,
    dest.capPtr,
    dest.capDepth,
    src.root,
    src.capPtr,
    src.capDepth,
    rights,
    badge,
  );
}

/** `vka_cnode_move`: moves `src` into the empty slot `dest`. */
export function vka_cnode_move(sel4: Sel4, dest: cspacepath_t, src: cspacepath_t): seL4_Error {
  return sel4.seL4_CNode_Move(
    dest.root,
    dest.capPtr,
    dest.capDepth,
    src.root,
    src.capPtr,
    src.capDepth,
  );
}

/** `vka_cnode_mutate`: moves `src` into `dest`, applying `badge`. */
export function vka_cnode_mutate(
  sel4: Sel4,
  dest: cspacepath_t,
  src: cspacepath_t,
  badge: seL4_Word,
): seL4_Error {
  return sel4.seL4_CNode_Mutate(
    dest.root,
    dest.capPtr,
    dest.capDepth,
    src.root,
    src.capPtr,
    src.capDepth,
    badge,
  );
}

/** `vka_cnode_rotate`: pivot → dest, src → pivot, atomically. */
export function vka_cnode_rotate(
  sel4: Sel4,
  dest: cspacepath_t,
  dest_badge: seL4_Word,
  pivot: cspacepath_t,
  pivot_badge: seL4_Word,
  src: cspacepath_t,
): seL4_Error {
  return sel4.seL4_CNode_Rotate(
    dest.root,
    dest.capPtr,
    dest.capDepth,
    dest_badge,
    pivot.root,
    pivot.capPtr,
    pivot.capDepth,
    pivot_badge,
    src.root,
    src.capPtr,
    src.capDepth,
  );
}

/** `vka_cnode_delete`: deletes the cap at `path`. */
export function vka_cnode_delete(sel4: Sel4, path: cspacepath_t): seL4_Error {
  return sel4.seL4_CNode_Delete(path.root, path.capPtr, path.capDepth);
}

/** `vka_cnode_revoke`: deletes every cap derived from the one at `path`. */
export function vka_cnode_revoke(sel4: Sel4, path: cspacepath_t): seL4_Error {
  return sel4.seL4_CNode_Revoke(path.root, path.capPtr, path.capDepth);
}

/** `vka_cnode_cancelBadgedSends`. */
export function vka_cnode_cancelBadgedSends(sel4: Sel4, path: cspacepath_t): seL4_Error {
  return sel4.seL4_CNode_CancelBadgedSends(path.root, path.capPtr, path.capDepth);
}

/** `vka_cnode_saveCaller` (non-MCS): moves the pending reply cap to `path`. */
export function vka_cnode_saveCaller(sel4: Sel4, path: cspacepath_t): seL4_Error {
  return sel4.seL4_CNode_SaveCaller(path.root, path.capPtr, path.capDepth);
}

/**
 * `vka_untyped_retype`: retypes `num_objects` objects from the untyped `untyped` into `dest`.
 * `size_bits` is passed to the kernel unchanged (Retype semantics). The C version converts it to a
 * memory size first, which makes CNodes 2^`seL4_SlotBits` times too large; that bug is not kept.
 */
export function vka_untyped_retype(
  sel4: Sel4,
  untyped: vka_object_t,
  type: number,
  size_bits: RetypeSizeBits,
  num_objects: number,
  dest: cspacepath_t,
): seL4_Error {
  return sel4.seL4_Untyped_Retype(
    untyped.cptr,
    type,
    size_bits,
    dest.root,
    dest.dest,
    dest.destDepth,
    dest.offset,
    num_objects,
  );
}

/** Result of {@link vka_mint_object}: `error` 0 on success, then `path` names the new cap. */
export interface VkaMintResult {
  /** 0 on success, else the allocator's or kernel's error. */
  readonly error: number;
  /** The new cap's path (`null` on failure). */
  readonly path: cspacepath_t | null;
}

/**
 * `vka_mint_object_inter_cspace`: mints `object` (a cap of `src_vka`) into a new slot of
 * `dest_vka`. Both allocators must live in the same CSpace-reachable roots; the slot is returned on
 * failure.
 */
export function vka_mint_object_inter_cspace(
  src_vka: vka_t,
  object: vka_object_t,
  dest_vka: vka_t,
  rights: seL4_CapRights_t,
  badge: seL4_Word,
): VkaMintResult {
  const slot = dest_vka.cspace_alloc();
  if (slot.error !== 0) return { error: slot.error, path: null };
  const dest = dest_vka.cspace_make_path(slot.cptr);
  const src = src_vka.cspace_make_path(object.cptr);
  const error = vka_cnode_mint(dest_vka.sel4, dest, src, rights, badge);
  if (error !== 0) {
    dest_vka.cspace_free(slot.cptr);
    return { error, path: null };
  }
  return { error: 0, path: dest };
}

/** `vka_mint_object`: mints `object` into a new slot of the same allocator. */
export function vka_mint_object(
  vka: vka_t,
  object: vka_object_t,
  rights: seL4_CapRights_t,
  badge: seL4_Word,
): VkaMintResult {
  return vka_mint_object_inter_cspace(vka, object, vka, rights, badge);
}
