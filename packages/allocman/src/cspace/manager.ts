/** What the allocator needs from a CSpace manager. */
import type { seL4_CPtr } from "@sel4/sel4";
import type { CSpaceAllocResult, cspacepath_t, UtspaceAllocResult } from "@sel4/vka";

/** Allocates the memory of a new CNode of 2^`slot_bits` slots into `dest` (a level-2 node). */
export type CNodeAllocator = (dest: cspacepath_t, slot_bits: number) => UtspaceAllocResult;

/** A manager of CSpace slots (allocman's `cspace_interface`). */
export interface CSpaceManager {
  /** Reserves a free slot. */
  alloc(): CSpaceAllocResult;
  /** Returns a slot; throws `VkaUsageError` if it is not handed out. */
  free(slot: seL4_CPtr): void;
  /** Whether `slot` is currently handed out. */
  is_allocated(slot: seL4_CPtr): boolean;
  /** The path of `slot`. */
  make_path(slot: seL4_CPtr): cspacepath_t;
  /** Slots handed out. */
  readonly used_slots: number;
  /** Slots free without growing. */
  readonly free_slots: number;
  /**
   * Called by the allocator at the start of each outermost call: grows the CSpace (with
   * `alloc_node`) while fewer than its reserve of slots are free, so that nested needs (untyped
   * splits) never find it empty.
   */
  refill?(alloc_node: CNodeAllocator): void;
  /** Frees grown nodes that are empty again: `free_node` deletes the node's cap at `path` and frees its memory. */
  trim?(free_node: (cookie: number, path: cspacepath_t) => void): void;
}
