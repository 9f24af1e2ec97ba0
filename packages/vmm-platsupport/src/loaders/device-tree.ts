/**
 * Device tree blob placement for Linux arm64 (booting.rst): 8-byte aligned, at most 2 MiB, in
 * RAM the kernel maps with normal attributes. We start it on a 2 MiB boundary, so it sits alone
 * at the start of the 2 MiB block the kernel maps it with, after everything already placed.
 */
import { GuestImageError } from "../errors.js";
import {
  checkGuestRam,
  findFreeGuestRange,
  type GuestPhysRange,
  type GuestRamRegion,
} from "./guest-ram.js";

/** Largest device tree blob a Linux arm64 kernel accepts. */
export const ARM64_DTB_MAX_SIZE = 0x20_0000;
/** Alignment we give the blob (booting.rst requires only 8 bytes). */
export const ARM64_DTB_ALIGN = 0x20_0000;

/** What {@link placeDtb} needs to know. */
export interface DtbPlacementRequest {
  /** Size of the blob in bytes. */
  readonly size: number;
  /** Ranges already taken (kernel, initrd). */
  readonly avoid: readonly GuestPhysRange[];
}

/**
 * Chooses where the device tree blob goes: the lowest 2 MiB boundary above every taken range
 * where it fits, else the lowest free one.
 * @param ram - guest RAM
 * @param request - blob size, taken ranges
 * @returns `[start, end)`; `start` is what x0 holds at kernel entry
 * @throws GuestImageError DOES_NOT_FIT for a blob above 2 MiB or when no free range fits
 * @throws GuestConfigError for a malformed RAM description
 */
export function placeDtb(
  ram: readonly GuestRamRegion[],
  request: DtbPlacementRequest,
): GuestPhysRange {
  const regions = checkGuestRam(ram);
  const { size, avoid } = request;
  if (!Number.isSafeInteger(size) || size < 1 || size > ARM64_DTB_MAX_SIZE) {
    throw new GuestImageError(
      "DOES_NOT_FIT",
      `device tree of ${size} bytes: Linux takes 1 byte to 2 MiB`,
    );
  }
  const preferAbove = avoid.reduce((highest, r) => Math.max(highest, r.end), 0);
  const range = findFreeGuestRange(regions, {
    size,
    alignment: ARM64_DTB_ALIGN,
    avoid,
    preferAbove,
  });
  if (range === null)
    throw new GuestImageError(
      "DOES_NOT_FIT",
      `no free 2 MiB aligned range of ${size} bytes for the device tree`,
    );
  return range;
}
