/**
 * `sel4utils_map_page`: map a frame, creating missing paging structures on demand from the
 * kernel's failed-lookup reports, on both architectures and for EPT.
 */
import {
  type Sel4,
  type Sel4_AArch64,
  type Sel4_X86_64,
  seL4_ARM_Default_VMAttributes,
  type seL4_CapRights_t,
  type seL4_CPtr,
  seL4_DeleteFirst,
  seL4_FailedLookup,
  seL4_NoError,
  seL4_X86_CacheDisabled,
  seL4_X86_Default_VMAttributes,
  seL4_X86_EPT_Default_VMAttributes,
  seL4_X86_EPT_Uncached_VMAttributes,
} from "@sel4/sel4";
import { vka_alloc_object, vka_free_object, type vka_object_t, type vka_t } from "@sel4/vka";
import { vspace_get_ept_map_obj, vspace_get_map_obj, type vspace_map_obj_t } from "../mapping.js";

/** Result of a page mapping: the error (0 on success) and the paging objects created (kept on failure too). */
export interface MapPageResult {
  /** 0 on success, else the kernel's or allocator's error. */
  readonly error: number;
  /** Paging structures allocated and installed for this mapping. */
  readonly objects: readonly vka_object_t[];
}

/** The most paging levels any configuration can be missing below its root. */
const MAX_MISSING_LEVELS = 3;

type FrameMap = (
  sel4: Sel4,
  frame: seL4_CPtr,
  root: seL4_CPtr,
  vaddr: number,
  rights: seL4_CapRights_t,
  attr: number,
) => number;
type ObjectFor = (sel4: Sel4, failed_bits: number) => vspace_map_obj_t | null;

function mapWithTables(
  vka: vka_t,
  root: seL4_CPtr,
  frame: seL4_CPtr,
  vaddr: number,
  rights: seL4_CapRights_t,
  attr: number,
  tableAttr: number,
  mapFrame: FrameMap,
  objectFor: ObjectFor,
): MapPageResult {
  const sel4 = vka.sel4;
  const objects: vka_object_t[] = [];
  let error = mapFrame(sel4, frame, root, vaddr, rights, attr);
  // Each round fills one missing level; a kernel that keeps failing cannot loop us forever.
  for (let round = 0; error === seL4_FailedLookup && round <= MAX_MISSING_LEVELS; round++) {
    const obj = objectFor(sel4, Number(sel4.seL4_MappingFailedLookupLevel()));
    if (!obj) return { error, objects };
    const alloc = vka_alloc_object(vka, obj.type, obj.size_bits);
    if (alloc.error !== 0) return { error: alloc.error, objects };
    const mapped = obj.map_fn(sel4, alloc.object.cptr, root, vaddr, tableAttr);
    if (mapped === seL4_DeleteFirst) {
      vka_free_object(vka, alloc.object);
    } else if (mapped !== seL4_NoError) {
      vka_free_object(vka, alloc.object);
      return { error: mapped, objects };
    } else {
      objects.push(alloc.object);
    }
    error = mapFrame(sel4, frame, root, vaddr, rights, attr);
  }
  return { error, objects };
}

const mapVSpaceFrame: FrameMap = (sel4, frame, root, vaddr, rights, attr) =>
  sel4.config === "aarch64"
    ? (sel4 as Sel4_AArch64).seL4_ARM_Page_Map(frame, root, vaddr, rights, attr)
    : (sel4 as Sel4_X86_64).seL4_X86_Page_Map(frame, root, vaddr, rights, attr);

const mapEptFrame: FrameMap = (sel4, frame, root, vaddr, rights, attr) =>
  sel4.config === "x86_64"
    ? (sel4 as Sel4_X86_64).seL4_X86_Page_MapEPT(frame, root, vaddr, rights, attr)
    : -1;

/** The VM attributes of a normal mapping (`seL4_ARCH_Default_VMAttributes` or the uncached ones). */
export function sel4utils_vm_attributes(sel4: Sel4, cacheable: boolean): number {
  if (sel4.config === "aarch64") return cacheable ? seL4_ARM_Default_VMAttributes : 0;
  return cacheable ? seL4_X86_Default_VMAttributes : seL4_X86_CacheDisabled;
}

/**
 * Maps `frame` into the VSpace `root` at `vaddr` (`sel4utils_map_page`), allocating each missing
 * paging level with `vka`. On AArch64 hyp builds `root` may be a guest's stage-2 VSpace.
 */
export function sel4utils_map_page(
  vka: vka_t,
  root: seL4_CPtr,
  frame: seL4_CPtr,
  vaddr: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
): MapPageResult {
  const sel4 = vka.sel4;
  const attr = sel4utils_vm_attributes(sel4, cacheable);
  return mapWithTables(
    vka,
    root,
    frame,
    vaddr,
    rights,
    attr,
    sel4utils_vm_attributes(sel4, true),
    mapVSpaceFrame,
    vspace_get_map_obj,
  );
}

/** Maps `frame` into the EPT `root` at guest-physical `vaddr` (`sel4utils_map_ept_page`); x86_64 only. */
export function sel4utils_map_ept_page(
  vka: vka_t,
  root: seL4_CPtr,
  frame: seL4_CPtr,
  vaddr: number,
  rights: seL4_CapRights_t,
  cacheable: boolean,
): MapPageResult {
  const attr = cacheable ? seL4_X86_EPT_Default_VMAttributes : seL4_X86_EPT_Uncached_VMAttributes;
  return mapWithTables(
    vka,
    root,
    frame,
    vaddr,
    rights,
    attr,
    seL4_X86_EPT_Default_VMAttributes,
    mapEptFrame,
    vspace_get_ept_map_obj,
  );
}
