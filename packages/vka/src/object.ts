/** Object allocation helpers of `vka/object.h`: allocate a slot + memory, free both. */
import {
  seL4_ARM_VCPUObject,
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_TCBBits,
  seL4_TCBObject,
  seL4_UntypedObject,
  seL4_X86_EPTPDObject,
  seL4_X86_EPTPDPTObject,
  seL4_X86_EPTPML4Object,
  seL4_X86_EPTPTObject,
  seL4_X86_VCPUObject,
} from "@sel4/sel4";
import { kobject_get_type, vka_is_object_type } from "./kobject.js";
import { type RetypeSizeBits, VKA_NO_PADDR, type vka_object_t, type vka_t } from "./types.js";

/** Result of an allocation helper: `error` 0 on success; on failure `object` is all zero. */
export interface VkaAllocResult {
  /** 0 on success, else the allocator's or kernel's error (-1 for a bad type). */
  readonly error: number;
  /** The object (all fields 0 on failure, as C zeroes the result). */
  readonly object: vka_object_t;
}

const NO_OBJECT: vka_object_t = Object.freeze({ cptr: 0, ut: 0, type: 0, size_bits: 0 });

function failed(error: number): VkaAllocResult {
  return { error, object: NO_OBJECT };
}

/**
 * Allocates a slot and one object (`vka_alloc_object_at_maybe_dev`). With `paddr` =
 * `VKA_NO_PADDR` the memory comes from `utspace_alloc_maybe_device`, else from
 * `utspace_alloc_at`. On failure the slot is returned and the result zeroed.
 */
export function vka_alloc_object_at_maybe_dev(
  vka: vka_t,
  type: number,
  size_bits: RetypeSizeBits,
  paddr: number,
  can_use_dev: boolean,
): VkaAllocResult {
  if (!vka_is_object_type(vka.sel4.config, type)) return failed(-1);
  const slot = vka.cspace_alloc();
  if (slot.error !== 0) return failed(slot.error);
  const path = vka.cspace_make_path(slot.cptr);
  const ut =
    paddr === VKA_NO_PADDR
      ? vka.utspace_alloc_maybe_device(path, type, size_bits, can_use_dev)
      : vka.utspace_alloc_at(path, type, size_bits, paddr);
  if (ut.error !== 0) {
    vka.cspace_free(slot.cptr);
    return failed(ut.error);
  }
  return { error: 0, object: { cptr: slot.cptr, ut: ut.cookie, type, size_bits } };
}

/** `vka_alloc_object`: one object of `type` from RAM. */
export function vka_alloc_object(
  vka: vka_t,
  type: number,
  size_bits: RetypeSizeBits,
): VkaAllocResult {
  return vka_alloc_object_at_maybe_dev(vka, type, size_bits, VKA_NO_PADDR, false);
}

/** `vka_alloc_object_at`: one object of `type` at physical address `paddr`. */
export function vka_alloc_object_at(
  vka: vka_t,
  type: number,
  size_bits: RetypeSizeBits,
  paddr: number,
): VkaAllocResult {
  return vka_alloc_object_at_maybe_dev(vka, type, size_bits, paddr, false);
}

/** `vka_alloc_untyped`: an untyped of 2^`size_bits` bytes. */
export function vka_alloc_untyped(vka: vka_t, size_bits: number): VkaAllocResult {
  return vka_alloc_object(vka, seL4_UntypedObject, size_bits);
}

/** `vka_alloc_untyped_at`: an untyped of 2^`size_bits` bytes at `paddr`. */
export function vka_alloc_untyped_at(vka: vka_t, size_bits: number, paddr: number): VkaAllocResult {
  return vka_alloc_object_at(vka, seL4_UntypedObject, size_bits, paddr);
}

/** `vka_alloc_tcb`. */
export function vka_alloc_tcb(vka: vka_t): VkaAllocResult {
  return vka_alloc_object(vka, seL4_TCBObject, seL4_TCBBits);
}

/** `vka_alloc_endpoint`. */
export function vka_alloc_endpoint(vka: vka_t): VkaAllocResult {
  return vka_alloc_object(vka, seL4_EndpointObject, 0);
}

/** `vka_alloc_notification`. */
export function vka_alloc_notification(vka: vka_t): VkaAllocResult {
  return vka_alloc_object(vka, seL4_NotificationObject, 0);
}

/** `vka_alloc_cnode_object`: a CNode of 2^`slot_bits` slots (Retype size = `slot_bits`). */
export function vka_alloc_cnode_object(vka: vka_t, slot_bits: number): VkaAllocResult {
  return vka_alloc_object(vka, seL4_CapTableObject, slot_bits);
}

/** `vka_alloc_kobject`: the object of an arch-neutral kind. */
export function vka_alloc_kobject(
  vka: vka_t,
  kobject: Parameters<typeof kobject_get_type>[1],
  size_bits: number,
): VkaAllocResult {
  const type = kobject_get_type(vka.sel4.config, kobject, size_bits);
  if (type < 0) return failed(-1);
  return vka_alloc_object(vka, type, size_bits);
}

/** `vka_alloc_frame`: a frame of 2^`size_bits` bytes from RAM. */
export function vka_alloc_frame(vka: vka_t, size_bits: number): VkaAllocResult {
  return vka_alloc_frame_maybe_device(vka, size_bits, false);
}

