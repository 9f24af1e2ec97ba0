// Initrd and device tree placement, and the free-range search under them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GuestConfigError, GuestImageError } from "../errors.js";
import { arm64BootRegisters } from "./arm64-boot.js";
import { placeDtb } from "./device-tree.js";
import {
  checkGuestRam,
  findFreeGuestRange,
  type GuestPhysRange,
  guestRamRegionOf,
  rangesOverlap,
} from "./guest-ram.js";
import { placeInitrd } from "./initrd.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const RAM = [{ base: 0x4000_0000, size: 128 * MiB }];
const kernel = { start: 0x4008_0000, end: 0x4008_0000 + 20 * MiB };

describe("placeInitrd", () => {
  it("puts the initrd on the first page after the kernel", () => {
    expect(placeInitrd(RAM, { size: 10_000, kernel })).toEqual({
      start: kernel.end,
      end: kernel.end + 10_000,
    });
    const unaligned = { start: kernel.start, end: kernel.end + 1 };
    expect(placeInitrd(RAM, { size: 1, kernel: unaligned }).start).toBe(kernel.end + 0x1000);
  });

  it("skips ranges to avoid", () => {
    const dtb = { start: kernel.end, end: kernel.end + 0x2000 };
    expect(placeInitrd(RAM, { size: 0x1000, kernel, avoid: [dtb] }).start).toBe(dtb.end);
  });

  it("falls back below the kernel when nothing fits above it", () => {
    const high = { start: 0x4000_0000 + 100 * MiB, end: 0x4000_0000 + 128 * MiB };
    expect(placeInitrd(RAM, { size: 50 * MiB, kernel: high })).toEqual({
      start: 0x4000_0000,
      end: 0x4000_0000 + 50 * MiB,
    });
  });

  it("stays inside a 1 GiB aligned 32 GiB window with the kernel", () => {
    const ram = [
      { base: 0x4000_0000, size: GiB },
      { base: 40 * GiB, size: GiB },
    ];
    const lowKernel = { start: 0x4000_0000, end: 0x4000_0000 + GiB };
    // The low region is full and the high one is 39 GiB above the kernel's window start.
    expect(() => placeInitrd(ram, { size: 0x1000, kernel: lowKernel })).toThrow(
      expect.objectContaining({ code: "DOES_NOT_FIT" }),
    );
    const within = [
      { base: 0x4000_0000, size: GiB },
      { base: 32 * GiB, size: GiB },
    ];
    expect(placeInitrd(within, { size: 0x1000, kernel: lowKernel }).start).toBe(32 * GiB);
  });

  it("rejects a size of zero and an initrd larger than free RAM", () => {
    expect(() => placeInitrd(RAM, { size: 0, kernel })).toThrow(GuestImageError);
    expect(() => placeInitrd(RAM, { size: 128 * MiB, kernel })).toThrow(
      expect.objectContaining({ code: "DOES_NOT_FIT" }),
    );
  });
});

describe("placeDtb", () => {
  it("puts the blob on the first 2 MiB boundary above everything placed", () => {
    const initrd = { start: kernel.end, end: kernel.end + 3 * MiB + 5 };
    const dtb = placeDtb(RAM, { size: 0x2000, avoid: [kernel, initrd] });
    expect(dtb.start % (2 * MiB)).toBe(0);
    expect(dtb.start).toBe(0x4000_0000 + 24 * MiB); // initrd ends at 23.5 MiB + 5
    expect(dtb.end - dtb.start).toBe(0x2000);
  });

  it("falls back to free space below when the top is full", () => {
    const top = { start: 0x4000_0000 + 64 * MiB, end: 0x4000_0000 + 128 * MiB };
    expect(placeDtb(RAM, { size: 0x1000, avoid: [kernel, top] }).start).toBe(0x4000_0000);
  });

  it("rejects blobs above 2 MiB and RAM with no room", () => {
    expect(() => placeDtb(RAM, { size: 2 * MiB + 1, avoid: [] })).toThrow(
      expect.objectContaining({ code: "DOES_NOT_FIT" }),
    );
    expect(() => placeDtb(RAM, { size: 0x1000, avoid: [{ start: 0, end: 2 ** 40 }] })).toThrow(
      expect.objectContaining({ code: "DOES_NOT_FIT" }),
    );
  });
});

describe("guest RAM ranges", () => {
  it("checks regions and sorts them", () => {
    expect(
      checkGuestRam([
        { base: 0x8000, size: 1 },
        { base: 0, size: 0x8000 },
      ]),
    ).toEqual([
      { base: 0, size: 0x8000 },
      { base: 0x8000, size: 1 },
    ]);
    expect(() => checkGuestRam([{ base: -1, size: 1 }])).toThrow(GuestConfigError);
    expect(() => checkGuestRam([{ base: 2 ** 53, size: 1 }])).toThrow(GuestConfigError);
    expect(() => checkGuestRam([{ base: 0, size: 1.5 }])).toThrow(GuestConfigError);
  });

  it("finds the region holding a range", () => {
    expect(guestRamRegionOf(RAM, { start: 0x4000_0000, end: 0x4800_0000 })).toBe(RAM[0]);
    expect(guestRamRegionOf(RAM, { start: 0x4000_0000, end: 0x4800_0001 })).toBeNull();
  });

  it("never returns a range that overlaps what it must avoid or leaves RAM (property)", () => {
    const range = fc
      .tuple(fc.nat(0x10_0000), fc.nat(0x1_0000))
      .map(([start, length]) => ({ start, end: start + length }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(0x10_0000), fc.integer({ min: 1, max: 0x4_0000 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(range, { maxLength: 6 }),
        fc.integer({ min: 1, max: 0x2_0000 }),
        fc.integer({ min: 0, max: 14 }),
        (regionSpecs, avoid, size, alignBits) => {
          const ram = regionSpecs.map(([base, length]) => ({ base: base * 16, size: length }));
          let regions: ReturnType<typeof checkGuestRam>;
          try {
            regions = checkGuestRam(ram);
          } catch {
            return; // overlapping regions: not a valid RAM description
          }
          const alignment = 2 ** alignBits;
          const found = findFreeGuestRange(regions, { size, alignment, avoid });
          if (found === null) return;
          expect(found.end - found.start).toBe(size);
          expect(found.start % alignment).toBe(0);
          expect(guestRamRegionOf(regions, found)).not.toBeNull();
          for (const taken of avoid)
            expect(rangesOverlap(found, taken as GuestPhysRange)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("arm64BootRegisters", () => {
  it("passes the device tree in x0 and enters EL1h with DAIF masked", () => {
    expect(arm64BootRegisters(0x4008_0000, 0x4800_0000)).toEqual({
      pc: 0x4008_0000n,
      x0: 0x4800_0000n,
      x1: 0n,
      x2: 0n,
      x3: 0n,
      spsr: 0x3c5n,
    });
    expect(arm64BootRegisters(0xffff_0000_0000_1000n, 0).pc).toBe(0xffff_0000_0000_1000n);
  });
});
