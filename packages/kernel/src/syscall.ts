/** The system-call layer: dispatch, invocations, receive, reply, yield (§5.1). */
import { decodeMessageInfo, messageInfo, Syscall } from "./abi.js";
import type { Slot } from "./cdt.js";
import { decodeCNodeInvocation } from "./cspace/cnode.js";
import { lookupSlot } from "./cspace/resolve.js";
import { fail, InvocationError } from "./errors.js";
import { handleFault } from "./faults.js";
import type { Invocation, InvocationReply } from "./invocation.js";
import {
  deleteCallerCap,
  doReplyTransfer,
  handleReply,
  receiveIPC,
  sendIPC,
} from "./ipc/endpoint.js";
import { receiveSignal, sendSignal } from "./ipc/notification.js";
import { lookupExtraCaps } from "./ipc/transfer.js";
import { decodeIRQControlInvocation, decodeIRQHandlerInvocation } from "./irq.js";
import type { Cap, TCB } from "./objects/types.js";
import { CapRight } from "./objects/types.js";
import { yieldThread } from "./scheduler.js";
import type { KernelState } from "./state.js";
import { decodeDomainInvocation, decodeTCBInvocation } from "./threads/invocations.js";
import { setThreadState } from "./threads/state.js";
import { ipcBufferPaddr, setMR, setSyscallResult } from "./threads/tcb.js";
import { decodeUntypedInvocation } from "./untyped.js";
import {
  decodeARMVCPUInvocation,
  decodeIOPortControlInvocation,
  decodeIOPortInvocation,
  decodeX86VCPUInvocation,
} from "./vcpu.js";
import { vmEnter } from "./vmenter.js";
import { decodeARMMMUInvocation } from "./vspace/aarch64.js";
import { decodeX86MMUInvocation } from "./vspace/x86_64.js";

/** Cap type tag as `seL4_DebugCapIdentify` reports it (§2.5). */
export function capTypeTag(k: KernelState, cap: Cap): number {
  const x86 = k.arch === "x86_64";
  switch (cap.type) {
    case "null":
      return 0;
    case "untyped":
      return 2;
    case "endpoint":
      return 4;
    case "notification":
      return 6;
    case "reply":
      return 8;
    case "cnode":
      return 10;
    case "thread":
      return 12;
    case "irq_control":
      return 14;
    case "irq_handler":
      return 16;
    case "domain":
      return 20;
    case "frame":
      return 1;
    case "asid_control":
      return 11;
    case "asid_pool":
      return 13;
    case "vcpu":
      return x86 ? 21 : 15;
    case "io_port":
      return 19;
    case "io_port_control":
      return 31;
    case "paging": {
      const tags: Record<string, number> = {
        arm_pt: 3,
        arm_vspace: 9,
        x86_pt: 3,
        x86_pd: 5,
        x86_pdpt: 7,
        x86_pml4: 9,
        ept_pt: 23,
        ept_pd: 25,
        ept_pdpt: 27,
        ept_pml4: 29,
      };
      return tags[cap.obj.kind] ?? 0;
    }
  }
}

function decodeInvocation(inv: Invocation): InvocationReply {
  const { k, caller, cap } = inv;
  switch (cap.type) {
    case "null":
      throw fail.invalidCapability(0);
    case "endpoint":
      if ((cap.rights & CapRight.Write) === 0) throw fail.invalidCapability(0);
      sendIPC(
        k,
        inv.isBlocking,
        inv.isCall,
        cap.badge,
        (cap.rights & CapRight.Grant) !== 0,
        (cap.rights & CapRight.GrantReply) !== 0,
        caller,
        cap.obj,
      );
      return undefined;
    case "notification":
      if ((cap.rights & CapRight.Write) === 0) throw fail.invalidCapability(0);
      sendSignal(k, cap.obj, cap.badge);
      return undefined;
    case "reply":
      if (cap.master) throw fail.invalidCapability(0);
      doReplyTransfer(k, caller, cap.tcb, inv.slot, cap.canGrant);
      return undefined;
    case "thread":
      return decodeTCBInvocation(inv);
    case "cnode":
      return decodeCNodeInvocation(inv);
    case "untyped":
      return decodeUntypedInvocation(inv);
    case "irq_control":
      return decodeIRQControlInvocation(inv);
    case "irq_handler":
      return decodeIRQHandlerInvocation(inv);
    case "domain":
      return decodeDomainInvocation(inv);
    case "vcpu":
      return k.arch === "aarch64" ? decodeARMVCPUInvocation(inv) : decodeX86VCPUInvocation(inv);
    case "io_port_control":
      return decodeIOPortControlInvocation(inv);
    case "io_port":
      return decodeIOPortInvocation(inv);
    default:
      return k.arch === "aarch64" ? decodeARMMMUInvocation(inv) : decodeX86MMUInvocation(inv);
  }
}

function replyWords(k: KernelState, t: TCB, label: number, words: readonly bigint[]): void {
  const buffer = ipcBufferPaddr(t, true);
  let length = 0;
  for (const [i, w] of words.entries()) {
    if (i >= 4 && buffer === null) break;
    setMR(k, t, buffer, i, w);
    length = i + 1;
  }
  setSyscallResult(k, t, 0n, messageInfo(label, 0, 0, length));
}

