/**
 * The guest-physical address space of an x86 VM: frames mapped in the VM's EPT with
 * `seL4_X86_Page_MapEPT`, the EPT PDPT / PD / PT objects allocated on the way (C's
 * `guest_vspace.c` over sel4utils' EPT support). This object is the only one mapping tables into
 * its EPT, so it knows which exist without asking the kernel.
 */
import {
  type Sel4_X86_64,
  type seL4_CPtr,
  seL4_NoError,
  seL4_X86_EPT_Default_VMAttributes,
} from "@sel4/sel4";
import {
  vka_alloc_ept_page_directory,
  vka_alloc_ept_page_table,
  vka_alloc_ept_pdpt,
  type vka_t,
} from "@sel4/vka";
import type { vm_frame_t, vm_guest_vspace_t } from "@sel4/vm";

/**
 * Reaches the bytes of a frame from the VMM (sel4utils' `vspace_access_page_with_callback`).
 * Returns `fn`'s result, or -1 if the frame cannot be reached.
 */
export type HostFrameAccess = (
  frame: seL4_CPtr,
  size_bits: number,
  fn: (bytes: Uint8Array) => number,
) => number;

const LEVELS = [
  { shift: 39, alloc: vka_alloc_ept_pdpt, map: "seL4_X86_EPTPDPT_Map" },
  { shift: 30, alloc: vka_alloc_ept_page_directory, map: "seL4_X86_EPTPD_Map" },
  { shift: 21, alloc: vka_alloc_ept_page_table, map: "seL4_X86_EPTPT_Map" },
] as const;

/** An EPT address space over `ept_root`. */
export class X86GuestVspace implements vm_guest_vspace_t {
  readonly #sel4: Sel4_X86_64;
  readonly #vka: vka_t;
  readonly #root: seL4_CPtr;
  readonly #hostAccess: HostFrameAccess | null;
  readonly #tables = new Set<string>();
  readonly #frames = new Map<number, { cap: seL4_CPtr; size_bits: number }>();

  /** Creates the address space; `host_access` reaches guest frames from the VMM. */
  constructor(
    sel4: Sel4_X86_64,
    vka: vka_t,
    ept_root: seL4_CPtr,
    host_access: HostFrameAccess | null,
  ) {
    this.#sel4 = sel4;
    this.#vka = vka;
    this.#root = ept_root;
    this.#hostAccess = host_access;
  }

  /** Maps one frame (4 KiB or 2 MiB), creating the EPT tables it needs. 0 or -1. */
  map_frame(frame: vm_frame_t): number {
    const last = frame.size_bits >= 21 ? 1 : 2;
    for (let i = 0; i <= last; i++) {
      const level = LEVELS[i]!;
      const key = `${level.shift}:${Math.floor(frame.vaddr / 2 ** level.shift)}`;
      if (this.#tables.has(key)) continue;
      const t = level.alloc(this.#vka);
      if (t.error !== 0) return -1;
      const err = this.#sel4[level.map](
        t.object.cptr,
        this.#root,
        frame.vaddr,
        seL4_X86_EPT_Default_VMAttributes,
      );
      if (err !== seL4_NoError) return -1;
      this.#tables.add(key);
    }
    const err = this.#sel4.seL4_X86_Page_MapEPT(
      frame.cptr,
      this.#root,
      frame.vaddr,
      frame.rights,
      seL4_X86_EPT_Default_VMAttributes,
    );
    if (err !== seL4_NoError) return -1;
    this.#frames.set(frame.vaddr, { cap: frame.cptr, size_bits: frame.size_bits });
    return 0;
  }

  /** Unmaps the frame mapped at `vaddr` with `size_bits`. 0 or -1. */
  unmap_frame(vaddr: number, size_bits: number): number {
    const f = this.#frames.get(vaddr);
    if (f === undefined || f.size_bits !== size_bits) return -1;
    if (this.#sel4.seL4_X86_Page_Unmap(f.cap) !== seL4_NoError) return -1;
    this.#frames.delete(vaddr);
    return 0;
  }

  /** Runs `fn` on the 4 KiB guest page at `page` as the VMM sees it; -1 if unmapped. */
  access_page(page: number, fn: (bytes: Uint8Array) => number): number {
    if (this.#hostAccess === null) return -1;
    for (const bits of [12, 21]) {
      const base = page - (page % 2 ** bits);
      const f = this.#frames.get(base);
      if (f === undefined || f.size_bits !== bits) continue;
      const off = page - base;
      return this.#hostAccess(f.cap, bits, (bytes) => fn(bytes.subarray(off, off + 0x1000)));
    }
    return -1;
  }
}
