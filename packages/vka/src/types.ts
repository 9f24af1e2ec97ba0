/** The shared shapes of libsel4vka: `cspacepath_t`, `vka_object_t` and the `vka_t` interface. */
import type { Sel4, seL4_CPtr } from "@sel4/sel4";

/**
 * Physical address returned by `utspace_paddr` when the allocator cannot tell (`VKA_NO_PADDR`).
 * 1 is never the base of an object.
 */
export const VKA_NO_PADDR = 1;

/**
 * log2 of a size as `seL4_Untyped_Retype` takes it: untyped and SchedContext = log2 bytes,
 * CNode = log2 of the slot count, ignored for fixed-size objects. Distinct in meaning from
 * {@link MemSizeBits}; convert with `vka_get_object_size`.
 */
export type RetypeSizeBits = number;

/** log2 of the bytes of memory an object consumes (what an untyped allocator must carve out). */
export type MemSizeBits = number;

/**
 * An allocator-defined handle identifying one untyped allocation (`seL4_Word` cookie in C). Only the
 * allocator that issued it can interpret it.
 */
export type UtCookie = number;

/**
 * One CSpace slot in both addressing forms the kernel uses (`cspacepath_t`): (`root`, `capPtr`,
 * `capDepth`) for CNode invocations and (`root`, `dest`, `destDepth`, `offset`) for
 * `seL4_Untyped_Retype`.
 */
export interface cspacepath_t {
  /** Address of the slot resolved from `root`. */
  readonly capPtr: seL4_CPtr;
  /** Bits of `capPtr` to resolve. */
  readonly capDepth: number;
  /** The CNode cap resolution starts from (the invoked cap). */
  readonly root: seL4_CPtr;
  /** Address of the CNode containing the slot, resolved from `root` (`node_index`). */
  readonly dest: number;
  /** Bits of `dest` to resolve; 0 means `root` itself contains the slot. */
  readonly destDepth: number;
  /** Index of the slot inside the containing CNode (`node_offset`). */
  readonly offset: number;
  /** Number of consecutive slots described (1 for a single slot). */
  readonly window: number;
}

/** Everything needed to free an object later (`vka_object_t`). */
export interface vka_object_t {
  /** Slot of the object's cap in the allocator's CSpace (0 = none). */
  readonly cptr: seL4_CPtr;
  /** The allocator's cookie for the memory. */
  readonly ut: UtCookie;
  /** seL4 object type (numeric, configuration dependent). */
  readonly type: number;
  /** Size as passed to `utspace_alloc` (Retype semantics). */
  readonly size_bits: RetypeSizeBits;
}

/** Result of `cspace_alloc`: `error` 0 on success, then `cptr` is the slot (else 0). */
export interface CSpaceAllocResult {
  /** 0 on success, else a non-zero error (an `seL4_Error`, or -1 for an allocator failure). */
  readonly error: number;
  /** The reserved slot (0 on failure). */
  readonly cptr: seL4_CPtr;
}

/** Result of a `utspace_alloc*` member: `error` 0 on success, then `cookie` names the memory. */
export interface UtspaceAllocResult {
  /** 0 on success, else a non-zero error (an `seL4_Error`, or -1 for an allocator failure). */
  readonly error: number;
  /** The allocation's cookie (0 on failure). */
  readonly cookie: UtCookie;
}

/**
 * The kernel-object allocator interface (`vka_t`). An implementation holds the thread's `Sel4`
 * it makes its system calls through. Error convention: members return C's result in `error`
 * (0 = success) for failures a caller is expected to test (exhaustion, kernel errors, bad sizes);
 * programming errors (freeing something twice or not allocated here, freeing a slot still
 * holding a cap) throw {@link VkaUsageError}.
 */
export interface vka_t {
  /** The thread's system-call interface the allocator uses. */
  readonly sel4: Sel4;
  /** Reserves one empty slot of the CSpace. */
  cspace_alloc(): CSpaceAllocResult;
  /** The full path of a slot returned by `cspace_alloc` (pure). */
  cspace_make_path(slot: seL4_CPtr): cspacepath_t;
  /** Returns a slot; it must already be empty. */
  cspace_free(slot: seL4_CPtr): void;
  /** Retypes untyped memory (RAM only) into one object of `type` placed at the empty slot `dest`. */
  utspace_alloc(dest: cspacepath_t, type: number, size_bits: RetypeSizeBits): UtspaceAllocResult;
  /** As `utspace_alloc`, but may use device untyped (frames and untypeds only) if `can_use_dev`. */
  utspace_alloc_maybe_device(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    can_use_dev: boolean,
  ): UtspaceAllocResult;
  /** Allocates an object whose physical base is exactly `paddr` (RAM or device). */
  utspace_alloc_at(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    paddr: number,
  ): UtspaceAllocResult;
  /** Gives the memory back; every cap to the object must already be deleted. */
  utspace_free(type: number, size_bits: RetypeSizeBits, cookie: UtCookie): void;
  /** The physical address of an allocation, or {@link VKA_NO_PADDR}. */
  utspace_paddr(cookie: UtCookie, type: number, size_bits: RetypeSizeBits): number;
}

/** A programming error in the use of an allocator: double free, foreign free, freeing a full slot. */
export class VkaUsageError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "VkaUsageError";
  }
}
