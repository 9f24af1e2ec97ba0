/**
 * libsel4vmmplatsupport in TypeScript: the parts of a VMM that do not need the VM library. A
 * Flattened Device Tree writer and reader, the device tree of our QEMU-virt-compatible guest
 * machine, and image loaders (ELF, Linux arm64 Image, initrd placement) that describe what goes
 * where in guest RAM without writing it.
 *
 * @packageDocumentation
 */

export {
  FdtError,
  type FdtErrorCode,
  GuestConfigError,
  GuestImageError,
  type GuestImageErrorCode,
} from "./errors.js";
export {
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
} from "./fdt/property.js";
export { type FdtHeader, fdtReadHeader, readFdt } from "./fdt/reader.js";
export {
  fdtFindByPhandle,
  fdtFindNode,
  fdtGetChild,
  fdtGetPhandle,
  fdtGetProperty,
} from "./fdt/tree.js";
export {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_FIRST_SUPPORTED_VERSION,
  FDT_LAST_SUPPORTED_VERSION,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
  FDT_V16_SIZE,
  FDT_V17_SIZE,
  type Fdt,
  type FdtNode,
  type FdtProperty,
  type FdtReserveEntry,
  fdtNode,
} from "./fdt/types.js";
export { type FdtWriteOptions, writeFdt } from "./fdt/writer.js";
