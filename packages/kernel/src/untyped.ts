/** Untyped_Retype with seL4's check order, watermark, reset and zeroing (§4). */
import { objectSizeBits as sel4ObjectSizeBits } from "@sel4/sel4";
import {
  GenericLabel,
  type ObjectKind,
  objectTypes,
  RETYPE_FAN_OUT_LIMIT,
  seL4_MaxUntypedBits,
  seL4_MinUntypedBits,
} from "./abi.js";
import { hasChildren, insertNewCap, type Slot } from "./cdt.js";
import { cnodeSlot, depthOf, lookupSlotForCNodeOp } from "./cspace/resolve.js";
import { fail } from "./errors.js";
import { arg, type Invocation, type InvocationReply } from "./invocation.js";
import type { Cap, KernelObject, VCPU } from "./objects/types.js";
import type { KernelState } from "./state.js";
import { createTCB } from "./threads/tcb.js";

function isFrameKind(kind: ObjectKind): boolean {
  return kind === "frame4k" || kind === "frame2m" || kind === "frame1g";
}

/** `getObjectSize` for a kind of the kernel's configuration, in log2 bytes. */
export function objectSizeBits(k: KernelState, kind: ObjectKind, userBits: number): number {
  return sel4ObjectSizeBits(k.arch, objectTypes[k.arch].indexOf(kind), userBits)!;
}

/** A new VCPU in its initial state (§4.3). */
export function createVCPU(arch: "aarch64" | "x86_64", paddr: number, sizeBits: number): VCPU {
  const regs = new Array<bigint>(24).fill(0n);
  if (arch === "aarch64") regs[0] = 0x34d5_8820n;
  return {
    kind: "vcpu",
    arch,
    paddr,
    sizeBits,
    live: true,
    tcb: null,
    regs,
    lrs: [0, 0, 0, 0],
    vppiMasked: new Set(),
    vmcs: new Map(),
    guestRegisters: new Array<bigint>(7).fill(0n),
    ioPortsEnabled: new Set(),
  };
}

/** Creates one object of `kind` at `paddr` and returns the cap that names it (`createObject`). */
export function createObject(
  k: KernelState,
  kind: ObjectKind,
  paddr: number,
  userBits: number,
  isDevice: boolean,
): Cap {
  const sizeBits = objectSizeBits(k, kind, userBits);
  let obj: KernelObject;
  let cap: Cap;
  switch (kind) {
    case "untyped":
      return { type: "untyped", paddr, sizeBits, isDevice, freeIndex: 0 };
    case "tcb": {
      const t = createTCB(k, paddr);
      t.replySlot.cap = { type: "reply", tcb: t, master: true, canGrant: true };
      t.replySlot.revocable = true;
      t.replySlot.firstBadged = true;
      obj = t;
      cap = { type: "thread", obj: t };
      break;
    }
    case "endpoint": {
      const ep = {
        kind: "endpoint",
        paddr,
        sizeBits,
        live: true,
        state: "Idle",
        queue: [],
      } as const;
      obj = { ...ep, queue: [] };
      cap = { type: "endpoint", obj: obj as never, badge: 0n, rights: 15 };
      break;
    }
    case "notification": {
      const n = {
        kind: "notification" as const,
        paddr,
        sizeBits,
        live: true,
        state: "Idle" as const,
        word: 0n,
        queue: [],
        boundTCB: null,
      };
      obj = n;
      cap = { type: "notification", obj: n, badge: 0n, rights: 3 };
      break;
    }
    case "cnode": {
      const c = {
        kind: "cnode" as const,
        paddr,
        sizeBits,
        live: true,
        radix: userBits,
        slots: new Map(),
      };
      obj = c;
      cap = { type: "cnode", obj: c, guard: 0n, guardSize: 0 };
      break;
    }
    case "frame4k":
    case "frame2m":
    case "frame1g": {
      const f = { kind: "frame" as const, paddr, sizeBits, live: true, isDevice };
      obj = f;
      cap = { type: "frame", obj: f, rights: "ReadWrite", mapping: null };
      break;
    }
    case "arm_vcpu":
    case "x86_vcpu": {
      const v = createVCPU(kind === "arm_vcpu" ? "aarch64" : "x86_64", paddr, sizeBits);
      obj = v;
      cap = { type: "vcpu", obj: v };
      break;
    }
    default: {
      const t = {
        kind,
        paddr,
        sizeBits,
        live: true,
        entries: new Map(),
        parent: null,
        asid: null,
      };
      obj = t;
      cap = { type: "paging", obj: t, mappedAddress: null, asid: null };
      break;
    }
  }
  k.live.add(obj);
  return cap;
}

