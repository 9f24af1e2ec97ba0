/**
 * Looking things up in a tree: nodes by path (libfdt's `fdt_path_offset` matching rules) and by
 * phandle, properties by name.
 */
import { FdtError } from "../errors.js";
import type { FdtNode, FdtProperty } from "./types.js";

/**
 * Finds a property of a node by name.
 * @param node - the node
 * @param name - property name
 * @returns the property, or null
 */
export function fdtGetProperty(node: FdtNode, name: string): FdtProperty | null {
  return node.properties.find((p) => p.name === name) ?? null;
}

/**
 * Finds a child by name. A name without `@` also matches a child whose name before `@` equals
 * it, as in libfdt (`memory` finds `memory@40000000`); an exact match wins.
 * @param node - the parent
 * @param name - child name, with or without unit address
 * @returns the first matching child, or null
 */
export function fdtGetChild(node: FdtNode, name: string): FdtNode | null {
  const exact = node.children.find((c) => c.name === name);
  if (exact !== undefined || name.includes("@")) return exact ?? null;
  return node.children.find((c) => c.name.split("@")[0] === name) ?? null;
}

/**
 * Finds a node by absolute path such as `/cpus/cpu@0`.
 * @param root - the root node
 * @param path - absolute path; `/` is the root
 * @returns the node, or null when a component is missing or the path is not absolute
 */
export function fdtFindNode(root: FdtNode, path: string): FdtNode | null {
  if (!path.startsWith("/")) return null;
  let node: FdtNode | null = root;
  for (const component of path.split("/")) {
    if (component === "") continue;
    node = fdtGetChild(node, component);
    if (node === null) return null;
  }
  return node;
}

/**
 * The phandle of a node (its `phandle`, or else its legacy `linux,phandle`).
 * @param node - the node
 * @returns the phandle, or null when the node has none
 * @throws FdtError FDT_ERR_BADPHANDLE when the property is not one cell or holds 0 or 0xffffffff
 */
export function fdtGetPhandle(node: FdtNode): number | null {
  const property = fdtGetProperty(node, "phandle") ?? fdtGetProperty(node, "linux,phandle");
  if (property === null) return null;
  const { value } = property;
  if (value.length !== 4) {
    throw new FdtError(
      "FDT_ERR_BADPHANDLE",
      `phandle of ${node.name} is ${value.length} bytes, expected 4`,
    );
  }
  const phandle = new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
  if (phandle === 0 || phandle === 0xffff_ffff) {
    throw new FdtError("FDT_ERR_BADPHANDLE", `phandle ${phandle} of ${node.name} is reserved`);
  }
  return phandle;
}

/**
 * Finds the node with a phandle, searching depth first (libfdt's `fdt_node_offset_by_phandle`).
 * @param root - the root node
 * @param phandle - the phandle to find
 * @returns the first node carrying it, or null
 * @throws FdtError FDT_ERR_BADPHANDLE when a node on the way has a malformed phandle
 */
export function fdtFindByPhandle(root: FdtNode, phandle: number): FdtNode | null {
  const stack: FdtNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (fdtGetPhandle(node) === phandle) return node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return null;
}
