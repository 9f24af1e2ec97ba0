/**
 * The device tree blob writer: a tree in, a version 17 blob out. Layout, in this order: header,
 * memory reservation block (8-byte aligned), structure block, strings block (each property name
 * stored once).
 */
import { FdtError } from "../errors.js";
import { ByteBuffer } from "./byte-buffer.js";
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_LAST_SUPPORTED_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_V17_SIZE,
  type Fdt,
  type FdtNode,
} from "./types.js";

/** Options of {@link writeFdt}. */
export interface FdtWriteOptions {
  /** Zero bytes appended after the strings block and counted in `totalsize` (like `dtc -p`). */
  readonly padding?: number;
}

/** Version a v17 blob is backwards compatible with (its `last_comp_version`). */
const FDT_V17_LAST_COMP_VERSION = 16;
const MAX_U64 = (1n << 64n) - 1n;
// Characters the devicetree specification allows (table 2.1 for nodes, 2.2 for properties).
const NODE_NAME = /^[A-Za-z0-9,._+-]+(@[A-Za-z0-9,._+-]+)?$/;
const PROPERTY_NAME = /^[A-Za-z0-9,._+?#-]+$/;

/** Assigns each property name its offset in the strings block, storing every name once. */
class StringsBlock {
  readonly buffer = new ByteBuffer();
  private readonly offsets = new Map<string, number>();
  private readonly encoder = new TextEncoder();

  offsetOf(name: string): number {
    let offset = this.offsets.get(name);
    if (offset === undefined) {
      offset = this.buffer.length;
      this.buffer.raw(this.encoder.encode(name));
      this.buffer.raw(new Uint8Array(1));
      this.offsets.set(name, offset);
    }
    return offset;
  }
}

function checkNode(node: FdtNode, path: string, isRoot: boolean, phandles: Set<number>): void {
  if (isRoot ? node.name !== "" : !NODE_NAME.test(node.name)) {
    throw new FdtError("FDT_ERR_BADNAME", `bad node name "${node.name}" at ${path || "/"}`);
  }
  const propertyNames = new Set<string>();
  for (const property of node.properties) {
    if (!PROPERTY_NAME.test(property.name)) {
      throw new FdtError(
        "FDT_ERR_BADNAME",
        `bad property name "${property.name}" in ${path || "/"}`,
      );
    }
    if (propertyNames.has(property.name)) {
      throw new FdtError("FDT_ERR_EXISTS", `property ${property.name} twice in ${path || "/"}`);
    }
    propertyNames.add(property.name);
    if (property.name === "phandle" || property.name === "linux,phandle") {
      checkPhandle(property.value, path, phandles, property.name === "phandle");
    }
  }
  const childNames = new Set<string>();
  for (const child of node.children) {
    if (childNames.has(child.name)) {
      throw new FdtError("FDT_ERR_EXISTS", `node ${child.name} twice in ${path || "/"}`);
    }
    childNames.add(child.name);
  }
}

function checkPhandle(
  value: Uint8Array,
  path: string,
  phandles: Set<number>,
  register: boolean,
): void {
  if (value.length !== 4) {
    throw new FdtError(
      "FDT_ERR_BADPHANDLE",
      `phandle of ${path || "/"} is ${value.length} bytes, expected 4`,
    );
  }
  const phandle = new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
  if (phandle === 0 || phandle === 0xffff_ffff) {
    throw new FdtError("FDT_ERR_BADPHANDLE", `phandle ${phandle} of ${path || "/"} is reserved`);
  }
  if (!register) return;
  if (phandles.has(phandle)) {
    throw new FdtError("FDT_ERR_BADPHANDLE", `phandle ${phandle} of ${path || "/"} is used twice`);
  }
  phandles.add(phandle);
}

/** Writes the structure block, depth first, without recursion (the tree may be deep). */
function writeStructure(root: FdtNode, out: ByteBuffer, strings: StringsBlock): void {
  const encoder = new TextEncoder();
  const phandles = new Set<number>();
  const stack: { node: FdtNode; path: string; next: number }[] = [];
  const open = (node: FdtNode, path: string): void => {
    checkNode(node, path, stack.length === 0, phandles);
    out.u32(FDT_BEGIN_NODE);
    out.raw(encoder.encode(node.name));
    out.raw(new Uint8Array(1));
    out.align(4);
    for (const property of node.properties) {
      out.u32(FDT_PROP);
      out.u32(property.value.length);
      out.u32(strings.offsetOf(property.name));
      out.raw(property.value);
      out.align(4);
    }
    stack.push({ node, path, next: 0 });
  };
  open(root, "");
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const child = top.node.children[top.next++];
    if (child === undefined) {
      out.u32(FDT_END_NODE);
      stack.pop();
    } else {
      open(child, `${top.path}/${child.name}`);
    }
  }
  out.u32(FDT_END);
}

