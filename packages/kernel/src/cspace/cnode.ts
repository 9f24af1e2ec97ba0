/** CNode invocations with seL4's decoding order (§3.8). */
import { GenericLabel } from "../abi.js";
import { cteInsert, cteMove, cteSwap, type Slot } from "../cdt.js";
import { cteDelete, cteRevoke } from "../delete.js";
import { fail } from "../errors.js";
import { arg, type Invocation, type InvocationReply } from "../invocation.js";
import { cancelBadgedSends } from "../ipc/endpoint.js";
import type { Cap } from "../objects/types.js";
import { CapRight } from "../objects/types.js";
import { deriveCap, maskCapRights, updateCapData } from "./derive.js";
import { depthOf, lookupSlotForCNodeOp } from "./resolve.js";

function requireSourceCap(slot: Slot, depth: number): Cap {
  if (slot.cap.type === "null") {
    throw fail.failedLookup(true, { type: "MissingCapability", bitsLeft: depth });
  }
  return slot.cap;
}

/** `decodeCNodeInvocation`. */
export function decodeCNodeInvocation(inv: Invocation): InvocationReply {
  const { k, label } = inv;
  if (label < GenericLabel.CNodeRevoke || label > GenericLabel.CNodeSaveCaller) {
    throw fail.illegalOperation();
  }
  if (inv.length < 2) throw fail.truncatedMessage();
  const destDepth = depthOf(arg(inv, 1));
  const dest = lookupSlotForCNodeOp(false, inv.cap, arg(inv, 0), destDepth);

  switch (label) {
    case GenericLabel.CNodeCopy:
    case GenericLabel.CNodeMint:
    case GenericLabel.CNodeMove:
    case GenericLabel.CNodeMutate: {
      if (inv.length < 4 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const srcRoot = inv.extraCaps[0]!.cap;
      if (dest.cap.type !== "null") throw fail.deleteFirst();
      const srcDepth = depthOf(arg(inv, 3));
      const src = lookupSlotForCNodeOp(true, srcRoot, arg(inv, 2), srcDepth);
      const srcCap = requireSourceCap(src, srcDepth);
      let newCap: Cap;
      let isMove = false;
      if (label === GenericLabel.CNodeCopy) {
        if (inv.length < 5) throw fail.truncatedMessage();
        newCap = deriveCap(k, src, maskCapRights(arg(inv, 4), srcCap));
      } else if (label === GenericLabel.CNodeMint) {
        if (inv.length < 6) throw fail.truncatedMessage();
        newCap = deriveCap(
          k,
          src,
          updateCapData(false, arg(inv, 5), maskCapRights(arg(inv, 4), srcCap)),
        );
      } else if (label === GenericLabel.CNodeMove) {
        newCap = srcCap;
        isMove = true;
      } else {
        if (inv.length < 5) throw fail.truncatedMessage();
        newCap = updateCapData(true, arg(inv, 4), srcCap);
        isMove = true;
      }
      if (newCap.type === "null") throw fail.illegalOperation();
      if (isMove) cteMove(newCap, src, dest);
      else cteInsert(newCap, src, dest);
      return undefined;
    }
    case GenericLabel.CNodeRevoke:
      cteRevoke(k, dest);
      return undefined;
    case GenericLabel.CNodeDelete:
      cteDelete(k, dest);
      return undefined;
    case GenericLabel.CNodeSaveCaller: {
      if (dest.cap.type !== "null") throw fail.deleteFirst();
      const callerSlot = inv.caller.callerSlot;
      const replyCap = callerSlot.cap;
      if (replyCap.type === "reply") cteMove(replyCap, callerSlot, dest);
      return undefined;
    }
    case GenericLabel.CNodeCancelBadgedSends: {
      const cap = dest.cap;
      if (cap.type !== "endpoint" || cap.rights !== CapRight.All) throw fail.illegalOperation();
      if (cap.badge !== 0n) cancelBadgedSends(k, cap.obj, cap.badge);
      return undefined;
    }
    case GenericLabel.CNodeRotate: {
      if (inv.length < 8 || inv.extraCaps.length < 2) throw fail.truncatedMessage();
      const pivotRoot = inv.extraCaps[0]!.cap;
      const srcRoot = inv.extraCaps[1]!.cap;
      const srcDepth = depthOf(arg(inv, 7));
      const pivotDepth = depthOf(arg(inv, 4));
      const src = lookupSlotForCNodeOp(true, srcRoot, arg(inv, 6), srcDepth);
      const pivot = lookupSlotForCNodeOp(true, pivotRoot, arg(inv, 3), pivotDepth);
      if (pivot === src || pivot === dest) throw fail.illegalOperation();
      if (src !== dest && dest.cap.type !== "null") throw fail.deleteFirst();
      if (src.cap.type === "null") {
        throw fail.failedLookup(true, { type: "MissingCapability", bitsLeft: srcDepth });
      }
      if (pivot.cap.type === "null") {
        throw fail.failedLookup(false, { type: "MissingCapability", bitsLeft: pivotDepth });
      }
      const newSrcCap = updateCapData(true, arg(inv, 5), src.cap);
      const newPivotCap = updateCapData(true, arg(inv, 2), pivot.cap);
      if (newSrcCap.type === "null" || newPivotCap.type === "null") throw fail.illegalOperation();
      if (src === dest) {
        cteSwap(newSrcCap, src, newPivotCap, pivot);
      } else {
        cteMove(newPivotCap, pivot, dest);
        cteMove(newSrcCap, src, pivot);
      }
      return undefined;
    }
    default:
      throw fail.illegalOperation();
  }
}
