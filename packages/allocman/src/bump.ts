/**
 * A deliberately different `vka_t`: a bump allocator over one untyped. Objects are retyped at the
 * untyped's watermark; memory comes back only when every object is freed (then the untyped is
 * revoked and starts again at offset 0). No splitting, one kernel call per allocation.
 */
import {
  type Sel4,
  type seL4_CPtr,
  seL4_InvalidArgument,
  seL4_NoError,
  seL4_NotEnoughMemory,
  seL4_UntypedObject,
} from "@sel4/sel4";
import type { simple_t } from "@sel4/simple";
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
} from "@sel4/vka";
import { root_cspace_of_simple, untypeds_of_simple } from "./bootstrap.js";
import type { SingleLevelCSpace } from "./cspace/single-level.js";
import type { ManagedUntyped } from "./utspace/buddy.js";

interface BumpObject {
  readonly type: number;
  readonly size_bits: RetypeSizeBits;
  readonly paddr: number;
}

/** A bump allocator over one RAM untyped (see the file comment); never uses device memory. */
export class BumpAllocator implements vka_t {
  /** The thread's system-call interface. */
  readonly sel4: Sel4;
  private readonly cspace: SingleLevelCSpace;
  private readonly untyped: ManagedUntyped;
  private readonly live = new Map<UtCookie, BumpObject>();
  private readonly padding: seL4_CPtr[] = [];
  private watermark = 0;
  private nextCookie = 1;

  /** Creates the allocator over `untyped` (unused), taking slots from `cspace`. */
  constructor(sel4: Sel4, cspace: SingleLevelCSpace, untyped: ManagedUntyped) {
    this.sel4 = sel4;
    this.cspace = cspace;
    this.untyped = untyped;
  }

  /** Reserves a slot. */
  cspace_alloc(): CSpaceAllocResult {
    return this.cspace.alloc();
  }

  /** The path of a slot. */
  cspace_make_path(slot: seL4_CPtr): cspacepath_t {
    return this.cspace.make_path(slot);
  }

  /** Returns an empty slot; throws `VkaUsageError` (from `@sel4/vka`) for a slot not handed out or still full. */
  cspace_free(slot: seL4_CPtr): void {
    if (!this.cspace.is_allocated(slot) || this.padding.includes(slot)) {
      throw new VkaUsageError(`slot ${slot} is not allocated here`);
    }
    if (this.sel4.seL4_DebugCapIdentify(slot) !== 0)
      throw new VkaUsageError(`slot ${slot} still holds a cap`);
    this.cspace.free(slot);
  }

  /** One object at the watermark. */
  utspace_alloc(dest: cspacepath_t, type: number, size_bits: RetypeSizeBits): UtspaceAllocResult {
    const mem = vka_get_object_size(this.sel4.config, type, size_bits);
    if (mem === null) return { error: seL4_InvalidArgument, cookie: 0 };
    const offset = Math.ceil(this.watermark / 2 ** mem) * 2 ** mem;
    if (offset + 2 ** mem > 2 ** this.untyped.size_bits)
      return { error: seL4_NotEnoughMemory, cookie: 0 };
    const error = this.sel4.seL4_Untyped_Retype(
      this.untyped.cap,
      type,
      size_bits,
      dest.root,
      dest.dest,
      dest.destDepth,
      dest.offset,
      1,
    );
    if (error !== seL4_NoError) return { error, cookie: 0 };
    this.watermark = offset + 2 ** mem;
    const cookie = this.nextCookie++;
    this.live.set(cookie, { type, size_bits, paddr: this.untyped.paddr + offset });
    return { error: 0, cookie };
  }

  /** Device memory is never used: the same as {@link BumpAllocator.utspace_alloc}. */
  utspace_alloc_maybe_device(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    _can_use_dev: boolean,
  ): UtspaceAllocResult {
    return this.utspace_alloc(dest, type, size_bits);
  }

  /** An object at `paddr`, if `paddr` is at or above the watermark: the gap is filled with padding untypeds. */
  utspace_alloc_at(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    paddr: number,
  ): UtspaceAllocResult {
    const mem = vka_get_object_size(this.sel4.config, type, size_bits);
    if (mem === null || !Number.isSafeInteger(paddr) || paddr % 2 ** mem !== 0)
      return { error: seL4_InvalidArgument, cookie: 0 };
    const offset = paddr - this.untyped.paddr;
    if (offset < this.watermark || offset + 2 ** mem > 2 ** this.untyped.size_bits)
      return { error: seL4_NotEnoughMemory, cookie: 0 };
    const error = this.pad(offset);
    if (error !== seL4_NoError) return { error, cookie: 0 };
    return this.utspace_alloc(dest, type, size_bits);
  }

  /** Frees an allocation; when none is left the untyped is revoked and reused from offset 0. */
  utspace_free(type: number, size_bits: RetypeSizeBits, cookie: UtCookie): void {
    const rec = this.live.get(cookie);
    if (!rec)
      throw new VkaUsageError(`cookie ${cookie} is not a live allocation of this allocator`);
    if (rec.type !== type || rec.size_bits !== size_bits)
      throw new VkaUsageError(`cookie ${cookie} freed with another type or size`);
    this.live.delete(cookie);
    if (this.live.size === 0) this.reset();
  }

  /** The physical address of a live allocation, or `VKA_NO_PADDR`. */
  utspace_paddr(cookie: UtCookie, _type: number, _size_bits: RetypeSizeBits): number {
    return this.live.get(cookie)?.paddr ?? VKA_NO_PADDR;
  }

  /** Whether nothing is allocated and the untyped is back at offset 0. */
  is_pristine(): boolean {
    return (
      this.live.size === 0 &&
      this.watermark === 0 &&
      this.padding.length === 0 &&
      this.cspace.used_slots === 0
    );
  }

  /** Advances the watermark to `offset` with naturally aligned padding untypeds. */
  private pad(offset: number): number {
    while (this.watermark < offset) {
      let bits = 4;
      while (this.watermark % 2 ** (bits + 1) === 0 && this.watermark + 2 ** (bits + 1) <= offset)
        bits++;
      const slot = this.cspace.alloc();
      if (slot.error !== 0) return seL4_NotEnoughMemory;
      const d = this.cspace.make_path(slot.cptr);
      const error = this.sel4.seL4_Untyped_Retype(
        this.untyped.cap,
        seL4_UntypedObject,
        bits,
        d.root,
        d.dest,
        d.destDepth,
        d.offset,
        1,
      );
      if (error !== seL4_NoError) {
        this.cspace.free(slot.cptr);
        return error;
      }
      this.padding.push(slot.cptr);
      this.watermark += 2 ** bits;
    }
    return seL4_NoError;
  }

  private reset(): void {
    const p = this.cspace.make_path(this.untyped.cap);
    this.sel4.seL4_CNode_Revoke(p.root, p.capPtr, p.capDepth);
    for (const slot of this.padding) this.cspace.free(slot);
    this.padding.length = 0;
    this.watermark = 0;
  }
}

/** A bump allocator for a root task: the root CNode's free slots and `simple`'s largest RAM untyped. */
export function bootstrap_bump_allocator(simple: simple_t): BumpAllocator {
  const ram = untypeds_of_simple(simple).filter((u) => u.pool === "ram");
  if (ram.length === 0) throw new RangeError("no RAM untyped to bump-allocate from");
  const largest = ram.reduce((a, b) => (b.size_bits > a.size_bits ? b : a));
  return new BumpAllocator(simple.sel4, root_cspace_of_simple(simple), largest);
}