/**
 * Writes a device tree as a version 17 blob.
 * @param fdt - the tree, its reservations and boot CPU id
 * @param options - padding
 * @returns the blob
 * @throws FdtError for bad names (FDT_ERR_BADNAME), duplicate names (FDT_ERR_EXISTS), bad or
 * duplicate phandles (FDT_ERR_BADPHANDLE), out-of-range header values (FDT_ERR_BADVALUE) or a
 * blob above 4 GiB (FDT_ERR_BADLAYOUT)
 */
export function writeFdt(fdt: Fdt, options: FdtWriteOptions = {}): Uint8Array {
  const padding = options.padding ?? 0;
  if (!Number.isSafeInteger(padding) || padding < 0) {
    throw new FdtError("FDT_ERR_BADVALUE", `padding ${padding} is not a byte count`);
  }
  const bootCpu = fdt.boot_cpuid_phys;
  if (!Number.isInteger(bootCpu) || bootCpu < 0 || bootCpu > 0xffff_ffff) {
    throw new FdtError("FDT_ERR_BADVALUE", `boot_cpuid_phys ${bootCpu} is not a 32-bit value`);
  }

  const reservations = new ByteBuffer();
  for (const { address, size } of fdt.reservations) {
    if (address < 0n || address > MAX_U64 || size < 0n || size > MAX_U64) {
      throw new FdtError(
        "FDT_ERR_BADVALUE",
        `reservation ${address}+${size} is not two 64-bit values`,
      );
    }
    reservations.u64(address);
    reservations.u64(size);
  }
  reservations.u64(0n);
  reservations.u64(0n);

  const strings = new StringsBlock();
  const structure = new ByteBuffer();
  writeStructure(fdt.root, structure, strings);

  const offMemRsvmap = FDT_V17_SIZE;
  const offDtStruct = offMemRsvmap + reservations.length;
  const offDtStrings = offDtStruct + structure.length;
  const totalSize = offDtStrings + strings.buffer.length + padding;
  if (totalSize > 0xffff_ffff) {
    throw new FdtError(
      "FDT_ERR_BADLAYOUT",
      `blob of ${totalSize} bytes does not fit 32-bit offsets`,
    );
  }

  const blob = new Uint8Array(totalSize);
  const header = new DataView(blob.buffer);
  header.setUint32(0, FDT_MAGIC);
  header.setUint32(4, totalSize);
  header.setUint32(8, offDtStruct);
  header.setUint32(12, offDtStrings);
  header.setUint32(16, offMemRsvmap);
  header.setUint32(20, FDT_LAST_SUPPORTED_VERSION);
  header.setUint32(24, FDT_V17_LAST_COMP_VERSION);
  header.setUint32(28, bootCpu);
  header.setUint32(32, strings.buffer.length);
  header.setUint32(36, structure.length);
  blob.set(reservations.contents(), offMemRsvmap);
  blob.set(structure.contents(), offDtStruct);
  blob.set(strings.buffer.contents(), offDtStrings);
  return blob;
}
