/** Message and capability transfer between threads (§5.4, §5.5). */
import { decodeMessageInfo, messageInfo, seL4_MsgMaxExtraCaps } from "../abi.js";
import { cteInsert, type Slot } from "../cdt.js";
import { deriveCap } from "../cspace/derive.js";
import { lookupSlot, lookupSlotForCNodeOp } from "../cspace/resolve.js";
import { InvocationError } from "../errors.js";
import { faultMessage } from "../fault-messages.js";
import type { Endpoint, TCB } from "../objects/types.js";
import type { KernelState } from "../state.js";
import {
  bufferWord,
  getMR,
  IPCBUF_CAPS,
  IPCBUF_RECEIVE_CNODE,
  ipcBufferPaddr,
  setBufferWord,
  setMR,
  setSyscallResult,
} from "../threads/tcb.js";

/**
 * Looks up the sender's extra caps (`lookupExtraCaps`); returns the failing CPtr on failure.
 */
export function lookupExtraCaps(
  k: KernelState,
  t: TCB,
  buffer: number | null,
  extraCaps: number,
):
  | { ok: true; slots: Slot[] }
  | { ok: false; cptr: bigint; failure: import("../objects/types.js").LookupFailure } {
  const slots: Slot[] = [];
  if (buffer === null) return { ok: true, slots };
  const n = Math.min(extraCaps, seL4_MsgMaxExtraCaps);
  for (let i = 0; i < n; i++) {
    const cptr = bufferWord(k, buffer, IPCBUF_CAPS + i);
    const r = lookupSlot(t.ctable.cap, cptr);
    if (!r.ok) return { ok: false, cptr, failure: r.failure };
    slots.push(r.slot);
  }
  return { ok: true, slots };
}

function getReceiveSlot(k: KernelState, receiver: TCB, buffer: number): Slot | null {
  const cptr = bufferWord(k, buffer, IPCBUF_RECEIVE_CNODE);
  const r = lookupSlot(receiver.ctable.cap, cptr);
  if (!r.ok) return null;
  const index = bufferWord(k, buffer, IPCBUF_RECEIVE_CNODE + 1);
  const depthWord = bufferWord(k, buffer, IPCBUF_RECEIVE_CNODE + 2);
  const depth = depthWord > 64n ? 65 : Number(depthWord);
  try {
    const slot = lookupSlotForCNodeOp(false, r.slot.cap, index, depth);
    return slot.cap.type === "null" ? slot : null;
  } catch (e) {
    if (e instanceof InvocationError) return null;
    throw e;
  }
}

/** `doNormalTransfer`. */
function doNormalTransfer(
  k: KernelState,
  sender: TCB,
  sendBuffer: number | null,
  ep: Endpoint | null,
  badge: bigint,
  canGrant: boolean,
  receiver: TCB,
  recvBuffer: number | null,
): void {
  const tag = decodeMessageInfo(sender.context[k.params.infoRegister]!);
  let caps: Slot[] = [];
  if (canGrant) {
    const r = lookupExtraCaps(k, sender, sendBuffer, tag.extraCaps);
    if (r.ok) caps = r.slots;
  }
  // copyMRs
  const n = tag.length;
  const fast = Math.min(n, 4);
  for (let i = 0; i < fast; i++) setMR(k, receiver, recvBuffer, i, getMR(k, sender, sendBuffer, i));
  let transferred = fast;
  if (sendBuffer !== null && recvBuffer !== null) {
    for (let i = 4; i < n; i++)
      setBufferWord(k, recvBuffer, i + 1, bufferWord(k, sendBuffer, i + 1));
    transferred = n;
  }
  // transferCaps
  let extraCaps = 0;
  let unwrapped = 0;
  if (caps.length > 0 && recvBuffer !== null) {
    let dest = getReceiveSlot(k, receiver, recvBuffer);
    for (const [i, slot] of caps.entries()) {
      const cap = slot.cap;
      if (cap.type === "endpoint" && ep !== null && cap.obj === ep) {
        setBufferWord(k, recvBuffer, IPCBUF_CAPS + i, cap.badge);
        unwrapped |= 1 << i;
      } else {
        if (dest === null) break;
        let derived: ReturnType<typeof deriveCap>;
        try {
          derived = deriveCap(k, slot, cap);
        } catch (e) {
          if (e instanceof InvocationError) break;
          throw e;
        }
        if (derived.type === "null") break;
        cteInsert(derived, slot, dest);
        dest = null;
      }
      extraCaps = i + 1;
    }
  }
  setSyscallResult(k, receiver, badge, messageInfo(tag.label, unwrapped, extraCaps, transferred));
}

/** `doIPCTransfer`: a normal message, or a fault message when the sender has a pending fault. */
export function doIPCTransfer(
  k: KernelState,
  sender: TCB,
  ep: Endpoint | null,
  badge: bigint,
  canGrant: boolean,
  receiver: TCB,
): void {
  const recvBuffer = ipcBufferPaddr(receiver, true);
  if (sender.pendingFault === null) {
    doNormalTransfer(
      k,
      sender,
      ipcBufferPaddr(sender, false),
      ep,
      badge,
      canGrant,
      receiver,
      recvBuffer,
    );
    return;
  }
  const { label, words } = faultMessage(k, sender, sender.pendingFault);
  let length = 0;
  for (const [i, w] of words.entries()) {
    if (i >= 4 && recvBuffer === null) break;
    setMR(k, receiver, recvBuffer, i, w);
    length = i + 1;
  }
  setSyscallResult(k, receiver, badge, messageInfo(label, 0, 0, length));
}
