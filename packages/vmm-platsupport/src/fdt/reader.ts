/**
 * The device tree blob reader: checks the header, the block offsets, sizes and alignment, then
 * walks the reservation map and the structure block. Every malformed blob gives an FdtError;
 * nothing else is thrown, and no read goes past the checked bounds.
 */
import { FdtError } from "../errors.js";
import {
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
} from "./types.js";

/** The header fields of a blob (devicetree specification 5.2), as read. */
export interface FdtHeader {
  /** Always {@link FDT_MAGIC}. */
  readonly magic: number;
  /** Size of the whole blob including padding. */
  readonly totalsize: number;
  /** Offset of the structure block. */
  readonly off_dt_struct: number;
  /** Offset of the strings block. */
  readonly off_dt_strings: number;
  /** Offset of the memory reservation block. */
  readonly off_mem_rsvmap: number;
  /** Blob version. */
  readonly version: number;
  /** Oldest version this blob is compatible with. */
  readonly last_comp_version: number;
  /** Physical id of the boot CPU. */
  readonly boot_cpuid_phys: number;
  /** Size of the strings block. */
  readonly size_dt_strings: number;
  /** Size of the structure block (version 17); for version 16, the space up to `totalsize`. */
  readonly size_dt_struct: number;
}

/** A mutable node while its children are being read. */
interface OpenNode {
  name: string;
  properties: FdtProperty[];
  children: FdtNode[];
}

/**
 * Reads and checks the header of a blob.
 * @param blob - the blob; bytes after `totalsize` are ignored
 * @returns the header fields
 * @throws FdtError when the magic, version, sizes, offsets or alignment are wrong
 */
export function fdtReadHeader(blob: Uint8Array): FdtHeader {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 4)
    throw new FdtError("FDT_ERR_TRUNCATED", `${blob.length} bytes is shorter than the magic`, 0);
  const magic = view.getUint32(0);
  if (magic !== FDT_MAGIC) {
    throw new FdtError(
      "FDT_ERR_BADMAGIC",
      `magic 0x${magic.toString(16)}, expected 0x${FDT_MAGIC.toString(16)}`,
      0,
    );
  }
  if (blob.length < FDT_V16_SIZE)
    throw new FdtError("FDT_ERR_TRUNCATED", `${blob.length} bytes is shorter than the header`, 0);
  const version = view.getUint32(20);
  const last_comp_version = view.getUint32(24);
  if (
    version < FDT_FIRST_SUPPORTED_VERSION ||
    last_comp_version > FDT_LAST_SUPPORTED_VERSION ||
    last_comp_version > version
  ) {
    throw new FdtError(
      "FDT_ERR_BADVERSION",
      `version ${version} (compatible with ${last_comp_version}) is not readable as 16..17`,
      20,
    );
  }
  const headerSize = version >= 17 ? FDT_V17_SIZE : FDT_V16_SIZE;
  if (blob.length < headerSize)
    throw new FdtError("FDT_ERR_TRUNCATED", `${blob.length} bytes is shorter than the header`, 0);
  const totalsize = view.getUint32(4);
  if (totalsize < headerSize)
    throw new FdtError("FDT_ERR_BADLAYOUT", `totalsize ${totalsize} is smaller than the header`, 4);
  if (totalsize > blob.length)
    throw new FdtError(
      "FDT_ERR_TRUNCATED",
      `totalsize ${totalsize} but only ${blob.length} bytes`,
      4,
    );
  const off_dt_struct = view.getUint32(8);
  const off_dt_strings = view.getUint32(12);
  const off_mem_rsvmap = view.getUint32(16);
  const size_dt_strings = view.getUint32(32);
  // Version 16 has no size_dt_struct: the block runs to the strings block, or to the end.
  const v16StructEnd = off_dt_strings > off_dt_struct ? off_dt_strings : totalsize;
  const size_dt_struct =
    version >= 17 ? view.getUint32(36) : Math.max(0, v16StructEnd - off_dt_struct);

  // Offsets and sizes are 32-bit, so their sums stay exact in a double.
  const checkBlock = (
    what: string,
    offset: number,
    size: number,
    alignment: number,
    field: number,
  ): void => {
    if (offset % alignment !== 0)
      throw new FdtError(
        "FDT_ERR_ALIGNMENT",
        `${what} offset ${offset} is not ${alignment}-byte aligned`,
        field,
      );
    if (offset < headerSize || offset > totalsize)
      throw new FdtError(
        "FDT_ERR_BADOFFSET",
        `${what} offset ${offset} is outside the blob`,
        field,
      );
    if (offset + size > totalsize)
      throw new FdtError(
        "FDT_ERR_TRUNCATED",
        `${what} ends at ${offset + size}, past totalsize ${totalsize}`,
        field,
      );
  };
  checkBlock("memory reservation block", off_mem_rsvmap, 0, 8, 16);
  checkBlock("structure block", off_dt_struct, size_dt_struct, 4, 8);
  checkBlock("strings block", off_dt_strings, size_dt_strings, 1, 12);
  if (
    off_dt_struct < off_dt_strings + size_dt_strings &&
    off_dt_strings < off_dt_struct + size_dt_struct
  ) {
    throw new FdtError("FDT_ERR_BADLAYOUT", "structure and strings blocks overlap", 8);
  }
  return {
    magic,
    totalsize,
    off_dt_struct,
    off_dt_strings,
    off_mem_rsvmap,
    version,
    last_comp_version,
    boot_cpuid_phys: view.getUint32(28),
    size_dt_strings,
    size_dt_struct,
  };
}

