/**
 * `@sel4/allocman`: the default `vka_t` allocator (single- or two-level CSpace managers and a buddy untyped
 * manager with free, coalescing, allocation at a physical address and device pools), and a bump
 * allocator as a second, deliberately different `vka_t`.
 *
 * @packageDocumentation
 */
export { Allocman, type AllocmanStats } from "./allocman.js";
export {
  allocman_make_vka,
  bootstrap_new_2level_simple,
  bootstrap_use_current_simple,
  root_cspace_of_simple,
  type TwoLevelBootstrapOptions,
  untypeds_of_simple,
} from "./bootstrap.js";
export { BumpAllocator, bootstrap_bump_allocator } from "./bump.js";
export type { CNodeAllocator, CSpaceManager } from "./cspace/manager.js";
export {
  CSPACE_FULL,
  SingleLevelCSpace,
  type SingleLevelCSpaceConfig,
} from "./cspace/single-level.js";
export { TwoLevelCSpace, type TwoLevelCSpaceConfig } from "./cspace/two-level.js";
export {
  BUDDY_BAD_REQUEST,
  type BuddyStats,
  BuddyUntypedManager,
  type ManagedUntyped,
  type SlotSource,
  type UntypedPool,
} from "./utspace/buddy.js";
