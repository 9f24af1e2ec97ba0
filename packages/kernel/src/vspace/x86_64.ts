/** x86_64 VSpace and EPT invocations (§7.5, §9.3). */
import { X86Label } from "../abi.js";
import { isFinalCapability } from "../cdt.js";
import { maskVMRights } from "../cspace/derive.js";
import { fail } from "../errors.js";
import { arg, type Invocation, type InvocationReply } from "../invocation.js";
import type { Cap, PagingKind, PagingTable, PTE } from "../objects/types.js";
import type { KernelState } from "../state.js";
import { assignASID, makePool } from "./asid.js";
import { clearTable, detachTable, findVSpaceForASID, unmapFrameCap } from "./common.js";

/** Shift of the parent slot each intermediate table kind is installed in. */
const installShift: Partial<Record<PagingKind, number>> = {
  x86_pdpt: 39,
  x86_pd: 30,
  x86_pt: 21,
  ept_pdpt: 39,
  ept_pd: 30,
  ept_pt: 21,
};

function resolveRoot(
  k: KernelState,
  cap: Cap,
  kind: "x86_pml4" | "ept_pml4",
): { root: PagingTable; asid: number } {
  if (cap.type !== "paging" || cap.obj.kind !== kind || cap.asid === null)
    throw fail.invalidCapability(1);
  const root = findVSpaceForASID(k, cap.asid);
  if (root === null) throw fail.failedLookup(false, { type: "InvalidRoot" });
  if (root !== cap.obj) throw fail.invalidCapability(1);
  return { root, asid: cap.asid };
}

/**
 * Descends from the root to the table holding the `targetShift` level for `vaddr`; every level
 * above must be a table, else FailedLookup(MissingCapability(shift of the missing level)).
 */
function walkTo(
  root: PagingTable,
  vaddr: bigint,
  targetShift: number,
): { table: PagingTable; index: number } {
  let table = root;
  for (let shift = 39; ; shift -= 9) {
    const index = Number((vaddr >> BigInt(shift)) & 511n);
    if (shift === targetShift) return { table, index };
    const e = table.entries.get(index);
    if (e?.kind !== "table")
      throw fail.failedLookup(false, { type: "MissingCapability", bitsLeft: shift });
    table = e.table;
  }
}

