/**
 * The Linux arm64 `Image` loader (Documentation/arch/arm64/booting.rst): reads the 64-byte
 * header, checks the magic and flags, and places the image `text_offset` bytes above a 2 MiB
 * aligned base in guest RAM with `image_size` bytes free after that point.
 */
import { GuestConfigError, GuestImageError } from "../errors.js";
import { checkGuestRam, type GuestLoadSegment, type GuestRamRegion } from "./guest-ram.js";

/** `magic` at offset 0x38: the bytes "ARM" and 0x64, read as a little-endian word. */
export const ARM64_IMAGE_MAGIC = 0x644d_5241;
/** Size of the Image header. */
export const ARM64_IMAGE_HEADER_SIZE = 64;
/** The image base must be aligned to 2 MiB. */
export const ARM64_IMAGE_BASE_ALIGN = 0x20_0000;
/** `text_offset` assumed for images without `image_size` (kernels before 3.17). */
export const ARM64_IMAGE_LEGACY_TEXT_OFFSET = 0x8_0000;
/** flags bit 0: kernel endianness (1 = big-endian). */
export const ARM64_IMAGE_FLAG_BE = 0x1;
/** flags bits 2:1: kernel page size (0 unspecified, 1 4K, 2 16K, 3 64K). */
export const ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT = 1;
/** flags bit 3: physical placement (1 = the 2 MiB aligned base may be anywhere in RAM). */
export const ARM64_IMAGE_FLAG_PHYS_BASE = 0x8;

/** The Image header (`struct arm64_image_header`). */
export interface Arm64ImageHeader {
  /** Executable code (a branch, or "MZ" for EFI-stub kernels). */
  readonly code0: number;
  /** Executable code. */
  readonly code1: number;
  /** Image load offset from the 2 MiB aligned base. */
  readonly text_offset: bigint;
  /** Effective image size: bytes the kernel occupies from its load address, BSS included; 0 before 3.17. */
  readonly image_size: bigint;
  /** Informative flags (endianness, page size, physical placement). */
  readonly flags: bigint;
  /** Always {@link ARM64_IMAGE_MAGIC}. */
  readonly magic: number;
  /** Offset of the PE header for EFI-stub kernels, else 0. */
  readonly res5: number;
}

/** What the header says, decoded. */
export interface Arm64ImageInfo {
  /** The raw header. */
  readonly header: Arm64ImageHeader;
  /** Load offset in use (the legacy 0x80000 when `image_size` is 0). */
  readonly text_offset: number;
  /** Bytes to keep free from the load address: `image_size`, or the file size when that is 0 or smaller. */
  readonly memsz: number;
  /** Kernel page size in bytes, or null when the header leaves it unspecified. */
  readonly page_size: number | null;
  /** True when flags bit 3 lets the base sit anywhere in RAM, not only near its start. */
  readonly phys_base_anywhere: boolean;
}

/** Where {@link loadLinuxArm64Image} put the kernel. */
export interface Arm64ImageLoad {
  /** The decoded header. */
  readonly info: Arm64ImageInfo;
  /** The 2 MiB aligned base. */
  readonly base: number;
  /** The kernel: the whole file at `base + text_offset`, with `memsz` bytes reserved. */
  readonly segment: GuestLoadSegment;
  /** Where the primary CPU starts: the first byte of the image. */
  readonly entry: number;
}

/** Options of {@link loadLinuxArm64Image}. */
export interface Arm64ImageLoadOptions {
  /** A 2 MiB aligned base to use instead of the default (the lowest one that fits). */
  readonly base?: number;
}

const PAGE_SIZES = [null, 0x1000, 0x4000, 0x1_0000] as const;

/**
 * Reads and checks the header of a Linux arm64 Image.
 * @param bytes - the whole Image file
 * @returns the header and what it means
 * @throws GuestImageError TRUNCATED, BAD_MAGIC, WRONG_ENDIANNESS (a big-endian kernel) or
 * BAD_HEADER (offsets or sizes beyond 2^53)
 */
