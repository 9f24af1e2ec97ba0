/** Deletion, finalisation and revocation (§3.8 Delete/Revoke, §3.9). */
import { emptySlot, isFinalCapability, isMDBParentOf, type Slot } from "./cdt.js";
import { syscallInstructionSize } from "./fault-messages.js";
import { revokeIOPortGrant } from "./ioport-grant.js";
import { cancelAllIPC, cancelIPC } from "./ipc/endpoint.js";
import { cancelAllSignals, unbindNotification } from "./ipc/notification.js";
import type { Cap, KernelObject, TCB } from "./objects/types.js";
import { tcbSchedDequeue } from "./scheduler.js";
import type { KernelState } from "./state.js";
import { setThreadState } from "./threads/state.js";
import {
  clearTable,
  deleteASID,
  deleteASIDPool,
  detachTable,
  isRootKind,
  unmapFrameCap,
} from "./vspace/common.js";

function kill(k: KernelState, obj: KernelObject): boolean {
  if (!obj.live) return false;
  obj.live = false;
  k.live.delete(obj);
  return true;
}

/** `suspend` (§6.2). */
export function suspend(k: KernelState, t: TCB): void {
  cancelIPC(k, t);
  // A thread whose syscall completed but has not returned continues after it when resumed.
  if (t.state === "Running" && t.program?.pending && t !== k.executing) {
    t.context[k.params.pcRegister] = t.context[k.params.pcRegister]! + syscallInstructionSize(k);
  }
  if (t.state === "Running" && t.executorSyscall) {
    t.context[k.params.pcRegister] = t.context[k.params.pcRegister]! + syscallInstructionSize(k);
    t.executorSyscall = false;
  }
  setThreadState(k, t, "Inactive");
  tcbSchedDequeue(k, t);
}

/** Dissociates a VCPU from its TCB (both directions). */
export function dissociateVCPU(t: TCB | null): void {
  if (t === null || t.vcpu === null) return;
  // seL4 re-sanitises a former ARM vCPU thread's SPSR as a native thread's: EL0t, DAIF = 0b0101.
  if (t.vcpu.arch === "aarch64") t.context[2] = (t.context[2]! & 0xf000_0000n) | 0x140n;
  t.vcpu.tcb = null;
  t.vcpu = null;
}

/** `finaliseCap`: what removing a cap does to its object (`final`: it was the last cap). */
function finaliseCap(k: KernelState, cap: Cap, final: boolean): void {
  switch (cap.type) {
    case "endpoint":
      if (final && kill(k, cap.obj)) cancelAllIPC(k, cap.obj);
      return;
    case "notification":
      if (final && kill(k, cap.obj)) {
        const t = cap.obj.boundTCB;
        if (t !== null) unbindNotification(t);
        cancelAllSignals(k, cap.obj);
      }
      return;
    case "cnode":
      if (final && kill(k, cap.obj)) {
        for (const slot of [...cap.obj.slots.values()]) cteDelete(k, slot);
      }
      return;
    case "thread":
      if (final && kill(k, cap.obj)) {
        const t = cap.obj;
        unbindNotification(t);
        suspend(k, t);
        dissociateVCPU(t);
        t.program = null;
        for (const slot of [
          t.ctable,
          t.vtable,
          t.callerSlot,
          t.bufferSlot,
          t.eptRootSlot,
          t.replySlot,
        ]) {
          cteDelete(k, slot);
        }
      }
      return;
    case "irq_handler":
      if (final) {
        k.irqState[cap.irq] = "inactive";
        k.irqMasked.delete(cap.irq);
        k.irqPending.delete(cap.irq);
        const copy = k.irqNotification.get(cap.irq);
        k.irqNotification.delete(cap.irq);
        if (copy) cteDelete(k, copy);
      }
      return;
    case "frame":
      // Every frame cap owns its own mapping, final or not.
      unmapFrameCap(k, cap);
      if (final) kill(k, cap.obj);
      return;
    case "paging":
      if (final && kill(k, cap.obj)) {
        if (isRootKind(cap.obj.kind)) deleteASID(k, cap.obj);
        else detachTable(cap.obj);
        // Children keep no link into a dead table.
        clearTable(cap.obj);
      }
      return;
    case "asid_pool":
      if (final && kill(k, cap.obj)) deleteASIDPool(k, cap.obj);
      return;
    case "vcpu":
      if (final && kill(k, cap.obj)) dissociateVCPU(cap.obj.tcb);
      return;
    case "io_port":
      // The grant made through this cap goes with it, final or not; the range is freed when final.
      revokeIOPortGrant(cap);
      if (final) for (let p = cap.first; p <= cap.last; p++) k.ioPortIssued[p] = 0;
      return;
    default:
      return;
  }
}

/**
 * `cteDelete`: empties the slot and finalises the cap. The slot is unlinked before the object is
 * finalised, so cycles of CNodes and TCBs terminate (a CNode whose last cap lives inside itself
 * simply stays, unreachable, as in seL4).
 */
export function cteDelete(k: KernelState, slot: Slot): void {
  const cap = slot.cap;
  if (cap.type === "null") return;
  const final = isFinalCapability(slot);
  emptySlot(slot);
  finaliseCap(k, cap, final);
}

/** `cteDeleteOne`: deletion of caps that need no recursion (reply caps, IRQ notification copies). */
export function cteDeleteOne(k: KernelState, slot: Slot): void {
  cteDelete(k, slot);
}

/** `cteRevoke`: deletes every CDT descendant of the slot; the cap itself stays. */
export function cteRevoke(k: KernelState, slot: Slot): void {
  for (;;) {
    const next = slot.next;
    if (next === null || slot.cap.type === "null" || !isMDBParentOf(slot, next)) return;
    cteDelete(k, next);
  }
}
