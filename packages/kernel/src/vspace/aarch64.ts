/** AArch64 (hyp, 3-level stage-2) VSpace invocations (§7.2, §7.4). */
import { ARMLabel } from "../abi.js";
import { isFinalCapability } from "../cdt.js";
import { maskVMRights } from "../cspace/derive.js";
import { fail } from "../errors.js";
import { arg, type Invocation, type InvocationReply } from "../invocation.js";
import type { Cap, PagingTable } from "../objects/types.js";
import type { KernelState } from "../state.js";
import { assignASID, makePool } from "./asid.js";
import {
  clearTable,
  detachTable,
  findVSpaceForASID,
  lookupPTSlot,
  unmapFrameCap,
} from "./common.js";

/** The VSpace a cap names, checked as §7.4 orders it (InvalidCapability(1), FailedLookup). */
function resolveVSpace(k: KernelState, cap: Cap): PagingTable {
  if (cap.type !== "paging" || cap.obj.kind !== "arm_vspace" || cap.asid === null) {
    throw fail.invalidCapability(1);
  }
  const root = findVSpaceForASID(k, cap.asid);
  if (root === null) throw fail.failedLookup(false, { type: "InvalidRoot" });
  if (root !== cap.obj) throw fail.invalidCapability(1);
  return root;
}

