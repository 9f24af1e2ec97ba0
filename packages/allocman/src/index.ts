/**
 * `@sel4/allocman`: the default `vka_t` allocator (a single-level CSpace manager and a buddy untyped
 * manager with free, coalescing, allocation at a physical address and device pools), and a bump
 * allocator as a second, deliberately different `vka_t`.
 *
 * @packageDocumentation
 */
export { Allocman, type AllocmanStats } from "./allocman.js";
export {
  allocman_make_vka,
  bootstrap_use_current_simple,
  root_cspace_of_simple,
  untypeds_of_simple,
} from "./bootstrap.js";
export { BumpAllocator, bootstrap_bump_allocator } from "./bump.js";
export {
  CSPACE_FULL,
  SingleLevelCSpace,
  type SingleLevelCSpaceConfig,
} from "./cspace/single-level.js";
export {
  BUDDY_BAD_REQUEST,
  type BuddyStats,
  BuddyUntypedManager,
  type ManagedUntyped,
  type SlotSource,
  type UntypedPool,
} from "./utspace/buddy.js";
