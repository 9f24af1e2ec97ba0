/** Endpoint IPC (§5.2, §5.3, §5.6) for the non-MCS kernel. */
import { cteInsert, emptySlot, type Slot } from "../cdt.js";
import { handleFaultReply } from "../fault-messages.js";
import type { Cap, Endpoint, TCB } from "../objects/types.js";
import { CapRight } from "../objects/types.js";
import { possibleSwitchTo, rescheduleRequired, tcbSchedEnqueue } from "../scheduler.js";
import type { KernelState } from "../state.js";
import { setThreadState } from "../threads/state.js";
import { setSyscallResult } from "../threads/tcb.js";
import { removeFromQueue } from "./cancel.js";
import { completeSignal } from "./notification.js";
import { doIPCTransfer } from "./transfer.js";

export { cancelIPC } from "./cancel.js";

/** `setupCallerCap`: the sender waits for a reply; a reply cap lands in the receiver's caller slot. */
function setupCallerCap(k: KernelState, sender: TCB, receiver: TCB, canGrant: boolean): void {
  setThreadState(k, sender, "BlockedOnReply", { kind: "reply" });
  const master = sender.replySlot;
  const callerSlot = receiver.callerSlot;
  // A stale reply cap in the caller slot (only if a receive path skipped deleteCallerCap) goes first.
  if (callerSlot.cap.type !== "null") emptySlot(callerSlot);
  cteInsert({ type: "reply", tcb: sender, master: false, canGrant }, master, callerSlot);
}

/** `sendIPC`. */
export function sendIPC(
  k: KernelState,
  blocking: boolean,
  isCall: boolean,
  badge: bigint,
  canGrant: boolean,
  canGrantReply: boolean,
  sender: TCB,
  ep: Endpoint,
): void {
  if (ep.state !== "Recv") {
    if (!blocking) return;
    setThreadState(k, sender, "BlockedOnSend", {
      kind: "send",
      ep,
      badge,
      canGrant,
      canGrantReply,
      isCall,
    });
    ep.queue.push(sender);
    ep.state = "Send";
    return;
  }
  const dest = ep.queue.shift()!;
  if (ep.queue.length === 0) ep.state = "Idle";
  doIPCTransfer(k, sender, ep, badge, canGrant, dest);
  const replyCanGrant = dest.blocking?.kind === "recv" ? dest.blocking.canGrant : false;
  setThreadState(k, dest, "Running");
  possibleSwitchTo(k, dest);
  if (isCall) {
    if (canGrant || canGrantReply) setupCallerCap(k, sender, dest, replyCanGrant);
    else setThreadState(k, sender, "Inactive");
  }
}

/** `receiveIPC` (the caller already deleted its pending reply cap). */
export function receiveIPC(
  k: KernelState,
  receiver: TCB,
  epCap: Cap & { type: "endpoint" },
  blocking: boolean,
): void {
  const ep = epCap.obj;
  const bound = receiver.boundNotification;
  if (bound !== null && bound.state === "Active") {
    completeSignal(k, bound, receiver);
    return;
  }
  if (ep.state !== "Send") {
    if (blocking) {
      setThreadState(k, receiver, "BlockedOnReceive", {
        kind: "recv",
        ep,
        canGrant: (epCap.rights & CapRight.Grant) !== 0,
      });
      ep.queue.push(receiver);
      ep.state = "Recv";
    } else {
      // doNBRecvFailedTransfer: badge register := 0, nothing else written.
      receiver.context[k.params.capRegister] = 0n;
    }
    return;
  }
  const sender = ep.queue.shift()!;
  if (ep.queue.length === 0) ep.state = "Idle";
  const b = sender.blocking;
  if (b?.kind !== "send") return;
  doIPCTransfer(k, sender, ep, b.badge, b.canGrant, receiver);
  if (b.isCall) {
    if (b.canGrant || b.canGrantReply) {
      setupCallerCap(k, sender, receiver, (epCap.rights & CapRight.Grant) !== 0);
    } else {
      setThreadState(k, sender, "Inactive");
    }
  } else {
    setThreadState(k, sender, "Running");
    possibleSwitchTo(k, sender);
  }
}

/** Restarts (or, with a pending fault, stops) a thread cancelled out of an endpoint queue. */
function restartCancelled(k: KernelState, t: TCB): void {
  if (t.pendingFault === null) {
    setThreadState(k, t, "Restart");
    tcbSchedEnqueue(k, t);
  } else {
    setThreadState(k, t, "Inactive");
  }
}

/** `cancelAllIPC`: endpoint finalisation (§3.9). */
export function cancelAllIPC(k: KernelState, ep: Endpoint): void {
  if (ep.state === "Idle") return;
  const queue = ep.queue.splice(0);
  ep.state = "Idle";
  for (const t of queue) restartCancelled(k, t);
  rescheduleRequired(k);
}

/** `cancelBadgedSends`. */
export function cancelBadgedSends(k: KernelState, ep: Endpoint, badge: bigint): void {
  if (ep.state !== "Send") return;
  for (const t of [...ep.queue]) {
    const b = t.blocking;
    if (b?.kind === "send" && b.badge === badge) {
      removeFromQueue(ep.queue, t);
      restartCancelled(k, t);
    }
  }
  if (ep.queue.length === 0) ep.state = "Idle";
  rescheduleRequired(k);
}

/** `doReplyTransfer` (§5.3, §6.10). */
export function doReplyTransfer(
  k: KernelState,
  sender: TCB,
  receiver: TCB,
  slot: Slot,
  grant: boolean,
): void {
  if (receiver.state !== "BlockedOnReply") {
    emptySlot(slot);
    return;
  }
  if (receiver.pendingFault === null) {
    doIPCTransfer(k, sender, null, 0n, grant, receiver);
    emptySlot(slot);
    setThreadState(k, receiver, "Running");
    possibleSwitchTo(k, receiver);
    return;
  }
  emptySlot(slot);
  const restart = handleFaultReply(k, receiver, sender);
  receiver.pendingFault = null;
  if (restart) {
    setThreadState(k, receiver, "Restart");
    possibleSwitchTo(k, receiver);
  } else {
    setThreadState(k, receiver, "Inactive");
  }
}

/** `handleReply`: reply through the caller slot; nothing if it is empty. */
export function handleReply(k: KernelState, t: TCB): void {
  const slot = t.callerSlot;
  const cap = slot.cap;
  if (cap.type === "reply" && !cap.master) doReplyTransfer(k, t, cap.tcb, slot, cap.canGrant);
}

/** `deleteCallerCap`: a reply cap has no object, so deleting it only unlinks it. */
export function deleteCallerCap(_k: KernelState, t: TCB): void {
  if (t.callerSlot.cap.type !== "null") emptySlot(t.callerSlot);
}

/** Sets the empty-success result (label 0, length 0) of a returning invocation. */
export function replyEmpty(k: KernelState, t: TCB): void {
  setSyscallResult(k, t, 0n, 0n);
}
