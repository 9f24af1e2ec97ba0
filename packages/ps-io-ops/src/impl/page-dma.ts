/** `sel4utils_new_page_dma_alloc`: DMA buffers as one untyped retyped into contiguous 4 KiB frames. */
import {
  type Sel4_AArch64,
  seL4_AllRights,
  type seL4_CPtr,
  seL4_NoError,
  seL4_PageBits,
} from "@sel4/sel4";
import {
  kobject_get_type,
  VKA_NO_PADDR,
  vka_alloc_untyped,
  vka_free_object,
  vka_object_paddr,
  type vka_object_t,
  type vka_t,
} from "@sel4/vka";
import { VSPACE_PRESERVE, vspace_reserve_range, type vspace_t } from "@sel4/vspace";
import type { ps_dma_man_t } from "../types.js";

interface DmaBuffer {
  readonly size: number;
  readonly ut: vka_object_t;
  readonly frames: readonly seL4_CPtr[];
  readonly paddr: number;
}

/**
 * A DMA manager over `vka` and `vspace`. Each buffer is an untyped of the size rounded up to a power
 * of two (at least 4 KiB) retyped into frames, so it is physically contiguous and its physical
 * address is known at allocation. Its records live here, keyed by address, instead of in the
 * vspace's cookies (which C overloads). Alignment above 4 KiB is refused, as in C.
 */
export function sel4utils_new_page_dma_alloc(vka: vka_t, vspace: vspace_t): ps_dma_man_t {
  const buffers = new Map<number, DmaBuffer>();
  const sel4 = vka.sel4;
  const frameType = kobject_get_type(sel4.config, "KOBJECT_FRAME", seL4_PageBits);

  const deleteFrames = (frames: readonly seL4_CPtr[]) => {
    for (const cap of frames) {
      const p = vka.cspace_make_path(cap);
      sel4.seL4_CNode_Delete(p.root, p.capPtr, p.capDepth);
      vka.cspace_free(cap);
    }
  };

  const containing = (addr: number, size: number): [number, DmaBuffer] | null => {
    for (const [base, b] of buffers)
      if (addr >= base && addr + size <= base + b.size) return [base, b];
    return null;
  };

  return {
    dma_alloc_fn(size, align, cached) {
      if (
        !Number.isSafeInteger(size) ||
        size <= 0 ||
        !Number.isSafeInteger(align) ||
        align < 0 ||
        align > 4096
      )
        return null;
      const bits = Math.max(seL4_PageBits, Math.ceil(Math.log2(size)));
      if (bits > 30) return null;
      const ut = vka_alloc_untyped(vka, bits);
      if (ut.error !== 0) return null;
      const paddr = vka_object_paddr(vka, ut.object);
      const frames: seL4_CPtr[] = [];
      const fail = () => {
        deleteFrames(frames);
        vka_free_object(vka, ut.object);
        return null;
      };
      if (paddr === VKA_NO_PADDR) return fail();
      for (let i = 0; i < 2 ** (bits - seL4_PageBits); i++) {
        const slot = vka.cspace_alloc();
        if (slot.error !== 0) return fail();
        const d = vka.cspace_make_path(slot.cptr);
        if (
          sel4.seL4_Untyped_Retype(
            ut.object.cptr,
            frameType,
            seL4_PageBits,
            d.root,
            d.dest,
            d.destDepth,
            d.offset,
            1,
          ) !== seL4_NoError
        ) {
          vka.cspace_free(slot.cptr);
          return fail();
        }
        frames.push(slot.cptr);
      }
      const { reservation, vaddr } = vspace_reserve_range(
        vspace,
        2 ** bits,
        seL4_AllRights,
        cached,
      );
      if (!reservation) return fail();
      const mapped = vspace.map_pages_at_vaddr(
        frames,
        null,
        vaddr,
        frames.length,
        seL4_PageBits,
        reservation,
      );
      vspace.free_reservation(reservation);
      if (mapped !== 0) return fail();
      buffers.set(vaddr, { size: 2 ** bits, ut: ut.object, frames, paddr });
      return vaddr;
    },
    dma_free_fn(addr) {
      const b = buffers.get(addr);
      if (!b) return;
      buffers.delete(addr);
      vspace.unmap_pages(addr, b.frames.length, seL4_PageBits, VSPACE_PRESERVE);
      deleteFrames(b.frames);
      vka_free_object(vka, b.ut);
    },
    dma_pin_fn(addr, size) {
      const found =
        Number.isSafeInteger(addr) && Number.isSafeInteger(size) && size >= 0
          ? containing(addr, size)
          : null;
      return found ? found[1].paddr + (addr - found[0]) : 0;
    },
    dma_unpin_fn() {
      // Buffers stay pinned for their whole life: nothing to do.
    },
    dma_cache_op_fn(addr, size, op) {
      if (sel4.config !== "aarch64" || !containing(addr, size)) return;
      const arm = sel4 as Sel4_AArch64;
      const root = vspace.get_root();
      if (op === "DMA_CACHE_OP_CLEAN") arm.seL4_ARM_VSpace_Clean_Data(root, addr, addr + size);
      else if (op === "DMA_CACHE_OP_INVALIDATE")
        arm.seL4_ARM_VSpace_Invalidate_Data(root, addr, addr + size);
      else arm.seL4_ARM_VSpace_CleanInvalidate_Data(root, addr, addr + size);
    },
  };
}
