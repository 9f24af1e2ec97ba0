/** `sel4vm/guest_iospace.h`. */
import type { vm_t } from "./types.js";

/**
 * Registers an IOMMU/SMMU I/O address space that must mirror guest-physical memory
 * (`vm_guest_add_iospace`); call it before any guest memory is mapped. -1 if memory is already
 * mapped or the architecture has no I/O address spaces.
 */
export function vm_guest_add_iospace(vm: vm_t, loader: unknown, iospace: number): number {
  const mapped = vm.mem.reservation_cookie.regular.entries().some((n) => n.data.is_mapped);
  if (mapped || vm.mem.ram_regions.length > 0 || vm.arch.vm_guest_add_iospace === undefined) {
    return -1;
  }
  return vm.arch.vm_guest_add_iospace(vm, loader, iospace);
}
