/** Which paging object fills a missing level (`vspace/mapping.h`). */
import {
  SEL4_MAPPING_LOOKUP_NO_EPTPD,
  SEL4_MAPPING_LOOKUP_NO_EPTPDPT,
  SEL4_MAPPING_LOOKUP_NO_EPTPT,
  SEL4_MAPPING_LOOKUP_NO_PD,
  SEL4_MAPPING_LOOKUP_NO_PDPT,
  SEL4_MAPPING_LOOKUP_NO_PT,
  SEL4_MAPPING_LOOKUP_NO_PUD,
  type Sel4,
  type Sel4_AArch64,
  type Sel4_X86_64,
  seL4_ARM_PageTableObject,
  type seL4_CPtr,
  type seL4_Error,
  seL4_X86_EPTPDObject,
  seL4_X86_EPTPDPTObject,
  seL4_X86_EPTPTObject,
  seL4_X86_PageDirectoryObject,
  seL4_X86_PageTableObject,
  seL4_X86_PDPTObject,
} from "@sel4/sel4";

/** A paging object type and how to map it (`vspace_map_obj_t`). */
export interface vspace_map_obj_t {
  /** seL4 object type. */
  readonly type: number;
  /** Retype size (0: paging structures are fixed-size). */
  readonly size_bits: number;
  /** Maps a cap of this type into `root` at `vaddr`. */
  map_fn(sel4: Sel4, cap: seL4_CPtr, root: seL4_CPtr, vaddr: number, attr: number): seL4_Error;
}

const armPageTable: vspace_map_obj_t = {
  type: seL4_ARM_PageTableObject,
  size_bits: 0,
  map_fn: (sel4, cap, root, vaddr, attr) =>
    (sel4 as Sel4_AArch64).seL4_ARM_PageTable_Map(cap, root, vaddr, attr),
};

function x86(
  type: number,
  map: (s: Sel4_X86_64, cap: number, root: number, vaddr: number, attr: number) => seL4_Error,
): vspace_map_obj_t {
  return {
    type,
    size_bits: 0,
    map_fn: (sel4, cap, root, vaddr, attr) => map(sel4 as Sel4_X86_64, cap, root, vaddr, attr),
  };
}

const x86Levels = new Map<number, vspace_map_obj_t>([
  [
    SEL4_MAPPING_LOOKUP_NO_PT,
    x86(seL4_X86_PageTableObject, (s, c, r, v, a) => s.seL4_X86_PageTable_Map(c, r, v, a)),
  ],
  [
    SEL4_MAPPING_LOOKUP_NO_PD,
    x86(seL4_X86_PageDirectoryObject, (s, c, r, v, a) => s.seL4_X86_PageDirectory_Map(c, r, v, a)),
  ],
  [
    SEL4_MAPPING_LOOKUP_NO_PDPT,
    x86(seL4_X86_PDPTObject, (s, c, r, v, a) => s.seL4_X86_PDPT_Map(c, r, v, a)),
  ],
]);

const eptLevels = new Map<number, vspace_map_obj_t>([
  [
    SEL4_MAPPING_LOOKUP_NO_EPTPT,
    x86(seL4_X86_EPTPTObject, (s, c, r, v, a) => s.seL4_X86_EPTPT_Map(c, r, v, a)),
  ],
  [
    SEL4_MAPPING_LOOKUP_NO_EPTPD,
    x86(seL4_X86_EPTPDObject, (s, c, r, v, a) => s.seL4_X86_EPTPD_Map(c, r, v, a)),
  ],
  [
    SEL4_MAPPING_LOOKUP_NO_EPTPDPT,
    x86(seL4_X86_EPTPDPTObject, (s, c, r, v, a) => s.seL4_X86_EPTPDPT_Map(c, r, v, a)),
  ],
]);

/**
 * The object that fills the level the kernel reported missing (`failed_bits` = bits already
 * translated), or `null` for a level the configuration does not have (`vspace_get_map_obj`).
 * AArch64 has one intermediate object (PD and PUD are aliases of the page table).
 */
export function vspace_get_map_obj(sel4: Sel4, failed_bits: number): vspace_map_obj_t | null {
  if (sel4.config === "aarch64") {
    const levels = [
      SEL4_MAPPING_LOOKUP_NO_PT,
      SEL4_MAPPING_LOOKUP_NO_PD,
      SEL4_MAPPING_LOOKUP_NO_PUD,
    ];
    return levels.includes(failed_bits) ? armPageTable : null;
  }
  return x86Levels.get(failed_bits) ?? null;
}

/** The EPT object for a missing level (`vspace_get_ept_map_obj`); `null` except on x86_64. */
export function vspace_get_ept_map_obj(sel4: Sel4, failed_bits: number): vspace_map_obj_t | null {
  return sel4.config === "x86_64" ? (eptLevels.get(failed_bits) ?? null) : null;
}
