/**
 * `@sel4/vspace`: libsel4vspace in TypeScript. The `vspace_t` interface under its C member names,
 * the generic `vspace_*` functions, page sizes and paging-level lookup, and the sel4utils
 * implementation (root-task, foreign, ARM stage-2 and x86 EPT address spaces).
 *
 * @packageDocumentation
 */
export * from "./helpers.js";
export * from "./mapping.js";
export * from "./page.js";
export {
  type RootTaskLayout,
  sel4utils_bootstrap_vspace_with_bootinfo,
  sel4utils_get_empty_vspace_with_map,
  sel4utils_get_vspace,
} from "./sel4utils/constructors.js";
export {
  type MapPageResult,
  sel4utils_map_ept_page,
  sel4utils_map_page,
  sel4utils_vm_attributes,
} from "./sel4utils/map-page.js";
export {
  Sel4UtilsVspace,
  type Sel4UtilsVspaceOptions,
  sel4utils_map_page_ept,
  type sel4utils_map_page_fn,
  sel4utils_map_page_pd,
} from "./sel4utils/vspace.js";
export * from "./types.js";
export * from "./wrappers.js";
