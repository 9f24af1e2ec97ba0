/**
 * The guest's stage-2 address space (`guest_vspace.c` with `sel4utils_map_page_pd`): frames are
 * mapped at guest-physical addresses in the VM's VSpace root, missing page tables are allocated
 * from the VM's allocator on the way, and the frame behind each mapping is remembered so that
 * unmapping and host access need no lookup in the kernel.
 */
import {
  type Sel4_AArch64,
  seL4_ARM_Default_VMAttributes,
  type seL4_CPtr,
  seL4_FailedLookup,
  seL4_NoError,
} from "@sel4/sel4";
import { vka_alloc_page_table, type vka_t } from "@sel4/vka";
import type { vm_frame_t, vm_guest_vspace_t } from "@sel4/vm";

/**
 * Reaches the bytes of a frame from the VMM (sel4utils' `vspace_access_page_with_callback`: map a
 * copy of the cap into the VMM, call, unmap). Returns `fn`'s result, or -1 if the frame cannot be
 * reached.
 */
export type HostFrameAccess = (
  frame: seL4_CPtr,
  size_bits: number,
  fn: (bytes: Uint8Array) => number,
) => number;

/** Paging levels below the root an AArch64 stage-2 walk may have to fill in. */
const MAX_TABLE_LEVELS = 3;

/** A stage-2 address space over `vspace_root`. */
export class ArmGuestVspace implements vm_guest_vspace_t {
  readonly #sel4: Sel4_AArch64;
  readonly #vka: vka_t;
  readonly #root: seL4_CPtr;
  readonly #hostAccess: HostFrameAccess | null;
  /** Mapped frames by guest-physical base. */
  readonly #frames = new Map<number, { cap: seL4_CPtr; size_bits: number }>();
  /** Page tables allocated for this address space (kept for teardown). */
  readonly page_tables: seL4_CPtr[] = [];

  /** Creates the address space; `host_access` reaches guest frames from the VMM. */
  constructor(
    sel4: Sel4_AArch64,
    vka: vka_t,
    vspace_root: seL4_CPtr,
    host_access: HostFrameAccess | null,
  ) {
    this.#sel4 = sel4;
    this.#vka = vka;
    this.#root = vspace_root;
    this.#hostAccess = host_access;
  }

  /** Maps one frame, allocating page tables as the kernel reports them missing. 0 or -1. */
  map_frame(frame: vm_frame_t): number {
    for (let attempt = 0; attempt <= MAX_TABLE_LEVELS; attempt++) {
      const err = this.#sel4.seL4_ARM_Page_Map(
        frame.cptr,
        this.#root,
        frame.vaddr,
        frame.rights,
        seL4_ARM_Default_VMAttributes,
      );
      if (err === seL4_NoError) {
        this.#frames.set(frame.vaddr, { cap: frame.cptr, size_bits: frame.size_bits });
        return 0;
      }
      if (err !== seL4_FailedLookup) return -1;
      const pt = vka_alloc_page_table(this.#vka);
      if (pt.error !== 0) return -1;
      const e2 = this.#sel4.seL4_ARM_PageTable_Map(
        pt.object.cptr,
        this.#root,
        frame.vaddr,
        seL4_ARM_Default_VMAttributes,
      );
      if (e2 !== seL4_NoError) return -1;
      this.page_tables.push(pt.object.cptr);
    }
    return -1;
  }

  /** Unmaps the frame mapped at `vaddr` with `size_bits`. 0 or -1. */
  unmap_frame(vaddr: number, size_bits: number): number {
    const f = this.#frames.get(vaddr);
    if (f === undefined || f.size_bits !== size_bits) return -1;
    if (this.#sel4.seL4_ARM_Page_Unmap(f.cap) !== seL4_NoError) return -1;
    this.#frames.delete(vaddr);
    return 0;
  }

  /** The frame cap and size mapped at guest-physical `vaddr` (any address inside it), or null. */
  frame_at(
    addr: number,
  ): { readonly cap: seL4_CPtr; readonly base: number; readonly size_bits: number } | null {
    for (const bits of [12, 21, 30]) {
      const base = addr - (addr % 2 ** bits);
      const f = this.#frames.get(base);
      if (f !== undefined && f.size_bits === bits) return { cap: f.cap, base, size_bits: bits };
    }
    return null;
  }

  /** Runs `fn` on the 4 KiB guest page at `page` as the VMM sees it; -1 if unmapped. */
  access_page(page: number, fn: (bytes: Uint8Array) => number): number {
    const f = this.frame_at(page);
    if (f === null || this.#hostAccess === null) return -1;
    const off = page - f.base;
    return this.#hostAccess(f.cap, f.size_bits, (bytes) => fn(bytes.subarray(off, off + 0x1000)));
  }
}