/** `vka_alloc_frame_maybe_device`: a frame, possibly from device untyped (then not zeroed). */
export function vka_alloc_frame_maybe_device(
  vka: vka_t,
  size_bits: number,
  can_use_dev: boolean,
): VkaAllocResult {
  const type = kobject_get_type(vka.sel4.config, "KOBJECT_FRAME", size_bits);
  if (type < 0) return failed(-1);
  return vka_alloc_object_at_maybe_dev(vka, type, size_bits, VKA_NO_PADDR, can_use_dev);
}

/** `vka_alloc_frame_at`: a frame at physical address `paddr`. */
export function vka_alloc_frame_at(vka: vka_t, size_bits: number, paddr: number): VkaAllocResult {
  const type = kobject_get_type(vka.sel4.config, "KOBJECT_FRAME", size_bits);
  if (type < 0) return failed(-1);
  return vka_alloc_object_at(vka, type, size_bits, paddr);
}

/** `vka_alloc_page_table`: the last-level page table. */
export function vka_alloc_page_table(vka: vka_t): VkaAllocResult {
  return vka_alloc_kobject(vka, "KOBJECT_PAGE_TABLE", 0);
}

/** `vka_alloc_page_directory` (on AArch64 an alias of the page table object). */
export function vka_alloc_page_directory(vka: vka_t): VkaAllocResult {
  return vka_alloc_kobject(vka, "KOBJECT_PAGE_DIRECTORY", 0);
}

/** `vka_alloc_page_upper_directory` (AArch64; an alias of the page table object). */
export function vka_alloc_page_upper_directory(vka: vka_t): VkaAllocResult {
  return vka_alloc_kobject(vka, "KOBJECT_PAGE_UPPER_DIRECTORY", 0);
}

/** `vka_alloc_pdpt` (x86_64). */
export function vka_alloc_pdpt(vka: vka_t): VkaAllocResult {
  return vka_alloc_kobject(vka, "KOBJECT_PDPT", 0);
}

/** `vka_alloc_pml4` (x86_64). */
export function vka_alloc_pml4(vka: vka_t): VkaAllocResult {
  return vka_alloc_kobject(vka, "KOBJECT_PML4", 0);
}

/** `vka_alloc_vspace_root`: `seL4_ARM_VSpaceObject` on AArch64, a PML4 on x86_64. */
export function vka_alloc_vspace_root(vka: vka_t): VkaAllocResult {
  return vka_alloc_kobject(
    vka,
    vka.sel4.config === "aarch64" ? "KOBJECT_PAGE_GLOBAL_DIRECTORY" : "KOBJECT_PML4",
    0,
  );
}

/** `vka_alloc_vcpu`: an ARM VCPU or an x86 VCPU. */
export function vka_alloc_vcpu(vka: vka_t): VkaAllocResult {
  return vka_alloc_object(
    vka,
    vka.sel4.config === "aarch64" ? seL4_ARM_VCPUObject : seL4_X86_VCPUObject,
    0,
  );
}

function x86Only(vka: vka_t, type: number): VkaAllocResult {
  return vka.sel4.config === "x86_64" ? vka_alloc_object(vka, type, 0) : failed(-1);
}

/** `vka_alloc_ept_pml4` (x86 VT-x; -1 elsewhere). */
export function vka_alloc_ept_pml4(vka: vka_t): VkaAllocResult {
  return x86Only(vka, seL4_X86_EPTPML4Object);
}

/** `vka_alloc_ept_pdpt` (x86 VT-x; -1 elsewhere). */
export function vka_alloc_ept_pdpt(vka: vka_t): VkaAllocResult {
  return x86Only(vka, seL4_X86_EPTPDPTObject);
}

/** `vka_alloc_ept_page_directory` (x86 VT-x; -1 elsewhere). */
export function vka_alloc_ept_page_directory(vka: vka_t): VkaAllocResult {
  return x86Only(vka, seL4_X86_EPTPDObject);
}

/** `vka_alloc_ept_page_table` (x86 VT-x; -1 elsewhere). */
export function vka_alloc_ept_page_table(vka: vka_t): VkaAllocResult {
  return x86Only(vka, seL4_X86_EPTPTObject);
}

/**
 * Frees an object (`vka_free_object`): deletes its cap, returns the slot, returns the memory. An
 * object with `cptr` 0 is ignored. Other copies of the cap must have been deleted by the caller,
 * else the object outlives its memory's return (the allocator may then fail to reuse it).
 */
export function vka_free_object(vka: vka_t, object: vka_object_t): void {
  if (object.cptr === 0) return;
  const path = vka.cspace_make_path(object.cptr);
  vka.sel4.seL4_CNode_Delete(path.root, path.capPtr, path.capDepth);
  vka.cspace_free(object.cptr);
  vka.utspace_free(object.type, object.size_bits, object.ut);
}

/** `vka_object_paddr`: physical address of an object, or `VKA_NO_PADDR`. */
export function vka_object_paddr(vka: vka_t, object: vka_object_t): number {
  return vka.utspace_paddr(object.ut, object.type, object.size_bits);
}