export function parseLinuxArm64Image(bytes: Uint8Array): Arm64ImageInfo {
  if (bytes.length < ARM64_IMAGE_HEADER_SIZE) {
    throw new GuestImageError(
      "TRUNCATED",
      `an arm64 Image header needs ${ARM64_IMAGE_HEADER_SIZE} bytes, file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header: Arm64ImageHeader = {
    code0: view.getUint32(0, true),
    code1: view.getUint32(4, true),
    text_offset: view.getBigUint64(8, true),
    image_size: view.getBigUint64(16, true),
    flags: view.getBigUint64(24, true),
    magic: view.getUint32(56, true),
    res5: view.getUint32(60, true),
  };
  if (header.magic !== ARM64_IMAGE_MAGIC) {
    throw new GuestImageError(
      "BAD_MAGIC",
      `no "ARM\\x64" magic at offset 0x38 (found 0x${header.magic.toString(16)}): not an arm64 Image`,
    );
  }
  const legacy = header.image_size === 0n;
  // Before 3.17 the flags and text_offset are of unknown endianness; booting.rst says to assume 0x80000.
  const flags = legacy ? 0n : header.flags;
  if ((flags & BigInt(ARM64_IMAGE_FLAG_BE)) !== 0n)
    throw new GuestImageError(
      "WRONG_ENDIANNESS",
      "big-endian kernel; guests here are little-endian",
    );
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (header.text_offset > limit || header.image_size > limit) {
    throw new GuestImageError(
      "BAD_HEADER",
      `text_offset 0x${header.text_offset.toString(16)} or image_size 0x${header.image_size.toString(16)} beyond 2^53`,
    );
  }
  return {
    header,
    text_offset: legacy ? ARM64_IMAGE_LEGACY_TEXT_OFFSET : Number(header.text_offset),
    memsz: Math.max(Number(header.image_size), bytes.length),
    page_size: PAGE_SIZES[Number((flags >> BigInt(ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT)) & 3n)]!,
    phys_base_anywhere: (flags & BigInt(ARM64_IMAGE_FLAG_PHYS_BASE)) !== 0n,
  };
}

function fits(ram: readonly GuestRamRegion[], base: number, info: Arm64ImageInfo): boolean {
  const start = base + info.text_offset;
  const end = start + info.memsz;
  return ram.some((r) => start >= r.base && end <= r.base + r.size);
}

/**
 * Places a Linux arm64 Image in guest RAM by the rules of booting.rst: at `text_offset` above a
 * 2 MiB aligned base, with `image_size` bytes free from there. Without flags bit 3 the base is
 * the lowest 2 MiB boundary of the lowest RAM region, because memory below it is not usable by
 * the kernel; with it, the lowest base that fits in any region.
 * @param bytes - the whole Image file
 * @param ram - guest RAM
 * @param options - a fixed base instead of the default
 * @returns the header, base, segment and entry point
 * @throws GuestImageError for a malformed header (see {@link parseLinuxArm64Image}) or DOES_NOT_FIT
 * @throws GuestConfigError for a malformed RAM description or a base not 2 MiB aligned
 */
export function loadLinuxArm64Image(
  bytes: Uint8Array,
  ram: readonly GuestRamRegion[],
  options: Arm64ImageLoadOptions = {},
): Arm64ImageLoad {
  const regions = checkGuestRam(ram);
  const info = parseLinuxArm64Image(bytes);
  const align = (value: number): number =>
    Math.ceil(value / ARM64_IMAGE_BASE_ALIGN) * ARM64_IMAGE_BASE_ALIGN;
  let base: number | undefined;
  if (options.base !== undefined) {
    if (
      !Number.isSafeInteger(options.base) ||
      options.base < 0 ||
      options.base % ARM64_IMAGE_BASE_ALIGN !== 0
    ) {
      throw new GuestConfigError(`kernel base ${options.base} is not 2 MiB aligned`);
    }
    base = fits(regions, options.base, info) ? options.base : undefined;
  } else {
    const candidates = info.phys_base_anywhere ? regions : regions.slice(0, 1);
    base = candidates.map((r) => align(r.base)).find((b) => fits(regions, b, info));
  }
  if (base === undefined) {
    throw new GuestImageError(
      "DOES_NOT_FIT",
      `kernel of ${info.memsz} bytes at text_offset 0x${info.text_offset.toString(16)} does not fit guest RAM`,
    );
  }
  const paddr = base + info.text_offset;
  return { info, base, segment: { paddr, data: bytes, memsz: info.memsz }, entry: paddr };
}
