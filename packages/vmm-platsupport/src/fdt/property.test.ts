import { describe, expect, it } from "vitest";
import { FdtError } from "../errors.js";
import {
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
} from "./property.js";

const bytes = (p: { value: Uint8Array }): number[] => [...p.value];

describe("property encoders", () => {
  it("encode cells big-endian", () => {
    expect(bytes(fdtPropU32("x", 0x01020304, 0xffff_ffff))).toEqual([
      1, 2, 3, 4, 255, 255, 255, 255,
    ]);
    expect(bytes(fdtPropU64("x", 0x1_0000_0002n))).toEqual([0, 0, 0, 1, 0, 0, 0, 2]);
    expect(bytes(fdtPropU64("x", 2 ** 40))).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
  });

  it("encode strings and string lists with NULs", () => {
    expect(bytes(fdtPropString("x", "ab"))).toEqual([97, 98, 0]);
    expect(bytes(fdtPropStrings("x", "a", "", "b"))).toEqual([97, 0, 0, 98, 0]);
    expect(bytes(fdtPropString("x", "é"))).toEqual([0xc3, 0xa9, 0]);
    expect(fdtPropEmpty("x").value).toHaveLength(0);
  });

  it("encode reg-style values by their cell counts", () => {
    expect(fdtGetU32Array(fdtPropCells("reg", [2, 1], [0x1_2345_6789n, 7]))).toEqual([
      1, 0x2345_6789, 7,
    ]);
  });

  it("copy raw bytes", () => {
    const source = new Uint8Array([1, 2]);
    const property = fdtPropBytes("x", source);
    source[0] = 9;
    expect(bytes(property)).toEqual([1, 2]);
  });

  it.each([
    ["a negative cell", () => fdtPropU32("x", -1)],
    ["a 33-bit cell", () => fdtPropU32("x", 2 ** 32)],
    ["a fractional cell", () => fdtPropU32("x", 1.5)],
    ["a 65-bit value", () => fdtPropU64("x", 1n << 64n)],
    ["an unsafe number", () => fdtPropU64("x", 2 ** 60)],
    ["a string with NUL", () => fdtPropString("x", "a\0b")],
    ["a 33-bit value in one cell", () => fdtPropCells("x", [1], [2 ** 32])],
  ])("reject %s with FDT_ERR_BADVALUE", (_, work) => {
    expect(work).toThrow(expect.objectContaining({ code: "FDT_ERR_BADVALUE" }));
  });

  it("reject cell counts other than 1 and 2", () => {
    expect(() => fdtPropCells("x", [3], [1])).toThrow(
      expect.objectContaining({ code: "FDT_ERR_BADNCELLS" }),
    );
    expect(() => fdtPropCells("x", [1, 1], [1])).toThrow(
      expect.objectContaining({ code: "FDT_ERR_BADNCELLS" }),
    );
  });
});

describe("property decoders", () => {
  it("decode what the encoders wrote", () => {
    expect(fdtGetU32(fdtPropU32("x", 42))).toBe(42);
    expect(fdtGetU64(fdtPropU64("x", 0xdead_beef_0000_0001n))).toBe(0xdead_beef_0000_0001n);
    expect(fdtGetStrings(fdtPropStrings("x", "a", "bc"))).toEqual(["a", "bc"]);
    expect(fdtGetString(fdtPropString("x", "hello"))).toBe("hello");
    expect(fdtGetStrings(fdtPropEmpty("x"))).toEqual([]);
    expect(
      fdtGetCells(fdtPropU32("reg", 0, 0x4000_0000, 0, 0x800_0000, 1, 0, 0, 1), [2, 2]),
    ).toEqual([0x4000_0000n, 0x800_0000n, 0x1_0000_0000n, 1n]);
  });

  it("decode from a view into a larger buffer", () => {
    const buffer = new Uint8Array([9, 9, 0, 0, 0, 5, 9]);
    expect(fdtGetU32({ name: "x", value: buffer.subarray(2, 6) })).toBe(5);
  });

  it.each([
    ["a u32 of 3 bytes", () => fdtGetU32({ name: "x", value: new Uint8Array(3) })],
    ["a u32 of 8 bytes", () => fdtGetU32({ name: "x", value: new Uint8Array(8) })],
    ["a u64 of 4 bytes", () => fdtGetU64({ name: "x", value: new Uint8Array(4) })],
    ["cells of 6 bytes", () => fdtGetU32Array({ name: "x", value: new Uint8Array(6) })],
    ["a string without NUL", () => fdtGetStrings({ name: "x", value: new Uint8Array([97]) })],
    ["two strings as one", () => fdtGetString(fdtPropStrings("x", "a", "b"))],
    ["reg of 3 cells read as 2+2", () => fdtGetCells(fdtPropU32("x", 1, 2, 3), [2, 2])],
  ])("reject %s with FDT_ERR_BADVALUE", (_, work) => {
    expect(work).toThrow(FdtError);
    expect(work).toThrow(expect.objectContaining({ code: "FDT_ERR_BADVALUE" }));
  });

  it("reject a bad cell pattern", () => {
    expect(() => fdtGetCells(fdtPropU32("x", 1), [])).toThrow(
      expect.objectContaining({ code: "FDT_ERR_BADNCELLS" }),
    );
    expect(() => fdtGetCells(fdtPropU32("x", 1), [3])).toThrow(
      expect.objectContaining({ code: "FDT_ERR_BADNCELLS" }),
    );
  });
});
