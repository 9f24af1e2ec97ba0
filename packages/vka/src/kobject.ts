/** `kobject_t`: arch-neutral object kinds, and the object-size conversions of `vka/object.h`. */
import {
  objectSizeBits,
  type Sel4Config,
  seL4_ARM_HugePageObject,
  seL4_ARM_LargePageObject,
  seL4_ARM_PageTableObject,
  seL4_ARM_SmallPageObject,
  seL4_ARM_VSpaceObject,
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_HugePageBits,
  seL4_LargePageBits,
  seL4_NotificationObject,
  seL4_ObjectType,
  seL4_PageBits,
  seL4_SlotBits,
  seL4_TCBObject,
  seL4_UntypedObject,
  seL4_X64_HugePageObject,
  seL4_X64_PML4Object,
  seL4_X86_4K,
  seL4_X86_LargePageObject,
  seL4_X86_PageDirectoryObject,
  seL4_X86_PageTableObject,
  seL4_X86_PDPTObject,
} from "@sel4/sel4";
import type { MemSizeBits, RetypeSizeBits } from "./types.js";

/**
 * Arch-neutral object kinds (`kobject_t`). Strings rather than C's numbers, whose values differ
 * per architecture.
 */
export type kobject_t =
  | "KOBJECT_FRAME"
  | "KOBJECT_PAGE_GLOBAL_DIRECTORY"
  | "KOBJECT_PAGE_UPPER_DIRECTORY"
  | "KOBJECT_PML4"
  | "KOBJECT_PDPT"
  | "KOBJECT_PAGE_DIRECTORY"
  | "KOBJECT_PAGE_TABLE"
  | "KOBJECT_TCB"
  | "KOBJECT_CNODE"
  | "KOBJECT_CSLOT"
  | "KOBJECT_UNTYPED"
  | "KOBJECT_ENDPOINT"
  | "KOBJECT_NOTIFICATION";

/** The seL4 object type of the frame of `size_bits` on `config`, or -1 if no such page size. */
function frameType(config: Sel4Config, size_bits: number): number {
  const arm = config === "aarch64";
  if (size_bits === seL4_PageBits) return arm ? seL4_ARM_SmallPageObject : seL4_X86_4K;
  if (size_bits === seL4_LargePageBits)
    return arm ? seL4_ARM_LargePageObject : seL4_X86_LargePageObject;
  if (size_bits === seL4_HugePageBits)
    return arm ? seL4_ARM_HugePageObject : seL4_X64_HugePageObject;
  return -1;
}

/**
 * The seL4 object type for `kobject` (`kobject_get_type`); for `KOBJECT_FRAME` `size_bits` selects
 * the page size. -1 when the kind does not exist on `config` (and for `KOBJECT_CSLOT`).
 */
export function kobject_get_type(
  config: Sel4Config,
  kobject: kobject_t,
  size_bits: number,
): number {
  const arm = config === "aarch64";
  switch (kobject) {
    case "KOBJECT_FRAME":
      return frameType(config, size_bits);
    case "KOBJECT_PAGE_GLOBAL_DIRECTORY":
      return arm ? seL4_ARM_VSpaceObject : -1;
    case "KOBJECT_PAGE_UPPER_DIRECTORY":
    case "KOBJECT_PAGE_DIRECTORY":
      return arm
        ? seL4_ARM_PageTableObject
        : kobject === "KOBJECT_PAGE_DIRECTORY"
          ? seL4_X86_PageDirectoryObject
          : -1;
    case "KOBJECT_PAGE_TABLE":
      return arm ? seL4_ARM_PageTableObject : seL4_X86_PageTableObject;
    case "KOBJECT_PML4":
      return arm ? -1 : seL4_X64_PML4Object;
    case "KOBJECT_PDPT":
      return arm ? -1 : seL4_X86_PDPTObject;
    case "KOBJECT_TCB":
      return seL4_TCBObject;
    case "KOBJECT_CNODE":
      return seL4_CapTableObject;
    case "KOBJECT_UNTYPED":
      return seL4_UntypedObject;
    case "KOBJECT_ENDPOINT":
      return seL4_EndpointObject;
    case "KOBJECT_NOTIFICATION":
      return seL4_NotificationObject;
    default:
      return -1;
  }
}

/** Memory size (log2 bytes) of `kobject` (`kobject_get_size`): CNode = slot bits + `size_bits`, CSlot = slot bits. */
export function kobject_get_size(
  config: Sel4Config,
  kobject: kobject_t,
  size_bits: number,
): MemSizeBits | null {
  if (kobject === "KOBJECT_CSLOT") return seL4_SlotBits;
  const type = kobject_get_type(config, kobject, size_bits);
  return type < 0 ? null : vka_get_object_size(config, type, size_bits);
}

/** Whether `type` is an object type of `config`. */
export function vka_is_object_type(config: Sel4Config, type: number): boolean {
  return Number.isInteger(type) && type >= 0 && type < seL4_ObjectType[config].seL4_ObjectTypeCount;
}

/**
 * Memory consumed (log2 bytes) by an object of `type` retyped with `size_bits`
 * (`vka_get_object_size`): untyped = `size_bits`, CNode = `seL4_SlotBits + size_bits`, fixed-size
 * objects their size. `null` for a type the configuration does not have or a non-integer size.
 */
export function vka_get_object_size(
  config: Sel4Config,
  type: number,
  size_bits: RetypeSizeBits,
): MemSizeBits | null {
  if (
    !vka_is_object_type(config, type) ||
    !Number.isInteger(size_bits) ||
    size_bits < 0 ||
    size_bits > 64
  ) {
    return null;
  }
  return objectSizeBits(config, type, size_bits);
}

/** Whether objects of `type` may be made from device untyped (frames and untypeds only). */
export function vka_type_allowed_in_device_memory(config: Sel4Config, type: number): boolean {
  if (type === seL4_UntypedObject) return true;
  const arm = config === "aarch64";
  const frames = arm
    ? [seL4_ARM_SmallPageObject, seL4_ARM_LargePageObject, seL4_ARM_HugePageObject]
    : [seL4_X86_4K, seL4_X86_LargePageObject, seL4_X64_HugePageObject];
  return frames.includes(type);
}
