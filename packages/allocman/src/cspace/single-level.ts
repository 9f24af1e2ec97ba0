/** A CSpace manager over a range of slots of one CNode (allocman's single-level cspace). */
import type { seL4_CPtr } from "@sel4/sel4";
import { type CSpaceAllocResult, type cspacepath_t, VkaUsageError } from "@sel4/vka";

/** Where a {@link SingleLevelCSpace} hands out slots. */
export interface SingleLevelCSpaceConfig {
  /** The CNode cap (in the thread's CSpace) whose slots are managed; also the root of every path. */
  readonly cnode: seL4_CPtr;
  /** log2 of the CNode's slot count. */
  readonly cnode_size_bits: number;
  /** Guard bits of the CNode cap, so that size + guard = the depth that resolves a slot (64 for the root CNode). */
  readonly cnode_guard_bits: number;
  /** First slot managed. */
  readonly first_slot: number;
  /** First slot after the managed range. */
  readonly end_slot: number;
}

/** Error code of a failed slot allocation (the CSpace is full). */
export const CSPACE_FULL = -1;

/**
 * Hands out the lowest free slot of `[first_slot, end_slot)`. Unlike allocman's bitmap, every slot
 * of the range is usable, whatever its size (C bug #17).
 */
export class SingleLevelCSpace {
  private readonly cfg: SingleLevelCSpaceConfig;
  private readonly used: Uint8Array;
  private lowestMaybeFree = 0;
  private usedCount = 0;

  /** Creates the manager; throws a `RangeError` for an impossible range. */
  constructor(cfg: SingleLevelCSpaceConfig) {
    const slots = 2 ** cfg.cnode_size_bits;
    if (
      !Number.isInteger(cfg.first_slot) ||
      !Number.isInteger(cfg.end_slot) ||
      cfg.first_slot < 0 ||
      cfg.end_slot > slots ||
      cfg.first_slot > cfg.end_slot
    ) {
      throw new RangeError(
        `slot range [${cfg.first_slot}, ${cfg.end_slot}) does not fit a CNode of ${slots} slots`,
      );
    }
    this.cfg = cfg;
    this.used = new Uint8Array(cfg.end_slot - cfg.first_slot);
  }

  /** Number of slots still free. */
  get free_slots(): number {
    return this.used.length - this.usedCount;
  }

  /** Number of slots handed out and not yet freed. */
  get used_slots(): number {
    return this.usedCount;
  }

  /** Reserves the lowest free slot. */
  alloc(): CSpaceAllocResult {
    for (let i = this.lowestMaybeFree; i < this.used.length; i++) {
      if (this.used[i] === 0) {
        this.used[i] = 1;
        this.usedCount++;
        this.lowestMaybeFree = i + 1;
        return { error: 0, cptr: this.cfg.first_slot + i };
      }
    }
    this.lowestMaybeFree = this.used.length;
    return { error: CSPACE_FULL, cptr: 0 };
  }

  /** Whether `slot` is currently handed out. */
  is_allocated(slot: seL4_CPtr): boolean {
    const i = slot - this.cfg.first_slot;
    return Number.isInteger(i) && i >= 0 && i < this.used.length && this.used[i] === 1;
  }

  /** Returns a slot; throws `VkaUsageError` (from `@sel4/vka`) if it is not handed out. */
  free(slot: seL4_CPtr): void {
    if (!this.is_allocated(slot))
      throw new VkaUsageError(`slot ${slot} was not allocated by this CSpace manager`);
    const i = slot - this.cfg.first_slot;
    this.used[i] = 0;
    this.usedCount--;
    if (i < this.lowestMaybeFree) this.lowestMaybeFree = i;
  }

  /** The path of `slot`: resolved from the managed CNode at full depth, `dest` = the CNode itself. */
  make_path(slot: seL4_CPtr): cspacepath_t {
    const { cnode, cnode_size_bits, cnode_guard_bits } = this.cfg;
    return {
      capPtr: slot,
      capDepth: cnode_size_bits + cnode_guard_bits,
      root: cnode,
      dest: 0,
      destDepth: 0,
      offset: slot,
      window: 1,
    };
  }
}
