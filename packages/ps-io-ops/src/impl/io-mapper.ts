/** `sel4platsupport_new_io_mapper`: device frames allocated at their physical address and mapped. */
import { seL4_AllRights, type seL4_CPtr } from "@sel4/sel4";
import { kobject_get_type, type UtCookie, type vka_t, vka_utspace_alloc_at } from "@sel4/vka";
import { sel4_page_sizes, VSPACE_PRESERVE, type vspace_t } from "@sel4/vspace";
import type { ps_io_mapper_t } from "../types.js";

interface IoMapping {
  readonly caps: readonly seL4_CPtr[];
  readonly cookies: readonly UtCookie[];
  readonly size_bits: number;
  readonly base: number;
}

/** Thrown when `io_unmap_fn` is given an address `io_map_fn` did not return (C aborts). */
export class PsIoUnmapError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "PsIoUnmapError";
  }
}

/**
 * An io mapper over `vspace` and `vka`: each page of the range is a frame allocated exactly at its
 * physical address (so the allocator must own the device untyped), tried with the largest page size
 * not above `size`, then smaller ones. Unmapping deletes each cap before returning its memory
 * (C frees the memory first, C bug #21).
 */
export function sel4platsupport_new_io_mapper(vspace: vspace_t, vka: vka_t): ps_io_mapper_t {
  const mappings = new Map<number, IoMapping>();

  const release = (caps: readonly seL4_CPtr[], cookies: readonly UtCookie[], size_bits: number) => {
    const type = kobject_get_type(vka.sel4.config, "KOBJECT_FRAME", size_bits);
    caps.forEach((cap, i) => {
      const path = vka.cspace_make_path(cap);
      vka.sel4.seL4_CNode_Delete(path.root, path.capPtr, path.capDepth);
      vka.utspace_free(type, size_bits, cookies[i]!);
      vka.cspace_free(cap);
    });
  };

  const tryMap = (
    paddr: number,
    size: number,
    cached: boolean,
    size_bits: number,
  ): number | null => {
    const page = 2 ** size_bits;
    const first = Math.floor(paddr / page) * page;
    const count = Math.ceil((paddr + size - first) / page);
    const type = kobject_get_type(vka.sel4.config, "KOBJECT_FRAME", size_bits);
    const caps: seL4_CPtr[] = [];
    const cookies: UtCookie[] = [];
    for (let i = 0; i < count; i++) {
      const slot = vka.cspace_alloc();
      if (slot.error !== 0) break;
      const ut = vka_utspace_alloc_at(
        vka,
        vka.cspace_make_path(slot.cptr),
        type,
        size_bits,
        first + i * page,
      );
      if (ut.error !== 0) {
        vka.cspace_free(slot.cptr);
        break;
      }
      caps.push(slot.cptr);
      cookies.push(ut.cookie);
    }
    const vaddr =
      caps.length === count
        ? vspace.map_pages(caps, null, seL4_AllRights, count, size_bits, cached)
        : null;
    if (vaddr === null) {
      release(caps, cookies, size_bits);
      return null;
    }
    mappings.set(vaddr + (paddr - first), { caps, cookies, size_bits, base: vaddr });
    return vaddr + (paddr - first);
  };

  return {
    io_map_fn(paddr, size, cached) {
      if (!Number.isSafeInteger(paddr) || !Number.isSafeInteger(size) || paddr < 0 || size <= 0)
        return null;
      const sizes = sel4_page_sizes(vka.sel4.config).filter((b) => 2 ** b <= size || b === 12);
      for (let i = sizes.length - 1; i >= 0; i--) {
        const vaddr = tryMap(paddr, size, cached, sizes[i]!);
        if (vaddr !== null) return vaddr;
      }
      return null;
    },
    io_unmap_fn(vaddr) {
      const m = mappings.get(vaddr);
      if (!m) throw new PsIoUnmapError(`0x${vaddr.toString(16)} was not returned by io_map_fn`);
      mappings.delete(vaddr);
      vspace.unmap_pages(m.base, m.caps.length, m.size_bits, VSPACE_PRESERVE);
      release(m.caps, m.cookies, m.size_bits);
    },
  };
}
