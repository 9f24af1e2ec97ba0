/** Notifications: Signal, Wait/Poll, binding (§5.7). */
import type { Notification, TCB } from "../objects/types.js";
import { possibleSwitchTo, rescheduleRequired, tcbSchedEnqueue } from "../scheduler.js";
import type { KernelState } from "../state.js";
import { setThreadState } from "../threads/state.js";
import { vmNotificationExit } from "../vmenter.js";
import { cancelIPC } from "./cancel.js";

function setBadgeRegister(k: KernelState, t: TCB, badge: bigint): void {
  t.context[k.params.capRegister] = badge;
}

/** `sendSignal`. */
export function sendSignal(k: KernelState, ntfn: Notification, badge: bigint): void {
  switch (ntfn.state) {
    case "Idle": {
      const t = ntfn.boundTCB;
      if (t !== null && t.state === "BlockedOnReceive") {
        cancelIPC(k, t);
        setThreadState(k, t, "Running");
        setBadgeRegister(k, t, badge);
        possibleSwitchTo(k, t);
      } else if (t !== null && t.state === "RunningVM") {
        vmNotificationExit(k, t, badge);
      } else {
        ntfn.state = "Active";
        ntfn.word = badge;
      }
      return;
    }
    case "Waiting": {
      const t = ntfn.queue.shift()!;
      if (ntfn.queue.length === 0) ntfn.state = "Idle";
      setThreadState(k, t, "Running");
      setBadgeRegister(k, t, badge);
      possibleSwitchTo(k, t);
      return;
    }
    case "Active":
      ntfn.word |= badge;
      return;
  }
}

/** `receiveSignal` (Wait / Poll). */
export function receiveSignal(k: KernelState, t: TCB, ntfn: Notification, blocking: boolean): void {
  if (ntfn.state === "Active") {
    setBadgeRegister(k, t, ntfn.word);
    ntfn.state = "Idle";
    ntfn.word = 0n;
    return;
  }
  if (!blocking) {
    setBadgeRegister(k, t, 0n);
    return;
  }
  setThreadState(k, t, "BlockedOnNotification", { kind: "notification", ntfn });
  ntfn.queue.push(t);
  ntfn.state = "Waiting";
}

/** `completeSignal`: a bound thread's endpoint receive takes the notification word instead. */
export function completeSignal(k: KernelState, ntfn: Notification, t: TCB): void {
  if (ntfn.state !== "Active") return;
  setBadgeRegister(k, t, ntfn.word);
  ntfn.state = "Idle";
  ntfn.word = 0n;
}

/** `cancelAllSignals`: notification finalisation. */
export function cancelAllSignals(k: KernelState, ntfn: Notification): void {
  if (ntfn.state !== "Waiting") return;
  const queue = ntfn.queue.splice(0);
  ntfn.state = "Idle";
  for (const t of queue) {
    setThreadState(k, t, "Restart");
    tcbSchedEnqueue(k, t);
  }
  rescheduleRequired(k);
}

/** Binds a notification to a TCB (checks done by the decoder). */
export function bindNotification(t: TCB, ntfn: Notification): void {
  t.boundNotification = ntfn;
  ntfn.boundTCB = t;
}

/** Unbinds a TCB's notification, if any. */
export function unbindNotification(t: TCB): void {
  const n = t.boundNotification;
  if (n !== null) n.boundTCB = null;
  t.boundNotification = null;
}
