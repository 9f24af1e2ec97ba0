/** Constructors of sel4utils vspaces (`sel4utils_get_vspace`, bootstrap, empty/guest spaces). */
import { type seL4_BootInfo, seL4_CapInitThreadVSpace, type seL4_CPtr } from "@sel4/sel4";
import type { vka_object_t, vka_t } from "@sel4/vka";
import { Sel4UtilsVspace, type sel4utils_map_page_fn } from "./vspace.js";

/** A vspace managing `root` for another task (`sel4utils_get_vspace`). */
export function sel4utils_get_vspace(
  vka: vka_t,
  root: seL4_CPtr,
  allocated_object?: (object: vka_object_t) => void,
): Sel4UtilsVspace {
  return new Sel4UtilsVspace({ vka, root, ...(allocated_object ? { allocated_object } : {}) });
}

/**
 * A vspace over a whole address space with its own map hook and no kernel region
 * (`sel4utils_get_empty_vspace_with_map`): a guest's stage-2 space (ARM, hook
 * `sel4utils_map_page_pd`, `top` 2^40) or EPT (x86, hook `sel4utils_map_page_ept`, `top` 2^48).
 * Addresses are guest-physical; `new_pages`/`reserve_range_aligned` may choose any address above 0.
 */
export function sel4utils_get_empty_vspace_with_map(
  vka: vka_t,
  root: seL4_CPtr,
  map_page: sel4utils_map_page_fn,
  options: {
    readonly top?: number;
    readonly allocated_object?: (object: vka_object_t) => void;
  } = {},
): Sel4UtilsVspace {
  const top = options.top ?? (vka.sel4.config === "aarch64" ? 2 ** 40 : 2 ** 48);
  return new Sel4UtilsVspace({
    vka,
    root,
    map_page,
    floor: 0,
    top,
    ...(options.allocated_object ? { allocated_object: options.allocated_object } : {}),
  });
}

/** Where the root task's initial mappings are, beyond what BootInfo says. */
export interface RootTaskLayout {
  /** Virtual address of the first image frame (the image spans `userImageFrames` pages). */
  readonly image_start: number;
  /** Virtual address where the BootInfo frame is mapped (followed by `extraLen` bytes). */
  readonly bootinfo_vaddr: number;
}

/**
 * The vspace of the running root task (`sel4utils_bootstrap_vspace_with_bootinfo`): its image,
 * IPC buffer and BootInfo ranges are marked in use so nothing is placed over them.
 */
export function sel4utils_bootstrap_vspace_with_bootinfo(
  vka: vka_t,
  bootInfo: seL4_BootInfo,
  layout: RootTaskLayout,
): Sel4UtilsVspace {
  const imagePages = Math.max(1, bootInfo.userImageFrames.end - bootInfo.userImageFrames.start);
  const existing = [
    { start: layout.image_start, end: layout.image_start + imagePages * 4096 },
    { start: bootInfo.ipcBuffer, end: bootInfo.ipcBuffer + 1 },
    { start: layout.bootinfo_vaddr, end: layout.bootinfo_vaddr + 4096 + bootInfo.extraLen },
  ];
  return new Sel4UtilsVspace({ vka, root: seL4_CapInitThreadVSpace, existing });
}
