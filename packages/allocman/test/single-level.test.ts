import { VkaUsageError } from "@sel4/vka";
import { describe, expect, it } from "vitest";
import { CSPACE_FULL, SingleLevelCSpace } from "../src/index.js";

function cspace(first: number, end: number, bits = 12): SingleLevelCSpace {
  return new SingleLevelCSpace({
    cnode: 2,
    cnode_size_bits: bits,
    cnode_guard_bits: 64 - bits,
    first_slot: first,
    end_slot: end,
  });
}

describe("SingleLevelCSpace", () => {
  it("hands out the lowest free slot and reuses freed ones first", () => {
    const c = cspace(100, 110);
    expect([c.alloc().cptr, c.alloc().cptr, c.alloc().cptr]).toEqual([100, 101, 102]);
    c.free(101);
    expect(c.alloc().cptr).toBe(101);
    expect(c.alloc().cptr).toBe(103);
    expect(c.used_slots).toBe(4);
    expect(c.free_slots).toBe(6);
  });

  it("uses every slot of a small range, including the last (C bug #17)", () => {
    const c = cspace(5, 8, 3);
    expect([c.alloc(), c.alloc(), c.alloc()].map((r) => r.cptr)).toEqual([5, 6, 7]);
    expect(c.alloc()).toEqual({ error: CSPACE_FULL, cptr: 0 });
    c.free(7);
    expect(c.alloc().cptr).toBe(7);
  });

  it("builds full-depth paths whose containing CNode is the root itself", () => {
    expect(cspace(16, 4096).make_path(300)).toEqual({
      capPtr: 300,
      capDepth: 64,
      root: 2,
      dest: 0,
      destDepth: 0,
      offset: 300,
      window: 1,
    });
  });

  it("reports frees of slots it did not hand out", () => {
    const c = cspace(10, 20);
    expect(() => c.free(10)).toThrow(VkaUsageError);
    expect(() => c.free(9)).toThrow(VkaUsageError);
    expect(() => c.free(20)).toThrow(VkaUsageError);
    expect(() => c.free(10.5)).toThrow(VkaUsageError);
    const s = c.alloc().cptr;
    c.free(s);
    expect(() => c.free(s)).toThrow(VkaUsageError);
  });

  it("rejects impossible ranges", () => {
    expect(() => cspace(10, 5)).toThrow(RangeError);
    expect(() => cspace(0, 4097)).toThrow(RangeError);
    expect(() => cspace(-1, 5)).toThrow(RangeError);
  });
});
