/**
 * Host access to guest frames for the VMM: the model's physical memory stands in for mapping a
 * frame into the VMM's own address space (what sel4utils' `vspace_access_page_with_callback`
 * does in C). 4 KiB frames are reached in place; larger ones are copied out and back.
 */
import type { Kernel } from "@sel4/kernel";
import { type Sel4_AArch64, seL4_NoError } from "@sel4/sel4";
import type { HostFrameAccess } from "@sel4/vm-arm";

const PAGE_BITS = 12;

/** A {@link HostFrameAccess} over `kernel`'s physical memory, asking `sel4` where a frame is. */
export function kernelHostAccess(sel4: Sel4_AArch64, kernel: Kernel): HostFrameAccess {
  return (frame, size_bits, fn) => {
    const a = sel4.seL4_ARM_Page_GetAddress(frame);
    if (a.error !== seL4_NoError) return -1;
    if (size_bits === PAGE_BITS) return fn(kernel.memory.page(a.paddr));
    const bytes = kernel.readPhysical(a.paddr, 2 ** size_bits);
    const r = fn(bytes);
    kernel.writePhysical(a.paddr, bytes);
    return r;
  };
}
