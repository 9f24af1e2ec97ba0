/** ASIDControl_MakePool and ASIDPool_Assign, both architectures (§7.4, §7.5). */
import { ASID_POOL_SIZE } from "../abi.js";
import { hasChildren, insertNewCap } from "../cdt.js";
import { depthOf, lookupSlotForCNodeOp } from "../cspace/resolve.js";
import { fail } from "../errors.js";
import { arg, type Invocation, type InvocationReply } from "../invocation.js";
import type { ASIDPool } from "../objects/types.js";

/** `decodeARMASIDControlInvocation` / x86 equivalent (MakePool). */
export function makePool(inv: Invocation): InvocationReply {
  const { k } = inv;
  if (inv.length < 2 || inv.extraCaps.length < 2) throw fail.truncatedMessage();
  const index = k.asidTable.indexOf(null);
  if (index < 0) throw fail.deleteFirst();
  const utSlot = inv.extraCaps[0]!;
  const ut = utSlot.cap;
  if (ut.type !== "untyped" || ut.sizeBits !== 12 || ut.isDevice) throw fail.invalidCapability(1);
  if (hasChildren(utSlot)) throw fail.revokeFirst();
  const dest = lookupSlotForCNodeOp(
    false,
    inv.extraCaps[1]!.cap,
    arg(inv, 0),
    depthOf(arg(inv, 1)),
  );
  if (dest.cap.type !== "null") throw fail.deleteFirst();
  ut.freeIndex = 2 ** ut.sizeBits;
  k.mem.zero(ut.paddr, 2 ** ut.sizeBits);
  const pool: ASIDPool = {
    kind: "asid_pool",
    paddr: ut.paddr,
    sizeBits: 12,
    live: true,
    base: index * ASID_POOL_SIZE,
    entries: new Map(),
  };
  k.live.add(pool);
  k.asidTable[index] = pool;
  insertNewCap(utSlot, dest, { type: "asid_pool", obj: pool });
  return undefined;
}

/** `ASIDPool_Assign`. */
export function assignASID(inv: Invocation): InvocationReply {
  const { k } = inv;
  if (inv.cap.type !== "asid_pool") throw fail.illegalOperation();
  const pool = inv.cap.obj;
  if (inv.extraCaps.length < 1) throw fail.truncatedMessage();
  const vsSlot = inv.extraCaps[0]!;
  const vs = vsSlot.cap;
  const okKind =
    vs.type === "paging" &&
    (k.arch === "aarch64"
      ? vs.obj.kind === "arm_vspace"
      : vs.obj.kind === "x86_pml4" || vs.obj.kind === "ept_pml4");
  if (!okKind || vs.type !== "paging" || vs.asid !== null) throw fail.invalidCapability(1);
  const installed = k.asidTable[pool.base / ASID_POOL_SIZE];
  if (!installed) throw fail.failedLookup(false, { type: "InvalidRoot" });
  if (installed !== pool) throw fail.invalidCapability(0);
  let free = -1;
  for (let i = pool.base === 0 ? 1 : 0; i < ASID_POOL_SIZE; i++) {
    if (!pool.entries.has(i)) {
      free = i;
      break;
    }
  }
  if (free < 0) throw fail.deleteFirst();
  const asid = pool.base + free;
  pool.entries.set(free, vs.obj);
  vs.obj.asid = asid;
  vsSlot.cap = { ...vs, asid };
  return undefined;
}
