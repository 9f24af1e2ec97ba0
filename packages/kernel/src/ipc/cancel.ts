/** `cancelIPC` (§5.6): taking a thread out of whatever IPC it is blocked in. */
import { emptySlot, isMDBParentOf } from "../cdt.js";
import type { TCB } from "../objects/types.js";
import type { KernelState } from "../state.js";
import { setThreadState } from "../threads/state.js";

/** Removes a thread from an endpoint or notification queue. */
export function removeFromQueue(queue: TCB[], t: TCB): void {
  const i = queue.indexOf(t);
  if (i >= 0) queue.splice(i, 1);
}

/** Deletes the reply cap that names `t` (the CDT child of its reply master), if any. */
function deleteReplyCapTo(_k: KernelState, t: TCB): void {
  const master = t.replySlot;
  const child = master.next;
  if (child !== null && isMDBParentOf(master, child)) emptySlot(child);
}

/** `cancelIPC` (§5.6). */
export function cancelIPC(k: KernelState, t: TCB): void {
  const b = t.blocking;
  switch (t.state) {
    case "BlockedOnSend":
    case "BlockedOnReceive":
      if (b && (b.kind === "send" || b.kind === "recv")) {
        removeFromQueue(b.ep.queue, t);
        if (b.ep.queue.length === 0) b.ep.state = "Idle";
      }
      setThreadState(k, t, "Inactive");
      return;
    case "BlockedOnNotification":
      if (b?.kind === "notification") {
        removeFromQueue(b.ntfn.queue, t);
        if (b.ntfn.queue.length === 0) b.ntfn.state = "Idle";
      }
      setThreadState(k, t, "Inactive");
      return;
    case "BlockedOnReply":
      t.pendingFault = null;
      deleteReplyCapTo(k, t);
      return;
    default:
      return;
  }
}