/** `handleInvocation(isCall, isBlocking)`. */
function handleInvocation(k: KernelState, t: TCB, isCall: boolean, isBlocking: boolean): void {
  const info = decodeMessageInfo(t.context[k.params.infoRegister]!);
  const cptr = t.context[k.params.capRegister]!;
  const r = lookupSlot(t.ctable.cap, cptr);
  if (!r.ok) {
    if (isBlocking)
      handleFault(k, t, {
        type: "CapFault",
        address: cptr,
        inReceivePhase: false,
        lookup: r.failure,
      });
    return;
  }
  const buffer = ipcBufferPaddr(t, false);
  const extra = lookupExtraCaps(k, t, buffer, info.extraCaps);
  if (!extra.ok) {
    if (isBlocking) {
      handleFault(k, t, {
        type: "CapFault",
        address: extra.cptr,
        inReceivePhase: false,
        lookup: extra.failure,
      });
    }
    return;
  }
  const length = info.length > 4 && buffer === null ? 4 : info.length;
  const inv: Invocation = {
    k,
    caller: t,
    label: info.label > 0xffff ? -1 : info.label,
    length,
    buffer,
    slot: r.slot,
    cap: r.slot.cap,
    extraCaps: extra.slots as Slot[],
    isCall,
    isBlocking,
  };
  setThreadState(k, t, "Restart");
  let reply: InvocationReply;
  try {
    reply = decodeInvocation(inv);
  } catch (e) {
    if (!(e instanceof InvocationError)) throw e;
    setThreadState(k, t, "Running");
    if (isCall) replyWords(k, t, e.code, e.words);
    return;
  }
  if (t.state === "Restart") {
    if (isCall) replyWords(k, t, 0, reply ?? []);
    setThreadState(k, t, "Running");
  }
}

function recvFault(k: KernelState, t: TCB, cptr: bigint): void {
  handleFault(k, t, {
    type: "CapFault",
    address: cptr,
    inReceivePhase: true,
    lookup: { type: "MissingCapability", bitsLeft: 0 },
  });
}

/** `handleRecv(isBlocking)`. */
function handleRecv(k: KernelState, t: TCB, blocking: boolean): void {
  const cptr = t.context[k.params.capRegister]!;
  const r = lookupSlot(t.ctable.cap, cptr);
  if (!r.ok) {
    handleFault(k, t, { type: "CapFault", address: cptr, inReceivePhase: true, lookup: r.failure });
    return;
  }
  const cap = r.slot.cap;
  if (cap.type === "endpoint") {
    if ((cap.rights & CapRight.Read) === 0) {
      recvFault(k, t, cptr);
      return;
    }
    deleteCallerCap(k, t);
    receiveIPC(k, t, cap, blocking);
    return;
  }
  if (cap.type === "notification") {
    const bound = cap.obj.boundTCB;
    if ((cap.rights & CapRight.Read) === 0 || (bound !== null && bound !== t)) {
      recvFault(k, t, cptr);
      return;
    }
    receiveSignal(k, t, cap.obj, blocking);
    return;
  }
  recvFault(k, t, cptr);
}

function handleUnknownSyscall(k: KernelState, t: TCB, id: number): void {
  const capReg = k.params.capRegister;
  switch (id) {
    case Syscall.DebugPutChar:
      k.debugOutput.push(Number(t.context[capReg]! & 0xffn));
      return;
    case Syscall.DebugCapIdentify: {
      const r = lookupSlot(t.ctable.cap, t.context[capReg]!);
      t.context[capReg] = BigInt(r.ok ? capTypeTag(k, r.slot.cap) : 0);
      return;
    }
    case Syscall.VMEnter:
      if (k.arch === "x86_64" && t.vcpu !== null) {
        vmEnter(k, t);
        return;
      }
      handleFault(k, t, { type: "UnknownSyscall", syscall: BigInt.asUintN(64, BigInt(id)) });
      return;
    default:
      handleFault(k, t, { type: "UnknownSyscall", syscall: BigInt.asUintN(64, BigInt(id)) });
  }
}

/** `handleSyscall`: performs one system call of thread `t` (which is the current thread). */
export function handleSyscall(k: KernelState, t: TCB, id: number): void {
  switch (id) {
    case Syscall.Send:
      handleInvocation(k, t, false, true);
      return;
    case Syscall.NBSend:
      handleInvocation(k, t, false, false);
      return;
    case Syscall.Call:
      handleInvocation(k, t, true, true);
      return;
    case Syscall.Recv:
      handleRecv(k, t, true);
      return;
    case Syscall.NBRecv:
      handleRecv(k, t, false);
      return;
    case Syscall.Reply:
      handleReply(k, t);
      return;
    case Syscall.ReplyRecv:
      handleReply(k, t);
      handleRecv(k, t, true);
      return;
    case Syscall.Yield:
      yieldThread(k, t);
      return;
    default:
      handleUnknownSyscall(k, t, id);
      return;
  }
}