function readReservations(view: DataView, header: FdtHeader): FdtReserveEntry[] {
  const entries: FdtReserveEntry[] = [];
  // The map ends with a zero entry; it may not run into the structure block when that follows it.
  const limit =
    header.off_dt_struct > header.off_mem_rsvmap ? header.off_dt_struct : header.totalsize;
  for (let at = header.off_mem_rsvmap; ; at += 16) {
    if (at + 16 > limit)
      throw new FdtError(
        "FDT_ERR_TRUNCATED",
        "memory reservation block has no terminating entry",
        at,
      );
    const address = view.getBigUint64(at);
    const size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) return entries;
    entries.push({ address, size });
  }
}

/** Reads a NUL-terminated name from `[start, end)`; returns the name and the offset past its NUL. */
function readName(
  blob: Uint8Array,
  start: number,
  end: number,
  what: string,
): { name: string; next: number } {
  const nul = blob.subarray(start, end).indexOf(0);
  if (nul < 0) throw new FdtError("FDT_ERR_TRUNCATED", `${what} is not NUL-terminated`, start);
  return {
    name: new TextDecoder().decode(blob.subarray(start, start + nul)),
    next: start + nul + 1,
  };
}

function readStructure(blob: Uint8Array, view: DataView, header: FdtHeader): FdtNode {
  const start = header.off_dt_struct;
  const end = start + header.size_dt_struct;
  const stringsStart = header.off_dt_strings;
  const stringsEnd = stringsStart + header.size_dt_strings;
  const names = new Map<number, string>();
  const stack: OpenNode[] = [];
  let root: FdtNode | null = null;
  let at = start;
  const align4 = (offset: number): number => start + (((offset - start + 3) >>> 2) << 2);

  for (;;) {
    if (at + 4 > end)
      throw new FdtError("FDT_ERR_TRUNCATED", "structure block ends without FDT_END", at);
    const tokenAt = at;
    const token = view.getUint32(at);
    at += 4;
    switch (token) {
      case FDT_BEGIN_NODE: {
        if (root !== null)
          throw new FdtError("FDT_ERR_BADSTRUCTURE", "a second root node", tokenAt);
        const { name, next } = readName(blob, at, end, "node name");
        if (stack.length === 0 && name !== "") {
          throw new FdtError(
            "FDT_ERR_BADSTRUCTURE",
            `root node named "${name}", expected ""`,
            tokenAt,
          );
        }
        if (stack.length > 0 && name === "")
          throw new FdtError("FDT_ERR_BADSTRUCTURE", "node without a name", tokenAt);
        stack.push({ name, properties: [], children: [] });
        at = align4(next);
        break;
      }
      case FDT_END_NODE: {
        const node = stack.pop();
        if (node === undefined)
          throw new FdtError("FDT_ERR_BADSTRUCTURE", "FDT_END_NODE outside any node", tokenAt);
        const parent = stack[stack.length - 1];
        if (parent === undefined) root = node;
        else parent.children.push(node);
        break;
      }
      case FDT_PROP: {
        const node = stack[stack.length - 1];
        if (node === undefined)
          throw new FdtError("FDT_ERR_BADSTRUCTURE", "property outside any node", tokenAt);
        if (node.children.length > 0)
          throw new FdtError("FDT_ERR_BADSTRUCTURE", "property after a subnode", tokenAt);
        if (at + 8 > end)
          throw new FdtError(
            "FDT_ERR_TRUNCATED",
            "property header past the structure block",
            tokenAt,
          );
        const length = view.getUint32(at);
        const nameOffset = view.getUint32(at + 4);
        at += 8;
        if (at + length > end)
          throw new FdtError(
            "FDT_ERR_TRUNCATED",
            `property value of ${length} bytes past the structure block`,
            tokenAt,
          );
        if (nameOffset >= header.size_dt_strings) {
          throw new FdtError(
            "FDT_ERR_BADOFFSET",
            `property name offset ${nameOffset} outside the strings block`,
            tokenAt,
          );
        }
        let name = names.get(nameOffset);
        if (name === undefined) {
          name = readName(blob, stringsStart + nameOffset, stringsEnd, "property name").name;
          names.set(nameOffset, name);
        }
        node.properties.push({ name, value: blob.slice(at, at + length) });
        at = align4(at + length);
        break;
      }
      case FDT_NOP:
        break;
      case FDT_END:
        if (stack.length > 0)
          throw new FdtError(
            "FDT_ERR_BADSTRUCTURE",
            `FDT_END inside ${stack.length} open nodes`,
            tokenAt,
          );
        if (root === null)
          throw new FdtError("FDT_ERR_BADSTRUCTURE", "FDT_END before the root node", tokenAt);
        return root;
      default:
        throw new FdtError(
          "FDT_ERR_BADSTRUCTURE",
          `unknown token 0x${token.toString(16)}`,
          tokenAt,
        );
    }
  }
}

/**
 * Reads a device tree blob (version 16 or 17) into a tree.
 * @param blob - the blob; bytes after its `totalsize` are ignored
 * @returns the tree, its reservations and boot CPU id; property values are copies
 * @throws FdtError for any malformed blob, with the failed check's libfdt code and the offset
 */
export function readFdt(blob: Uint8Array): Fdt {
  const header = fdtReadHeader(blob);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const reservations = readReservations(view, header);
  const root = readStructure(blob, view, header);
  return { boot_cpuid_phys: header.boot_cpuid_phys, reservations, root };
}
