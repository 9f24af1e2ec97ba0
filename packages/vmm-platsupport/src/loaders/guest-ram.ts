/**
 * The description of guest RAM the loaders place images in, and the search for a free, aligned
 * range inside it. Addresses are guest-physical and exact (`number`, below 2^53).
 */
import { GuestConfigError } from "../errors.js";

/** One contiguous range of guest RAM. */
export interface GuestRamRegion {
  /** Guest-physical base. */
  readonly base: number;
  /** Size in bytes. */
  readonly size: number;
}

/** A guest-physical range `[start, end)`. */
export interface GuestPhysRange {
  /** First byte. */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
}

/**
 * One piece of a loaded image: copy `data` to guest-physical `paddr`, then zero the rest up to
 * `memsz` bytes. The VMM does the copying; the loaders only describe it.
 */
export interface GuestLoadSegment {
  /** Guest-physical destination. */
  readonly paddr: number;
  /** Bytes to copy (a view into the image file, not a copy). */
  readonly data: Uint8Array;
  /** Bytes the segment occupies in guest RAM; `memsz - data.length` of them are zero-filled. */
  readonly memsz: number;
}

/**
 * Checks a RAM description: each region a non-empty range of safe integers, none overlapping.
 * @param ram - the regions, in any order
 * @returns the regions sorted by base
 * @throws GuestConfigError when a region is empty, not exact or overlaps another
 */
export function checkGuestRam(ram: readonly GuestRamRegion[]): GuestRamRegion[] {
  const sorted = [...ram].sort((a, b) => a.base - b.base);
  let previousEnd = 0;
  for (const { base, size } of sorted) {
    if (
      !Number.isSafeInteger(base) ||
      !Number.isSafeInteger(size) ||
      base < 0 ||
      size <= 0 ||
      !Number.isSafeInteger(base + size)
    ) {
      throw new GuestConfigError(
        `guest RAM region ${base}+${size} is not a non-empty range below 2^53`,
      );
    }
    if (base < previousEnd)
      throw new GuestConfigError(`guest RAM region at 0x${base.toString(16)} overlaps another`);
    previousEnd = base + size;
  }
  return sorted;
}

/**
 * The RAM region that holds all of `[start, end)`.
 * @param ram - checked regions
 * @param range - the range
 * @returns the region, or null when the range is not wholly inside one region
 */
export function guestRamRegionOf(
  ram: readonly GuestRamRegion[],
  range: GuestPhysRange,
): GuestRamRegion | null {
  return (
    ram.find(
      (r) => range.start >= r.base && range.end <= r.base + r.size && range.start <= range.end,
    ) ?? null
  );
}

/** True when two ranges share a byte. */
export function rangesOverlap(a: GuestPhysRange, b: GuestPhysRange): boolean {
  return a.start < b.end && b.start < a.end;
}

/** What {@link findFreeGuestRange} looks for. */
export interface FreeRangeRequest {
  /** Bytes needed (at least 1). */
  readonly size: number;
  /** Alignment of the start (a power of two). */
  readonly alignment: number;
  /** Ranges already taken (kernel, initrd, device tree). */
  readonly avoid: readonly GuestPhysRange[];
  /** Only ranges inside this window qualify; default everywhere. */
  readonly within?: GuestPhysRange;
  /** Prefer the lowest start at or above this address, before falling back to lower ones. */
  readonly preferAbove?: number;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** Lowest aligned start in `[from, limit)` where `size` bytes avoid every taken range. */
function lowestFit(
  ram: readonly GuestRamRegion[],
  request: FreeRangeRequest,
  from: number,
  limit: number,
): number | null {
  const taken = [...request.avoid].sort((a, b) => a.start - b.start);
  for (const region of ram) {
    const regionEnd = Math.min(region.base + region.size, limit);
    let start = alignUp(Math.max(region.base, from), request.alignment);
    while (start + request.size <= regionEnd) {
      const candidate = { start, end: start + request.size };
      const clash = taken.find((t) => rangesOverlap(t, candidate));
      if (clash === undefined) return start;
      start = alignUp(clash.end, request.alignment);
    }
  }
  return null;
}

/**
 * Finds the lowest aligned free range of guest RAM of a given size, preferring addresses at or
 * above `preferAbove`.
 * @param ram - checked regions, sorted by base
 * @param request - size, alignment, taken ranges, window
 * @returns the range, or null when nothing fits
 */
export function findFreeGuestRange(
  ram: readonly GuestRamRegion[],
  request: FreeRangeRequest,
): GuestPhysRange | null {
  const windowStart = request.within?.start ?? 0;
  const windowEnd = request.within?.end ?? Number.MAX_SAFE_INTEGER;
  const preferred =
    request.preferAbove === undefined
      ? null
      : lowestFit(ram, request, Math.max(windowStart, request.preferAbove), windowEnd);
  const start = preferred ?? lowestFit(ram, request, windowStart, windowEnd);
  return start === null ? null : { start, end: start + request.size };
}
