/**
 * Initrd placement for Linux arm64 (booting.rst): the initrd must lie wholly inside a 1 GiB
 * aligned window of at most 32 GiB that also covers the kernel image, and overlap nothing else.
 * We put it at the lowest page boundary after the kernel that fits, else the lowest that fits.
 */
import { GuestImageError } from "../errors.js";
import {
  checkGuestRam,
  findFreeGuestRange,
  type GuestPhysRange,
  type GuestRamRegion,
} from "./guest-ram.js";

/** Alignment of the window holding kernel and initrd. */
export const ARM64_INITRD_WINDOW_ALIGN = 2 ** 30;
/** Largest window holding kernel and initrd. */
export const ARM64_INITRD_WINDOW_SIZE = 32 * 2 ** 30;
/** The initrd starts on a page boundary. */
export const INITRD_ALIGN = 0x1000;

/** What {@link placeInitrd} needs to know. */
export interface InitrdPlacementRequest {
  /** Size of the initrd file in bytes (at least 1). */
  readonly size: number;
  /** Where the kernel image lies (its load address to load address + `image_size`). */
  readonly kernel: GuestPhysRange;
  /** Other ranges to keep clear (the device tree, if already placed). */
  readonly avoid?: readonly GuestPhysRange[];
}

/**
 * Chooses where the initrd goes.
 * @param ram - guest RAM
 * @param request - size, kernel range, ranges to avoid
 * @returns `[start, end)`, as `linux,initrd-start` and `linux,initrd-end` give it
 * @throws GuestImageError DOES_NOT_FIT when no free range qualifies
 * @throws GuestConfigError for a malformed RAM description
 */
export function placeInitrd(
  ram: readonly GuestRamRegion[],
  request: InitrdPlacementRequest,
): GuestPhysRange {
  const regions = checkGuestRam(ram);
  const { size, kernel } = request;
  if (!Number.isSafeInteger(size) || size < 1)
    throw new GuestImageError("DOES_NOT_FIT", `initrd size ${size} is not a positive byte count`);
  // Every 1 GiB aligned window of 32 GiB that covers the kernel lies inside this span.
  const alignDown = (v: number) =>
    Math.floor(v / ARM64_INITRD_WINDOW_ALIGN) * ARM64_INITRD_WINDOW_ALIGN;
  const alignUp = (v: number) =>
    Math.ceil(v / ARM64_INITRD_WINDOW_ALIGN) * ARM64_INITRD_WINDOW_ALIGN;
  const within = {
    start: Math.max(0, alignUp(kernel.end) - ARM64_INITRD_WINDOW_SIZE),
    end: alignDown(kernel.start) + ARM64_INITRD_WINDOW_SIZE,
  };
  const range = findFreeGuestRange(regions, {
    size,
    alignment: INITRD_ALIGN,
    avoid: [kernel, ...(request.avoid ?? [])],
    within,
    preferAbove: kernel.end,
  });
  if (range === null)
    throw new GuestImageError(
      "DOES_NOT_FIT",
      `no free ${size}-byte range for the initrd within 32 GiB of the kernel`,
    );
  return range;
}
