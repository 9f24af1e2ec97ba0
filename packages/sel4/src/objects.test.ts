import { describe, expect, it } from "vitest";
import {
  objectSizeBits,
  seL4_ARM_VCPUObject,
  seL4_ARM_VSpaceObject,
  seL4_ArchConstants,
  seL4_CapTableObject,
  seL4_ObjectType,
  seL4_TCBObject,
  seL4_UntypedObject,
  seL4_X86_4K,
  seL4_X86_EPTPTObject,
  seL4_X86_VCPUObject,
} from "./objects.js";

describe("object types", () => {
  it("number each configuration's types 0..count-1 without gaps", () => {
    for (const config of ["aarch64", "x86_64"] as const) {
      const { seL4_ObjectTypeCount, ...types } = seL4_ObjectType[config];
      expect(Object.values(types).sort((a, b) => a - b)).toEqual(
        Array.from({ length: seL4_ObjectTypeCount }, (_, i) => i),
      );
      expect(seL4_ArchConstants[config].seL4_ObjectTypeCount).toBe(seL4_ObjectTypeCount);
    }
  });

  it("have the reference's sizes", () => {
    expect(objectSizeBits("aarch64", seL4_TCBObject, 0)).toBe(11);
    expect(objectSizeBits("aarch64", seL4_CapTableObject, 12)).toBe(17);
    expect(objectSizeBits("x86_64", seL4_UntypedObject, 20)).toBe(20);
    expect(objectSizeBits("aarch64", seL4_ARM_VSpaceObject, 0)).toBe(13);
    expect(objectSizeBits("aarch64", seL4_ARM_VCPUObject, 0)).toBe(12);
    expect(objectSizeBits("x86_64", seL4_X86_VCPUObject, 0)).toBe(14);
    expect(objectSizeBits("x86_64", seL4_X86_4K, 0)).toBe(12);
    expect(objectSizeBits("x86_64", seL4_X86_EPTPTObject, 0)).toBe(12);
  });

  it("give null for a type the configuration does not have", () => {
    expect(objectSizeBits("aarch64", 11, 0)).toBeNull();
    expect(objectSizeBits("aarch64", seL4_X86_EPTPTObject, 0)).toBeNull();
    expect(objectSizeBits("x86_64", 17, 0)).toBeNull();
    expect(objectSizeBits("x86_64", -1, 0)).toBeNull();
  });
});