/** `decodeUntypedInvocation` + `invokeUntyped_Retype`. */
export function decodeUntypedInvocation(inv: Invocation): InvocationReply {
  const { k } = inv;
  const ut = inv.cap;
  if (ut.type !== "untyped") throw fail.illegalOperation();
  if (inv.label !== GenericLabel.UntypedRetype) throw fail.illegalOperation();
  if (inv.length < 6 || inv.extraCaps.length < 1) throw fail.truncatedMessage();
  const typeWord = arg(inv, 0);
  const userBitsWord = arg(inv, 1);
  const nodeIndex = arg(inv, 2);
  const nodeDepthWord = arg(inv, 3);
  const nodeOffsetWord = arg(inv, 4);
  const numWord = arg(inv, 5);
  const root = inv.extraCaps[0]!.cap;

  const kinds = objectTypes[k.arch];
  if (typeWord >= BigInt(kinds.length)) throw fail.invalidArgument(0);
  const kind = kinds[Number(typeWord)]!;
  if (userBitsWord >= 64n) throw fail.rangeError(0, seL4_MaxUntypedBits);
  const userBits = Number(userBitsWord);
  const objBits = objectSizeBits(k, kind, userBits);
  if (objBits > seL4_MaxUntypedBits) throw fail.rangeError(0, seL4_MaxUntypedBits);
  if (kind === "cnode" && userBits === 0) throw fail.invalidArgument(1);
  if (kind === "untyped" && userBits < seL4_MinUntypedBits) throw fail.invalidArgument(1);

  let nodeCap: Cap;
  if (nodeDepthWord === 0n) {
    nodeCap = root;
  } else {
    const depth = depthOf(nodeDepthWord);
    nodeCap = lookupSlotForCNodeOp(false, root, nodeIndex, depth).cap;
  }
  if (nodeCap.type !== "cnode") {
    const bitsLeft = nodeDepthWord > 64n ? 65 : Number(nodeDepthWord);
    throw fail.failedLookup(false, { type: "MissingCapability", bitsLeft });
  }
  const slots = 2 ** nodeCap.obj.radix;
  if (nodeOffsetWord > BigInt(slots - 1)) throw fail.rangeError(0, slots - 1);
  const offset = Number(nodeOffsetWord);
  if (numWord < 1n || numWord > BigInt(RETYPE_FAN_OUT_LIMIT))
    throw fail.rangeError(1, RETYPE_FAN_OUT_LIMIT);
  const num = Number(numWord);
  if (num > slots - offset) throw fail.rangeError(1, slots - offset);
  const destSlots: Slot[] = [];
  for (let i = 0; i < num; i++) {
    const s = cnodeSlot(nodeCap.obj, offset + i);
    if (s.cap.type !== "null") throw fail.deleteFirst();
    destSlots.push(s);
  }
  const reset = !hasChildren(inv.slot);
  const watermark = reset ? 0 : ut.freeIndex;
  const freeBytes = 2 ** ut.sizeBits - watermark;
  if (Math.floor(freeBytes / 2 ** objBits) < num) throw fail.notEnoughMemory(freeBytes);
  if (ut.isDevice && !isFrameKind(kind) && kind !== "untyped") throw fail.invalidArgument(1);

  // Perform.
  if (reset && !ut.isDevice && ut.freeIndex > 0) k.mem.zero(ut.paddr, ut.freeIndex);
  const objSize = 2 ** objBits;
  const base = Math.ceil((ut.paddr + watermark) / objSize) * objSize;
  ut.freeIndex = base + num * objSize - ut.paddr;
  for (let i = 0; i < num; i++) {
    const cap = createObject(k, kind, base + i * objSize, userBits, ut.isDevice);
    insertNewCap(inv.slot, destSlots[i]!, cap);
  }
  return undefined;
}
