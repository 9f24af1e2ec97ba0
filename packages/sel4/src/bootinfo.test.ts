import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS,
  decodeBootInfo,
  encodeBootInfo,
  type seL4_BootInfo,
  seL4_BootInfoFrameSize,
} from "./bootinfo.js";
import { Sel4ArgumentError } from "./errors.js";

const sample: seL4_BootInfo = {
  extraLen: 4096,
  nodeID: 0,
  numNodes: 1,
  numIOPTLevels: (1n << 64n) - 1n,
  ipcBuffer: 0x42_0000,
  empty: { start: 300, end: 4096 },
  sharedFrames: { start: 0, end: 0 },
  userImageFrames: { start: 20, end: 40 },
  userImagePaging: { start: 16, end: 19 },
  ioSpaceCaps: { start: 0, end: 0 },
  extraBIPages: { start: 19, end: 20 },
  initThreadCNodeSizeBits: 12,
  initThreadDomain: 0,
  untyped: { start: 40, end: 43 },
  untypedList: [
    { paddr: 0x0, sizeBits: 30, isDevice: 1 },
    { paddr: 0x4000_0000, sizeBits: 27, isDevice: 0 },
    { paddr: 0xf_ffff_f000, sizeBits: 12, isDevice: 0 },
  ],
};

describe("seL4_BootInfo", () => {
  it("lays the fields out at the kernel's byte offsets, little endian", () => {
    const bytes = encodeBootInfo(sample);
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(seL4_BootInfoFrameSize);
    expect(view.getBigUint64(24, true)).toBe((1n << 64n) - 1n);
    expect(view.getBigUint64(32, true)).toBe(0x42_0000n);
    expect(view.getBigUint64(40, true)).toBe(300n);
    expect(view.getBigUint64(136, true)).toBe(12n);
    expect(view.getBigUint64(152, true)).toBe(40n);
    expect(view.getBigUint64(160, true)).toBe(43n);
    expect(view.getBigUint64(168 + 16, true)).toBe(0x4000_0000n);
    expect(view.getUint8(168 + 16 + 8)).toBe(27);
    expect(view.getUint8(168 + 9)).toBe(1);
  });

  it("round-trips", () => {
    expect(decodeBootInfo(encodeBootInfo(sample))).toEqual(sample);
  });

  it("round-trips any untyped list up to the maximum", () => {
    const desc = fc.record({
      paddr: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      sizeBits: fc.integer({ min: 4, max: 47 }),
      isDevice: fc.integer({ min: 0, max: 1 }),
    });
    fc.assert(
      fc.property(fc.array(desc, { maxLength: CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS }), (list) => {
        const bootInfo = {
          ...sample,
          untyped: { start: 100, end: 100 + list.length },
          untypedList: list,
        };
        expect(decodeBootInfo(encodeBootInfo(bootInfo))).toEqual(bootInfo);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses too many untypeds or a value that does not fit", () => {
    const many = Array.from({ length: 231 }, () => ({ paddr: 0, sizeBits: 12, isDevice: 0 }));
    expect(() => encodeBootInfo({ ...sample, untypedList: many })).toThrow(Sel4ArgumentError);
    expect(() => encodeBootInfo({ ...sample, ipcBuffer: -1 })).toThrow(/ipcBuffer/);
    expect(() =>
      encodeBootInfo({ ...sample, untypedList: [{ paddr: 0, sizeBits: 256, isDevice: 0 }] }),
    ).toThrow(/sizeBits/);
  });

  it("reads garbage without throwing: null for a short frame or an impossible field", () => {
    expect(decodeBootInfo(new Uint8Array(100))).toBeNull();
    const bytes = new Uint8Array(4096).fill(0xff);
    expect(decodeBootInfo(bytes)).toBeNull();
    const reversed = encodeBootInfo({ ...sample, untyped: { start: 50, end: 40 } });
    expect(decodeBootInfo(reversed)?.untypedList).toEqual([]);
  });
});