function mapTable(inv: Invocation, cap: Cap & { type: "paging" }, ept: boolean): InvocationReply {
  const { k } = inv;
  if (inv.length < 2 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
  if (cap.mappedAddress !== null) throw fail.invalidCapability(0);
  const rootCap = inv.extraCaps[0]!.cap;
  const kind = ept ? "ept_pml4" : "x86_pml4";
  if (rootCap.type !== "paging" || rootCap.obj.kind !== kind || rootCap.asid === null) {
    throw fail.invalidCapability(1);
  }
  const shift = installShift[cap.obj.kind]!;
  const vaddr = arg(inv, 0) & ~((1n << BigInt(shift)) - 1n);
  if (!ept && arg(inv, 0) > k.params.userTop) throw fail.invalidArgument(0);
  const { root, asid } = resolveRoot(k, rootCap, kind);
  const slot = walkTo(root, vaddr, shift);
  if (slot.table.entries.has(slot.index)) throw fail.deleteFirst();
  slot.table.entries.set(slot.index, { kind: "table", table: cap.obj });
  cap.obj.parent = { table: slot.table, index: slot.index };
  inv.slot.cap = { ...cap, mappedAddress: vaddr, asid };
  return undefined;
}

function unmapTable(inv: Invocation, cap: Cap & { type: "paging" }): InvocationReply {
  if (!isFinalCapability(inv.slot)) throw fail.revokeFirst();
  if (cap.mappedAddress !== null) {
    detachTable(cap.obj);
    clearTable(cap.obj);
  }
  inv.slot.cap = { ...cap, mappedAddress: null, asid: null };
  return undefined;
}

function writePage(table: PagingTable, index: number, entry: PTE): void {
  table.entries.set(index, entry);
}

function pageMap(inv: Invocation, cap: Cap & { type: "frame" }): InvocationReply {
  const { k } = inv;
  if (inv.length < 3 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
  const vaddr = arg(inv, 0);
  const rights = maskVMRights(cap.rights, Number(arg(inv, 1) & 0xfn));
  const attr = arg(inv, 2);
  const rootCap = inv.extraCaps[0]!.cap;
  if (rootCap.type !== "paging" || rootCap.obj.kind !== "x86_pml4" || rootCap.asid === null) {
    throw fail.invalidCapability(1);
  }
  const size = BigInt(2 ** cap.obj.sizeBits);
  if (cap.mapping !== null) {
    if (cap.mapping.asid !== rootCap.asid) throw fail.invalidCapability(1);
    if (cap.mapping.space !== "vspace") throw fail.illegalOperation();
    if (cap.mapping.vaddr !== vaddr) throw fail.invalidArgument(0);
  } else if (vaddr > k.params.userTop || vaddr + size > k.params.userTop) {
    throw fail.invalidArgument(0);
  }
  const { root, asid } = resolveRoot(k, rootCap, "x86_pml4");
  if (vaddr % size !== 0n) throw fail.alignmentError();
  const shift = cap.obj.sizeBits;
  const slot = walkTo(root, vaddr, shift);
  if (slot.table.entries.get(slot.index)?.kind === "table") throw fail.deleteFirst();
  writePage(slot.table, slot.index, {
    kind: "page",
    frame: cap.obj,
    sizeBits: shift,
    rights,
    attributes: attr,
  });
  inv.slot.cap = { ...cap, mapping: { asid, vaddr, space: "vspace" } };
  return undefined;
}

function pageMapEPT(inv: Invocation, cap: Cap & { type: "frame" }): InvocationReply {
  const { k } = inv;
  if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
  if (cap.mapping !== null) throw fail.invalidCapability(0);
  const { root, asid } = resolveRoot(k, inv.extraCaps[0]!.cap, "ept_pml4");
  const gpa = arg(inv, 0) & ~0xfffn;
  const rights = maskVMRights(cap.rights, Number(arg(inv, 1) & 0xfn));
  const attr = arg(inv, 2);
  const bits = cap.obj.sizeBits;
  if (bits === 30) throw fail.invalidCapability(0);
  if (bits === 21 && gpa % (1n << 21n) !== 0n) throw fail.alignmentError();
  const slot = walkTo(root, gpa, bits);
  if (slot.table.entries.has(slot.index)) throw fail.deleteFirst();
  writePage(slot.table, slot.index, {
    kind: "page",
    frame: cap.obj,
    sizeBits: bits,
    rights,
    attributes: attr,
  });
  inv.slot.cap = { ...cap, mapping: { asid, vaddr: gpa, space: "ept" } };
  return undefined;
}

function frameInvocation(inv: Invocation, cap: Cap & { type: "frame" }): InvocationReply {
  switch (inv.label) {
    case X86Label.X86PageMap:
      return pageMap(inv, cap);
    case X86Label.X86PageUnmap:
      unmapFrameCap(inv.k, cap);
      inv.slot.cap = { ...cap, mapping: null };
      return undefined;
    case X86Label.X86PageGetAddress:
      return [BigInt(cap.obj.paddr)];
    case X86Label.X86PageMapEPT:
      return pageMapEPT(inv, cap);
    default:
      throw fail.illegalOperation();
  }
}

const tableLabels: Partial<Record<PagingKind, { map: number; unmap: number }>> = {
  x86_pdpt: { map: X86Label.X86PDPTMap, unmap: X86Label.X86PDPTUnmap },
  x86_pd: { map: X86Label.X86PageDirectoryMap, unmap: X86Label.X86PageDirectoryUnmap },
  x86_pt: { map: X86Label.X86PageTableMap, unmap: X86Label.X86PageTableUnmap },
  ept_pdpt: { map: X86Label.X86EPTPDPTMap, unmap: X86Label.X86EPTPDPTUnmap },
  ept_pd: { map: X86Label.X86EPTPDMap, unmap: X86Label.X86EPTPDUnmap },
  ept_pt: { map: X86Label.X86EPTPTMap, unmap: X86Label.X86EPTPTUnmap },
};

/** Architecture MMU invocations of the x86_64 configuration. */
export function decodeX86MMUInvocation(inv: Invocation): InvocationReply {
  const cap = inv.cap;
  switch (cap.type) {
    case "frame":
      return frameInvocation(inv, cap);
    case "paging": {
      const labels = tableLabels[cap.obj.kind];
      if (labels === undefined) throw fail.illegalOperation();
      if (inv.label === labels.map) return mapTable(inv, cap, cap.obj.kind.startsWith("ept"));
      if (inv.label === labels.unmap) return unmapTable(inv, cap);
      throw fail.illegalOperation();
    }
    case "asid_control":
      if (inv.label !== X86Label.X86ASIDControlMakePool) throw fail.illegalOperation();
      return makePool(inv);
    case "asid_pool":
      if (inv.label !== X86Label.X86ASIDPoolAssign) throw fail.illegalOperation();
      return assignASID(inv);
    default:
      throw fail.illegalOperation();
  }
}
