/**
 * Object types (`seL4_ObjectType`, the `type` argument of `seL4_Untyped_Retype`) and object sizes.
 * The generic numbers are shared; the architecture numbers differ per configuration, so they are
 * given per configuration as well as under their (already distinct) C names.
 */
import type { Sel4Config } from "./types.js";

/** Untyped memory. */
export const seL4_UntypedObject = 0;
/** Thread control block. */
export const seL4_TCBObject = 1;
/** IPC endpoint. */
export const seL4_EndpointObject = 2;
/** Notification. */
export const seL4_NotificationObject = 3;
/** CNode (capability table). */
export const seL4_CapTableObject = 4;
/** Number of generic object types (non-MCS). */
export const seL4_NonArchObjectTypeCount = 5;

/** AArch64: 1 GiB frame. */
export const seL4_ARM_HugePageObject = 5;
/** AArch64: VSpace root table. */
export const seL4_ARM_VSpaceObject = 6;
/** AArch64: 4 KiB frame. */
export const seL4_ARM_SmallPageObject = 7;
/** AArch64: 2 MiB frame. */
export const seL4_ARM_LargePageObject = 8;
/** AArch64: page table (any level). */
export const seL4_ARM_PageTableObject = 9;
/** AArch64 hypervisor: virtual CPU. */
export const seL4_ARM_VCPUObject = 10;

/** x86_64: page-directory-pointer table. */
export const seL4_X86_PDPTObject = 5;
/** x86_64: PML4 (VSpace root). */
export const seL4_X64_PML4Object = 6;
/** x86_64: 1 GiB frame (CONFIG_HUGE_PAGE). */
export const seL4_X64_HugePageObject = 7;
/** x86_64: 4 KiB frame. */
export const seL4_X86_4K = 8;
/** x86_64: 2 MiB frame. */
export const seL4_X86_LargePageObject = 9;
/** x86_64: page table. */
export const seL4_X86_PageTableObject = 10;
/** x86_64: page directory. */
export const seL4_X86_PageDirectoryObject = 11;
/** x86_64 VT-x: virtual CPU (no IOMMU: 12). */
export const seL4_X86_VCPUObject = 12;
/** x86_64 VT-x: EPT PML4. */
export const seL4_X86_EPTPML4Object = 13;
/** x86_64 VT-x: EPT PDPT. */
export const seL4_X86_EPTPDPTObject = 14;
/** x86_64 VT-x: EPT page directory. */
export const seL4_X86_EPTPDObject = 15;
/** x86_64 VT-x: EPT page table. */
export const seL4_X86_EPTPTObject = 16;

/** The object-type numbers of each configuration, with `seL4_ObjectTypeCount` (first invalid). */
export const seL4_ObjectType = {
  aarch64: {
    seL4_UntypedObject,
    seL4_TCBObject,
    seL4_EndpointObject,
    seL4_NotificationObject,
    seL4_CapTableObject,
    seL4_ARM_HugePageObject,
    seL4_ARM_VSpaceObject,
    seL4_ARM_SmallPageObject,
    seL4_ARM_LargePageObject,
    seL4_ARM_PageTableObject,
    seL4_ARM_VCPUObject,
    seL4_ObjectTypeCount: 11,
  },
  x86_64: {
    seL4_UntypedObject,
    seL4_TCBObject,
    seL4_EndpointObject,
    seL4_NotificationObject,
    seL4_CapTableObject,
    seL4_X86_PDPTObject,
    seL4_X64_PML4Object,
    seL4_X64_HugePageObject,
    seL4_X86_4K,
    seL4_X86_LargePageObject,
    seL4_X86_PageTableObject,
    seL4_X86_PageDirectoryObject,
    seL4_X86_VCPUObject,
    seL4_X86_EPTPML4Object,
    seL4_X86_EPTPDPTObject,
    seL4_X86_EPTPDObject,
    seL4_X86_EPTPTObject,
    seL4_ObjectTypeCount: 17,
  },
} as const;

