/** Fault delivery to fault endpoints (§6.7): the faulting thread "calls" its handler. */
import { lookupSlot } from "./cspace/resolve.js";
import { sendIPC } from "./ipc/endpoint.js";
import type { Fault, TCB } from "./objects/types.js";
import { CapRight } from "./objects/types.js";
import type { KernelState } from "./state.js";
import { setThreadState } from "./threads/state.js";

export { faultMessage, handleFaultReply, syscallInstructionSize } from "./fault-messages.js";

/**
 * `handleFault` / `sendFaultIPC`: the faulting thread "calls" the endpoint named by its fault
 * handler CPtr, looked up in its own CSpace now. A missing or unsuitable handler is a double
 * fault: the thread becomes Inactive.
 */
export function handleFault(k: KernelState, t: TCB, fault: Fault): void {
  const r = lookupSlot(t.ctable.cap, t.faultHandler);
  const cap = r.ok ? r.slot.cap : null;
  if (
    cap === null ||
    cap.type !== "endpoint" ||
    (cap.rights & CapRight.Write) === 0 ||
    (cap.rights & (CapRight.Grant | CapRight.GrantReply)) === 0
  ) {
    setThreadState(k, t, "Inactive");
    return;
  }
  t.pendingFault = fault;
  sendIPC(k, true, true, cap.badge, (cap.rights & CapRight.Grant) !== 0, true, t, cap.obj);
}