function frameInvocation(inv: Invocation, cap: Cap & { type: "frame" }): InvocationReply {
  const { k } = inv;
  const size = 2 ** cap.obj.sizeBits;
  switch (inv.label) {
    case ARMLabel.ARMPageMap: {
      if (inv.length < 3 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const vaddr = arg(inv, 0);
      const rights = maskVMRights(cap.rights, Number(arg(inv, 1) & 0xfn));
      const attr = arg(inv, 2);
      const vsCap = inv.extraCaps[0]!.cap;
      if (vsCap.type !== "paging" || vsCap.obj.kind !== "arm_vspace" || vsCap.asid === null) {
        throw fail.invalidCapability(1);
      }
      const asid = vsCap.asid;
      const root = resolveVSpace(k, vsCap);
      if (vaddr % BigInt(size) !== 0n) throw fail.alignmentError();
      if (cap.mapping !== null) {
        if (cap.mapping.asid !== asid) throw fail.invalidCapability(1);
        if (cap.mapping.vaddr !== vaddr) throw fail.invalidArgument(0);
      } else if (vaddr + BigInt(size) - 1n > k.params.userTop) {
        throw fail.invalidArgument(0);
      }
      const slot = lookupPTSlot(root, vaddr);
      if (slot.bitsLeft !== cap.obj.sizeBits) {
        throw fail.failedLookup(false, { type: "MissingCapability", bitsLeft: slot.bitsLeft });
      }
      // A remap may lower rights: cached translations of the old entry must go.
      if (slot.table.entries.has(slot.index)) k.vspaceEpoch++;
      slot.table.entries.set(slot.index, {
        kind: "page",
        frame: cap.obj,
        sizeBits: cap.obj.sizeBits,
        rights,
        attributes: attr,
      });
      inv.slot.cap = { ...cap, mapping: { asid, vaddr, space: "vspace" } };
      return undefined;
    }
    case ARMLabel.ARMPageUnmap:
      unmapFrameCap(k, cap);
      inv.slot.cap = { ...cap, mapping: null };
      return undefined;
    case ARMLabel.ARMPageGetAddress:
      return [BigInt(cap.obj.paddr)];
    case ARMLabel.ARMPageClean_Data:
    case ARMLabel.ARMPageInvalidate_Data:
    case ARMLabel.ARMPageCleanInvalidate_Data:
    case ARMLabel.ARMPageUnify_Instruction: {
      if (inv.length < 2) throw fail.truncatedMessage();
      if (cap.mapping === null) throw fail.illegalOperation();
      if (findVSpaceForASID(k, cap.mapping.asid) === null) {
        throw fail.failedLookup(false, { type: "InvalidRoot" });
      }
      const start = arg(inv, 0);
      const end = arg(inv, 1);
      if (end <= start) throw fail.invalidArgument(1);
      if (start >= BigInt(size) || end > BigInt(size)) throw fail.invalidArgument(0);
      // Memory is coherent in the model: cache maintenance has nothing to do.
      return undefined;
    }
    default:
      throw fail.illegalOperation();
  }
}

function pageTableInvocation(inv: Invocation, cap: Cap & { type: "paging" }): InvocationReply {
  const { k } = inv;
  switch (inv.label) {
    case ARMLabel.ARMPageTableMap: {
      if (inv.length < 2 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      if (cap.mappedAddress !== null) throw fail.invalidCapability(0);
      const vsCap = inv.extraCaps[0]!.cap;
      if (vsCap.type !== "paging" || vsCap.obj.kind !== "arm_vspace" || vsCap.asid === null) {
        throw fail.invalidCapability(1);
      }
      const vaddr = arg(inv, 0);
      if (vaddr > k.params.userTop) throw fail.invalidArgument(0);
      const root = resolveVSpace(k, vsCap);
      const slot = lookupPTSlot(root, vaddr);
      if (slot.bitsLeft === 12 || slot.table.entries.has(slot.index)) throw fail.deleteFirst();
      slot.table.entries.set(slot.index, { kind: "table", table: cap.obj });
      cap.obj.parent = { table: slot.table, index: slot.index };
      const coverage = 1n << BigInt(slot.bitsLeft);
      inv.slot.cap = { ...cap, mappedAddress: vaddr & ~(coverage - 1n), asid: vsCap.asid };
      return undefined;
    }
    case ARMLabel.ARMPageTableUnmap: {
      if (!isFinalCapability(inv.slot)) throw fail.revokeFirst();
      if (cap.mappedAddress !== null) {
        detachTable(cap.obj);
        clearTable(cap.obj);
        k.vspaceEpoch++;
      }
      inv.slot.cap = { ...cap, mappedAddress: null, asid: null };
      return undefined;
    }
    default:
      throw fail.illegalOperation();
  }
}

function vspaceInvocation(inv: Invocation, cap: Cap & { type: "paging" }): InvocationReply {
  const { k } = inv;
  switch (inv.label) {
    case ARMLabel.ARMVSpaceClean_Data:
    case ARMLabel.ARMVSpaceInvalidate_Data:
    case ARMLabel.ARMVSpaceCleanInvalidate_Data:
    case ARMLabel.ARMVSpaceUnify_Instruction: {
      if (inv.length < 2) throw fail.truncatedMessage();
      const start = arg(inv, 0);
      const end = arg(inv, 1);
      if (end <= start) throw fail.invalidArgument(1);
      if (end > k.params.userTop) throw fail.illegalOperation();
      if (cap.asid === null) throw fail.invalidCapability(0);
      const root = findVSpaceForASID(k, cap.asid);
      if (root === null) throw fail.failedLookup(false, { type: "InvalidRoot" });
      if (root !== cap.obj) throw fail.invalidCapability(0);
      const slot = lookupPTSlot(root, start);
      const e = slot.table.entries.get(slot.index);
      if (e?.kind !== "page") return undefined;
      const pageEnd = (start & ~((1n << BigInt(e.sizeBits)) - 1n)) + (1n << BigInt(e.sizeBits));
      if (end > pageEnd) throw fail.rangeError(start, pageEnd);
      return undefined;
    }
    default:
      throw fail.illegalOperation();
  }
}

/** Architecture invocations of the AArch64 configuration (VSpace part; VCPU elsewhere). */
export function decodeARMMMUInvocation(inv: Invocation): InvocationReply {
  const cap = inv.cap;
  switch (cap.type) {
    case "frame":
      return frameInvocation(inv, cap);
    case "paging":
      return cap.obj.kind === "arm_vspace"
        ? vspaceInvocation(inv, cap)
        : pageTableInvocation(inv, cap);
    case "asid_control":
      if (inv.label !== ARMLabel.ARMASIDControlMakePool) throw fail.illegalOperation();
      return makePool(inv);
    case "asid_pool":
      if (inv.label !== ARMLabel.ARMASIDPoolAssign) throw fail.illegalOperation();
      return assignASID(inv);
    default:
      throw fail.illegalOperation();
  }
}