/** log2 of a 4 KiB page. */
export const seL4_PageBits = 12;
/** log2 of a 2 MiB page. */
export const seL4_LargePageBits = 21;
/** log2 of a 1 GiB page. */
export const seL4_HugePageBits = 30;
/** log2 of a CNode slot (32 bytes). */
export const seL4_SlotBits = 5;
/** log2 of a TCB (no hardware debug API, small XSAVE area). */
export const seL4_TCBBits = 11;
/** log2 of an endpoint. */
export const seL4_EndpointBits = 4;
/** log2 of a notification (non-MCS). */
export const seL4_NotificationBits = 5;
/** log2 of a page table (every level, both architectures). */
export const seL4_PageTableBits = 12;
/** log2 of a page-table entry. */
export const seL4_PageTableEntryBits = 3;
/** Index bits of a page table. */
export const seL4_PageTableIndexBits = 9;
/** log2 of an ASID pool. */
export const seL4_ASIDPoolBits = 12;
/** Index bits of an ASID pool (512 ASIDs). */
export const seL4_ASIDPoolIndexBits = 9;
/** Smallest untyped (16 bytes). */
export const seL4_MinUntypedBits = 4;
/** Largest untyped (128 TiB). */
export const seL4_MaxUntypedBits = 47;
/** log2 of a word in bytes. */
export const seL4_WordSizeBits = 3;
/** Bits in a word. */
export const seL4_WordBits = 64;
/** log2 of the IPC buffer (1 KiB). */
export const seL4_IPCBufferSizeBits = 10;
/** log2 of an ARM VCPU. */
export const seL4_ARM_VCPUBits = 12;
/** log2 of an x86 VCPU. */
export const seL4_X86_VCPUBits = 14;
/** log2 of an x86_64 page directory. */
export const seL4_PageDirBits = 12;
/** log2 of an x86_64 PDPT. */
export const seL4_PDPTBits = 12;
/** log2 of an x86_64 PML4. */
export const seL4_PML4Bits = 12;
/** log2 of an x86 EPT PML4. */
export const seL4_X86_EPTPML4Bits = 12;
/** log2 of an x86 EPT PDPT. */
export const seL4_X86_EPTPDPTBits = 12;
/** log2 of an x86 EPT page directory. */
export const seL4_X86_EPTPDBits = 12;
/** log2 of an x86 EPT page table. */
export const seL4_X86_EPTPTBits = 12;
/** Highest priority. */
export const seL4_MaxPrio = 255;
/** Lowest priority. */
export const seL4_MinPrio = 0;
/** Most objects one Retype may create (CONFIG_RETYPE_FAN_OUT_LIMIT). */
export const seL4_RetypeFanOutLimit = 256;

/**
 * The constants whose value depends on the configuration (same C name, different value): the
 * AArch64 target is Cortex-A53 (40-bit PA, 3-level stage-2 tables), the x86_64 target VT-x.
 */
export const seL4_ArchConstants = {
  aarch64: {
    seL4_VCPUBits: 12,
    seL4_VSpaceBits: 13,
    seL4_VSpaceIndexBits: 10,
    seL4_NumASIDPoolsBits: 7,
    seL4_UserTop: 0xff_ffff_ffff,
    seL4_ObjectTypeCount: 11,
  },
  x86_64: {
    seL4_VCPUBits: 14,
    seL4_VSpaceBits: 12,
    seL4_VSpaceIndexBits: 9,
    seL4_NumASIDPoolsBits: 3,
    seL4_UserTop: 0x7fff_ffff_f000,
    seL4_ObjectTypeCount: 17,
  },
} as const;

/**
 * The size (log2 bytes) of an object of `type` made with `sizeBits` on `config`, as the kernel's
 * `getObjectSize` computes it, or `null` when `type` is not an object type of that configuration.
 * Untyped takes `sizeBits` itself, a CNode `sizeBits + seL4_SlotBits`; fixed-size objects ignore it.
 */
export function objectSizeBits(config: Sel4Config, type: number, sizeBits: number): number | null {
  if (type === seL4_UntypedObject) return sizeBits;
  if (type === seL4_CapTableObject) return sizeBits + seL4_SlotBits;
  if (type === seL4_TCBObject) return seL4_TCBBits;
  if (type === seL4_EndpointObject) return seL4_EndpointBits;
  if (type === seL4_NotificationObject) return seL4_NotificationBits;
  const sizes = config === "aarch64" ? aarch64Sizes : x86_64Sizes;
  return sizes.get(type) ?? null;
}

const aarch64Sizes: ReadonlyMap<number, number> = new Map([
  [seL4_ARM_HugePageObject, seL4_HugePageBits],
  [seL4_ARM_VSpaceObject, 13],
  [seL4_ARM_SmallPageObject, seL4_PageBits],
  [seL4_ARM_LargePageObject, seL4_LargePageBits],
  [seL4_ARM_PageTableObject, seL4_PageTableBits],
  [seL4_ARM_VCPUObject, seL4_ARM_VCPUBits],
]);

const x86_64Sizes: ReadonlyMap<number, number> = new Map([
  [seL4_X86_PDPTObject, seL4_PDPTBits],
  [seL4_X64_PML4Object, seL4_PML4Bits],
  [seL4_X64_HugePageObject, seL4_HugePageBits],
  [seL4_X86_4K, seL4_PageBits],
  [seL4_X86_LargePageObject, seL4_LargePageBits],
  [seL4_X86_PageTableObject, seL4_PageTableBits],
  [seL4_X86_PageDirectoryObject, seL4_PageDirBits],
  [seL4_X86_VCPUObject, seL4_X86_VCPUBits],
  [seL4_X86_EPTPML4Object, seL4_X86_EPTPML4Bits],
  [seL4_X86_EPTPDPTObject, seL4_X86_EPTPDPTBits],
  [seL4_X86_EPTPDObject, seL4_X86_EPTPDBits],
  [seL4_X86_EPTPTObject, seL4_X86_EPTPTBits],
]);
