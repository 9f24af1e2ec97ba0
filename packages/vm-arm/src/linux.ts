/**
 * Linux arm64 boot set-up per the kernel's boot protocol (Documentation/arch/arm64/booting.rst):
 * the Image header, where the kernel, device tree and initrd go in guest RAM, and the entry
 * registers (x0 = DTB, x1..x3 = 0, EL1h with D, A, I and F masked; C left DAIF clear: bug A6).
 */

/** The arm64 Image magic ("ARM" then 0x64), read little-endian at offset 56. */
export const ARM64_IMAGE_MAGIC = 0x644d_5241;
/** Size of the Image header. */
export const ARM64_IMAGE_HEADER_SIZE = 64;
/** PSTATE for the kernel entry: EL1h (0b0101) with D, A, I, F masked. */
export const ARM64_BOOT_SPSR = 0x3c5n;

/** The fields of an arm64 Image header. */
export interface Arm64ImageHeader {
  /** Offset of the image from a 2 MiB-aligned base of RAM. */
  readonly text_offset: number;
  /** Bytes the kernel needs from its load address, including BSS. */
  readonly image_size: number;
  /** Flags: bit 0 big-endian, bits 1-2 page size, bit 3 may load anywhere in RAM. */
  readonly flags: number;
}

/** Why an image or placement was refused. */
export class LinuxBootError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "LinuxBootError";
  }
}

/** Parses an arm64 Image header; throws {@link LinuxBootError} if `image` is not one. */
export function arm64_image_header(image: Uint8Array): Arm64ImageHeader {
  if (image.length < ARM64_IMAGE_HEADER_SIZE)
    throw new LinuxBootError("image shorter than its header");
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (view.getUint32(56, true) !== ARM64_IMAGE_MAGIC)
    throw new LinuxBootError("no arm64 Image magic");
  let text_offset = Number(view.getBigUint64(8, true));
  let image_size = Number(view.getBigUint64(16, true));
  const flags = Number(view.getBigUint64(24, true) & 0xffn);
  if (image_size === 0) {
    // Kernels before 3.17: text_offset is 0x80000 and the size is unknown; assume the file's.
    text_offset = 0x80000;
    image_size = image.length;
  }
  if (flags & 1) throw new LinuxBootError("big-endian kernels are not supported");
  if (text_offset % 4096 !== 0 || text_offset >= 2 ** 21)
    throw new LinuxBootError("bad text_offset");
  if (image_size < image.length || image_size > 2 ** 40) throw new LinuxBootError("bad image_size");
  return { text_offset, image_size, flags };
}

/** Where everything goes. */
export interface LinuxBootPlan {
  /** Guest-physical load address of the Image (the entry point). */
  readonly kernel_addr: number;
  /** Guest-physical address of the device tree (8-byte aligned, within one 2 MiB window). */
  readonly dtb_addr: number;
  /** Guest-physical address of the initrd, or null without one. */
  readonly initrd_addr: number | null;
  /** Entry registers. */
  readonly regs: { readonly pc: bigint; readonly x0: bigint; readonly spsr: bigint };
}

const MiB2 = 2 ** 21;

/**
 * Places the kernel at the first 2 MiB boundary of RAM plus `text_offset`, the DTB at the start
 * of the last 2 MiB of RAM and the initrd page-aligned right below the DTB. Throws
 * {@link LinuxBootError} when they do not fit or overlap.
 */
export function linux_arm64_boot_plan(opts: {
  readonly ram_base: number;
  readonly ram_size: number;
  readonly header: Arm64ImageHeader;
  readonly dtb_size: number;
  readonly initrd_size?: number;
}): LinuxBootPlan {
  const { ram_base, ram_size, header, dtb_size } = opts;
  const initrd_size = opts.initrd_size ?? 0;
  const ints = [ram_base, ram_size, dtb_size, initrd_size];
  if (!ints.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new LinuxBootError("bad sizes");
  if (dtb_size === 0 || dtb_size > MiB2) throw new LinuxBootError("DTB must be 1 byte to 2 MiB");
  const ram_end = ram_base + ram_size;
  const kernel_addr = Math.ceil(ram_base / MiB2) * MiB2 + header.text_offset;
  const kernel_end = kernel_addr + header.image_size;
  const dtb_addr = Math.floor((ram_end - dtb_size) / MiB2) * MiB2;
  if (dtb_addr < ram_base) throw new LinuxBootError("RAM too small for the DTB");
  let initrd_addr: number | null = null;
  let low = dtb_addr;
  if (initrd_size > 0) {
    initrd_addr = Math.floor((dtb_addr - initrd_size) / 4096) * 4096;
    low = initrd_addr;
  }
  if (kernel_end > low || (initrd_addr !== null && initrd_addr < ram_base)) {
    throw new LinuxBootError("kernel, initrd and DTB do not fit in RAM");
  }
  return {
    kernel_addr,
    dtb_addr,
    initrd_addr,
    regs: { pc: BigInt(kernel_addr), x0: BigInt(dtb_addr), spsr: ARM64_BOOT_SPSR },
  };
}
