/** TCB invocations (§6.2, §6.3). */
import { GenericLabel, seL4_MaxPrio, X86Label } from "../abi.js";
import { cteInsert, type Slot } from "../cdt.js";
import { deriveCap, updateCapData } from "../cspace/derive.js";
import { lookupSlot } from "../cspace/resolve.js";
import { cteDelete, suspend } from "../delete.js";
import { fail } from "../errors.js";
import { arg, type Invocation, type InvocationReply } from "../invocation.js";
import { cancelIPC } from "../ipc/endpoint.js";
import { bindNotification, unbindNotification } from "../ipc/notification.js";
import type { Cap, TCB } from "../objects/types.js";
import { CapRight } from "../objects/types.js";
import {
  isRunnable,
  isStopped,
  possibleSwitchTo,
  rescheduleRequired,
  tcbSchedDequeue,
  tcbSchedEnqueue,
} from "../scheduler.js";
import type { KernelState } from "../state.js";
import { setThreadState } from "./state.js";
import { sanitiseRegister } from "./tcb.js";

/** `restart` (Resume): only a stopped thread is restarted. */
export function restart(k: KernelState, t: TCB): void {
  if (!isStopped(t)) return;
  cancelIPC(k, t);
  setThreadState(k, t, "Restart");
  tcbSchedEnqueue(k, t);
  possibleSwitchTo(k, t);
}

function isValidVSpaceRoot(k: KernelState, cap: Cap): boolean {
  if (cap.type !== "paging" || cap.asid === null) return false;
  return k.arch === "aarch64" ? cap.obj.kind === "arm_vspace" : cap.obj.kind === "x86_pml4";
}

function checkBuffer(k: KernelState, slot: Slot, buffer: bigint): Cap {
  const cap = deriveCap(k, slot, slot.cap);
  if (cap.type !== "frame") throw fail.illegalOperation();
  if (cap.obj.isDevice) throw fail.illegalOperation();
  if ((buffer & 1023n) !== 0n) throw fail.alignmentError();
  return cap;
}

/** Replaces a TCB slot's cap with a copy derived from `src` (delete old, insert new). */
function installSlot(k: KernelState, target: Slot, newCap: Cap, src: Slot): void {
  cteDelete(k, target);
  // Skip if the deletes removed the source (a corner case seL4 also skips).
  if (src.cap.type === "null") return;
  if (target.cap.type === "null") cteInsert(newCap, src, target);
}

interface SpaceArgs {
  faultEP: bigint;
  cspace: { cap: Cap; slot: Slot };
  vspace: { cap: Cap; slot: Slot };
}

function decodeSpace(
  inv: Invocation,
  cspaceSlot: Slot,
  cspaceData: bigint,
  vspaceSlot: Slot,
  vspaceData: bigint,
  faultEP: bigint,
): SpaceArgs {
  const { k } = inv;
  let cspaceCap = cspaceSlot.cap;
  if (cspaceData !== 0n) cspaceCap = updateCapData(false, cspaceData, cspaceCap);
  cspaceCap = deriveCap(k, cspaceSlot, cspaceCap);
  if (cspaceCap.type !== "cnode") throw fail.illegalOperation();
  let vspaceCap = vspaceSlot.cap;
  if (vspaceData !== 0n) vspaceCap = updateCapData(false, vspaceData, vspaceCap);
  vspaceCap = deriveCap(k, vspaceSlot, vspaceCap);
  if (!isValidVSpaceRoot(k, vspaceCap)) throw fail.illegalOperation();
  return {
    faultEP,
    cspace: { cap: cspaceCap, slot: cspaceSlot },
    vspace: { cap: vspaceCap, slot: vspaceSlot },
  };
}

function performSpace(k: KernelState, t: TCB, s: SpaceArgs): void {
  t.faultHandler = s.faultEP;
  installSlot(k, t.ctable, s.cspace.cap, s.cspace.slot);
  installSlot(k, t.vtable, s.vspace.cap, s.vspace.slot);
}

function performBuffer(
  k: KernelState,
  t: TCB,
  buffer: bigint,
  frame: { cap: Cap; slot: Slot } | null,
): void {
  cteDelete(k, t.bufferSlot);
  t.ipcBufferAddr = buffer;
  if (frame !== null) installSlot(k, t.bufferSlot, frame.cap, frame.slot);
}

