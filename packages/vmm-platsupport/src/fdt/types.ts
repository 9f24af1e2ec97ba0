/**
 * The in-memory form of a Flattened Device Tree (devicetree specification, chapter 5, blob
 * version 17) and the constants of the blob format. The tree is plain data: the writer turns it
 * into a blob, the reader turns a blob back into it.
 */

/** Magic number at offset 0 of every blob (big-endian). */
export const FDT_MAGIC = 0xd00dfeed;
/** Structure-block token: start of a node, followed by its NUL-terminated name. */
export const FDT_BEGIN_NODE = 0x1;
/** Structure-block token: end of the current node. */
export const FDT_END_NODE = 0x2;
/** Structure-block token: a property (length, name offset, value). */
export const FDT_PROP = 0x3;
/** Structure-block token: no operation, skipped by readers. */
export const FDT_NOP = 0x4;
/** Structure-block token: end of the structure block. */
export const FDT_END = 0x9;
/** Size in bytes of a version 17 header (ten big-endian 32-bit fields). */
export const FDT_V17_SIZE = 40;
/** Size in bytes of a version 16 header (no `size_dt_struct`). */
export const FDT_V16_SIZE = 36;
/** The blob version the writer produces. */
export const FDT_LAST_SUPPORTED_VERSION = 17;
/** The oldest blob version the reader accepts. */
export const FDT_FIRST_SUPPORTED_VERSION = 16;

/** One property: its name and its raw value bytes (big-endian cells, NUL-terminated strings). */
export interface FdtProperty {
  /** Property name, such as `compatible` or `#address-cells`. */
  readonly name: string;
  /** Raw value; empty for a boolean property such as `interrupt-controller`. */
  readonly value: Uint8Array;
}

/** One node: its name (with unit address, such as `memory@40000000`), properties and children. */
export interface FdtNode {
  /** Node name; the root node's name is the empty string. */
  readonly name: string;
  /** Properties in blob order. */
  readonly properties: readonly FdtProperty[];
  /** Child nodes in blob order. */
  readonly children: readonly FdtNode[];
}

/** One entry of the memory reservation block: physical memory the OS must not use. */
export interface FdtReserveEntry {
  /** Start physical address (a full 64-bit field). */
  readonly address: bigint;
  /** Size in bytes (a full 64-bit field). */
  readonly size: bigint;
}

/** A whole device tree: the header fields that carry meaning, the reservations and the root. */
export interface Fdt {
  /** Physical id of the boot CPU (header field `boot_cpuid_phys`). */
  readonly boot_cpuid_phys: number;
  /** Memory reservation block, without its terminating zero entry. */
  readonly reservations: readonly FdtReserveEntry[];
  /** The root node (named ""). */
  readonly root: FdtNode;
}

/**
 * Builds a node.
 * @param name - node name, "" for the root
 * @param properties - properties in order
 * @param children - child nodes in order
 * @returns the node
 */
export function fdtNode(
  name: string,
  properties: readonly FdtProperty[] = [],
  children: readonly FdtNode[] = [],
): FdtNode {
  return { name, properties, children };
}
