/** Page-table walks, ASID lookup and unmapping shared by both architectures (§7). */
import { ASID_POOL_SIZE } from "../abi.js";
import type { ASIDPool, Cap, PagingKind, PagingTable } from "../objects/types.js";
import type { KernelState } from "../state.js";

/** True for VSpace roots (ARM VSpace, x86 PML4, EPT PML4). */
export function isRootKind(kind: PagingKind): boolean {
  return kind === "arm_vspace" || kind === "x86_pml4" || kind === "ept_pml4";
}

/** Shift of the root level's index and its index mask. */
export function rootGeometry(kind: PagingKind): { shift: number; mask: bigint } {
  // AArch64 hyp with 40-bit PA: 3 levels, root indexes VA bits 39..30 (1024 entries).
  if (kind === "arm_vspace") return { shift: 30, mask: 1023n };
  return { shift: 39, mask: 511n };
}

/** Where a walk stopped: the table, the index in it and the bits below that level. */
export interface PTSlot {
  readonly table: PagingTable;
  readonly index: number;
  readonly bitsLeft: number;
}

/** `lookupPTSlot`: descends while entries are tables; stops at a missing/page entry or the leaf. */
export function lookupPTSlot(root: PagingTable, vaddr: bigint): PTSlot {
  const geometry = rootGeometry(root.kind);
  let table = root;
  let shift = geometry.shift;
  let mask = geometry.mask;
  for (;;) {
    const index = Number((vaddr >> BigInt(shift)) & mask);
    const e = table.entries.get(index);
    if (e?.kind === "table" && shift > 12) {
      table = e.table;
      shift -= 9;
      mask = 511n;
      continue;
    }
    return { table, index, bitsLeft: shift };
  }
}

/** The root installed under `asid`, or null (`findVSpaceForASID`). */
export function findVSpaceForASID(k: KernelState, asid: number): PagingTable | null {
  if (!Number.isInteger(asid) || asid <= 0) return null;
  const pool = k.asidTable[Math.floor(asid / ASID_POOL_SIZE)];
  if (!pool) return null;
  return pool.entries.get(asid % ASID_POOL_SIZE) ?? null;
}

/** Removes the entry a frame cap's mapping describes, if it still names that frame. */
export function unmapFrameCap(k: KernelState, cap: Cap & { type: "frame" }): void {
  const m = cap.mapping;
  if (m === null) return;
  const root = findVSpaceForASID(k, m.asid);
  if (root === null) return;
  if ((m.space === "ept") !== (root.kind === "ept_pml4")) return;
  const slot = lookupPTSlot(root, m.vaddr);
  const e = slot.table.entries.get(slot.index);
  if (e?.kind === "page" && e.frame === cap.obj && slot.bitsLeft === cap.obj.sizeBits) {
    slot.table.entries.delete(slot.index);
    k.vspaceEpoch++;
  }
}

/** Removes a table from its parent (contents left alone). */
export function detachTable(table: PagingTable): void {
  const p = table.parent;
  if (p === null) return;
  const e = p.table.entries.get(p.index);
  if (e?.kind === "table" && e.table === table) p.table.entries.delete(p.index);
  table.parent = null;
}

/** Zeroes a table (unmap via its cap): every entry and every child's link vanish. */
export function clearTable(table: PagingTable): void {
  for (const e of table.entries.values()) if (e.kind === "table") e.table.parent = null;
  table.entries.clear();
}

/** Removes a root's ASID (`deleteASID`). */
export function deleteASID(k: KernelState, root: PagingTable): void {
  const asid = root.asid;
  if (asid === null) return;
  k.vspaceEpoch++;
  const pool = k.asidTable[Math.floor(asid / ASID_POOL_SIZE)];
  if (pool && pool.entries.get(asid % ASID_POOL_SIZE) === root)
    pool.entries.delete(asid % ASID_POOL_SIZE);
  root.asid = null;
}

/** Invalidates a whole pool (`deleteASIDPool`). */
export function deleteASIDPool(k: KernelState, pool: ASIDPool): void {
  k.vspaceEpoch++;
  for (const root of pool.entries.values()) root.asid = null;
  pool.entries.clear();
  const index = pool.base / ASID_POOL_SIZE;
  if (k.asidTable[index] === pool) k.asidTable[index] = null;
}
