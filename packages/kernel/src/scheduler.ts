/** The non-MCS scheduler (§5.9, §6.5): ready queues per priority, candidate and choose logic. */
import { TIME_SLICE } from "./abi.js";
import type { TCB } from "./objects/types.js";
import type { KernelState } from "./state.js";

/** Runnable states (`isRunnable`). */
export function isRunnable(t: TCB): boolean {
  return t.state === "Running" || t.state === "Restart" || t.state === "RunningVM";
}

/** `isStopped`: Inactive or any Blocked state. */
export function isStopped(t: TCB): boolean {
  return !isRunnable(t);
}

/** `tcbSchedEnqueue`: prepend to its priority queue (no-op if queued). */
export function tcbSchedEnqueue(k: KernelState, t: TCB): void {
  if (t.inReadyQueue) return;
  k.readyQueues[t.priority]!.unshift(t);
  t.inReadyQueue = true;
}

/** `tcbSchedAppend`: append to its priority queue (no-op if queued). */
export function tcbSchedAppend(k: KernelState, t: TCB): void {
  if (t.inReadyQueue) return;
  k.readyQueues[t.priority]!.push(t);
  t.inReadyQueue = true;
}

/** `tcbSchedDequeue`. */
export function tcbSchedDequeue(k: KernelState, t: TCB): void {
  if (!t.inReadyQueue) return;
  const q = k.readyQueues[t.priority]!;
  const i = q.indexOf(t);
  if (i >= 0) q.splice(i, 1);
  t.inReadyQueue = false;
}

function highestPrio(k: KernelState): number {
  for (let p = 255; p >= 0; p--) if (k.readyQueues[p]!.length > 0) return p;
  return -1;
}

/** `rescheduleRequired`. */
export function rescheduleRequired(k: KernelState): void {
  const a = k.schedulerAction;
  if (a !== "resume" && a !== "choose") tcbSchedEnqueue(k, a);
  k.schedulerAction = "choose";
}

/** `possibleSwitchTo`. */
export function possibleSwitchTo(k: KernelState, target: TCB): void {
  if (k.schedulerAction !== "resume") {
    rescheduleRequired(k);
    tcbSchedEnqueue(k, target);
  } else {
    k.schedulerAction = target;
  }
}

function switchToThread(k: KernelState, t: TCB): void {
  tcbSchedDequeue(k, t);
  k.current = t;
}

function chooseThread(k: KernelState): void {
  const p = highestPrio(k);
  if (p < 0) k.current = null;
  else switchToThread(k, k.readyQueues[p]![0]!);
}

/** `schedule()`: applies the pending scheduler action. */
export function schedule(k: KernelState): void {
  const action = k.schedulerAction;
  if (action !== "resume") {
    const cur = k.current;
    const wasRunnable = cur?.live && isRunnable(cur);
    if (wasRunnable) tcbSchedEnqueue(k, cur);
    if (action === "choose") {
      chooseThread(k);
    } else {
      const candidate = action;
      const fastfail = cur === null || candidate.priority < cur.priority;
      const top = highestPrio(k);
      if (fastfail && !(top < 0 || candidate.priority >= top)) {
        tcbSchedEnqueue(k, candidate);
        chooseThread(k);
      } else if (wasRunnable && cur !== null && candidate.priority === cur.priority) {
        tcbSchedAppend(k, candidate);
        chooseThread(k);
      } else {
        switchToThread(k, candidate);
      }
    }
  } else if (k.current !== null && (!k.current.live || !isRunnable(k.current))) {
    // The current thread stopped without anyone asking for a new choice: choose now.
    chooseThread(k);
  }
  k.schedulerAction = "resume";
}

/** Yield: dequeue, append, choose (§5.1). */
export function yieldThread(k: KernelState, t: TCB): void {
  tcbSchedDequeue(k, t);
  tcbSchedAppend(k, t);
  rescheduleRequired(k);
}

/** A timer tick for the current thread: round robin at time-slice expiry (§6.5). */
export function timerTick(k: KernelState): void {
  k.ticks++;
  const cur = k.current;
  if (cur === null || !isRunnable(cur)) return;
  cur.timeSlice--;
  if (cur.timeSlice > 0) return;
  cur.timeSlice = TIME_SLICE;
  tcbSchedAppend(k, cur);
  rescheduleRequired(k);
}
