import {
  seL4_ARM_LargePageObject,
  seL4_ARM_SmallPageObject,
  seL4_ARM_VSpaceObject,
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_UntypedObject,
  seL4_X64_HugePageObject,
  seL4_X64_PML4Object,
  seL4_X86_4K,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import {
  kobject_get_size,
  kobject_get_type,
  vka_get_object_size,
  vka_type_allowed_in_device_memory,
} from "../src/index.js";

describe("kobject_get_type", () => {
  it("maps frame sizes to each architecture's page types", () => {
    expect(kobject_get_type("aarch64", "KOBJECT_FRAME", 12)).toBe(seL4_ARM_SmallPageObject);
    expect(kobject_get_type("aarch64", "KOBJECT_FRAME", 21)).toBe(seL4_ARM_LargePageObject);
    expect(kobject_get_type("x86_64", "KOBJECT_FRAME", 12)).toBe(seL4_X86_4K);
    expect(kobject_get_type("x86_64", "KOBJECT_FRAME", 30)).toBe(seL4_X64_HugePageObject);
    expect(kobject_get_type("x86_64", "KOBJECT_FRAME", 13)).toBe(-1);
  });
  it("gives vspace roots and rejects kinds the architecture lacks", () => {
    expect(kobject_get_type("aarch64", "KOBJECT_PAGE_GLOBAL_DIRECTORY", 0)).toBe(
      seL4_ARM_VSpaceObject,
    );
    expect(kobject_get_type("x86_64", "KOBJECT_PML4", 0)).toBe(seL4_X64_PML4Object);
    expect(kobject_get_type("aarch64", "KOBJECT_PML4", 0)).toBe(-1);
    expect(kobject_get_type("x86_64", "KOBJECT_CSLOT", 0)).toBe(-1);
  });
});

describe("size conventions", () => {
  it("keeps Retype size and memory size distinct for CNodes", () => {
    expect(vka_get_object_size("aarch64", seL4_CapTableObject, 4)).toBe(9);
    expect(kobject_get_size("x86_64", "KOBJECT_CNODE", 4)).toBe(9);
    expect(kobject_get_size("x86_64", "KOBJECT_CSLOT", 0)).toBe(5);
    expect(vka_get_object_size("aarch64", seL4_UntypedObject, 20)).toBe(20);
    expect(vka_get_object_size("aarch64", seL4_EndpointObject, 20)).toBe(4);
    expect(vka_get_object_size("aarch64", seL4_ARM_VSpaceObject, 0)).toBe(13);
  });
  it("answers null for garbage", () => {
    expect(vka_get_object_size("aarch64", 11, 0)).toBeNull();
    expect(vka_get_object_size("x86_64", -1, 0)).toBeNull();
    expect(vka_get_object_size("x86_64", 1.5, 0)).toBeNull();
    expect(vka_get_object_size("x86_64", seL4_UntypedObject, Number.NaN)).toBeNull();
  });
  it("allows only frames and untypeds in device memory", () => {
    expect(vka_type_allowed_in_device_memory("aarch64", seL4_ARM_SmallPageObject)).toBe(true);
    expect(vka_type_allowed_in_device_memory("aarch64", seL4_UntypedObject)).toBe(true);
    expect(vka_type_allowed_in_device_memory("x86_64", seL4_EndpointObject)).toBe(false);
  });
});
