/**
 * Host access to guest frames for the VMM: the model's physical memory stands in for mapping a
 * frame into the VMM's own address space (what sel4utils' `vspace_access_page_with_callback`
 * does in C). 4 KiB frames are reached in place; larger ones are copied out and back.
 */
import type { Kernel } from "@sel4/kernel";
import { type Sel4_AArch64, seL4_NoError } from "@sel4/sel4";
import type { ArmGuestVspace, HostFrameAccess } from "@sel4/vm-arm";

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

/**
 * Copies `bytes` into guest RAM at `gpa` straight into the frames the stage-2 address space maps
 * there, one copy per frame (loading through 4 KiB `access_page` calls would copy each 2 MiB
 * frame in and out once per page). 0, or -1 where no frame backs the range.
 */
export function kernelLoadGuest(
  sel4: Sel4_AArch64,
  kernel: Kernel,
  space: ArmGuestVspace,
  gpa: number,
  bytes: Uint8Array,
): number {
  let done = 0;
  while (done < bytes.length) {
    const addr = gpa + done;
    const f = space.frame_at(addr);
    if (f === null) return -1;
    const a = sel4.seL4_ARM_Page_GetAddress(f.cap);
    if (a.error !== seL4_NoError) return -1;
    const n = Math.min(f.base + 2 ** f.size_bits - addr, bytes.length - done);
    kernel.writePhysical(a.paddr + (addr - f.base), bytes.subarray(done, done + n));
    done += n;
  }
  return 0;
}