function checkPrio(authority: TCB, prio: bigint): number {
  if (prio > BigInt(authority.mcp)) throw fail.rangeError(0, authority.mcp);
  return Number(prio);
}

function setPriority(k: KernelState, t: TCB, prio: number): void {
  tcbSchedDequeue(k, t);
  t.priority = prio;
  if (isRunnable(t)) {
    if (t === k.current) rescheduleRequired(k);
    else {
      tcbSchedEnqueue(k, t);
      possibleSwitchTo(k, t);
    }
  }
}

function authorityTCB(inv: Invocation): TCB {
  const cap = inv.extraCaps[0]!.cap;
  if (cap.type !== "thread") throw fail.invalidCapability(1);
  return cap.obj;
}

/** `decodeTCBInvocation`. */
export function decodeTCBInvocation(inv: Invocation): InvocationReply {
  const { k } = inv;
  if (inv.cap.type !== "thread") throw fail.illegalOperation();
  const t = inv.cap.obj;
  const nRegs = k.params.userContextWords;
  switch (inv.label) {
    case GenericLabel.TCBReadRegisters: {
      if (inv.length < 2) throw fail.truncatedMessage();
      const flags = arg(inv, 0);
      const count = arg(inv, 1);
      if (count < 1n || count > BigInt(nRegs)) throw fail.rangeError(1, nRegs);
      if (t === inv.caller) throw fail.illegalOperation();
      if ((flags & 1n) !== 0n) suspend(k, t);
      return t.context.slice(0, Number(count));
    }
    case GenericLabel.TCBWriteRegisters: {
      if (inv.length < 2) throw fail.truncatedMessage();
      const flags = arg(inv, 0);
      const countWord = arg(inv, 1);
      if (BigInt(inv.length - 2) < countWord) throw fail.truncatedMessage();
      if (t === inv.caller) throw fail.illegalOperation();
      const count = Math.min(Number(countWord), nRegs);
      for (let i = 0; i < count; i++) t.context[i] = sanitiseRegister(k, t, i, arg(inv, i + 2));
      if ((flags & 1n) !== 0n) restart(k, t);
      return undefined;
    }
    case GenericLabel.TCBCopyRegisters: {
      if (inv.length < 1 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const flags = arg(inv, 0);
      const srcCap = inv.extraCaps[0]!.cap;
      if (srcCap.type !== "thread") throw fail.invalidCapability(1);
      const src = srcCap.obj;
      if ((flags & 1n) !== 0n) suspend(k, src);
      if ((flags & 2n) !== 0n) restart(k, t);
      const frame = k.params.frameRegisters;
      if ((flags & 4n) !== 0n) for (let i = 0; i < frame; i++) t.context[i] = src.context[i]!;
      if ((flags & 8n) !== 0n) for (let i = frame; i < nRegs; i++) t.context[i] = src.context[i]!;
      return undefined;
    }
    case GenericLabel.TCBConfigure: {
      if (inv.length < 4 || inv.extraCaps.length < 3) throw fail.truncatedMessage();
      const faultEP = arg(inv, 0);
      const buffer = arg(inv, 3);
      const bufferSlot = inv.extraCaps[2]!;
      let frame: { cap: Cap; slot: Slot } | null = null;
      if (buffer !== 0n) frame = { cap: checkBuffer(k, bufferSlot, buffer), slot: bufferSlot };
      const space = decodeSpace(
        inv,
        inv.extraCaps[0]!,
        arg(inv, 1),
        inv.extraCaps[1]!,
        arg(inv, 2),
        faultEP,
      );
      performSpace(k, t, space);
      performBuffer(k, t, buffer, frame);
      return undefined;
    }
    case GenericLabel.TCBSetSpace: {
      if (inv.length < 3 || inv.extraCaps.length < 2) throw fail.truncatedMessage();
      const space = decodeSpace(
        inv,
        inv.extraCaps[0]!,
        arg(inv, 1),
        inv.extraCaps[1]!,
        arg(inv, 2),
        arg(inv, 0),
      );
      performSpace(k, t, space);
      return undefined;
    }
    case GenericLabel.TCBSetIPCBuffer: {
      if (inv.length < 1 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const buffer = arg(inv, 0);
      const slot = inv.extraCaps[0]!;
      const frame = buffer !== 0n ? { cap: checkBuffer(k, slot, buffer), slot } : null;
      performBuffer(k, t, buffer, frame);
      return undefined;
    }
    case GenericLabel.TCBSetPriority: {
      if (inv.length < 1 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const prio = checkPrio(authorityTCB(inv), arg(inv, 0));
      setPriority(k, t, prio);
      return undefined;
    }
    case GenericLabel.TCBSetMCPriority: {
      if (inv.length < 1 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      t.mcp = checkPrio(authorityTCB(inv), arg(inv, 0));
      return undefined;
    }
    case GenericLabel.TCBSetSchedParams: {
      if (inv.length < 2 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
      const authority = authorityTCB(inv);
      const mcp = checkPrio(authority, arg(inv, 0));
      const prio = checkPrio(authority, arg(inv, 1));
      t.mcp = mcp;
      setPriority(k, t, prio);
      return undefined;
    }
    case GenericLabel.TCBSuspend:
      suspend(k, t);
      return undefined;
    case GenericLabel.TCBResume:
      restart(k, t);
      return undefined;
    case GenericLabel.TCBBindNotification: {
      if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
      if (t.boundNotification !== null) throw fail.illegalOperation();
      const cap = inv.extraCaps[0]!.cap;
      if (cap.type !== "notification") throw fail.illegalOperation();
      if ((cap.rights & CapRight.Read) === 0) throw fail.illegalOperation();
      const n = cap.obj;
      if (n.queue.length > 0 || n.boundTCB !== null) throw fail.illegalOperation();
      bindNotification(t, n);
      return undefined;
    }
    case GenericLabel.TCBUnbindNotification:
      if (t.boundNotification === null) throw fail.illegalOperation();
      unbindNotification(t);
      return undefined;
    case GenericLabel.TCBSetTLSBase:
      if (inv.length < 1) throw fail.truncatedMessage();
      t.context[k.params.tlsRegister] = sanitiseRegister(k, t, k.params.tlsRegister, arg(inv, 0));
      return undefined;
    case GenericLabel.TCBSetFlags: {
      if (inv.length < 2) throw fail.truncatedMessage();
      t.flags = (t.flags & ~arg(inv, 0)) | (arg(inv, 1) & 1n);
      return [t.flags];
    }
    default:
      if (k.arch === "x86_64" && inv.label === X86Label.TCBSetEPTRoot) return setEPTRoot(inv, t);
      throw fail.illegalOperation();
  }
}

function setEPTRoot(inv: Invocation, t: TCB): InvocationReply {
  if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
  const slot = inv.extraCaps[0]!;
  const cap = slot.cap;
  if (cap.type !== "paging" || cap.obj.kind !== "ept_pml4") throw fail.illegalOperation();
  const derived = deriveCap(inv.k, slot, cap);
  if (derived.type !== "paging" || derived.asid === null) throw fail.illegalOperation();
  installSlot(inv.k, t.eptRootSlot, derived, slot);
  return undefined;
}

/** Domain invocations: one domain (§6.6). */
export function decodeDomainInvocation(inv: Invocation): InvocationReply {
  if (inv.label !== GenericLabel.DomainSetSet) throw fail.illegalOperation();
  if (inv.length < 1) throw fail.truncatedMessage();
  if (arg(inv, 0) >= 1n) throw fail.invalidArgument(0);
  if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
  if (inv.extraCaps[0]!.cap.type !== "thread") throw fail.invalidArgument(1);
  return undefined;
}

/** Exposed for the syscall layer: the priority range check constant. */
export const MAX_PRIO = seL4_MaxPrio;

/** Looks a CPtr up in a thread's CSpace (helper for kernel-internal lookups). */
export function lookupThreadCap(t: TCB, cptr: bigint): Cap | null {
  const r = lookupSlot(t.ctable.cap, cptr);
  return r.ok ? r.slot.cap : null;
}
