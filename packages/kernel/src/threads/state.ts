/** Thread state changes that the scheduler must hear about (`setThreadState`, `scheduleTCB`). */
import type { Blocking, TCB, ThreadState } from "../objects/types.js";
import { isRunnable, rescheduleRequired } from "../scheduler.js";
import type { KernelState } from "../state.js";

/** Sets a thread's state; if the current thread stops running, a new choice is required. */
export function setThreadState(
  k: KernelState,
  t: TCB,
  state: ThreadState,
  blocking: Blocking | null = null,
): void {
  t.state = state;
  t.blocking = blocking;
  if (t === k.current && k.schedulerAction === "resume" && !isRunnable(t)) rescheduleRequired(k);
}
