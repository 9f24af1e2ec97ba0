/** allocman: a `vka_t` composed of a CSpace manager and the buddy untyped manager. */
import {
  type Sel4,
  seL4_CapTableObject,
  type seL4_CPtr,
  seL4_InvalidArgument,
  seL4_SlotBits,
} from "@sel4/sel4";
import {
  type CSpaceAllocResult,
  type cspacepath_t,
  type RetypeSizeBits,
  type UtCookie,
  type UtspaceAllocResult,
  VKA_NO_PADDR,
  VkaUsageError,
  vka_get_object_size,
  type vka_t,
  vka_type_allowed_in_device_memory,
} from "@sel4/vka";
import type { CSpaceManager } from "./cspace/manager.js";
import { BuddyUntypedManager, type ManagedUntyped, type UntypedPool } from "./utspace/buddy.js";

interface LiveObject {
  readonly type: number;
  readonly size_bits: RetypeSizeBits;
}

/** Counts describing an allocator's state. */
export interface AllocmanStats {
  /** Slots handed out (to callers and to split untypeds). */
  readonly slotsUsed: number;
  /** Slots still free. */
  readonly slotsFree: number;
  /** Live objects handed out through `utspace_alloc*`. */
  readonly liveObjects: number;
  /** Free bytes per pool. */
  readonly freeBytes: Readonly<Record<UntypedPool, number>>;
}

/**
 * The default allocator. Sizes arrive in Retype convention and are converted to memory sizes with
 * `vka_get_object_size` before the untyped manager sees them. Device untyped serves only frames and
 * untypeds, and only when the caller allows it (or asks for an address in it). Freeing revokes the
 * object's backing untyped, so caps to the object still held elsewhere are deleted too.
 */
export class Allocman implements vka_t {
  /** The thread's system-call interface. */
  readonly sel4: Sel4;
  private readonly cspace: CSpaceManager;
  private readonly utspace: BuddyUntypedManager;
  private readonly live = new Map<UtCookie, LiveObject>();

  /**
   * Creates an allocator handing out `cspace`'s slots and the memory of `untypeds`. `options.coalesce`
   * chooses when free buddies merge (see `BuddyUntypedManager`); default "eager".
   */
  constructor(
    sel4: Sel4,
    cspace: CSpaceManager,
    untypeds: readonly ManagedUntyped[],
    options: { readonly coalesce?: "eager" | "lazy" } = {},
  ) {
    this.sel4 = sel4;
    this.cspace = cspace;
    this.utspace = new BuddyUntypedManager(sel4, cspace, options.coalesce ?? "eager");
    this.utspace.add_uts(untypeds);
  }

  /**
   * Frees the level-2 CNodes a two-level CSpace grew that are empty again; with `coalesce()` this
   * brings the memory back to its initial state once everything else is freed.
   */
  trim(): void {
    this.cspace.trim?.((cookie, path) => {
      this.sel4.seL4_CNode_Delete(path.root, path.capPtr, path.capDepth);
      this.utspace.free(cookie);
    });
  }

  /** Grows the CSpace (if it can) while its reserve of free slots is short. */
  private refill(): void {
    this.cspace.refill?.((dest, slot_bits) =>
      this.utspace.alloc(dest, seL4_CapTableObject, slot_bits, slot_bits + seL4_SlotBits, ["ram"]),
    );
  }

  /** Merges every pair of free buddies now (needed only with lazy coalescing). */
  coalesce(): void {
    this.utspace.coalesce();
  }

  /** Reserves the lowest free slot. */
  cspace_alloc(): CSpaceAllocResult {
    this.refill();
    return this.cspace.alloc();
  }

  /** The path of a slot. */
  cspace_make_path(slot: seL4_CPtr): cspacepath_t {
    return this.cspace.make_path(slot);
  }

  /** Returns an empty slot; throws `VkaUsageError` (from `@sel4/vka`) for a slot not handed out or still holding a cap. */
  cspace_free(slot: seL4_CPtr): void {
    if (!this.cspace.is_allocated(slot))
      throw new VkaUsageError(`slot ${slot} is not allocated here`);
    if (this.sel4.seL4_DebugCapIdentify(slot) !== 0)
      throw new VkaUsageError(`slot ${slot} still holds a cap`);
    this.cspace.free(slot);
  }

  /** One object from RAM. */
  utspace_alloc(dest: cspacepath_t, type: number, size_bits: RetypeSizeBits): UtspaceAllocResult {
    return this.utspace_alloc_maybe_device(dest, type, size_bits, false);
  }

  /** One object from RAM, then from device untyped if `can_use_dev` and the type allows it. */
  utspace_alloc_maybe_device(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    can_use_dev: boolean,
  ): UtspaceAllocResult {
    const mem = vka_get_object_size(this.sel4.config, type, size_bits);
    if (mem === null) return { error: seL4_InvalidArgument, cookie: 0 };
    const device = can_use_dev && vka_type_allowed_in_device_memory(this.sel4.config, type);
    const pools: UntypedPool[] = device ? ["ram", "device"] : ["ram"];
    this.refill();
    return this.record(this.utspace.alloc(dest, type, size_bits, mem, pools), type, size_bits);
  }

  /** One object at `paddr` (RAM or device; device only for frames and untypeds). */
  utspace_alloc_at(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    paddr: number,
  ): UtspaceAllocResult {
    const mem = vka_get_object_size(this.sel4.config, type, size_bits);
    if (mem === null) return { error: seL4_InvalidArgument, cookie: 0 };
    this.refill();
    return this.record(this.utspace.alloc_at(dest, type, size_bits, mem, paddr), type, size_bits);
  }

  /** Frees an allocation; throws `VkaUsageError` (from `@sel4/vka`) for a cookie not live here or a type/size mismatch. */
  utspace_free(type: number, size_bits: RetypeSizeBits, cookie: UtCookie): void {
    const rec = this.live.get(cookie);
    if (!rec)
      throw new VkaUsageError(`cookie ${cookie} is not a live allocation of this allocator`);
    if (rec.type !== type || rec.size_bits !== size_bits) {
      throw new VkaUsageError(
        `cookie ${cookie} was allocated as type ${rec.type} size ${rec.size_bits}, freed as type ${type} size ${size_bits}`,
      );
    }
    this.live.delete(cookie);
    this.utspace.free(cookie);
  }

  /** The physical address of a live allocation, or `VKA_NO_PADDR`. */
  utspace_paddr(cookie: UtCookie, _type: number, _size_bits: RetypeSizeBits): number {
    return this.live.has(cookie) ? (this.utspace.paddr(cookie) ?? VKA_NO_PADDR) : VKA_NO_PADDR;
  }

  /** Counts for monitoring and tests. */
  stats(): AllocmanStats {
    return {
      slotsUsed: this.cspace.used_slots,
      slotsFree: this.cspace.free_slots,
      liveObjects: this.live.size,
      freeBytes: this.utspace.stats().freeBytes,
    };
  }

  /** Whether everything is back as it started: no live object, no split untyped, no slot in use. */
  is_pristine(): boolean {
    return this.live.size === 0 && this.utspace.is_pristine() && this.cspace.used_slots === 0;
  }

  private record(
    result: UtspaceAllocResult,
    type: number,
    size_bits: RetypeSizeBits,
  ): UtspaceAllocResult {
    if (result.error === 0) this.live.set(result.cookie, { type, size_bits });
    return result;
  }
}
