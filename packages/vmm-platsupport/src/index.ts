/**
 * libsel4vmmplatsupport in TypeScript: the parts of a VMM that do not need the VM library. A
 * Flattened Device Tree writer and reader, the device tree of our QEMU-virt-compatible guest
 * machine, and image loaders (ELF, Linux arm64 Image, initrd placement) that describe what goes
 * where in guest RAM without writing it.
 *
 * @packageDocumentation
 */

export {
  PL011_CR,
  PL011_DMACR,
  PL011_DR,
  PL011_FBRD,
  PL011_FIFO_DEPTH,
  PL011_FR,
  PL011_FR_RXFE,
  PL011_FR_RXFF,
  PL011_FR_TXFE,
  PL011_FR_TXFF,
  PL011_IBRD,
  PL011_ICR,
  PL011_ID,
  PL011_IFLS,
  PL011_ILPR,
  PL011_IMSC,
  PL011_INT_MASK,
  PL011_INT_RT,
  PL011_INT_RX,
  PL011_INT_TX,
  PL011_LCR_H,
  PL011_LCR_H_FEN,
  PL011_MIS,
  PL011_PERIPH_ID0,
  PL011_RIS,
  PL011_RSR_ECR,
  PL011_SIZE,
  Pl011,
  type Pl011Backend,
} from "./arm/pl011.js";
export { type Pl011Device, type Pl011DeviceOptions, vm_install_pl011 } from "./arm/pl011-vm.js";
export {
  FdtError,
  type FdtErrorCode,
  GuestConfigError,
  GuestImageError,
  type GuestImageErrorCode,
} from "./errors.js";
export {
  fdtGetCells,
  fdtGetString,
  fdtGetStrings,
  fdtGetU32,
  fdtGetU32Array,
  fdtGetU64,
  fdtPropBytes,
  fdtPropCells,
  fdtPropEmpty,
  fdtPropString,
  fdtPropStrings,
  fdtPropU32,
  fdtPropU64,
} from "./fdt/property.js";
export { type FdtHeader, fdtReadHeader, readFdt } from "./fdt/reader.js";
export {
  fdtFindByPhandle,
  fdtFindNode,
  fdtGetChild,
  fdtGetPhandle,
  fdtGetProperty,
} from "./fdt/tree.js";
export {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_FIRST_SUPPORTED_VERSION,
  FDT_LAST_SUPPORTED_VERSION,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
  FDT_V16_SIZE,
  FDT_V17_SIZE,
  type Fdt,
  type FdtNode,
  type FdtProperty,
  type FdtReserveEntry,
  fdtNode,
} from "./fdt/types.js";
export { type FdtWriteOptions, writeFdt } from "./fdt/writer.js";
export { type ChosenUpdate, fdtSetChosen } from "./guest-dtb/chosen.js";
export {
  ARCH_TIMER_NS_EL1_PPI,
  ARCH_TIMER_NS_EL2_PPI,
  ARCH_TIMER_S_EL1_PPI,
  ARCH_TIMER_VIRT_PPI,
  checkVirtGuestOptions,
  GIC_FDT_IRQ_FLAGS_EDGE_LO_HI,
  GIC_FDT_IRQ_FLAGS_LEVEL_HI,
  GIC_FDT_IRQ_TYPE_PPI,
  GIC_FDT_IRQ_TYPE_SPI,
  PSCI_0_2_FN_CPU_OFF,
  PSCI_0_2_FN64_CPU_ON,
  PSCI_0_2_FN64_CPU_SUSPEND,
  PSCI_0_2_FN64_MIGRATE,
  VIRT_APB_PCLK_HZ,
  VIRT_GIC_CPU_BASE,
  VIRT_GIC_CPU_SIZE,
  VIRT_GIC_DIST_BASE,
  VIRT_GIC_DIST_SIZE,
  VIRT_GICV2_MAX_CPUS,
  VIRT_RAM_BASE,
  VIRT_RAM_MAX_SIZE,
  VIRT_UART_BASE,
  VIRT_UART_SIZE,
  VIRT_UART_SPI,
  type VirtGuestOptions,
  virtGuestDtb,
  virtGuestFdt,
} from "./guest-dtb/virt.js";
export {
  type Arm64BootRegisters,
  arm64BootRegisters,
  PSR_DAIF_MASK,
  PSR_MODE_EL1h,
} from "./loaders/arm64-boot.js";
export {
  ARM64_DTB_ALIGN,
  ARM64_DTB_MAX_SIZE,
  type DtbPlacementRequest,
  placeDtb,
} from "./loaders/device-tree.js";
export {
  ELF_TARGET_AARCH64,
  ELF_TARGET_I386,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  type ElfFile,
  type ElfHeader,
  type ElfLoad,
  type ElfProgramHeader,
  type ElfTarget,
  EM_386,
  EM_AARCH64,
  EM_X86_64,
  ET_DYN,
  ET_EXEC,
  loadElf,
  PN_XNUM,
  PT_LOAD,
  parseElf,
} from "./loaders/elf.js";
export {
  checkGuestRam,
  type FreeRangeRequest,
  findFreeGuestRange,
  type GuestLoadSegment,
  type GuestPhysRange,
  type GuestRamRegion,
  guestRamRegionOf,
  rangesOverlap,
} from "./loaders/guest-ram.js";
export {
  ARM64_INITRD_WINDOW_ALIGN,
  ARM64_INITRD_WINDOW_SIZE,
  INITRD_ALIGN,
  type InitrdPlacementRequest,
  placeInitrd,
} from "./loaders/initrd.js";
export {
  ARM64_IMAGE_BASE_ALIGN,
  ARM64_IMAGE_FLAG_BE,
  ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT,
  ARM64_IMAGE_FLAG_PHYS_BASE,
  ARM64_IMAGE_HEADER_SIZE,
  ARM64_IMAGE_LEGACY_TEXT_OFFSET,
  ARM64_IMAGE_MAGIC,
  type Arm64ImageHeader,
  type Arm64ImageInfo,
  type Arm64ImageLoad,
  type Arm64ImageLoadOptions,
  loadLinuxArm64Image,
  parseLinuxArm64Image,
} from "./loaders/linux-arm64-image.js";
export { planVirtBoot, type VirtBoot, type VirtBootRequest } from "./loaders/virt-boot.js";
export { CmosRtc } from "./x86/cmos-rtc.js";
export { IsaDebugExit } from "./x86/debug-exit.js";
export {
  MULTIBOOT_BOOTLOADER_MAGIC,
  MULTIBOOT_HEADER_MAGIC,
  MULTIBOOT_INFO_CMDLINE,
  MULTIBOOT_INFO_MEM_MAP,
  MULTIBOOT_INFO_MEMORY,
  MULTIBOOT_MEMORY_AVAILABLE,
  MULTIBOOT_MEMORY_RESERVED,
  type MultibootInfoImage,
  type MultibootMemoryRegion,
  multiboot_info,
  pc_memory_map,
} from "./x86/multiboot.js";
export { PIT_HZ, PitI8254 } from "./x86/pit-i8254.js";
export { Serial16550 } from "./x86/serial-16550.js";
